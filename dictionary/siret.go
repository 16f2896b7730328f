package dictionary

// laPosteSIREN is the SIREN of La Poste, whose establishments' SIRETs do not follow
// the Luhn rule: the sum of their 14 digits is a multiple of 5 instead.
const laPosteSIREN = "356000000"

// ValidSIRET checks a SIRET: 14 digits passing the Luhn check, or for La Poste
// (SIREN 356000000) a digit sum that is a multiple of 5.
func ValidSIRET(s string) bool {
	if len(s) != 14 {
		return false
	}
	for i := 0; i < 14; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	if s[:9] == laPosteSIREN {
		sum := 0
		for i := 0; i < 14; i++ {
			sum += int(s[i] - '0')
		}
		if sum%5 == 0 {
			return true
		}
	}
	return luhn(s)
}

func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// LuhnComplete appends to a string of digits the check digit that makes it pass
// the Luhn check. The generator uses it to build valid SIRENs and SIRETs.
func LuhnComplete(prefix string) string {
	for d := byte('0'); d <= '9'; d++ {
		if s := prefix + string(d); luhn(s) {
			return s
		}
	}
	panic("unreachable")
}

// fictitiousSIRET builds a valid SIRET from a number (SIREN body of 8 digits, NIC 0001x).
func fictitiousSIRET(n int) string {
	body := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		body[i] = byte('0' + n%10)
		n /= 10
	}
	siren := LuhnComplete(string(body))
	return LuhnComplete(siren + "0001")
}
