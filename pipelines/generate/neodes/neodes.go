// Package neodes writes DSN declarations in the NEODeS text format: one rubric
// per line, CODE,'value', dates JJMMAAAA and decimals with a dot
// (dictionary.md section 1.6). It writes; the reader lives with the landing
// pipelines.
package neodes

import "strconv"

// Date is a civil date.
type Date struct{ Year, Month, Day int }

// Writer appends rubrics to Buf and counts them.
type Writer struct {
	Buf   []byte
	CRLF  bool
	Lines int
}

// Reset empties the writer, keeping its buffer.
func (w *Writer) Reset() {
	w.Buf = w.Buf[:0]
	w.Lines = 0
}

func (w *Writer) end() {
	if w.CRLF {
		w.Buf = append(w.Buf, '\r', '\n')
	} else {
		w.Buf = append(w.Buf, '\n')
	}
	w.Lines++
}

func (w *Writer) open(code string) {
	w.Buf = append(w.Buf, code...)
	w.Buf = append(w.Buf, ',', '\'')
}

// Rubric writes CODE,'value'.
func (w *Writer) Rubric(code, value string) {
	w.open(code)
	w.Buf = append(w.Buf, value...)
	w.Buf = append(w.Buf, '\'')
	w.end()
}

// Raw writes a line as it is (a malformed line, on purpose).
func (w *Writer) Raw(line string) {
	w.Buf = append(w.Buf, line...)
	w.end()
}

// Int writes an integer rubric.
func (w *Writer) Int(code string, n int) {
	w.open(code)
	w.Buf = strconv.AppendInt(w.Buf, int64(n), 10)
	w.Buf = append(w.Buf, '\'')
	w.end()
}

// Date writes a JJMMAAAA rubric.
func (w *Writer) Date(code string, d Date) {
	w.open(code)
	w.Buf = appendDate(w.Buf, d)
	w.Buf = append(w.Buf, '\'')
	w.end()
}

// Hundredths writes a decimal kept in hundredths (hours, euros): 151.67.
func (w *Writer) Hundredths(code string, n int64) {
	w.open(code)
	if n < 0 {
		w.Buf = append(w.Buf, '-')
		n = -n
	}
	w.Buf = strconv.AppendInt(w.Buf, n/100, 10)
	w.Buf = append(w.Buf, '.', byte('0'+n%100/10), byte('0'+n%10))
	w.Buf = append(w.Buf, '\'')
	w.end()
}

func appendDate(b []byte, d Date) []byte {
	return append(b,
		byte('0'+d.Day/10), byte('0'+d.Day%10),
		byte('0'+d.Month/10), byte('0'+d.Month%10),
		byte('0'+d.Year/1000), byte('0'+d.Year/100%10), byte('0'+d.Year/10%10), byte('0'+d.Year%10))
}

// Declaration natures (S20.G00.05.001) and types (S20.G00.05.002).
const (
	NatureMonthly  = "01" // DSN mensuelle
	NatureEndEvent = "04" // signalement fin du contrat de travail (event report)

	TypeNormal          = "01"
	TypeNothing         = "02" // normale néant
	TypeCancelReplace   = "03"
	TypeCancel          = "04"
	TypeCancelReplaceNo = "05" // annule et remplace néant
)

// Declaration is the head of a declaration: sender, declaration, company and establishment.
type Declaration struct {
	Software string
	SIREN    string
	NIC      string // establishment
	HeadNIC  string // head office
	APEN     string // company activity
	APET     string // establishment activity
	Name     string
	Nature   string
	Type     string
	Order    int
	Month    Date // day ignored: written 01MMAAAA
	FileDate Date
}

