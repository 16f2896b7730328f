package usage

import (
	"runtime"
	"testing"
	"time"
)

var sink []byte

func TestCPUTimeGrows(t *testing.T) {
	before := CPUTime()
	deadline := time.Now().Add(50 * time.Millisecond)
	n := 0
	for time.Now().Before(deadline) {
		n++
	}
	if after := CPUTime(); after <= before {
		t.Errorf("CPU time did not grow over a busy loop of %d turns: %v then %v", n, before, after)
	}
}

func TestPeakRSSSeesAnAllocation(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmHWM is Linux's")
	}
	ResetPeak()
	before := PeakRSS()
	if before <= 0 {
		t.Fatalf("PeakRSS = %d", before)
	}
	sink = make([]byte, 64<<20)
	for i := range sink { // touch every page: resident
		sink[i] = 1
	}
	if after := PeakRSS(); after < before+60<<20 {
		t.Errorf("peak %d then %d after touching 64 MiB", before, after)
	}
	sink = nil
}
