package land

import (
	"cmp"
	"encoding/binary"
	"slices"
	"time"
	"unsafe"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

// The Parquet rows of every lake dataset. Their columns are those of
// dictionary.LakeSchemas(), in the same order and with the same DuckDB types
// (TestLakeSchemas checks it through DuckDB). Every optional column is a
// pointer, nil for NULL: numbers and dates (NULL ≠ 0) and strings too (an
// empty field means unknown, never ""). parquet-go's "optional" on a
// non-pointer field, which writes the zero value as NULL, is not used: in
// v0.32 it writes some of those NULLs as "" (issue parquet-go#154; see
// TestOptionalTextNull).

type dossierRow struct {
	IDDossier         string    `parquet:"id_dossier"`
	CodeFinanceur     string    `parquet:"code_financeur,dict"`
	Pseudo            [16]byte  `parquet:"pseudo,uuid"`
	Sexe              string    `parquet:"sexe,dict"`
	DateNaissance     lake.Date `parquet:"date_naissance,date"`
	SituationAvant    string    `parquet:"situation_avant,dict"`
	CodeDispositif    string    `parquet:"code_dispositif,dict"`
	SiretOF           string    `parquet:"siret_of"`
	Formacode         string    `parquet:"formacode"`
	CodeNSF           string    `parquet:"code_nsf,dict"`
	CodeCertification *string   `parquet:"code_certification,optional"`
	RegionFormation   string    `parquet:"region_formation,dict"`
	HeuresPrevues     int64     `parquet:"heures_prevues"`
	DateDebutPrevue   lake.Date `parquet:"date_debut_prevue,date"`
	DateFinPrevue     lake.Date `parquet:"date_fin_prevue,date"`
	DateTransmission  time.Time `parquet:"date_transmission,timestamp(microsecond:local)"`
	Landing           string    `parquet:"_landing,dict"`
	Source            int64     `parquet:"_source"`
	Ligne             int64     `parquet:"_ligne"`
}

type evenementRow struct {
	IDDossier            string    `parquet:"id_dossier"`
	CodeFinanceur        string    `parquet:"code_financeur,dict"`
	TypeEvenement        string    `parquet:"type_evenement,dict"`
	DateEvenement        lake.Date `parquet:"date_evenement,date"`
	MotifSortie          *string   `parquet:"motif_sortie,optional,dict"`
	CertificationObtenue *string   `parquet:"certification_obtenue,optional,dict"`
	DateTransmission     time.Time `parquet:"date_transmission,timestamp(microsecond:local)"`
	Landing              string    `parquet:"_landing,dict"`
	Source               int64     `parquet:"_source"`
	Ligne                int64     `parquet:"_ligne"`
}

type financementRow struct {
	IDDossier            string     `parquet:"id_dossier"`
	CodeFinanceurDossier string     `parquet:"code_financeur_dossier,dict"`
	CodeFinanceur        string     `parquet:"code_financeur,dict"`
	TypeCout             string     `parquet:"type_cout,dict"`
	MontantEngage        int64      `parquet:"montant_engage,decimal(2:18)"`
	DateEngagement       lake.Date  `parquet:"date_engagement,date"`
	MontantRealise       *int64     `parquet:"montant_realise,optional,decimal(2:18)"`
	DateRealisation      *lake.Date `parquet:"date_realisation,optional,date"`
	DateTransmission     time.Time  `parquet:"date_transmission,timestamp(microsecond:local)"`
	Landing              string     `parquet:"_landing,dict"`
	Source               int64      `parquet:"_source"`
	Ligne                int64      `parquet:"_ligne"`
}

type enveloppeRow struct {
	CodeFinanceur    string    `parquet:"code_financeur,dict"`
	CodeDispositif   string    `parquet:"code_dispositif,dict"`
	Annee            int64     `parquet:"annee"`
	Montant          int64     `parquet:"montant,decimal(2:18)"`
	DateTransmission time.Time `parquet:"date_transmission,timestamp(microsecond:local)"`
	Landing          string    `parquet:"_landing,dict"`
	Source           int64     `parquet:"_source"`
	Ligne            int64     `parquet:"_ligne"`
}

type dsnRow struct {
	Pseudo           [16]byte   `parquet:"pseudo,uuid"`
	Mois             lake.Date  `parquet:"mois,date"`
	SiretEmployeur   string     `parquet:"siret_employeur,dict"`
	CodeNAF          string     `parquet:"code_naf,dict"`
	NatureContrat    string     `parquet:"nature_contrat,dict"`
	DateDebutContrat lake.Date  `parquet:"date_debut_contrat,date"`
	DateFinPrevue    *lake.Date `parquet:"date_fin_prevue,optional,date"`
	DateFinReelle    *lake.Date `parquet:"date_fin_reelle,optional,date"`
	HeuresMois       *float64   `parquet:"heures_mois,optional"`
	IDContrat        string     `parquet:"id_contrat"`
	DeclarationID    *string    `parquet:"declaration_id,optional,dict"`
	Landing          string     `parquet:"_landing,dict"`
	Source           int64      `parquet:"_source"`
	Ligne            int64      `parquet:"_ligne"`
}

type declarationRow struct {
	DeclarationID   string     `parquet:"declaration_id"`
	SIRET           string     `parquet:"siret"`
	Mois            *lake.Date `parquet:"mois,optional,date"`
	Nature          *string    `parquet:"nature,optional"`
	TypeDeclaration *string    `parquet:"type_declaration,optional"`
	NumeroOrdre     *int64     `parquet:"numero_ordre,optional"`
	DateFichier     *lake.Date `parquet:"date_fichier,optional,date"`
	NbLignes        int64      `parquet:"nb_lignes"`
	Landing         string     `parquet:"_landing"`
	Source          int64      `parquet:"_source"`
}

type quarantineRow struct {
	Feed          string  `parquet:"feed,dict"`
	Fichier       string  `parquet:"fichier,dict"`
	Ligne         int64   `parquet:"ligne"`
	Regle         string  `parquet:"regle,dict"`
	Colonne       *string `parquet:"colonne,optional,dict"`
	Valeur        *string `parquet:"valeur,optional"`
	CodeFinanceur *string `parquet:"code_financeur,optional,dict"`
	Landing       string  `parquet:"_landing,dict"`
	Source        int64   `parquet:"_source"`
}

// Sort orders: each Parquet file is sorted on the keys the models join and
// filter on, so that row-group statistics prune well, then in file order
// (_source, then _ligne). They are the orders of lake.SortKeys, which
// compaction keeps, without their _landing: it is the same for every row of a
// landed file (TestOrdersAreSortKeys checks them column by column).
//
// An order writes a row's sort values, most significant first, into a
// keyWriter, which encodes them as bytes that compare as the values do.
// Rows are sorted on the first 24 bytes of their encoding, then each run of
// rows equal so far on the next 24 bytes, and so on: rows are read once per
// 24 bytes, never per comparison, and the order is exact however long an
// identifier is.
type order[T any] func(w *keyWriter, r *T)

var byDossier order[dossierRow] = func(w *keyWriter, r *dossierRow) {
	w.pseudo(r.Pseudo).date(r.DateDebutPrevue).int(r.Source).int(r.Ligne)
}

var byEvenement order[evenementRow] = func(w *keyWriter, r *evenementRow) {
	w.str(r.CodeFinanceur).str(r.IDDossier).date(r.DateEvenement).int(r.Source).int(r.Ligne)
}

var byFinancement order[financementRow] = func(w *keyWriter, r *financementRow) {
	w.str(r.CodeFinanceurDossier).str(r.IDDossier).date(r.DateEngagement).int(r.Source).int(r.Ligne)
}

var byEnveloppe order[enveloppeRow] = func(w *keyWriter, r *enveloppeRow) {
	w.str(r.CodeFinanceur).str(r.CodeDispositif).int(r.Annee).int(r.Source).int(r.Ligne)
}

var byDSN order[dsnRow] = func(w *keyWriter, r *dsnRow) {
	w.pseudo(r.Pseudo).date(r.Mois).date(r.DateDebutContrat).int(r.Source).int(r.Ligne)
}

var byDeclaration order[declarationRow] = func(w *keyWriter, r *declarationRow) {
	w.str(r.SIRET).str(r.DeclarationID).int(r.Source)
}

var byQuarantine order[quarantineRow] = func(w *keyWriter, r *quarantineRow) {
	w.int(r.Source).str(r.Fichier).int(r.Ligne).str(r.Regle).optStr(r.Colonne)
}

// keyWidth is the number of bytes of an encoding compared at a time.
const keyWidth = 24

// keyWriter encodes sort values so that their bytes compare as the values do:
//   - a string is its bytes then a 0 byte, bytes 0 and 1 within it written
//     1 1 and 1 2, so that the end is its only 0 byte ("AB" < "AB\x00" < "ABC");
//   - a number is big-endian with its sign bit flipped;
//   - a pseudonym is its 16 bytes;
//   - an optional string is 0 for NULL (first, as DuckDB's NULLS FIRST), or 1
//     then the string.
//
// No value's encoding is the beginning of another's, so two rows with the same
// encoding have the same sort values, and an encoding that ends within a
// window ends there for every row equal to it so far.
type keyWriter struct{ b []byte }

func (w *keyWriter) str(s string) *keyWriter {
	i := 0
	for i < len(s) && s[i] > 1 {
		i++
	}
	w.b = append(w.b, s[:i]...)
	for ; i < len(s); i++ { // rare: bytes 0 and 1 escaped
		if c := s[i]; c > 1 {
			w.b = append(w.b, c)
		} else {
			w.b = append(w.b, 1, c+1)
		}
	}
	w.b = append(w.b, 0)
	return w
}

func (w *keyWriter) optStr(s *string) *keyWriter {
	if s == nil {
		w.b = append(w.b, 0)
		return w
	}
	w.b = append(w.b, 1)
	return w.str(*s)
}

func (w *keyWriter) int(v int64) *keyWriter {
	w.b = binary.BigEndian.AppendUint64(w.b, uint64(v)^1<<63)
	return w
}

func (w *keyWriter) date(d lake.Date) *keyWriter {
	w.b = binary.BigEndian.AppendUint32(w.b, uint32(d)^1<<31)
	return w
}

func (w *keyWriter) pseudo(p [16]byte) *keyWriter {
	w.b = append(w.b, p[:]...)
	return w
}

// keyed is a window of a row's encoding and the row's index in its part.
type keyed struct {
	a, b, c uint64
	i       int32
	ended   bool // the encoding ends within the window
}

// keyed returns the window at off of a row's encoding, written with w (one
// writer per sort, whose buffer is reused).
func (o order[T]) keyed(w *keyWriter, r *T, i int32, off int) keyed {
	w.b = w.b[:0]
	o(w, r)
	win := w.b[min(off, len(w.b)):]
	if len(win) < keyWidth {
		var pad [keyWidth]byte
		copy(pad[:], win)
		win = pad[:]
	}
	return keyed{binary.BigEndian.Uint64(win[0:]), binary.BigEndian.Uint64(win[8:]), binary.BigEndian.Uint64(win[16:]),
		i, len(w.b) <= off+keyWidth}
}

func compareKeyed(x, y keyed) int {
	if x.a != y.a {
		return cmp.Compare(x.a, y.a)
	}
	if x.b != y.b {
		return cmp.Compare(x.b, y.b)
	}
	return cmp.Compare(x.c, y.c)
}

// sort returns the permutation that orders the n rows given by at. keys and
// perm are buffers reused between calls.
func (o order[T]) sort(n int, at func(int32) *T, keys []keyed, perm []int32) ([]keyed, []int32) {
	if cap(keys) < n {
		keys, perm = make([]keyed, 0, n), make([]int32, 0, n)
	}
	keys = keys[:0]
	w := &keyWriter{b: make([]byte, 0, 256)}
	for i := range int32(n) {
		keys = append(keys, o.keyed(w, at(i), i, 0))
	}
	o.sortWindow(w, keys, at, 0)
	perm = perm[:0]
	for _, k := range keys {
		perm = append(perm, k.i)
	}
	return keys, perm
}

// sortWindow sorts keys on the window of the encoding at off, then each run
// of keys equal there on the next window.
func (o order[T]) sortWindow(w *keyWriter, keys []keyed, at func(int32) *T, off int) {
	slices.SortFunc(keys, compareKeyed)
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && compareKeyed(keys[i], keys[j]) == 0 {
			j++
		}
		// Equal so far: if one encoding ended, all did, and the rows are equal.
		if j-i > 1 && !keys[i].ended {
			run := keys[i:j]
			for k := range run {
				run[k] = o.keyed(w, at(run[k].i), run[k].i, off+keyWidth)
			}
			o.sortWindow(w, run, at, off+keyWidth)
		}
		i = j
	}
}