// Header writes the S10 (sender), S20 (declaration), S21.G00.06 (company) and
// S21.G00.11 (establishment) blocks.
func (w *Writer) Header(d *Declaration) {
	w.Rubric("S10.G00.00.001", d.Software)
	w.Rubric("S10.G00.00.002", "agora")
	w.Rubric("S10.G00.00.003", "1.0")
	w.Rubric("S10.G00.00.005", "02")
	w.Rubric("S10.G00.00.006", "P25V01")
	w.Rubric("S10.G00.00.008", "01")
	w.Rubric("S10.G00.01.001", d.SIREN)
	w.Rubric("S10.G00.01.002", d.HeadNIC)
	w.Rubric("S10.G00.01.003", d.Name)
	w.Rubric("S20.G00.05.001", d.Nature)
	w.Rubric("S20.G00.05.002", d.Type)
	w.Rubric("S20.G00.05.003", "11")
	w.Int("S20.G00.05.004", d.Order)
	w.Date("S20.G00.05.005", Date{d.Month.Year, d.Month.Month, 1})
	w.Date("S20.G00.05.007", d.FileDate)
	w.Rubric("S20.G00.05.008", "01")
	w.Rubric("S20.G00.05.010", "01")
	w.Rubric("S21.G00.06.001", d.SIREN)
	w.Rubric("S21.G00.06.002", d.HeadNIC)
	w.Rubric("S21.G00.06.003", d.APEN)
	w.Rubric("S21.G00.11.001", d.NIC)
	w.Rubric("S21.G00.11.002", d.APET)
}

// Employee opens an employee block (S21.G00.30).
type Employee struct {
	NIR        string
	Surname    string
	FirstNames string
	Sex        string // 01 man, 02 woman
	Birth      Date
}

// Employee writes the S21.G00.30 block.
func (w *Writer) Employee(e *Employee) {
	w.Rubric("S21.G00.30.001", e.NIR)
	w.Rubric("S21.G00.30.002", e.Surname)
	w.Rubric("S21.G00.30.004", e.FirstNames)
	w.Rubric("S21.G00.30.005", e.Sex)
	w.Date("S21.G00.30.006", e.Birth)
}

// Contract is a work contract (S21.G00.40) and, when it ended in the month, its
// end (S21.G00.62).
type Contract struct {
	Start      Date
	Nature     string
	Number     string
	JobTitle   string
	PlannedEnd Date  // zero when none
	Quotity    int64 // monthly hours of the contract, in hundredths
	End        Date  // zero when the contract goes on
	EndReason  string
}

// Contract writes the S21.G00.40 block and, when End is set, the S21.G00.62 block.
func (w *Writer) Contract(c *Contract) {
	w.Date("S21.G00.40.001", c.Start)
	w.Rubric("S21.G00.40.002", "01")
	w.Rubric("S21.G00.40.006", c.JobTitle)
	w.Rubric("S21.G00.40.007", c.Nature)
	w.Rubric("S21.G00.40.009", c.Number)
	if c.PlannedEnd != (Date{}) {
		w.Date("S21.G00.40.010", c.PlannedEnd)
	}
	w.Rubric("S21.G00.40.011", "10")
	w.Hundredths("S21.G00.40.012", 15167)
	w.Hundredths("S21.G00.40.013", c.Quotity)
	if c.End != (Date{}) {
		w.Date("S21.G00.62.001", c.End)
		w.Rubric("S21.G00.62.002", c.EndReason)
	}
}

// Payment writes the S21.G00.50 block (individual payment).
func (w *Writer) Payment(paid Date, net int64) {
	w.Date("S21.G00.50.001", paid)
	w.Hundredths("S21.G00.50.002", net)
	w.Rubric("S21.G00.50.004", "1")
}

// Remuneration is an S21.G00.51 block, linked to its contract by number.
type Remuneration struct {
	From, To Date
	Contract string
	Hours    int64 // hundredths; negative when not declared
	Amount   int64 // cents
}

// Remuneration writes the S21.G00.51 block.
func (w *Writer) Remuneration(r *Remuneration) {
	w.Date("S21.G00.51.001", r.From)
	w.Date("S21.G00.51.002", r.To)
	w.Rubric("S21.G00.51.010", r.Contract)
	w.Rubric("S21.G00.51.011", "002")
	if r.Hours >= 0 {
		w.Hundredths("S21.G00.51.012", r.Hours)
	}
	w.Hundredths("S21.G00.51.013", r.Amount)
}

// Footer writes the S90 block; before is the number of rubrics already in the
// file, the total written in S90.G00.90.001 includes the footer's own two.
func (w *Writer) Footer(before int) {
	w.Int("S90.G00.90.001", before+2)
	w.Rubric("S90.G00.90.002", "1")
}
