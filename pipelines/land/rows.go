package land

import (
	"bytes"
	"cmp"
	"encoding/binary"
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
// filter on, so that row-group statistics prune well. A row's sortKey is a
// prefix of its order packed in integers, compared first; rows with equal
// keys are compared in full.

type sortKey struct {
	a, b uint64
	c    int64
}

type order[T any] struct {
	key func(*T) sortKey
	cmp func(a, b *T) int
}

// prefix packs the first 8 bytes of s, big-endian, so that integers compare as the strings do.
func prefix(s string) uint64 {
	var b [8]byte
	copy(b[:], s)
	return binary.BigEndian.Uint64(b[:])
}

// then packs two ordered values into one int64: x first, then y.
func then(x int64, y int64) int64 { return x<<32 | int64(uint32(y)) }

var byDossier = order[dossierRow]{
	key: func(r *dossierRow) sortKey {
		return sortKey{binary.BigEndian.Uint64(r.Pseudo[:8]), binary.BigEndian.Uint64(r.Pseudo[8:]), then(int64(r.DateDebutPrevue), r.Ligne)}
	},
	cmp: func(a, b *dossierRow) int {
		if c := bytes.Compare(a.Pseudo[:], b.Pseudo[:]); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.DateDebutPrevue, b.DateDebutPrevue), cmp.Compare(a.Ligne, b.Ligne), cmp.Compare(a.Source, b.Source))
	},
}

var byEvenement = order[evenementRow]{
	key: func(r *evenementRow) sortKey {
		return sortKey{prefix(r.CodeFinanceur), prefix(r.IDDossier), then(int64(r.DateEvenement), r.Ligne)}
	},
	cmp: func(a, b *evenementRow) int {
		return cmp.Or(cmp.Compare(a.CodeFinanceur, b.CodeFinanceur), cmp.Compare(a.IDDossier, b.IDDossier),
			cmp.Compare(a.DateEvenement, b.DateEvenement), cmp.Compare(a.Ligne, b.Ligne), cmp.Compare(a.Source, b.Source))
	},
}

var byFinancement = order[financementRow]{
	key: func(r *financementRow) sortKey {
		return sortKey{prefix(r.CodeFinanceurDossier), prefix(r.IDDossier), then(int64(r.DateEngagement), r.Ligne)}
	},
	cmp: func(a, b *financementRow) int {
		return cmp.Or(cmp.Compare(a.CodeFinanceurDossier, b.CodeFinanceurDossier), cmp.Compare(a.IDDossier, b.IDDossier),
			cmp.Compare(a.DateEngagement, b.DateEngagement), cmp.Compare(a.Ligne, b.Ligne), cmp.Compare(a.Source, b.Source))
	},
}

var byEnveloppe = order[enveloppeRow]{
	key: func(r *enveloppeRow) sortKey {
		return sortKey{prefix(r.CodeFinanceur), prefix(r.CodeDispositif), then(r.Annee, r.Ligne)}
	},
	cmp: func(a, b *enveloppeRow) int {
		return cmp.Or(cmp.Compare(a.CodeFinanceur, b.CodeFinanceur), cmp.Compare(a.CodeDispositif, b.CodeDispositif),
			cmp.Compare(a.Annee, b.Annee), cmp.Compare(a.Ligne, b.Ligne), cmp.Compare(a.Source, b.Source))
	},
}

var byDSN = order[dsnRow]{
	key: func(r *dsnRow) sortKey {
		return sortKey{binary.BigEndian.Uint64(r.Pseudo[:8]), binary.BigEndian.Uint64(r.Pseudo[8:]), then(int64(r.Mois), int64(r.DateDebutContrat))}
	},
	cmp: func(a, b *dsnRow) int {
		if c := bytes.Compare(a.Pseudo[:], b.Pseudo[:]); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Mois, b.Mois), cmp.Compare(a.DateDebutContrat, b.DateDebutContrat), cmp.Compare(a.Ligne, b.Ligne), cmp.Compare(a.Source, b.Source))
	},
}

var byDeclaration = order[declarationRow]{
	key: func(r *declarationRow) sortKey {
		return sortKey{prefix(r.SIRET), prefix(r.SIRET[min(8, len(r.SIRET)):]), 0}
	},
	cmp: func(a, b *declarationRow) int {
		return cmp.Or(cmp.Compare(a.SIRET, b.SIRET), cmp.Compare(a.DeclarationID, b.DeclarationID))
	},
}

var byQuarantine = order[quarantineRow]{
	key: func(r *quarantineRow) sortKey { return sortKey{prefix(r.Fichier), uint64(r.Ligne), 0} },
	cmp: func(a, b *quarantineRow) int {
		return cmp.Or(cmp.Compare(a.Fichier, b.Fichier), cmp.Compare(a.Ligne, b.Ligne), cmp.Compare(a.Regle, b.Regle), cmp.Compare(deref(a.Colonne), deref(b.Colonne)))
	},
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

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
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
