// Package delivery reads partner CSV deliveries (dictionary.md section 1): it
// detects a file's encoding (UTF-8 with or without BOM, or Windows-1252), maps
// its header to a feed of the dictionary, and streams its rows as fields aligned
// with the feed's columns, line by line, without allocating per row.
package delivery

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/agora-formation/agora/french"
	"golang.org/x/text/encoding/charmap"

	"github.com/agora-formation/agora/dictionary"
)

// Encoding is the character encoding of a delivery.
type Encoding int

const (
	UTF8        Encoding = iota // UTF-8 without byte-order mark (plain ASCII included)
	UTF8BOM                     // UTF-8 starting with the byte-order mark EF BB BF
	Windows1252                 // Windows-1252 (cp1252), as older partner systems export
)

// String returns the usual name of the encoding.
func (e Encoding) String() string {
	switch e {
	case UTF8BOM:
		return "UTF-8 (BOM)"
	case Windows1252:
		return "Windows-1252"
	}
	return "UTF-8"
}

// MarshalText writes the encoding's name (for JSON summaries).
func (e Encoding) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

var bom = []byte{0xEF, 0xBB, 0xBF}

// inspectBuffers are Inspect's read buffers: a landing inspects thousands of
// small files.
var inspectBuffers = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// Info is what a first pass over a file's bytes learns: its size, its SHA-256
// (which identifies a delivery: the same bytes never land twice) and its encoding.
type Info struct {
	Size     int64
	SHA256   string // lower-case hex
	Encoding Encoding
	Lines    int64 // number of '\n' bytes (for progress estimates)
}