// arena copies strings out of the reader's reused buffers into large chunks
// that are never overwritten: one allocation per 64 KiB instead of one per value.
type arena struct{ buf []byte }

func (a *arena) str(s string) string {
	if s == "" {
		return ""
	}
	if cap(a.buf)-len(a.buf) < len(s) {
		a.buf = make([]byte, 0, max(64<<10, len(s)))
	}
	start := len(a.buf)
	a.buf = append(a.buf, s...)
	return unsafe.String(&a.buf[start], len(s))
}

// optional returns a pointer to s allocated in sl, or nil for "": the value
// of an optional text column.
func optional(sl *slab[string], s string) *string {
	if s == "" {
		return nil
	}
	return sl.ptr(s)
}

// slab hands out pointers to values allocated in blocks.
type slab[T any] struct{ s []T }

func (sl *slab[T]) ptr(v T) *T {
	if len(sl.s) == cap(sl.s) {
		sl.s = make([]T, 0, 4096)
	}
	sl.s = append(sl.s, v)
	return &sl.s[len(sl.s)-1]
}

// filler turns validated records of a feed into lake rows, without
// allocating per row.
type filler struct {
	feed  *dictionary.Feed
	ps    *pseudo.Pseudonymizer
	strs  arena
	dates slab[lake.Date]
	ints  slab[int64]
	nums  slab[float64]
	texts slab[string]
	cols  []dictionary.Column
}

