package site

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators/disclosure"
)

// TestMethodologyThresholds checks that the publication rules of the
// methodology page state the thresholds of package disclosure, each where
// it applies, and write no number that does not come from them: a threshold
// written as a literal would stay behind the day the rule changes.
func TestMethodologyThresholds(t *testing.T) {
	dir, _ := writeTestSite(t)
	data, err := os.ReadFile(filepath.Join(dir, "methodologie.html"))
	require.NoError(t, err)
	text := pageText(string(data))
	_, rules, ok := strings.Cut(text, "Règles de publication (secret statistique)\n")
	require.True(t, ok, "section des règles de publication absente")
	rules, _, ok = strings.Cut(rules, "Définition des indicateurs\n")
	require.True(t, ok)

	const (
		minCount = disclosure.MinCount
		minDen   = disclosure.MinDenominator
	)
	lowest := minCount - 1 - disclosure.MinHiddenWidth // the lowest value a hidden small count may have in the example
	amountPct := int(100 * disclosure.RowAmountWidth)
	for _, want := range []string{
		fmt.Sprintf("Un effectif de personnes ou de dossiers inférieur à %d n'est pas publié.", minCount),
		fmt.Sprintf("Un taux n'est publié que si son dénominateur compte au moins %d personnes", minDen),
		fmt.Sprintf("une ligne de moins de %d dossiers masque tous ses montants", minCount),
		fmt.Sprintf("au plus %d quand elle est « %s », au moins %d sinon", minCount-1, disclosure.ReasonCount, minCount),
		fmt.Sprintf("un effectif de moins de %d garde au moins %s valeurs possibles (par exemple de %d à %d)",
			minCount, numberWord(disclosure.MinHiddenWidth+1), lowest, minCount-1),
		fmt.Sprintf("un montant d'une ligne de moins de %d dossiers un intervalle d'au moins %d\u202f%% de sa valeur", minCount, amountPct),
		fmt.Sprintf("Un partenaire de moins de %d dossiers masque aussi ses nombres de lignes", minCount),
		fmt.Sprintf("ses taux calculés sur moins de %d lignes", minDen),
	} {
		assert.Contains(t, rules, want)
	}

	// Every number of the rules is one of the thresholds, or derived from
	// them; 1 is « au moins 1 quand la ligne existe ».
	allowed := map[string]bool{"1": true}
	for _, n := range []int{minCount, minCount - 1, minDen, lowest, amountPct} {
		allowed[strconv.Itoa(n)] = true
	}
	for _, n := range regexp.MustCompile(`[0-9]+`).FindAllString(rules, -1) {
		assert.True(t, allowed[n], "nombre %s écrit en dur dans les règles de publication", n)
	}

	// The footer of every page states the same thresholds.
	assert.Contains(t, text, fmt.Sprintf("Les chiffres portant sur moins de %d personnes, et les taux calculés sur moins de %d personnes, sont remplacés par « secret »",
		minCount, minDen))
}

// TestMethodologyToday pins the rules as they read with today's thresholds,
// so that a change of a threshold shows in a diff of this file and its
// sentences are read again.
func TestMethodologyToday(t *testing.T) {
	rules := strings.Join(secretRules(), "\n")
	for _, want := range []string{
		"inférieur à 11 n'est pas publié",
		"au moins 20 personnes",
		"au plus 10 quand elle est « effectif < 11 », au moins 11 sinon",
		"un effectif de moins de 11 garde au moins quatre valeurs possibles (par exemple de 7 à 10)",
		"un intervalle d'au moins 20\u202f% de sa valeur",
		"taux calculés sur moins de 20 lignes",
	} {
		assert.Contains(t, rules, want)
	}
}
