package dsn

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/agora-formation/agora/pipelines/delivery"
)

// discard counts what the parser emits.
type discard struct{ rows, bads int }

func (d *discard) Row(*Declaration, int64, []string) { d.rows++ }
func (d *discard) BadLine(int64, string)             { d.bads++ }
func (d *discard) Declaration(*Declaration)          {}

// declaration builds a realistic monthly declaration of n employees with one
// or two contracts each, in the rubric layout payroll software writes.
func declaration(n int) []byte {
	var b bytes.Buffer
	b.WriteString("S10.G00.00.001,'Logiciel de paie'\r\nS10.G00.00.002,'Éditeur'\r\nS10.G00.00.003,'1.0'\r\n")
	b.WriteString("S20.G00.05.001,'01'\r\nS20.G00.05.002,'01'\r\nS20.G00.05.003,'11'\r\nS20.G00.05.004,'1'\r\nS20.G00.05.005,'01032024'\r\nS20.G00.05.007,'05042024'\r\nS20.G00.05.010,'01'\r\n")
	b.WriteString("S21.G00.06.001,'123456782'\r\nS21.G00.06.002,'00010'\r\nS21.G00.06.003,'4711D'\r\nS21.G00.06.004,'1 RUE DE LA PAIX'\r\nS21.G00.06.005,'75002'\r\nS21.G00.06.006,'PARIS'\r\n")
	b.WriteString("S21.G00.11.001,'00010'\r\nS21.G00.11.002,'4711F'\r\nS21.G00.11.003,'1 RUE DE LA PAIX'\r\nS21.G00.11.004,'75002'\r\nS21.G00.11.005,'PARIS'\r\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "S21.G00.30.001,'2951099126111%02d'\r\nS21.G00.30.002,'NOM%d'\r\nS21.G00.30.004,'Prénom'\r\nS21.G00.30.006,'01011990'\r\nS21.G00.30.007,'2'\r\nS21.G00.30.008,'1 RUE DU MOULIN'\r\nS21.G00.30.009,'69001'\r\nS21.G00.30.010,'LYON'\r\n", i%97, i)
		contracts := 1 + i%2
		for c := 0; c < contracts; c++ {
			fmt.Fprintf(&b, "S21.G00.40.001,'01012024'\r\nS21.G00.40.002,'01'\r\nS21.G00.40.003,'10'\r\nS21.G00.40.004,'10'\r\nS21.G00.40.006,'VENDEUR'\r\nS21.G00.40.007,'0%d'\r\nS21.G00.40.008,'01'\r\nS21.G00.40.009,'C%05d'\r\nS21.G00.40.010,'30062024'\r\nS21.G00.40.011,'10'\r\nS21.G00.40.012,'151.67'\r\nS21.G00.40.013,'151.67'\r\nS21.G00.40.014,'10'\r\nS21.G00.40.016,'99'\r\n", 1+c, c)
		}
		b.WriteString("S21.G00.50.001,'31032024'\r\nS21.G00.50.002,'1850.00'\r\nS21.G00.50.004,'1500.00'\r\n")
		for c := 0; c < contracts; c++ {
			fmt.Fprintf(&b, "S21.G00.51.001,'01032024'\r\nS21.G00.51.002,'31032024'\r\nS21.G00.51.010,'C%05d'\r\nS21.G00.51.011,'002'\r\nS21.G00.51.012,'151.67'\r\nS21.G00.51.013,'1850.00'\r\n", c)
		}
		b.WriteString("S21.G00.78.001,'02'\r\nS21.G00.78.002,'01032024'\r\nS21.G00.78.003,'31032024'\r\nS21.G00.78.004,'1850.00'\r\n")
	}
	b.WriteString("S90.G00.90.001,'1000'\r\nS90.G00.90.002,'1'\r\n")
	return b.Bytes()
}

// BenchmarkParse reports NEODeS parsing speed in MB/s (one core).
func BenchmarkParse(b *testing.B) {
	data := declaration(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	h := &discard{}
	p := NewParser(bytes.NewReader(nil), h)
	for b.Loop() {
		p.Reset(bytes.NewReader(data), h)
		if _, err := p.Parse(); err != nil {
			b.Fatal(err)
		}
	}
	if h.bads != 0 {
		b.Fatalf("%d bad lines", h.bads)
	}
	b.ReportMetric(float64(h.rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkParseWindows1252 is BenchmarkParse through the Windows-1252
// decoder, as landing reads such files.
func BenchmarkParseWindows1252(b *testing.B) {
	data := bytes.ReplaceAll(declaration(20000), []byte("é"), []byte{0xE9})
	b.SetBytes(int64(len(data)))
	h := &discard{}
	p := NewParser(bytes.NewReader(nil), h)
	for b.Loop() {
		p.Reset(delivery.NewDecoder(bytes.NewReader(data), delivery.Windows1252), h)
		if _, err := p.Parse(); err != nil {
			b.Fatal(err)
		}
	}
}