func newFiller(feed *dictionary.Feed, key *pseudo.Key) *filler {
	return &filler{feed: feed, ps: key.Pseudonymizer(), cols: feed.Columns}
}

// text returns the value of column i as a string that outlives the record:
// the list's own string for codes, a copy otherwise.
func (f *filler) text(r dictionary.Record, i int) string {
	v := r[i]
	if v.Null {
		return ""
	}
	switch c := f.cols[i]; c.Kind {
	case dictionary.CodeKind:
		if code, ok := c.List.Lookup(v.Str); ok {
			return code.Code
		}
	case dictionary.Flag:
		if v.Str == "O" {
			return "O"
		}
		return "N"
	}
	return f.strs.str(v.Str)
}

// optText is text for an optional column: nil when the value is unknown.
func (f *filler) optText(r dictionary.Record, i int) *string {
	if r[i].Null {
		return nil
	}
	return f.opt(f.text(r, i))
}

// opt returns a pointer to s, or nil for "".
func (f *filler) opt(s string) *string { return optional(&f.texts, s) }

func (f *filler) date(r dictionary.Record, i int) lake.Date { return lake.DateOf(r[i].Time) }

func (f *filler) optDate(r dictionary.Record, i int) *lake.Date {
	if r[i].Null {
		return nil
	}
	return f.dates.ptr(lake.DateOf(r[i].Time))
}

