package runner

import (
	"strings"
	"unicode"
)

// token is a lexical unit of SQL: what the dependency finder needs, no more.
type token struct {
	kind byte   // 'i' identifier or keyword, 'q' quoted identifier, 's' string, 'p' punctuation, 'n' number
	text string // identifiers are lower-cased; punctuation is one character
}

// tokenize splits SQL into tokens, dropping comments and whitespace. It never
// fails: an unterminated string or comment simply runs to the end.
func tokenize(src string) []token {
	var out []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				i = len(src)
			} else {
				i += end + 4
			}
		case c == '\'' || c == '"':
			j := i + 1
			var b strings.Builder
			for j < len(src) {
				if src[j] == c {
					if j+1 < len(src) && src[j+1] == c { // doubled quote
						b.WriteByte(c)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(src[j])
				j++
			}
			kind := byte('s')
			text := b.String()
			if c == '"' {
				kind = 'q'
				text = strings.ToLower(text)
			}
			out = append(out, token{kind, text})
			i = j + 1
		case c == '_' || unicode.IsLetter(rune(c)) || c >= 0x80:
			j := i
			for j < len(src) && (src[j] == '_' || src[j] == '$' || src[j] >= 0x80 ||
				unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j]))) {
				j++
			}
			out = append(out, token{'i', strings.ToLower(src[i:j])})
			i = j
		case unicode.IsDigit(rune(c)):
			j := i
			for j < len(src) && (unicode.IsDigit(rune(src[j])) || src[j] == '.') {
				j++
			}
			out = append(out, token{'n', src[i:j]})
			i = j
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			out = append(out, token{'p', string(c)})
			i++
		}
	}
	return out
}

// clauseEnd are the keywords that end a FROM clause at its own depth.
var clauseEnd = map[string]bool{
	"where": true, "group": true, "having": true, "qualify": true, "window": true,
	"order": true, "limit": true, "offset": true, "union": true, "except": true,
	"intersect": true, "select": true, "returning": true,
}

// relations returns the relation names a query reads: the names that follow
// FROM or JOIN, and those after a comma inside a FROM clause. A name followed
// by "(" is a table function and is skipped; a qualified name a.b yields b.
// Names come out lower-cased, in order of first appearance, without duplicates.
func relations(src string) []string {
	toks := tokenize(src)
	var out []string
	seen := map[string]bool{}
	depth := 0
	fromDepth := -1 // depth of the FROM clause we are in, -1 when none
	take := func(i int) {
		// toks[i] should start a relation name.
		if i >= len(toks) || (toks[i].kind != 'i' && toks[i].kind != 'q') {
			return
		}
		if toks[i].kind == 'i' && (toks[i].text == "lateral" || toks[i].text == "only") {
			i++
			if i >= len(toks) || (toks[i].kind != 'i' && toks[i].kind != 'q') {
				return
			}
		}
		name := toks[i].text
		for i+2 < len(toks) && toks[i+1].kind == 'p' && toks[i+1].text == "." &&
			(toks[i+2].kind == 'i' || toks[i+2].kind == 'q') {
			i += 2
			name = toks[i].text
		}
		if i+1 < len(toks) && toks[i+1].kind == 'p' && toks[i+1].text == "(" {
			return // table function
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for i, t := range toks {
		switch {
		case t.kind == 'p' && t.text == "(":
			depth++
		case t.kind == 'p' && t.text == ")":
			depth--
			if fromDepth > depth {
				fromDepth = -1
			}
		case t.kind == 'p' && t.text == ",":
			if fromDepth == depth {
				take(i + 1)
			}
		case t.kind == 'i' && t.text == "from":
			fromDepth = depth
			take(i + 1)
		case t.kind == 'i' && t.text == "join":
			take(i + 1)
		case t.kind == 'i' && clauseEnd[t.text]:
			if fromDepth == depth {
				fromDepth = -1
			}
		}
	}
	return out
}
