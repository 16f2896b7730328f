package warehouse

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Bounds of a memory limit agora accepts. Below minMemoryBytes DuckDB fails
// at its first query with an out-of-memory error; above maxMemoryBytes the
// value is a typing mistake (DuckDB itself refuses a value past 2^64 bytes).
const (
	minMemoryBytes = 100e6 // 100 MB
	maxMemoryBytes = 1e15  // 1 000 TB
)

// memoryUnits maps the units a user may write, in lower case, to DuckDB's
// (decimal multiples, as DuckDB reads "GB": 1 GB = 10^9 bytes). The French
// octet units (Mo, Go, To) mean the same as the English byte units.
var memoryUnits = map[string]struct {
	duckdb string
	bytes  float64
}{
	"mb": {"MB", 1e6}, "mo": {"MB", 1e6},
	"gb": {"GB", 1e9}, "go": {"GB", 1e9},
	"tb": {"TB", 1e12}, "to": {"TB", 1e12},
}

// MemoryLimitError is a memory limit agora does not accept; its message,
// in French, says what to write instead.
type MemoryLimitError struct {
	Value    string // as the user wrote it
	TooSmall bool   // well-formed, but below what DuckDB needs
}

func (e *MemoryLimitError) Error() string {
	if e.TooSmall {
		return fmt.Sprintf("valeur de --memoire trop petite : « %s » ; DuckDB a besoin d'au moins 100Mo, écrivez par exemple 8GB, 8Go ou 512Mo", e.Value)
	}
	return fmt.Sprintf("valeur de --memoire invalide : « %s » ; écrivez par exemple 8GB, 8Go ou 512Mo", e.Value)
}

// ParseMemoryLimit checks a memory size as a French user writes it and
// returns it in DuckDB's syntax: a number, with a decimal point or comma,
// then a unit among MB, GB, TB or their French names Mo, Go, To, in any
// case, with or without spaces between ("8Go", "8 go", "1,5Go", "512MB").
// It returns "8GB", "1.5GB", "512MB". An empty (or blank) s stands for the
// default and is returned empty. Anything else — a bare number, binary units
// (GiB, Gio), percentages, a size under 100 MB — is a *MemoryLimitError,
// so that DuckDB never sees a value it would refuse in English, or accept
// and then fail with.
func ParseMemoryLimit(s string) (string, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return "", nil
	}
	// Split at the end of the number: digits, then at most one decimal
	// mark followed by digits.
	i := 0
	for i < len(v) && isDigit(v[i]) {
		i++
	}
	intPart := v[:i]
	fracPart := ""
	if i < len(v) && (v[i] == '.' || v[i] == ',') {
		j := i + 1
		for j < len(v) && isDigit(v[j]) {
			j++
		}
		fracPart, i = v[i+1:j], j
		if fracPart == "" {
			return "", &MemoryLimitError{Value: s}
		}
	}
	if intPart == "" {
		return "", &MemoryLimitError{Value: s}
	}
	// Spaces between number and unit, including the no-break spaces of
	// French typography ("8 Go" copied from a document).
	unit := strings.TrimLeftFunc(v[i:], unicode.IsSpace)
	u, ok := memoryUnits[strings.ToLower(unit)]
	if !ok {
		return "", &MemoryLimitError{Value: s}
	}
	number := intPart
	if fracPart != "" {
		number += "." + fracPart
	}
	n, err := strconv.ParseFloat(number, 64)
	if err != nil || n*u.bytes > maxMemoryBytes {
		return "", &MemoryLimitError{Value: s}
	}
	if n*u.bytes < minMemoryBytes {
		return "", &MemoryLimitError{Value: s, TooSmall: true}
	}
	return number + u.duckdb, nil
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