func (f *filler) optInt(r dictionary.Record, i int) *int64 {
	if r[i].Null {
		return nil
	}
	return f.ints.ptr(r[i].Int)
}

func (f *filler) optNum(r dictionary.Record, i int) *float64 {
	if r[i].Null {
		return nil
	}
	return f.nums.ptr(r[i].Num)
}

func (f *filler) pseudo(r dictionary.Record, i int) [16]byte { return f.ps.Pseudonym(r[i].Str) }

// Column positions, resolved once.
func idx(f *dictionary.Feed, name string) int {
	i := f.Index(name)
	if i < 0 {
		panic("land: no column " + name + " in " + f.Name)
	}
	return i
}

var (
	dIDDossier, dCodeFinanceur, dNIR, dSexe, dNaissance, dSituation, dDispositif, dSiretOF, dFormacode,
	dNSF, dCertification, dRegion, dHeures, dDebut, dFin, dTransmission = idx(dictionary.Dossiers, "id_dossier"),
		idx(dictionary.Dossiers, "code_financeur"), idx(dictionary.Dossiers, "nir"), idx(dictionary.Dossiers, "sexe"),
		idx(dictionary.Dossiers, "date_naissance"), idx(dictionary.Dossiers, "situation_avant"),
		idx(dictionary.Dossiers, "code_dispositif"), idx(dictionary.Dossiers, "siret_of"),
		idx(dictionary.Dossiers, "formacode"), idx(dictionary.Dossiers, "code_nsf"),
		idx(dictionary.Dossiers, "code_certification"), idx(dictionary.Dossiers, "region_formation"),
		idx(dictionary.Dossiers, "heures_prevues"), idx(dictionary.Dossiers, "date_debut_prevue"),
		idx(dictionary.Dossiers, "date_fin_prevue"), idx(dictionary.Dossiers, "date_transmission")

	eIDDossier, eCodeFinanceur, eType, eDate, eMotif, eCertification, eTransmission = idx(dictionary.Evenements, "id_dossier"),
		idx(dictionary.Evenements, "code_financeur"), idx(dictionary.Evenements, "type_evenement"),
		idx(dictionary.Evenements, "date_evenement"), idx(dictionary.Evenements, "motif_sortie"),
		idx(dictionary.Evenements, "certification_obtenue"), idx(dictionary.Evenements, "date_transmission")

	fIDDossier, fFinanceurDossier, fFinanceur, fTypeCout, fEngage, fDateEngagement, fRealise, fDateRealisation,
	fTransmission = idx(dictionary.Financements, "id_dossier"), idx(dictionary.Financements, "code_financeur_dossier"),
		idx(dictionary.Financements, "code_financeur"), idx(dictionary.Financements, "type_cout"),
		idx(dictionary.Financements, "montant_engage"), idx(dictionary.Financements, "date_engagement"),
		idx(dictionary.Financements, "montant_realise"), idx(dictionary.Financements, "date_realisation"),
		idx(dictionary.Financements, "date_transmission")

	vFinanceur, vDispositif, vAnnee, vMontant, vTransmission = idx(dictionary.Enveloppes, "code_financeur"),
		idx(dictionary.Enveloppes, "code_dispositif"), idx(dictionary.Enveloppes, "annee"),
		idx(dictionary.Enveloppes, "montant"), idx(dictionary.Enveloppes, "date_transmission")

	xNIR, xMois, xSiret, xNAF, xNature, xDebut, xFinPrevue, xFinReelle, xHeures, xContrat = idx(dictionary.DSNExtrait, "nir"),
		idx(dictionary.DSNExtrait, "mois"), idx(dictionary.DSNExtrait, "siret_employeur"),
		idx(dictionary.DSNExtrait, "code_naf"), idx(dictionary.DSNExtrait, "nature_contrat"),
		idx(dictionary.DSNExtrait, "date_debut_contrat"), idx(dictionary.DSNExtrait, "date_fin_prevue"),
		idx(dictionary.DSNExtrait, "date_fin_reelle"), idx(dictionary.DSNExtrait, "heures_mois"),
		idx(dictionary.DSNExtrait, "id_contrat")
)

