// Package usage reads what the current process has used of the machine: CPU
// time and peak resident memory. The benchmarks report them next to wall
// time, because on a machine shared with other work CPU time says more.
package usage

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPUTime returns the CPU time (user + system, every thread) the process has
// used so far; 0 if the system cannot tell.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// PeakRSS returns the peak resident memory of the process (VmHWM), in bytes;
// 0 outside Linux.
func PeakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// ResetPeak resets the peak resident memory to the current resident memory,
// so that PeakRSS measures one stage (Linux; elsewhere it does nothing).
func ResetPeak() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }
