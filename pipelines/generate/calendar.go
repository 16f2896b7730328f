package generate

// Calendar arithmetic on plain integers: the generator handles hundreds of
// millions of dates, so it avoids time.Time on its hot paths.

// Day is a civil date, counted in days since 1970-01-01.
type Day int32

// Month is a calendar month, counted as year*12 + month-1.
type Month int32

// DayOf returns the Day of a civil date (proleptic Gregorian calendar).
func DayOf(y, m, d int) Day {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Day(era*146097 + doe - 719468)
}

// Civil returns the year, month and day of d.
func (d Day) Civil() (y, m, dd int) {
	z := int(d) + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, dd
}

// Month returns the month of d.
func (d Day) Month() Month {
	y, m, _ := d.Civil()
	return MonthOf(y, m)
}

// Year returns the year of d.
func (d Day) Year() int {
	y, _, _ := d.Civil()
	return y
}

// MonthOf returns the Month of a year and month (1-12).
func MonthOf(y, m int) Month { return Month(y*12 + m - 1) }

// Civil returns the year and month (1-12) of m.
func (m Month) Civil() (y, mm int) { return int(m) / 12, int(m)%12 + 1 }

// First returns the first day of m.
func (m Month) First() Day {
	y, mm := m.Civil()
	return DayOf(y, mm, 1)
}

// Last returns the last day of m.
func (m Month) Last() Day { return (m + 1).First() - 1 }

// Days returns the number of days in m.
func (m Month) Days() int { return int((m + 1).First() - m.First()) }

// Year returns the year of m.
func (m Month) Year() int { return int(m) / 12 }

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10%10), byte('0'+n%10)) }

func append4(b []byte, n int) []byte {
	return append(b, byte('0'+n/1000%10), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}

// appendISO writes AAAA-MM-JJ.
func appendISO(b []byte, d Day) []byte {
	y, m, dd := d.Civil()
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	return append2(b, dd)
}

// appendFR writes JJ/MM/AAAA.
func appendFR(b []byte, d Day) []byte {
	y, m, dd := d.Civil()
	b = append2(b, dd)
	b = append(b, '/')
	b = append2(b, m)
	b = append(b, '/')
	return append4(b, y)
}

// appendCompact writes AAAAMMJJ (file names).
func appendCompact(b []byte, d Day) []byte {
	y, m, dd := d.Civil()
	return append2(append2(append4(b, y), m), dd)
}

// appendMonth writes AAAA-MM.
func appendMonth(b []byte, m Month) []byte {
	y, mm := m.Civil()
	return append2(append(append4(b, y), '-'), mm)
}

// appendTimestamp writes AAAA-MM-JJTHH:MM:SS for a day and a second of that day.
func appendTimestamp(b []byte, d Day, sec int) []byte {
	b = appendISO(b, d)
	b = append(b, 'T')
	b = append2(b, sec/3600)
	b = append(b, ':')
	b = append2(b, sec/60%60)
	b = append(b, ':')
	return append2(b, sec%60)
}

// ParseMonth reads AAAA-MM.
func ParseMonth(s string) (Month, bool) {
	if len(s) != 7 || s[4] != '-' {
		return 0, false
	}
	y, m := 0, 0
	for i, c := range []byte(s) {
		if i == 4 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		if i < 4 {
			y = y*10 + int(c-'0')
		} else {
			m = m*10 + int(c-'0')
		}
	}
	if m < 1 || m > 12 || y < 1900 {
		return 0, false
	}
	return MonthOf(y, m), true
}

// String writes AAAA-MM.
func (m Month) String() string { return string(appendMonth(nil, m)) }

// String writes AAAA-MM-JJ.
func (d Day) String() string { return string(appendISO(nil, d)) }
