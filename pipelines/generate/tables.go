package generate

import (
	"fmt"

	"github.com/agora-formation/agora/dictionary"
)

// The reference tables of the synthetic world: shares, durations, costs and the
// planted employment model. Figures are believable orders of magnitude for France
// (2019-2025), not official statistics.

// Scheme indexes, in the dictionary's order (dictionary.Dispositifs).
const (
	sCPF = iota
	sCPFTP
	sPRF
	sHSP
	sAIR
	sAIF
	sAFC
	sAFPR
	sPOEI
	sPOEC
	sCSP
	sPRO
	sPROA
	sAPP
	sPDC
	sFNE
	sAGEFIPH
	sVAE
	sBC
	sPREPA
	nSchemes
)

// Situations before entry, in the dictionary's order (dictionary.Situations).
const (
	sitDE = iota
	sitSAL
	sitIND
	sitETU
	sitINA
	sitAUT
	nSituations
)

// Exit reasons, in the dictionary's order (dictionary.MotifsSortie).
const (
	motFIN = iota
	motABANDON
	motEMPLOI
	motEXCLUSION
	motAUTRE
	nMotifs
)

// How a scheme's trainee stands towards employment during the training.
const (
	trainOff      = iota // no job during training (or whatever job the trainee had continues if SAL)
	trainContract        // the training is a work contract (apprenticeship, professionalisation)
)

// funderRule says which funder finances a scheme (and sends its dossiers).
type funderRule int

const (
	fundRegion  funderRule = iota // REG-<region of training>
	fundFT                        // France Travail
	fundCDC                       // Caisse des Dépôts
	fundOPCO                      // the OPCO of the training's sector
	fundTP                        // Transitions Pro of the region
	fundEtat                      // État
	fundAgefiph                   // Agefiph
	fundPOEC                      // France Travail or an OPCO
	fundVAE                       // CDC, the Region or France Travail
	fundBC                        // CDC or France Travail
)

type schemeSpec struct {
	code         string
	share        float64 // share of dossiers, percent
	funder       funderRule
	sit          [nSituations]float64 // situation before entry, percent
	ageMean      float64
	ageSD        float64
	ageMin       float64
	ageMax       float64
	male         float64 // share of men
	hoursMed     float64 // planned hours: lognormal median, sigma, bounds
	hoursSigma   float64
	hoursMin     float64
	hoursMax     float64
	weekly       float64 // training hours per week (sets the duration)
	costLo       float64 // pedagogical cost: euros per hour, or flat when flat
	costHi       float64
	flat         bool
	logit        float64 // base logit of employment at 6 months (DE, <26, man, neutral region)
	cancel       float64 // share of cancelled dossiers
	motifs       [nMotifs]float64
	rncp, rs     float64 // share aiming at an RNCP / RS certification
	training     int
	remuneration float64 // share of dossiers with a remuneration line (DE trainees)
}

