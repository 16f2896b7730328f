package delivery

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/agora-formation/agora/dictionary"
)

// FileError is a whole-file error: nothing of the file lands. Msg is the
// French message for the user, naming the file, saying why and how to fix it.
type FileError struct {
	File   string
	Rule   string // dictionary rule code: MISSING_COLUMN, BAD_ENCODING, BAD_LINE (header)
	Column string // the missing or faulty column(s), when there are
	Msg    string
	// Feed is the feed the file was recognised as despite the error (a
	// known feed missing a column, a known header with the wrong
	// separator), or "". Sender is the partner that its first rows all
	// name, when they can be read, or "": so that the refusal reaches that
	// partner's quality page.
	Feed, Sender string
}

func (e *FileError) Error() string { return e.Msg }

// Row is one data row of a delivery. Its strings are only valid until the next
// call to Reader.Next: copy what you keep.
type Row struct {
	// Line is the line number in the file (the header is line 1).
	Line int64
	// Fields are the raw fields aligned with the feed's columns; a column absent
	// from the file is "". For a bad line, fields are filled as far as they go.
	Fields []string
	// Bad is empty for a well-formed row; otherwise it says, in French, why the
	// line cannot be read (wrong number of fields, broken quotes): rule BAD_LINE.
	Bad string
}

// Reader streams the rows of a CSV delivery.
//
// A record is one physical line: LF or CRLF ends it, fields are separated by
// ';' and may be quoted with '"' (a doubled '"' inside quotes is a quote). No
// column of the dictionary can hold a line break, so a quote left open at the
// end of a line makes that line alone a bad line, and never swallows the
// following ones. Empty lines carry no data and are skipped (counted in Blank).
type Reader struct {
	name   string
	br     *bufio.Reader
	feed   *dictionary.Feed
	header []string
	extra  []string
	pos    []int // feed column → index in the file's fields, -1 when absent
	// trailing: the header ends with ';', so may every line (ignored).
	trailing bool

	line   int64
	blank  int64
	spill  []byte // a line longer than the bufio buffer
	data   []byte // unescaped content of the current record
	ends   []int  // end offset in data of each field
	fields []string
	row    Row
	err    error
}

