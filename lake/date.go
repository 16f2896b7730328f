package lake

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Date is a calendar day, written as a Parquet DATE (days since 1970-01-01)
// when a field of this type is tagged "date":
//
//	Debut Date  `parquet:"date_debut,date"`
//	Fin   *Date `parquet:"date_fin,optional,date"` // nil → NULL
//
// Rows use Date rather than time.Time because parquet-go v0.32 writes
// time.Time fields tagged "date" as garbage on its fast path (nanoseconds
// truncated to 32 bits); CreateParquet and NewWriter refuse such fields.
type Date int32

// DateOf returns the calendar day of t, in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// NewDate returns the given day; out-of-range values normalise as in time.Date.
func NewDate(year int, month time.Month, day int) Date {
	return Date(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String returns the day as AAAA-MM-JJ.
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

var timeType = reflect.TypeFor[time.Time]()

// checkTimeTags refuses time.Time fields tagged "date" anywhere in t.
func checkTimeTags(t reflect.Type, seen map[reflect.Type]bool) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType || seen[t] {
		return nil
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft == timeType {
			opts := strings.Split(f.Tag.Get("parquet"), ",")
			for _, o := range opts[min(1, len(opts)):] {
				if o == "date" {
					return fmt.Errorf("lake : champ %s.%s : time.Time avec l'option date est mal écrit par parquet-go ; utilisez lake.Date (ou *lake.Date)", t.Name(), f.Name)
				}
			}
			continue
		}
		if err := checkTimeTags(f.Type, seen); err != nil {
			return err
		}
	}
	return nil
}
