package land

import (
	"context"
	"io"
	"strconv"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/dsn"
)

// landNEODeS lands a NEODeS file: its declarations into dsn_declarations
// (every one, whatever its nature and type: the models pick the surviving
// declaration of each establishment and month), and the employee × contract
// rows of its monthly declarations into dsn_extrait, validated as the
// tabular feed is. A malformed line goes to quarantine (BAD_DSN_LINE) and
// the rest of the file is read.
func (fl *fileLanding) landNEODeS(ctx context.Context, r io.Reader) error {
	h := &neodesHandler{
		fl: fl, ctx: ctx,
		keys: newKeySet(dictionary.DSNExtrait, fl.lines/32),
		rec:  make(dictionary.Record, 0, len(dictionary.DSNExtrait.Columns)),
	}
	h.rows, h.decls, h.fill = fl.tl.neodes()
	if fl.tl.parser == nil {
		fl.tl.parser = dsn.NewParser(r, h)
	} else {
		fl.tl.parser.Reset(r, h)
	}
	st, err := fl.tl.parser.Parse()
	fl.res.Blank = st.Blank
	fl.res.Declarations = st.Declarations
	fl.res.Skipped = st.Skipped
	fl.tl.l.progress.rows(fl.res.Read % checkEvery)
	if err != nil {
		return err
	}
	if h.err != nil {
		return h.err
	}
	return ctx.Err()
}

type neodesHandler struct {
	fl    *fileLanding
	ctx   context.Context
	rows  *sink[dsnRow]
	decls *sink[declarationRow]
	fill  *filler
	keys  *keySet
	rec   dictionary.Record
	err   error // cancellation or a write error: the rest is skipped

	decl    *dsn.Declaration // the declaration whose id is declID
	declID  string
	declRef *string // &declID for the rows, shared by those of the declaration
}

// declarationID is the SHA-256 of the file, followed by "-2", "-3"… for the
// second, third… declaration of a file holding several.
func (h *neodesHandler) declarationID(d *dsn.Declaration) string {
	if d != h.decl {
		h.decl = d
		h.declID = h.fl.res.SHA256
		if d.Index > 0 {
			h.declID += "-" + strconv.Itoa(d.Index+1)
		}
		id := h.declID
		h.declRef = &id
	}
	return h.declID
}

// read counts a row and checks, now and then, for cancellation.
func (h *neodesHandler) read() bool {
	res := h.fl.res
	res.Read++
	if res.Read%checkEvery == 0 && h.err == nil {
		h.err = h.fl.check(h.ctx)
		h.fl.tl.l.progress.rows(checkEvery)
	}
	return h.err == nil
}

func (h *neodesHandler) Row(d *dsn.Declaration, line int64, fields []string) {
	if !h.read() {
		return
	}
	var vs []dictionary.Violation
	h.rec, vs = dictionary.DSNExtrait.Parse(fields, h.rec)
	if len(vs) > 0 {
		h.fl.reject(line, asWritten(vs, fields, h.fl.tl.parser.Written()), "")
		return
	}
	if vs = nirInText(dictionary.DSNExtrait, h.rec); len(vs) > 0 {
		h.fl.reject(line, vs, "")
		return
	}
	if first, dup := h.keys.seen(h.rec, line); dup {
		h.fl.reject(line, []dictionary.Violation{{Rule: dictionary.RuleDuplicateInFile,
			Column: "mois,siret_employeur,id_contrat,date_debut_contrat", Value: "même clé qu'à la ligne " + strconv.FormatInt(first, 10)}}, "")
		return
	}
	h.fl.res.Landed++
	h.declarationID(d)
	h.rows.add(h.fill.dsn(h.rec, h.declRef, h.fl.tl.landing, h.fl.source, line))
}

// asWritten puts back in vs the values as the file writes them where the
// parser converted them (a date 32072024 rather than the 2024-07-32 it made
// of it), so that the user finds the quarantined value in the file. A value
// the dictionary rewrote (a masked NIR, a hint) is left as it is; the NIR
// column is passed unconverted anyway, and reject masks the others.
func asWritten(vs []dictionary.Violation, fields, written []string) []dictionary.Violation {
	for i, v := range vs {
		c := dictionary.DSNExtrait.Index(v.Column)
		if c >= 0 && c < len(fields) && c < len(written) && v.Value == fields[c] {
			vs[i].Value = written[c]
		}
	}
	return vs
}

func (h *neodesHandler) BadLine(line int64, reason string) {
	if !h.read() {
		return
	}
	h.fl.reject(line, []dictionary.Violation{{Rule: dictionary.RuleBadDSNLine, Value: reason}}, "")
}

func (h *neodesHandler) Declaration(d *dsn.Declaration) {
	row := declarationRow{
		DeclarationID:   h.declarationID(d),
		SIRET:           d.SIRET(),
		Nature:          h.fill.opt(d.Nature),
		TypeDeclaration: h.fill.opt(d.Type),
		NbLignes:        d.Rows,
		Landing:         h.fl.tl.landing,
		Source:          h.fl.source,
	}
	if t, err := dictionary.ParseDSNDate(d.Month); err == nil {
		m := lake.DateOf(t)
		row.Mois = &m
	}
	if t, err := dictionary.ParseDSNDate(d.FileDate); err == nil {
		f := lake.DateOf(t)
		row.DateFichier = &f
	}
	if n, err := dictionary.ParseInteger(d.Order); err == nil {
		row.NumeroOrdre = &n
	}
	if row.Mois == nil || row.DateFichier == nil || row.NumeroOrdre == nil || d.Type == "" {
		h.fl.tl.l.opts.Log.Warn("en-tête de déclaration DSN incomplet ou invalide (mois, date du fichier, numéro d'ordre ou type)",
			"fichier", h.fl.res.Path, "ligne", d.Line)
	}
	h.decls.add(row)
}