// NewReader reads the header of a delivery from r (already UTF-8, see
// NewDecoder) and maps it to a feed: the forced feed when not nil, otherwise
// the one detected by dictionary.DetectFeed. A header that names no feed, lacks
// a required column or repeats a column is a *FileError. name is the file's name
// for messages.
func NewReader(r io.Reader, name string, forced *dictionary.Feed) (*Reader, error) {
	rd := &Reader{name: name, br: bufio.NewReaderSize(r, 256<<10)}
	if head, _ := rd.br.Peek(64 << 10); macLineEndings(head) {
		return nil, &FileError{File: name, Rule: dictionary.RuleBadLine,
			Msg: fmt.Sprintf("%s : fins de ligne Mac (CR seul) : le fichier se lit comme une seule ligne ; rien n'a été chargé. Réenregistrez-le en « CSV UTF-8 » (séparateur « ; ») et renvoyez-le.", name)}
	}
	line, ok, err := rd.readLine()
	for ok && (len(line) == 0 || excelSep(line) == ";") {
		// Leading empty lines, and the « sep=; » line Excel writes to name
		// the separator: it says what the dictionary says.
		if len(line) == 0 {
			rd.blank++
		}
		line, ok, err = rd.readLine()
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &FileError{File: name, Rule: dictionary.RuleMissingColumn,
			Msg: fmt.Sprintf("%s : fichier vide, sans ligne d'en-tête ; rien n'a été chargé. Renvoyez le fichier avec sa première ligne donnant les noms des colonnes (voir le dictionnaire).", name)}
	}
	headerLine := rd.line
	if sep := excelSep(line); sep != "" {
		return nil, separatorError(name, sep)
	}
	rawHeader := string(line)
	if bad := rd.split(line); bad != "" {
		if sep := otherSeparator(rawHeader, forced); sep != "" {
			return nil, rd.separatorError(name, rawHeader, sep, forced)
		}
		return nil, &FileError{File: name, Rule: dictionary.RuleBadLine,
			Msg: fmt.Sprintf("%s, ligne %d (en-tête) : %s ; rien n'a été chargé. Corrigez la première ligne : noms de colonnes séparés par « ; ».", name, headerLine, bad)}
	}
	if n := len(rd.fields); n > 1 && strings.TrimSpace(rd.fields[n-1]) == "" {
		// A ';' ending every line: the empty column after it is no column.
		rd.fields = rd.fields[:n-1]
		rd.trailing = true
	}
	rd.header = make([]string, len(rd.fields))
	seen := make(map[string]bool, len(rd.fields))
	for i, f := range rd.fields {
		h := strings.Clone(strings.ToLower(strings.TrimSpace(f)))
		if seen[h] {
			h = MaskNIRs(h)
			return nil, &FileError{File: name, Rule: dictionary.RuleBadLine, Column: h,
				Msg: fmt.Sprintf("%s, ligne %d (en-tête) : la colonne « %s » figure deux fois ; rien n'a été chargé. Gardez une seule colonne de ce nom et renvoyez le fichier.", name, headerLine, h)}
		}
		seen[h] = true
		rd.header[i] = h
	}
	feed := forced
	if feed == nil {
		if feed, err = dictionary.DetectFeed(rd.header); err != nil {
			if sep := otherSeparator(rawHeader, nil); sep != "" {
				return nil, rd.separatorError(name, rawHeader, sep, nil)
			}
			return nil, rd.withSender(missingColumns(name, rd.header, nil), rd.header, rd.splitFields)
		}
	}
	rd.feed = feed
	rd.pos = make([]int, len(feed.Columns))
	var missing []string
	for j, c := range feed.Columns {
		rd.pos[j] = slices.Index(rd.header, c.Name)
		if rd.pos[j] < 0 && c.Required {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		if sep := otherSeparator(rawHeader, feed); sep != "" {
			return nil, rd.separatorError(name, rawHeader, sep, feed)
		}
		return nil, rd.withSender(missingColumns(name, rd.header, feed), rd.header, rd.splitFields)
	}
	for _, h := range rd.header {
		if feed.Index(h) < 0 {
			rd.extra = append(rd.extra, h)
		}
	}
	rd.row.Fields = make([]string, len(feed.Columns))
	return rd, nil
}

// macLineEndings reports whether the start of a file ends its first line
// with a CR alone (old Mac, Excel's « CSV Macintosh »): the file would read
// as a single line. Such files are refused rather than read: Excel writes
// them in Mac Roman, which cannot be told from Windows-1252, so accepting
// their line endings would land their accents mangled without a word.
func macLineEndings(head []byte) bool {
	cr := bytes.IndexByte(head, '\r')
	if cr < 0 || cr+1 >= len(head) || head[cr+1] == '\n' {
		return false
	}
	lf := bytes.IndexByte(head, '\n')
	return lf < 0 || lf > cr
}

// excelSep returns the separator named by an Excel « sep=X » line, or "".
func excelSep(line []byte) string {
	s := strings.TrimSpace(string(line))
	if len(s) < 4 || !strings.EqualFold(s[:4], "sep=") {
		return ""
	}
	if sep := s[4:]; sep == "" || sep == "\t" {
		return "\t" // the tab was trimmed as a space
	} else if utf8.RuneCountInString(sep) == 1 {
		return sep
	}
	return ""
}

// otherSeparator returns the separator (',', tab or '|') that the header
// line uses instead of ';': the one with which it splits into the columns
// of feed, or of a feed of the dictionary when feed is nil. It returns ""
// when no such separator names at least two columns of the feed.
func otherSeparator(line string, feed *dictionary.Feed) string {
	for _, sep := range []string{",", "\t", "|"} {
		if !strings.Contains(line, sep) {
			continue
		}
		fields := headerOn(line, sep)
		feeds := dictionary.Feeds()
		if feed != nil {
			feeds = []*dictionary.Feed{feed}
		}
		for _, f := range feeds {
			n := 0
			for _, h := range fields {
				if f.Index(h) >= 0 {
					n++
				}
			}
			if n >= 2 {
				return sep
			}
		}
	}
	return ""
}

// separatorError refuses a file whose header line, split by sep, names the
// columns of forced or of a feed of the dictionary; the error carries that
// feed and the sender its rows name.
func (r *Reader) separatorError(name, header, sep string, forced *dictionary.Feed) *FileError {
	fe := separatorError(name, sep)
	cols := headerOn(header, sep)
	feed := forced
	if feed == nil {
		var err error
		if feed, err = dictionary.DetectFeed(cols); err != nil {
			return fe
		}
	}
	fe.Feed = feed.Name
	return r.withSender(fe, cols, func(line []byte) []string { return splitOn(string(line), sep) })
}

// splitOn splits a line whose fields are separated by sep rather than ';',
// each field trimmed of its spaces and of the quotes around it.
func splitOn(line, sep string) []string {
	fields := strings.Split(line, sep)
	for i, f := range fields {
		fields[i] = strings.Trim(strings.TrimSpace(f), `"`)
	}
	return fields
}

// headerOn splits a header line as splitOn does, the names in lower case as
// NewReader reads them.
func headerOn(line, sep string) []string {
	fields := splitOn(line, sep)
	for i, f := range fields {
		fields[i] = strings.ToLower(f)
	}
	return fields
}

// withSender sets fe.Sender to the partner code that the rows following the
// header name in its sender column (code_financeur_dossier, else
// code_financeur), when the first 1 000 rows all name the same known code.
func (r *Reader) withSender(fe *FileError, header []string, split func([]byte) []string) *FileError {
	col := slices.Index(header, "code_financeur_dossier")
	if col < 0 {
		col = slices.Index(header, "code_financeur")
	}
	if col < 0 {
		return fe
	}
	sender := ""
	for range 1000 {
		line, ok, err := r.readLine()
		if err != nil || !ok {
			break
		}
		fields := split(line)
		if col >= len(fields) || strings.TrimSpace(fields[col]) == "" {
			continue
		}
		c, known := dictionary.Financeurs.Lookup(strings.TrimSpace(fields[col]))
		if !known || sender != "" && c.Code != sender {
			return fe
		}
		sender = c.Code
	}
	fe.Sender = sender
	return fe
}

// splitFields splits a line on ';' (see split); nil when it is malformed.
func (r *Reader) splitFields(line []byte) []string {
	if r.split(line) != "" {
		return nil
	}
	return r.fields
}

// separatorError refuses a file whose fields are separated by sep, not ';'.
func separatorError(name, sep string) *FileError {
	shown := "« " + sep + " »"
	if sep == "\t" {
		shown = "la tabulation"
	}
	return &FileError{File: name, Rule: dictionary.RuleBadLine,
		Msg: fmt.Sprintf("%s : le fichier utilise %s comme séparateur ; rien n'a été chargé. Réexportez-le avec « ; » (Excel : « CSV (séparateur : point-virgule) » ou « CSV UTF-8 ») et renvoyez-le.", name, shown)}
}

// missingColumns explains which required columns a header lacks for feed, or,
// when feed is nil, for the feed it resembles most.
func missingColumns(name string, header []string, feed *dictionary.Feed) *FileError {
	if feed == nil {
		best := -1
		for _, f := range dictionary.Feeds() {
			n := 0
			for _, h := range header {
				if f.Index(h) >= 0 {
					n++
				}
			}
			if n > best {
				feed, best = f, n
			}
		}
		if best == 0 {
			return &FileError{File: name, Rule: dictionary.RuleMissingColumn,
				Msg: fmt.Sprintf("%s : en-tête non reconnu (« %s ») : aucune colonne d'un flux du dictionnaire (dossiers, evenements, financements, enveloppes, dsn_extrait) ; rien n'a été chargé. Vérifiez que la première ligne donne les noms des colonnes, séparés par « ; », ou forcez le flux avec --feed.", name, truncate(MaskNIRs(strings.Join(header, ";")), 200))}
		}
	}
	var missing []string
	for _, c := range feed.Columns {
		if c.Required && !slices.Contains(header, c.Name) {
			missing = append(missing, c.Name)
		}
	}
	return &FileError{File: name, Rule: dictionary.RuleMissingColumn, Column: strings.Join(missing, ","), Feed: feed.Name,
		Msg: fmt.Sprintf("%s : colonne(s) obligatoire(s) absente(s) pour le flux %s : %s ; rien n'a été chargé. Ajoutez ces colonnes à la première ligne du fichier (noms exacts du dictionnaire, séparés par « ; ») et renvoyez-le.", name, feed.Name, strings.Join(missing, ", "))}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Feed returns the feed of the file.
func (r *Reader) Feed() *dictionary.Feed { return r.feed }

// Header returns the file's column names (trimmed, lower-case), in file order.
func (r *Reader) Header() []string { return r.header }

// Extra returns the columns of the file that the feed does not have: they are
// ignored, and reported.
func (r *Reader) Extra() []string { return r.extra }

// Blank returns the number of empty lines skipped so far.
func (r *Reader) Blank() int64 { return r.blank }

// Line returns the number of lines read so far.
func (r *Reader) Line() int64 { return r.line }

// Next reads the next row; it returns false at the end of the file or on an
// I/O error (see Err).
func (r *Reader) Next() bool {
	for {
		line, ok, err := r.readLine()
		if err != nil {
			r.err = err
			return false
		}
		if !ok {
			return false
		}
		if len(line) == 0 {
			r.blank++
			continue
		}
		r.row.Line = r.line
		r.row.Bad = r.split(line)
		if r.trailing && len(r.fields) == len(r.header)+1 && r.fields[len(r.header)] == "" {
			r.fields = r.fields[:len(r.header)]
		}
		if r.row.Bad == "" && len(r.fields) != len(r.header) {
			r.row.Bad = fmt.Sprintf("%d champs au lieu de %d (séparateur « ; »)", len(r.fields), len(r.header))
		}
		for j, p := range r.pos {
			if p >= 0 && p < len(r.fields) {
				r.row.Fields[j] = r.fields[p]
			} else {
				r.row.Fields[j] = ""
			}
		}
		return true
	}
}

// Row returns the current row; its strings are valid until the next call to Next.
func (r *Reader) Row() *Row { return &r.row }

// Err returns the I/O error that stopped Next, if any.
func (r *Reader) Err() error { return r.err }

// readLine returns the next line without its LF or CRLF; ok is false at the end.
func (r *Reader) readLine() (line []byte, ok bool, err error) {
	line, err = r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.spill = append(r.spill[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			r.spill = append(r.spill, line...)
		}
		line = r.spill
	}
	if err != nil && err != io.EOF {
		return nil, false, err
	}
	if len(line) == 0 && err == io.EOF {
		return nil, false, nil
	}
	r.line++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	return line, true, nil
}

// split cuts a line into fields, unquoting them into r.data; r.fields alias
// r.data. It returns why the line is malformed, or "".
func (r *Reader) split(line []byte) string {
	r.data = r.data[:0]
	r.ends = r.ends[:0]
	r.fields = r.fields[:0]
	if bytes.IndexByte(line, '"') < 0 {
		// Fast path: no quotes at all, fields are separated by ';' in data.
		r.data = append(r.data, line...)
		start := 0
		for {
			j := bytes.IndexByte(r.data[start:], ';')
			if j < 0 {
				break
			}
			r.fields = append(r.fields, bytesString(r.data[start:start+j]))
			start += j + 1
		}
		r.fields = append(r.fields, bytesString(r.data[start:]))
		return ""
	}
	bad := r.splitQuoted(line)
	start := 0
	for _, end := range r.ends {
		r.fields = append(r.fields, bytesString(r.data[start:end]))
		start = end
	}
	return bad
}

// splitQuoted splits a line with quotes. It returns why the line is
// malformed, naming the first faulty field, or "".
func (r *Reader) splitQuoted(line []byte) string {
	bad, badField := "", 0
	fault := func(why string) {
		if bad == "" {
			bad, badField = why, len(r.ends)
		}
	}
	i := 0
	for {
		// at the start of a field
		if i < len(line) && line[i] == '"' {
			i++
			closed := false
			for i < len(line) {
				q := bytes.IndexByte(line[i:], '"')
				if q < 0 {
					r.data = append(r.data, line[i:]...)
					i = len(line)
					break
				}
				r.data = append(r.data, line[i:i+q]...)
				i += q + 1
				if i < len(line) && line[i] == '"' { // doubled quote
					r.data = append(r.data, '"')
					i++
					continue
				}
				closed = true
				break
			}
			if !closed {
				fault("guillemet ouvert et jamais refermé")
			}
			// after the closing quote: the separator, or the end of the line
			if i < len(line) && line[i] != ';' {
				fault("caractères après un champ entre guillemets")
				for i < len(line) && line[i] != ';' {
					r.data = append(r.data, line[i])
					i++
				}
			}
		} else {
			j := bytes.IndexByte(line[i:], ';')
			if j < 0 {
				j = len(line) - i
			}
			field := line[i : i+j]
			if bytes.IndexByte(field, '"') >= 0 {
				fault("guillemet au milieu d'un champ sans guillemets")
			}
			r.data = append(r.data, field...)
			i += j
		}
		r.ends = append(r.ends, len(r.data))
		if i >= len(line) {
			break
		}
		i++                 // skip ';'
		if i == len(line) { // trailing separator: one more, empty field
			r.ends = append(r.ends, len(r.data))
			break
		}
	}
	if bad == "" {
		return ""
	}
	return bad + " " + r.field(badField)
}

// field names field i (from 0) of a line for a message: « au champ 4
// (colonne « date_evenement ») », the column as the header names it (the
// header's own fields have no name yet).
func (r *Reader) field(i int) string {
	if i < len(r.header) {
		return fmt.Sprintf("au champ %d (colonne « %s »)", i+1, MaskNIRs(r.header[i]))
	}
	return fmt.Sprintf("au champ %d", i+1)
}

// bytesString views b as a string without copying. The caller guarantees b is
// not modified while the string is in use (until the next record).
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// IsFileError reports whether err is a whole-file error and returns it.
func IsFileError(err error) (*FileError, bool) {
	var fe *FileError
	ok := errors.As(err, &fe)
	return fe, ok
}