func (f *filler) dossier(r dictionary.Record, landing string, source, line int64) dossierRow {
	return dossierRow{
		IDDossier: f.text(r, dIDDossier), CodeFinanceur: f.text(r, dCodeFinanceur), Pseudo: f.pseudo(r, dNIR),
		Sexe: f.text(r, dSexe), DateNaissance: f.date(r, dNaissance), SituationAvant: f.text(r, dSituation),
		CodeDispositif: f.text(r, dDispositif), SiretOF: f.text(r, dSiretOF), Formacode: f.text(r, dFormacode),
		CodeNSF: f.text(r, dNSF), CodeCertification: f.optText(r, dCertification), RegionFormation: f.text(r, dRegion),
		HeuresPrevues: r[dHeures].Int, DateDebutPrevue: f.date(r, dDebut), DateFinPrevue: f.date(r, dFin),
		DateTransmission: r[dTransmission].Time, Landing: landing, Source: source, Ligne: line,
	}
}

func (f *filler) evenement(r dictionary.Record, landing string, source, line int64) evenementRow {
	return evenementRow{
		IDDossier: f.text(r, eIDDossier), CodeFinanceur: f.text(r, eCodeFinanceur), TypeEvenement: f.text(r, eType),
		DateEvenement: f.date(r, eDate), MotifSortie: f.optText(r, eMotif), CertificationObtenue: f.optText(r, eCertification),
		DateTransmission: r[eTransmission].Time, Landing: landing, Source: source, Ligne: line,
	}
}