// Inspect reads r to its end, hashing it and detecting its encoding:
//   - a UTF-8 byte-order mark means UTF-8 (and the rest must be valid UTF-8);
//   - otherwise valid UTF-8 means UTF-8;
//   - otherwise Windows-1252, provided the file contains no well-formed UTF-8
//     multi-byte sequence (a file mixing both encodings would have its accents
//     mangled either way) and none of the five bytes Windows-1252 leaves undefined.
//
// NUL bytes (UTF-16 or binary files) and UTF-16 byte-order marks are refused.
// An unreadable encoding is returned as a *FileError with rule BAD_ENCODING;
// other errors are I/O errors. name is the file's name for messages.
func Inspect(r io.Reader, name string) (Info, error) {
	h := sha256.New()
	bp := inspectBuffers.Get().(*[]byte)
	defer inspectBuffers.Put(bp)
	buf := *bp
	var (
		info    Info
		carry   int // bytes of an incomplete UTF-8 sequence kept at the start of buf
		first   = true
		hasBOM  bool
		valid   = true // valid UTF-8 so far
		multi   int64  // well-formed multi-byte UTF-8 sequences (counted once invalid)
		invalid int64  // bytes that are not valid UTF-8
		nul     place  // first NUL byte
		undef   place  // first byte undefined in Windows-1252
		undefB  byte   // that byte
		bad     place  // first byte that is not valid UTF-8
		utf16   bool   // starts with a UTF-16 byte-order mark
		excel   bool   // starts like an Excel workbook (.xlsx zip, .xls)
		// Characters of the current line before the segment being read (a
		// BOM is no character).
		col int64
	)
	// at returns the place of seg[i]: info.Lines and col are those before seg.
	at := func(seg []byte, i int) place {
		line := info.Lines + int64(bytes.Count(seg[:i], []byte{'\n'}))
		if nl := bytes.LastIndexByte(seg[:i], '\n'); nl >= 0 {
			return place{line + 1, int64(utf8.RuneCount(seg[nl+1:i])) + 1}
		}
		return place{line + 1, col + int64(utf8.RuneCount(seg[:i])) + 1}
	}
	for {
		n, err := io.ReadFull(r, buf[carry:])
		if n > 0 {
			chunk := buf[carry : carry+n]
			h.Write(chunk)
			if first {
				first = false
				utf16 = bytes.HasPrefix(chunk, []byte{0xFF, 0xFE}) || bytes.HasPrefix(chunk, []byte{0xFE, 0xFF})
				excel = bytes.HasPrefix(chunk, []byte("PK\x03\x04")) || bytes.HasPrefix(chunk, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
				hasBOM = bytes.HasPrefix(chunk, bom)
				if hasBOM {
					col = -1
				}
			}
			info.Size += int64(n)
		}
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return info, err
		}
		// Read buf[:carry+n] up to end, keeping an incomplete trailing
		// sequence for the next round: the segments read never split a
		// character, so that columns count characters.
		data := buf[:carry+n]
		end := len(data)
		if !eof {
			end = completePrefix(data)
		}
		seg := data[:end]
		if i := bytes.IndexByte(seg, 0); i >= 0 && nul.line == 0 {
			nul = at(seg, i)
		}
		if undef.line == 0 {
			k := -1
			for _, b := range undefined1252 {
				if i := bytes.IndexByte(seg, b); i >= 0 && (k < 0 || i < k) {
					k, undefB = i, b
				}
			}
			if k >= 0 {
				undef = at(seg, k)
			}
		}
		if valid && utf8.Valid(seg) {
			// fast path: nothing to count
		} else {
			valid = false
			m, inv, firstBad := countUTF8(seg)
			multi += m
			invalid += inv
			if firstBad >= 0 && bad.line == 0 {
				bad = at(seg, firstBad)
			}
		}
		if nl := bytes.LastIndexByte(seg, '\n'); nl >= 0 {
			col = int64(utf8.RuneCount(seg[nl+1:]))
		} else {
			col += int64(utf8.RuneCount(seg))
		}
		info.Lines += int64(bytes.Count(seg, []byte{'\n'}))
		carry = copy(buf, data[end:])
		if eof {
			break
		}
	}
	info.SHA256 = hex.EncodeToString(h.Sum(nil))
	switch {
	case excel:
		return info, &FileError{File: name, Rule: dictionary.RuleBadEncoding,
			Msg: fmt.Sprintf("%s : fichier Excel (classeur .xlsx ou .xls renommé), pas un CSV ; rien n'a été chargé de ce fichier. Ouvrez-le dans Excel, enregistrez-le en « CSV UTF-8 » (séparateur « ; ») et renvoyez-le.", name)}
	case utf16:
		return info, encodingError(name, "le fichier est en UTF-16")
	case nul.line > 0:
		return info, encodingError(name, fmt.Sprintf("le fichier contient un octet nul (%s) : c'est sans doute un fichier UTF-16 ou binaire", nul))
	case valid && hasBOM:
		info.Encoding = UTF8BOM
	case valid:
		info.Encoding = UTF8
	case hasBOM:
		return info, encodingError(name, fmt.Sprintf("le fichier commence par la marque UTF-8 (BOM) mais contient des octets qui ne sont pas de l'UTF-8 (le premier %s)", bad))
	case multi > 0:
		return info, encodingError(name, fmt.Sprintf("le fichier mélange UTF-8 (%s caractères accentués) et un autre encodage (%s octets invalides en UTF-8, le premier %s)", french.Int(multi), french.Int(invalid), bad))
	case undef.line > 0:
		return info, encodingError(name, fmt.Sprintf("le fichier n'est ni en UTF-8 ni en Windows-1252 (octet 0x%02X indéfini en Windows-1252, %s)", undefB, undef))
	default:
		info.Encoding = Windows1252
	}
	return info, nil
}

// place is where a byte is in a file, as a text editor shows it: line and
// column from 1, the column counting characters (an invalid byte counts as
// one). line 0 means nowhere.
type place struct{ line, col int64 }

func (p place) String() string { return fmt.Sprintf("ligne %d, colonne %d", p.line, p.col) }

func encodingError(name, why string) *FileError {
	return &FileError{
		File: name, Rule: dictionary.RuleBadEncoding,
		Msg: fmt.Sprintf("%s : encodage illisible : %s ; rien n'a été chargé de ce fichier. Exportez-le en UTF-8 (ou Windows-1252), séparateur « ; », et renvoyez-le.", name, why),
	}
}

