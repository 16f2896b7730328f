package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/agora-formation/agora/chain"
	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/generate"
	"github.com/agora-formation/agora/pipelines/land"
)

// nb is the narrow no-break space that groups digits (package french).
const nb = "\u202f"

// The summaries of compact, purge and demo write numbers as French does
// (package french): digits grouped by a narrow no-break space, a decimal
// comma, seconds to one decimal (1 250 ms → « 1,3 »: half away from zero),
// right-aligned columns padded by characters (« 12 000 » is 6 wide: 8
// spaces in a column of 14).

func TestPrintCompactionFrench(t *testing.T) {
	res := lake.CompactResult{Manifest: "00000009-0123abcd", Groups: []lake.CompactGroup{
		{Dir: "dsn_extrait/mois=2024-03-01", FilesBefore: 1234, FilesAfter: 2, Rows: 1234567, BytesBefore: 5 << 20, BytesAfter: 4 << 20},
	}}
	var out bytes.Buffer
	printCompaction(&out, res, 1250*time.Millisecond)
	assert.Equal(t, "  dsn_extrait/mois=2024-03-01               1"+nb+"234 fichiers → 2     1"+nb+"234"+nb+"567 lignes  5"+nb+"120 Kio → 4"+nb+"096 Kio\n"+
		"Lac compacté en 1,3 s : 1"+nb+"234 fichiers réécrits en 2, dans 1 partition (manifeste 00000009-0123abcd).\n"+
		"Les anciens fichiers restent sur le disque pour relire le lac tel qu'il était (agora build --au).\n", out.String())
}

func TestPrintPurgeFrench(t *testing.T) {
	res := lake.PurgeResult{Manifest: "00000010-0123abcd", LatestMonth: "2025-06-01", GraceLimit: "2023-06-01", Rows: 2500000,
		OutsideWindow: 12000, NoDossier: 345, FilesRewritten: 1500, FilesDeleted: 3,
		Months: []lake.PurgeMonth{{Month: "2021-01-01", OutsideWindow: 12000, NoDossier: 345}}}
	var out bytes.Buffer
	printPurge(&out, res, 61449*time.Millisecond)
	assert.Equal(t, "DSN du lac : 2"+nb+"500"+nb+"000 lignes, dernier mois chargé 2025-06 ; sans dossier, conservation à partir de 2023-06.\n"+
		"  mois       hors fenêtre   sans dossier\n"+
		"  2021-01          12"+nb+"000            345\n"+
		"12"+nb+"345 lignes purgées : 12"+nb+"000 hors des fenêtres de leurs dossiers, 345 de personnes sans dossier.\n"+
		"Purge faite en 61,4 s : 1"+nb+"500 fichiers réécrits, 3 supprimés (manifeste 00000010-0123abcd).\n", out.String())
}

func TestPrintDemoResultFrench(t *testing.T) {
	res := chain.Result{
		Stages:   []chain.Stage{{Name: "generate", Seconds: 8.46}, {Name: "build", Seconds: 1234.5}},
		Generate: generate.Summary{Dossiers: 60000},
		Land:     land.Summary{Landed: 1717222, Quarantined: 1663},
	}
	var out bytes.Buffer
	printDemoResult(&app{out: &out, prog: "./bin/agora", root: dataroot.Root{Dir: "/d"}}, res)
	assert.Equal(t, "\nDémonstration terminée.\n"+
		"  generate      8,5 s\n"+
		"  build     1"+nb+"234,5 s\n"+
		"\n60"+nb+"000 dossiers générés, 1"+nb+"717"+nb+"222 lignes chargées, 1"+nb+"663 en quarantaine.\n"+
		"\nSite (ouvrez-le dans un navigateur, sans réseau) :\n  /d/site/index.html\n"+
		"Données ouvertes :\n  /d/opendata\n"+
		"Pour servir le site et l'API : ./bin/agora serve --data /d\n", out.String())
}
