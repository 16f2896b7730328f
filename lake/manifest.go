package lake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind says what a manifest does to the lake.
type Kind string

const (
	// Landing adds the data of one or more delivered source files.
	Landing Kind = "landing"
	// Compaction rewrites small files into larger ones (adds and removes).
	Compaction Kind = "compaction"
	// Purge makes files invisible, for example at the end of a retention period.
	Purge Kind = "purge"
)

// Source identifies a delivered file by content.
type Source struct {
	Name   string `json:"name"`   // base name of the file, for people
	SHA256 string `json:"sha256"` // lower-case hex SHA-256 of its bytes
	Size   int64  `json:"size"`   // bytes
}

// Rows counts what happened to the rows of a source. For a landing,
// Read = Landed + Quarantined always holds (Commit refuses otherwise).
type Rows struct {
	Read              int64            `json:"read"`
	Landed            int64            `json:"landed"`
	Quarantined       int64            `json:"quarantined"`
	QuarantinedByRule map[string]int64 `json:"quarantined_by_rule,omitempty"`
}

func (r *Rows) add(o Rows) {
	r.Read += o.Read
	r.Landed += o.Landed
	r.Quarantined += o.Quarantined
	for rule, n := range o.QuarantinedByRule {
		if r.QuarantinedByRule == nil {
			r.QuarantinedByRule = make(map[string]int64)
		}
		r.QuarantinedByRule[rule] += n
	}
}

// LandedSource is a source with the counts of its rows, as recorded in a manifest.
type LandedSource struct {
	Source
	Rows Rows `json:"rows"`
}

// File is a Parquet file as recorded in a manifest.
type File struct {
	Dataset   string            `json:"dataset"`
	Path      string            `json:"path"` // relative to the lake root, '/'-separated
	Rows      int64             `json:"rows"`
	Bytes     int64             `json:"bytes"`
	Partition map[string]string `json:"partition,omitempty"`
}

// Rewrite records a file that a purge rewrote without the purged rows and
// then deleted from disk. New is the rewritten file, nil when every row was
// purged. When Old was visible, the purge also removes it and adds New (in
// Removes and Files); when Old was only part of earlier snapshots (a file a
// compaction removed), New is invisible in the latest snapshot and stands in
// for Old in snapshots as of earlier manifests: no snapshot ever shows a
// purged row again.
type Rewrite struct {
	Old string `json:"old"`
	New *File  `json:"new,omitempty"`
}

// Manifest is the record of one committed transaction, stored as
// <root>/_manifests/<ID>.json. Committed manifests are never rewritten; treat
// returned values as read-only.
type Manifest struct {
	ID            string            `json:"id"`
	Kind          Kind              `json:"kind"`
	Feed          string            `json:"feed"`
	Sources       []LandedSource    `json:"sources"`
	Rows          Rows              `json:"rows"` // totals over Sources
	SchemaVersion string            `json:"schema_version"`
	StartedAt     time.Time         `json:"started_at"`
	FinishedAt    time.Time         `json:"finished_at"`
	Files         []File            `json:"files"`
	Removes       []string          `json:"removes,omitempty"`  // relative paths made invisible
	Rewrites      []Rewrite         `json:"rewrites,omitempty"` // files a purge destroyed, and what stands in for them
	Meta          map[string]string `json:"meta,omitempty"`
}

// Seq returns the commit sequence number of the manifest.
func (m Manifest) Seq() int64 {
	seq, _, _ := parseID(m.ID)
	return seq
}

const seqDigits = 8

var (
	tokenRe = regexp.MustCompile(`^[0-9a-f]{8}$`)
	// nameRe is the shape of feed, dataset and partition key names.
	nameRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	// valueRe is the shape of partition values: no separators, no leading dot.
	valueRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$`)
)

func newToken() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

func formatID(seq int64, token string) string {
	return fmt.Sprintf("%0*d-%s", seqDigits, seq, token)
}

// parseID splits "<seq>-<token>".
func parseID(id string) (seq int64, token string, ok bool) {
	s, token, found := strings.Cut(id, "-")
	if !found || len(s) < seqDigits || !tokenRe.MatchString(token) {
		return 0, "", false
	}
	seq, err := strconv.ParseInt(s, 10, 64)
	if err != nil || seq <= 0 {
		return 0, "", false
	}
	return seq, token, true
}

func checkName(what, name string) error {
	if !nameRe.MatchString(name) {
		return fmt.Errorf("lake : nom de %s invalide %q : attendu des minuscules, chiffres et _ (ex. dsn_extrait), commençant par une lettre", what, name)
	}
	return nil
}