// The five bytes Windows-1252 leaves undefined.
var undefined1252 = []byte{0x81, 0x8D, 0x8F, 0x90, 0x9D}

// completePrefix returns the length of the longest prefix of b that does not end
// inside a UTF-8 sequence that the next bytes might complete.
func completePrefix(b []byte) int {
	n := len(b)
	for i := n - 1; i >= 0 && i >= n-3; i-- {
		c := b[i]
		if c < 0x80 {
			return n // ASCII: nothing pending
		}
		if c >= 0xC0 { // start of a sequence
			need := 2
			switch {
			case c >= 0xF0:
				need = 4
			case c >= 0xE0:
				need = 3
			}
			if n-i < need {
				return i
			}
			return n
		}
	}
	return n
}

// countUTF8 counts well-formed multi-byte sequences and invalid bytes, and
// returns the index of the first invalid byte (-1 if none).
func countUTF8(b []byte) (multi, invalid int64, first int) {
	first = -1
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if first < 0 {
				first = i
			}
			invalid++
		} else {
			multi++
		}
		i += size
	}
	return multi, invalid, first
}

// decoder1252 converts Windows-1252 to UTF-8 with a table built from x/text's charmap.
type decoder1252 struct {
	r     io.Reader
	raw   []byte
	out   []byte // converted bytes not yet returned (when the caller's buffer is tiny)
	spare [3]byte
}

var table1252 = func() (t [256][]byte) {
	for b := 0; b < 256; b++ {
		t[b] = utf8.AppendRune(nil, charmap.Windows1252.DecodeByte(byte(b)))
	}
	return t
}()

// NewDecoder returns a reader of r's bytes as UTF-8: Windows-1252 is converted,
// a UTF-8 byte-order mark is skipped, UTF-8 passes through.
func NewDecoder(r io.Reader, enc Encoding) io.Reader {
	switch enc {
	case Windows1252:
		return &decoder1252{r: r, raw: make([]byte, 64<<10)}
	case UTF8BOM:
		return &bomSkipper{r: r}
	}
	return r
}

func (d *decoder1252) Read(p []byte) (int, error) {
	if len(d.out) > 0 {
		n := copy(p, d.out)
		d.out = d.out[n:]
		return n, nil
	}
	// Decode straight into p: a byte becomes at most 3 bytes (€ is E2 82 AC).
	dst, want := p, len(p)/3
	if want == 0 { // p too small: go through d.out
		dst, want = d.spare[:], 1
	}
	n, err := d.r.Read(d.raw[:min(want, len(d.raw))])
	if n == 0 {
		return 0, err
	}
	out := dst[:0]
	for raw := d.raw[:n]; len(raw) > 0; {
		i := asciiPrefix(raw)
		out = append(out, raw[:i]...)
		if i == len(raw) {
			break
		}
		out = append(out, table1252[raw[i]]...)
		raw = raw[i+1:]
	}
	if want == 1 && len(p) < 3 {
		k := copy(p, out)
		d.out = out[k:]
		return k, nil
	}
	return len(out), nil
}

// asciiPrefix returns the length of the leading run of ASCII bytes of b.
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b) && b[i] < 0x80; i++ {
	}
	return i
}

// bomSkipper drops a leading UTF-8 byte-order mark.
type bomSkipper struct {
	r       io.Reader
	started bool
	pending []byte // first bytes read that were not a BOM
	err     error
}

func (s *bomSkipper) Read(p []byte) (int, error) {
	if !s.started {
		s.started = true
		head := make([]byte, 3)
		n, err := io.ReadFull(s.r, head)
		s.pending = head[:n]
		if bytes.Equal(s.pending, bom) {
			s.pending = nil
		}
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		s.err = err
	}
	if len(s.pending) > 0 {
		n := copy(p, s.pending)
		s.pending = s.pending[n:]
		return n, nil
	}
	if s.err != nil {
		return 0, s.err
	}
	return s.r.Read(p)
}
