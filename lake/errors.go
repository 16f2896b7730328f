package lake

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// The errors of the lake that a caller sorts by type: those the user can act
// on (a file already landed, an unknown manifest id, a corrupt manifest to
// restore, a purge of DSN with no dossier landed) come with a sentinel to
// match with errors.Is and a type to read with errors.As.

var errLocked = errors.New("lake : verrou déjà pris")

// ErrAlreadyLanded is matched (errors.Is) by the error of Begin or Commit when
// a source with the same feed and SHA-256 has already been committed. The
// caller reports the file as already loaded ("déjà chargé") and changes nothing.
var ErrAlreadyLanded = errors.New("lake : fichier déjà chargé")

// AlreadyLandedError tells which source was already landed and where.
type AlreadyLandedError struct {
	Feed     string
	Source   Source
	Manifest string // id of the manifest that landed it; "" when the same source appears twice in one Begin
}

func (e *AlreadyLandedError) Error() string {
	if e.Manifest == "" {
		return fmt.Sprintf("lake : le fichier %s (flux %s) figure deux fois dans le même chargement (même contenu SHA-256 %s)",
			e.Source.Name, e.Feed, e.Source.SHA256)
	}
	return fmt.Sprintf("lake : fichier %s déjà chargé (flux %s, même contenu SHA-256 %s) par le chargement %s ; rien n'a été modifié",
		e.Source.Name, e.Feed, e.Source.SHA256, e.Manifest)
}

// Is makes errors.Is(err, ErrAlreadyLanded) true.
func (e *AlreadyLandedError) Is(target error) bool { return target == ErrAlreadyLanded }

// ErrUnknownManifest is matched (errors.Is) by the error of Snapshot when
// asOf names no committed manifest: a user's typo, not a broken lake.
var ErrUnknownManifest = errors.New("lake : chargement inconnu")

// UnknownManifestError tells which id was asked for and which ids exist. Its
// message, in French, says what a valid id looks like, where the ids are
// listed and which are the latest.
type UnknownManifestError struct {
	ID     string     // the id asked for, as given
	Root   string     // absolute lake root
	Recent []Manifest // the latest committed manifests, newest first (at most 3); none for an empty lake
}

// recentManifests is how many of the latest manifests UnknownManifestError names.
const recentManifests = 3

// NewUnknownManifestError returns the error for id, which names none of
// manifests (the committed manifests of the lake at root, in commit order):
// it names the latest of them.
func NewUnknownManifestError(id, root string, manifests []Manifest) *UnknownManifestError {
	recent := slices.Clone(manifests[max(0, len(manifests)-recentManifests):])
	slices.Reverse(recent)
	return &UnknownManifestError{ID: id, Root: root, Recent: recent}
}

func (e *UnknownManifestError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "chargement %s inconnu dans le lac %s : ", quoteInput(e.ID), e.Root)
	if _, _, ok := parseID(e.ID); ok {
		b.WriteString("aucun manifeste ne porte cet identifiant")
	} else {
		fmt.Fprintf(&b, "un identifiant de chargement s'écrit %d chiffres, un tiret et 8 chiffres hexadécimaux (ex. 00000042-1a2b3c4d)", seqDigits)
	}
	if len(e.Recent) == 0 {
		b.WriteString(" ; ce lac ne contient encore aucun chargement validé")
		return b.String()
	}
	dir := filepath.Join(e.Root, manifestsDir)
	fmt.Fprintf(&b, " ; les identifiants valides sont les noms des fichiers de %s, sans « .json » (ls %s) ; les plus récents : ", dir, dir)
	for i, m := range e.Recent {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s, %s)", m.ID, describeKind(m), m.FinishedAt.Local().Format("02/01/2006 15:04"))
	}
	return b.String()
}

// Is makes errors.Is(err, ErrUnknownManifest) true.
func (e *UnknownManifestError) Is(target error) bool { return target == ErrUnknownManifest }

// describeKind says in French what a manifest did.
func describeKind(m Manifest) string {
	switch m.Kind {
	case Landing:
		return "chargement du flux " + m.Feed
	case Compaction:
		return "compactage"
	case Purge:
		return "purge"
	}
	return string(m.Kind)
}

// quoteInput quotes user input for a message: « » around it, at most 60
// bytes, invalid UTF-8 replaced.
func quoteInput(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return "« " + strings.ToValidUTF8(s, "?") + " »"
}

// ErrCorruptManifest is matched (errors.Is) by the error of any lake
// operation that reads a committed manifest which is not valid JSON or
// declares another id than its file name. Its message says which file and
// to restore it from a backup: the user's to act on, not a bug.
var ErrCorruptManifest = errors.New("lake : manifeste corrompu")

// CorruptManifestError tells which manifest file is corrupt and how.
type CorruptManifestError struct {
	Path string // the manifest file
	ID   string // the id the file declares, when it is not its name's (Err is nil)
	Err  error  // why the file could not be decoded; nil when the id is wrong
}

func (e *CorruptManifestError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("lake : manifeste illisible %s : %v ; restaurez-le depuis une sauvegarde", e.Path, e.Err)
	}
	return fmt.Sprintf("lake : le manifeste %s déclare l'identifiant %q : fichier renommé ou corrompu, restaurez-le depuis une sauvegarde", e.Path, e.ID)
}

// Is makes errors.Is(err, ErrCorruptManifest) true.
func (e *CorruptManifestError) Is(target error) bool { return target == ErrCorruptManifest }

// Unwrap returns the decoding error.
func (e *CorruptManifestError) Unwrap() error { return e.Err }

// ErrNoDossiers is matched (errors.Is) by the error of PurgeDSN on a lake
// that holds DSN but no dossier: the user has to land the dossiers first.
var ErrNoDossiers = errors.New("lake : DSN sans dossier")

// NoDossiersError tells which lake has DSN and no dossier, and what the
// purge would have removed.
type NoDossiersError struct {
	Root        string // lake root
	GraceMonths int    // the grace period of the purge refused
}

func (e *NoDossiersError) Error() string {
	return fmt.Sprintf("lake : le lac %s contient de la DSN mais aucun dossier : la purge effacerait toute la DSN de plus de %d mois ; chargez d'abord les dossiers et les événements", e.Root, e.GraceMonths)
}

// Is makes errors.Is(err, ErrNoDossiers) true.
func (e *NoDossiersError) Is(target error) bool { return target == ErrNoDossiers }