var schemes = [nSchemes]schemeSpec{
	sCPF: {code: "CPF", share: 37, funder: fundCDC, sit: [6]float64{30, 60, 4, 2, 2, 2}, ageMean: 38, ageSD: 11, ageMin: 16, ageMax: 66, male: .48,
		hoursMed: 35, hoursSigma: .8, hoursMin: 7, hoursMax: 700, weekly: 12, costLo: 22, costHi: 45, logit: .3, cancel: .032,
		motifs: [5]float64{88, 4, 2, .2, 5.8}, rncp: .35, rs: .45},
	sCPFTP: {code: "CPF_TP", share: 1.2, funder: fundTP, sit: [6]float64{2, 98, 0, 0, 0, 0}, ageMean: 38, ageSD: 8, ageMin: 22, ageMax: 60, male: .4,
		hoursMed: 800, hoursSigma: .4, hoursMin: 150, hoursMax: 2400, weekly: 30, costLo: 15, costHi: 25, logit: .9, cancel: .01,
		motifs: [5]float64{90, 5, 1, .2, 3.8}, rncp: .9, rs: .05, remuneration: 1},
	sPRF: {code: "PRF", share: 9, funder: fundRegion, sit: [6]float64{88, 3, 0, 2, 4, 3}, ageMean: 33, ageSD: 11, ageMin: 16, ageMax: 64, male: .5,
		hoursMed: 420, hoursSigma: .5, hoursMin: 35, hoursMax: 1500, weekly: 30, costLo: 10, costHi: 16, logit: -.1, cancel: .02,
		motifs: [5]float64{78, 10, 6, 1, 5}, rncp: .6, rs: .1, remuneration: .45},
	sHSP: {code: "HSP", share: 2, funder: fundRegion, sit: [6]float64{90, 1, 0, 3, 4, 2}, ageMean: 28, ageSD: 10, ageMin: 16, ageMax: 62, male: .52,
		hoursMed: 300, hoursSigma: .5, hoursMin: 35, hoursMax: 1200, weekly: 28, costLo: 9, costHi: 14, logit: -.5, cancel: .025,
		motifs: [5]float64{72, 14, 5, 2, 7}, rncp: .3, rs: .1, remuneration: .5},
	sAIR: {code: "AIR", share: 2, funder: fundRegion, sit: [6]float64{85, 8, 2, 1, 2, 2}, ageMean: 35, ageSD: 10, ageMin: 18, ageMax: 64, male: .46,
		hoursMed: 250, hoursSigma: .7, hoursMin: 20, hoursMax: 1500, weekly: 30, costLo: 12, costHi: 20, logit: 0, cancel: .02,
		motifs: [5]float64{84, 6, 5, .5, 4.5}, rncp: .5, rs: .2},
	sAIF: {code: "AIF", share: 7, funder: fundFT, sit: [6]float64{97, 1, 0, 0, 1, 1}, ageMean: 36, ageSD: 10, ageMin: 18, ageMax: 64, male: .53,
		hoursMed: 300, hoursSigma: .7, hoursMin: 20, hoursMax: 1600, weekly: 30, costLo: 11, costHi: 20, logit: .1, cancel: .02,
		motifs: [5]float64{84, 6, 6, .5, 3.5}, rncp: .5, rs: .2, remuneration: .3},
	sAFC: {code: "AFC", share: 5, funder: fundFT, sit: [6]float64{97, 1, 0, 0, 1, 1}, ageMean: 36, ageSD: 11, ageMin: 18, ageMax: 64, male: .55,
		hoursMed: 400, hoursSigma: .5, hoursMin: 35, hoursMax: 1500, weekly: 30, costLo: 11, costHi: 17, logit: .1, cancel: .02,
		motifs: [5]float64{80, 8, 7, 1, 4}, rncp: .55, rs: .15, remuneration: .3},
	sAFPR: {code: "AFPR", share: 1.5, funder: fundFT, sit: [6]float64{98, 0, 0, 0, 1, 1}, ageMean: 35, ageSD: 11, ageMin: 18, ageMax: 64, male: .6,
		hoursMed: 250, hoursSigma: .4, hoursMin: 40, hoursMax: 400, weekly: 32, costLo: 6, costHi: 9, logit: 1.6, cancel: .015,
		motifs: [5]float64{88, 5, 4, .5, 2.5}, rncp: .1, rs: .1},
	sPOEI: {code: "POEI", share: 2, funder: fundFT, sit: [6]float64{98, 0, 0, 0, 1, 1}, ageMean: 34, ageSD: 11, ageMin: 18, ageMax: 64, male: .58,
		hoursMed: 300, hoursSigma: .3, hoursMin: 40, hoursMax: 400, weekly: 33, costLo: 7, costHi: 13, logit: 1.4, cancel: .015,
		motifs: [5]float64{88, 5, 4, .5, 2.5}, rncp: .1, rs: .15},
	sPOEC: {code: "POEC", share: 1.5, funder: fundPOEC, sit: [6]float64{97, 0, 0, 1, 1, 1}, ageMean: 30, ageSD: 10, ageMin: 18, ageMax: 62, male: .55,
		hoursMed: 350, hoursSigma: .3, hoursMin: 100, hoursMax: 600, weekly: 32, costLo: 9, costHi: 15, logit: .4, cancel: .02,
		motifs: [5]float64{82, 8, 6, 1, 3}, rncp: .2, rs: .3},
	sCSP: {code: "CSP", share: 2, funder: fundFT, sit: [6]float64{100, 0, 0, 0, 0, 0}, ageMean: 42, ageSD: 10, ageMin: 20, ageMax: 64, male: .55,
		hoursMed: 350, hoursSigma: .6, hoursMin: 20, hoursMax: 1500, weekly: 30, costLo: 12, costHi: 18, logit: .2, cancel: .02,
		motifs: [5]float64{85, 5, 6, .2, 3.8}, rncp: .5, rs: .2},
	sPRO: {code: "PRO", share: 5, funder: fundOPCO, sit: [6]float64{45, 10, 0, 35, 8, 2}, ageMean: 23, ageSD: 5, ageMin: 16, ageMax: 55, male: .5,
		hoursMed: 600, hoursSigma: .3, hoursMin: 150, hoursMax: 1200, weekly: 12, costLo: 9.15, costHi: 15, logit: .9, cancel: .015,
		motifs: [5]float64{80, 12, 2, 1, 5}, rncp: .8, rs: .05, training: trainContract},
	sPROA: {code: "PROA", share: .8, funder: fundOPCO, sit: [6]float64{0, 100, 0, 0, 0, 0}, ageMean: 38, ageSD: 9, ageMin: 20, ageMax: 62, male: .5,
		hoursMed: 450, hoursSigma: .4, hoursMin: 100, hoursMax: 1200, weekly: 8, costLo: 9.15, costHi: 15, logit: .3, cancel: .01,
		motifs: [5]float64{90, 4, 1, .2, 4.8}, rncp: .85, rs: .1},
	sAPP: {code: "APP", share: 8, funder: fundOPCO, sit: [6]float64{15, 3, 0, 70, 10, 2}, ageMean: 19, ageSD: 3, ageMin: 15.5, ageMax: 35, male: .62,
		hoursMed: 1100, hoursSigma: .25, hoursMin: 400, hoursMax: 2000, weekly: 14, costLo: 7, costHi: 10, logit: .6, cancel: .02,
		motifs: [5]float64{78, 16, 1, 1, 4}, rncp: .95, rs: 0, training: trainContract},
	sPDC: {code: "PDC", share: 5, funder: fundOPCO, sit: [6]float64{0, 99, 0, 0, 0, 1}, ageMean: 40, ageSD: 10, ageMin: 18, ageMax: 65, male: .52,
		hoursMed: 28, hoursSigma: .8, hoursMin: 3, hoursMax: 400, weekly: 20, costLo: 20, costHi: 40, logit: .3, cancel: .01,
		motifs: [5]float64{95, 2, .5, 0, 2.5}, rncp: .1, rs: .25},
	sFNE: {code: "FNE", share: 2, funder: fundEtat, sit: [6]float64{0, 100, 0, 0, 0, 0}, ageMean: 41, ageSD: 10, ageMin: 18, ageMax: 65, male: .55,
		hoursMed: 60, hoursSigma: .8, hoursMin: 7, hoursMax: 600, weekly: 20, costLo: 20, costHi: 35, logit: .4, cancel: .01,
		motifs: [5]float64{94, 2, .5, 0, 3.5}, rncp: .15, rs: .3},
	sAGEFIPH: {code: "AGEFIPH", share: 1, funder: fundAgefiph, sit: [6]float64{85, 10, 0, 0, 5, 0}, ageMean: 42, ageSD: 10, ageMin: 18, ageMax: 64, male: .52,
		hoursMed: 300, hoursSigma: .6, hoursMin: 20, hoursMax: 1200, weekly: 28, costLo: 12, costHi: 18, logit: -.6, cancel: .02,
		motifs: [5]float64{80, 10, 4, .5, 5.5}, rncp: .5, rs: .15, remuneration: .3},
	sVAE: {code: "VAE", share: 1.5, funder: fundVAE, sit: [6]float64{35, 60, 0, 0, 0, 5}, ageMean: 40, ageSD: 9, ageMin: 20, ageMax: 64, male: .35,
		hoursMed: 24, hoursSigma: .4, hoursMin: 6, hoursMax: 100, weekly: 3, costLo: 1500, costHi: 3000, flat: true, logit: .4, cancel: .02,
		motifs: [5]float64{85, 10, .5, 0, 4.5}, rncp: 1},
	sBC: {code: "BC", share: 5, funder: fundBC, sit: [6]float64{22, 75, 0, 0, 0, 3}, ageMean: 40, ageSD: 9, ageMin: 20, ageMax: 64, male: .3,
		hoursMed: 22, hoursSigma: .15, hoursMin: 10, hoursMax: 24, weekly: 3, costLo: 1200, costHi: 2400, flat: true, logit: .3, cancel: .025,
		motifs: [5]float64{94, 3, .5, 0, 2.5}},
	sPREPA: {code: "PREPA", share: 1.5, funder: fundFT, sit: [6]float64{100, 0, 0, 0, 0, 0}, ageMean: 32, ageSD: 11, ageMin: 16, ageMax: 62, male: .5,
		hoursMed: 150, hoursSigma: .5, hoursMin: 20, hoursMax: 600, weekly: 30, costLo: 10, costHi: 14, logit: -.6, cancel: .02,
		motifs: [5]float64{80, 10, 5, .5, 4.5}, remuneration: .3},
}

