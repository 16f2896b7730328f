package delivery

// MaskNIRs hides, in a value about to be stored in quarantine or shown, any
// run of 13 or of 15 or more characters that could be a NIR (digits, and A or B
// for Corsica), whatever its column: a partner may put a NIR where it does not
// belong. Runs of exactly 14 digits are SIRETs and are kept, so that a bad
// SIRET stays readable in quarantine. Each hidden character becomes '*': the
// length, in bytes and in characters, is kept.
func MaskNIRs(s string) string {
	var out []byte
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		if n := end - start; n == 13 || n >= 15 {
			if out == nil {
				out = []byte(s)
			}
			for i := start; i < end; i++ {
				out[i] = '*'
			}
		}
		start = -1
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c == 'A' || c == 'B' || c == 'a' || c == 'b' {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	if out == nil {
		return s
	}
	return string(out)
}