func (f *filler) financement(r dictionary.Record, landing string, source, line int64) financementRow {
	return financementRow{
		IDDossier: f.text(r, fIDDossier), CodeFinanceurDossier: f.text(r, fFinanceurDossier),
		CodeFinanceur: f.text(r, fFinanceur), TypeCout: f.text(r, fTypeCout), MontantEngage: r[fEngage].Int,
		DateEngagement: f.date(r, fDateEngagement), MontantRealise: f.optInt(r, fRealise),
		DateRealisation: f.optDate(r, fDateRealisation), DateTransmission: r[fTransmission].Time,
		Landing: landing, Source: source, Ligne: line,
	}
}

func (f *filler) enveloppe(r dictionary.Record, landing string, source, line int64) enveloppeRow {
	return enveloppeRow{
		CodeFinanceur: f.text(r, vFinanceur), CodeDispositif: f.text(r, vDispositif), Annee: r[vAnnee].Int,
		Montant: r[vMontant].Int, DateTransmission: r[vTransmission].Time, Landing: landing, Source: source, Ligne: line,
	}
}

// dsn makes a dsn_extrait row; declaration is nil for the tabular feed.
func (f *filler) dsn(r dictionary.Record, declaration *string, landing string, source, line int64) dsnRow {
	return dsnRow{
		Pseudo: f.pseudo(r, xNIR), Mois: f.date(r, xMois), SiretEmployeur: f.text(r, xSiret), CodeNAF: f.text(r, xNAF),
		NatureContrat: f.text(r, xNature), DateDebutContrat: f.date(r, xDebut), DateFinPrevue: f.optDate(r, xFinPrevue),
		DateFinReelle: f.optDate(r, xFinReelle), HeuresMois: f.optNum(r, xHeures), IDContrat: f.text(r, xContrat),
		DeclarationID: declaration, Landing: landing, Source: source, Ligne: line,
	}
}