// Planted coefficients of the employment model at 6 months (logit scale).
var (
	coefSituation = [nSituations]float64{sitDE: 0, sitSAL: 1.8, sitIND: -.4, sitETU: -.2, sitINA: -.7, sitAUT: -.4}
	coefMotif     = [nMotifs]float64{motFIN: 0, motABANDON: -.6, motEMPLOI: 2.5, motEXCLUSION: -.8, motAUTRE: -.3}
	coefSexWoman  = -.1
	// Age bands of the models' strata: <26, 26-44, 45+.
	coefAge    = [3]float64{0, .15, -.45}
	ageBands   = [3]string{"<26", "26-44", "45+"}
	ofEffectSD = .4
)

func ageBand(age int) int {
	switch {
	case age < 26:
		return 0
	case age < 45:
		return 1
	}
	return 2
}

// Regions, in the dictionary's order, with population shares (percent), departments
// (NIR birth places) and the planted regional effect.
type regionSpec struct {
	code   string
	pop    float64
	depts  []string // metropolitan departments; for overseas regions the 3-digit code
	effect float64
	dom    bool
}

var regions = []regionSpec{
	{"01", .57, []string{"971"}, -.45, true},
	{"02", .52, []string{"972"}, -.45, true},
	{"03", .43, []string{"973"}, -.6, true},
	{"04", 1.3, []string{"974"}, -.45, true},
	{"06", .46, []string{"976"}, -.7, true},
	{"11", 18.3, []string{"75", "77", "78", "91", "92", "93", "94", "95"}, .1, false},
	{"24", 3.8, []string{"18", "28", "36", "37", "41", "45"}, 0, false},
	{"27", 4.1, []string{"21", "25", "39", "58", "70", "71", "89", "90"}, .05, false},
	{"28", 4.9, []string{"14", "27", "50", "61", "76"}, 0, false},
	{"32", 8.8, []string{"02", "59", "60", "62", "80"}, -.15, false},
	{"44", 8.2, []string{"08", "10", "51", "52", "54", "55", "57", "67", "68", "88"}, 0, false},
	{"52", 5.8, []string{"44", "49", "53", "72", "85"}, .15, false},
	{"53", 5.1, []string{"22", "29", "35", "56"}, .1, false},
	{"75", 9.2, []string{"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}, .05, false},
	{"76", 9.1, []string{"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"}, -.05, false},
	{"84", 12.1, []string{"01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"}, .1, false},
	{"93", 7.7, []string{"04", "05", "06", "13", "83", "84"}, -.1, false},
	{"94", .52, []string{"2A", "2B"}, -.1, false},
}

// Countries of birth abroad (INSEE codes written in the NIR after 99), with weights.
var countries = []struct {
	code string
	w    float64
}{
	{"352", 18}, {"350", 16}, {"351", 7}, {"139", 8}, {"208", 4}, {"127", 3}, {"134", 3},
	{"341", 4}, {"335", 3}, {"326", 4}, {"322", 3}, {"312", 3}, {"436", 2}, {"114", 4},
	{"397", 2}, {"333", 2}, {"243", 2}, {"216", 2}, {"131", 2}, {"109", 2},
}

// NSF specialities used by the generator, with their overall weight among trainings.
type nsfSpec struct {
	code   int
	w      float64
	naf    string // NAF sections where jobs of this speciality mostly are
	opco   int    // OPCO (1..11) of the sector
	fcPref string // Formacode prefix (2 digits)
}

var nsfs = []nsfSpec{
	{100, 2, "PO", 9, "15"}, {133, 1, "R", 1, "45"}, {136, 7, "NMGP", 2, "15"},
	{200, 1, "C", 4, "31"}, {201, 1.5, "C", 4, "31"}, {210, .8, "A", 7, "21"}, {211, .8, "A", 7, "21"},
	{212, .5, "A", 7, "21"}, {213, .4, "A", 7, "21"}, {214, .8, "AN", 7, "21"}, {221, 4, "CI", 8, "42"},
	{222, .5, "C", 4, "11"}, {223, .8, "C", 4, "23"}, {227, 1.5, "FD", 5, "22"}, {230, 1.5, "F", 5, "22"},
	{232, 2, "F", 5, "22"}, {233, 2, "F", 5, "22"}, {234, 1, "FC", 5, "22"}, {250, 1.5, "C", 4, "23"},
	{251, 1.5, "C", 4, "23"}, {252, 1.5, "G", 6, "31"}, {253, .4, "C", 4, "31"}, {254, .8, "CF", 4, "23"},
	{255, 2.5, "FCD", 4, "24"}, {300, 1, "NS", 9, "42"}, {310, 1.5, "GMN", 11, "32"}, {311, 8, "HN", 6, "31"},
	{312, 7, "G", 11, "34"}, {313, 1.5, "K", 2, "32"}, {314, 4, "MK", 2, "32"}, {315, 1.5, "MN", 2, "33"},
	{320, .8, "JM", 1, "46"}, {324, 4, "NMO", 9, "35"}, {326, 6, "JM", 2, "31"}, {330, 1.5, "Q", 10, "43"},
	{331, 6, "Q", 10, "43"}, {332, 5, "QO", 3, "44"}, {333, 1.5, "P", 3, "44"}, {334, 5, "I", 8, "42"},
	{335, 2, "RS", 1, "15"}, {336, 2, "S", 9, "42"}, {343, 3, "NE", 8, "42"}, {344, 4, "NO", 8, "42"},
	{410, .5, "S", 3, "15"}, {413, 3, "NS", 3, "15"}, {415, 5, "NQS", 3, "15"},
}

// nsfIndex returns the position of a NSF code in nsfs.
func nsfIndex(code int) int {
	for i, n := range nsfs {
		if n.code == code {
			return i
		}
	}
	panic(fmt.Sprintf("generate: NSF %d not in table", code))
}

// domainEffect is the planted effect of the NSF domain (first digit).
var domainEffect = map[int]float64{1: -.15, 2: .15, 3: 0, 4: -.25}

// schemeNSF gives scheme-specific affinities (multipliers) for NSF codes or domains.
func schemeNSFAffinity(s, nsf int) float64 {
	dom := nsf / 100
	switch s {
	case sCPF:
		switch nsf {
		case 136:
			return 4
		case 311, 326, 413, 344:
			return 2
		}
	case sAPP, sPRO:
		switch {
		case dom == 2:
			return 2
		case dom == 1 || dom == 4:
			return .05
		}
	case sHSP:
		switch nsf {
		case 100, 136, 413, 415:
			return 4
		}
	case sPDC, sFNE:
		switch nsf {
		case 413, 315, 310, 326, 136:
			return 2.5
		}
	}
	return 1
}

// NAF rév. 2 codes by section with their weights (share of employment within the section).
type nafSpec struct {
	code string
	w    float64
}

var nafBySection = map[byte][]nafSpec{
	'A': {{"0111Z", 3}, {"0121Z", 2}, {"0141Z", 1}, {"0161Z", 2}, {"0210Z", .5}},
	'B': {{"0812Z", 1}},
	'C': {{"1011Z", 2}, {"1013A", 2}, {"1071C", 3}, {"1089Z", 1}, {"2011Z", 1}, {"2222Z", 1.5}, {"2511Z", 1.5}, {"2562B", 2}, {"2822Z", 1}, {"2910Z", 1.5}, {"2932Z", 1.5}, {"3030Z", 1.5}, {"3109B", 1}, {"3312Z", 1.5}},
	'D': {{"3511Z", 2}, {"3530Z", 1}},
	'E': {{"3700Z", 1}, {"3811Z", 2}, {"3821Z", 1}},
	'F': {{"4120A", 2}, {"4120B", 2}, {"4211Z", 1}, {"4321A", 3}, {"4322A", 2}, {"4322B", 1.5}, {"4331Z", 1}, {"4332A", 1.5}, {"4334Z", 1.5}, {"4391B", 1}, {"4399C", 2}},
	'G': {{"4511Z", 1.5}, {"4520A", 2}, {"4649Z", 1}, {"4690Z", 1}, {"4711D", 3}, {"4711F", 3}, {"4719B", 1}, {"4771Z", 2}, {"4773Z", 1}, {"4791A", 1}},
	'H': {{"4931Z", 1}, {"4941A", 3}, {"4941B", 1}, {"5210B", 3}, {"5229A", 1}, {"5320Z", 1}},
	'I': {{"5510Z", 2}, {"5610A", 4}, {"5610C", 2}, {"5621Z", 1}},
	'J': {{"5829C", 1}, {"6110Z", 1}, {"6201Z", 3}, {"6202A", 2}, {"6311Z", 1}},
	'K': {{"6419Z", 3}, {"6512Z", 2}, {"6622Z", 1}},
	'L': {{"6820B", 2}, {"6831Z", 1}},
	'M': {{"6920Z", 2}, {"7022Z", 2}, {"7112B", 2}, {"7311Z", 1}, {"7490B", 1}},
	'N': {{"7810Z", 1}, {"8010Z", 2}, {"8121Z", 3}, {"8211Z", 1}, {"7711A", .5}, {"8299Z", 1}},
	'O': {{"8411Z", 4}, {"8412Z", 1}, {"8424Z", 1}},
	'P': {{"8510Z", 1}, {"8520Z", 2}, {"8531Z", 2}, {"8559A", 2}, {"8559B", 1}},
	'Q': {{"8610Z", 4}, {"8621Z", 1}, {"8690D", 1}, {"8710A", 2}, {"8810A", 2}, {"8891A", 1}, {"8899B", 1}},
	'R': {{"9001Z", 1}, {"9311Z", 1}, {"9313Z", 1}, {"9329Z", 1}},
	'S': {{"9411Z", 1}, {"9499Z", 2}, {"9602A", 2}, {"9609Z", 1}},
	'T': {{"9700Z", 1}},
}

// Interim agencies (NAF 7820Z, section N) are kept apart: temporary work is drawn from them.
const nafInterim = "7820Z"

// Sections in order with their share of employment (percent).
var sectionWeights = []struct {
	s byte
	w float64
}{
	{'A', 1.5}, {'B', .1}, {'C', 11}, {'D', .5}, {'E', 1}, {'F', 7}, {'G', 14}, {'H', 6}, {'I', 5},
	{'J', 3}, {'K', 3}, {'L', 1}, {'M', 6}, {'N', 7}, {'O', 9}, {'P', 7}, {'Q', 14}, {'R', 1.2}, {'S', 2.5}, {'T', .5},
}

// Names written in NEODeS employee blocks (S21.G00.30.002 and .004).
var (
	surnames = []string{"MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
		"SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
		"BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MÜLLER", "FRANÇOIS", "LEGRAND", "GARNIER",
		"FAURE", "ANDRÉ", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "CHEVALIER", "N'DIAYE", "DA SILVA", "BENOÎT"}
	firstMen   = []string{"Jean", "Thomas", "Nicolas", "Julien", "Mathéo", "Lucas", "Hugo", "Karim", "Jérôme", "François", "Léo", "Mehdi", "Noé", "Raphaël", "Loïc"}
	firstWomen = []string{"Marie", "Camille", "Léa", "Chloé", "Inès", "Manon", "Hélène", "Zoé", "Gaëlle", "Noémie", "Aïcha", "Sophie", "Océane", "Maëlys", "Anaïs"}
	jobTitles  = []string{"Agent d'entretien", "Préparateur de commandes", "Aide-soignant", "Employé de libre-service", "Développeur informatique",
		"Cuisinier", "Maçon", "Électricien", "Conducteur d'engins", "Secrétaire médicale", "Éducateur spécialisé", "Comptable",
		"Vendeur", "Agent de sécurité", "Chauffeur poids lourd", "Assistant d'éducation", "Cariste", "Serveur", "Plombier chauffagiste", "Chargé d'accueil"}
	trainingTitles = []string{"Titre professionnel « Agent de propreté et d'hygiène »", "CACES R489; catégories 1A, 3 et 5", "Anglais professionnel - niveau B1",
		"Formation \"Développeur web et web mobile\"", "BTS Management commercial opérationnel", "Bilan de compétences; 24 h", "CAP Cuisine",
		"Titre pro Secrétaire assistant(e) médico-social(e)", "Habilitation électrique B1V-BR", "Certificat Voltaire", "DEAS - Aide-soignant", "Permis C; FIMO marchandises"}
)

// indexes of funders in dictionary.Financeurs, resolved once.
var (
	funderCodes []string // every funder code, in the dictionary's order
	funderIdx   = map[string]int{}
)

func init() {
	for i, c := range dictionary.Financeurs.Codes {
		funderCodes = append(funderCodes, c.Code)
		funderIdx[c.Code] = i
	}
	if len(funderCodes) > 64 {
		panic("generate: the file set's tables hold 64 partners at most")
	}
	for i, s := range schemes {
		if dictionary.Dispositifs.Codes[i].Code != s.code {
			panic("generate: scheme table out of the dictionary's order at " + s.code)
		}
	}
	for i, r := range regions {
		if dictionary.Regions.Codes[i].Code != r.code {
			panic("generate: region table out of the dictionary's order at " + r.code)
		}
	}
}

func funderOf(code string) int {
	i, ok := funderIdx[code]
	if !ok {
		panic("generate: unknown funder " + code)
	}
	return i
}

func regionFunder(r int) int { return funderOf("REG-" + regions[r].code) }
func tpFunder(r int) int     { return funderOf("TP-" + regions[r].code) }
func opcoFunder(k int) int   { return funderOf(fmt.Sprintf("OPCO-%02d", k)) }
