package delivery

import "github.com/agora-formation/agora/dictionary"

// MaskNIRs hides, in a value about to be stored in quarantine or shown, any
// run of 13 or of 15 or more characters that could be a NIR (digits, and A or B
// for Corsica), whatever its column: a partner may put a NIR where it does not
// belong. Runs of exactly 14 digits are SIRETs and are kept, so that a bad
// SIRET stays readable in quarantine. A NIR written in groups, the usual way
// (« 2 95 10 99 126 111 93 », or with dots or dashes), is hidden too when its
// key is correct (see EachSeparatedNIR): checking the key keeps phone numbers,
// dates and amounts readable. Each hidden character becomes '*' and the
// separators stay: the length, in bytes and in characters, is kept.
func MaskNIRs(s string) string {
	var out []byte
	mask := func(i int) {
		if out == nil {
			out = []byte(s)
		}
		out[i] = '*'
	}
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		if n := end - start; n == 13 || n >= 15 {
			for i := start; i < end; i++ {
				mask(i)
			}
		}
		start = -1
	}
	for i := 0; i < len(s); i++ {
		if nirChar(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	EachSeparatedNIR(s, func(pos []int) {
		for _, i := range pos {
			mask(i)
		}
	})
	if out == nil {
		return s
	}
	return string(out)
}

// ContainsSeparatedNIR reports whether s holds a NIR with a correct key
// written in groups (see EachSeparatedNIR).
func ContainsSeparatedNIR(s string) bool {
	found := false
	EachSeparatedNIR(s, func([]int) { found = true })
	return found
}

// EachSeparatedNIR calls fn with the byte positions of the 15 characters of
// each NIR of s written in two or more groups: runs of digits (and Corsican
// A/B) separated by exactly one space, no-break space, dot or dash, as in
// « 2 95 10 99 126 111 93 », « 2.95.10.99.126.111.93 » or « 2951099126111 93 ».
// A NIR starts at the start of a group and ends at the end of one, and its key
// must be correct (dictionary.ValidNIR, Corsican letters in either case): a
// group of digits cut in the middle, or a wrong key, is not taken for a NIR.
// Overlapping NIRs are all reported.
func EachSeparatedNIR(s string, fn func(pos []int)) {
	// A NIR has at least 14 digits (2A or 2B replace one): most free text has
	// fewer, and is passed over without looking for groups.
	digits := 0
	for i := 0; i < len(s) && digits < 14; i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits < 14 {
		return
	}
	type group struct{ start, end int }
	var chain []group
	check := func() {
		if len(chain) < 2 {
			return
		}
		for i := range chain {
			n := 0
			for j := i; j < len(chain) && n < 15; j++ {
				n += chain[j].end - chain[j].start
				if n != 15 || j == i {
					continue
				}
				var nir [15]byte
				m := 0
				for _, g := range chain[i : j+1] {
					for k := g.start; k < g.end; k++ {
						nir[m] = upper(s[k])
						m++
					}
				}
				if !dictionary.ValidNIR(string(nir[:])) {
					continue
				}
				pos := make([]int, 0, 15) // only for a NIR found
				for _, g := range chain[i : j+1] {
					for k := g.start; k < g.end; k++ {
						pos = append(pos, k)
					}
				}
				fn(pos)
			}
		}
	}
	for i := 0; i < len(s); {
		if !nirChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && nirChar(s[j]) {
			j++
		}
		if len(chain) > 0 && !separator(s[chain[len(chain)-1].end:i]) {
			check()
			chain = chain[:0]
		}
		chain = append(chain, group{i, j})
		i = j
	}
	check()
}

// separator reports whether s, found between two groups of a NIR, is one of
// the separators people write in it.
func separator(s string) bool {
	switch s {
	case " ", ".", "-", "\u00a0", "\u202f":
		return true
	}
	return false
}

// nirChar reports whether c may be part of a NIR: a digit, or a Corsican A or B.
func nirChar(c byte) bool {
	return c >= '0' && c <= '9' || c == 'A' || c == 'B' || c == 'a' || c == 'b'
}

func upper(c byte) byte {
	if c == 'a' || c == 'b' {
		return c - 'a' + 'A'
	}
	return c
}
