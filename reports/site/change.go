package site

// rateChange is a rate of the reference year beside the previous year's,
// each with its 95 % Wilson interval, as published.
type rateChange struct {
	cur, prev         fig
	curLow, curHigh   fig
	prevLow, prevHigh fig
}

// readRateChange reads rate id and its interval (id_ic_bas, id_ic_haut) on
// the rows of f for the current and the previous year (pairs of dimension
// and code, as frame.find takes them).
func readRateChange(f *frame, id string, cur, prev []string) rateChange {
	return rateChange{
		cur: f.figAt(id, cur...), prev: f.figAt(id, prev...),
		curLow: f.figAt(id+"_ic_bas", cur...), curHigh: f.figAt(id+"_ic_haut", cur...),
		prevLow: f.figAt(id+"_ic_bas", prev...), prevHigh: f.figAt(id+"_ic_haut", prev...),
	}
}

// change is the published change in points.
func (c rateChange) change() fig { return c.cur.minus(c.prev) }

// uncertain tells whether the change may be chance alone, by the one simple
// rule the site uses: the two years' 95 % Wilson intervals overlap. The rule
// errs towards the caveat (two rates whose intervals barely overlap can still
// differ significantly), which is what a warning should do: a small region
// (Mayotte, 34 exits: « +8,8 points » with intervals some 30 points wide) as
// well as a national change of half a point on 8 000 exits get it, while a
// change whose intervals are apart does not. A change of zero, or one whose
// intervals are not all published, gets none.
func (c rateChange) uncertain() bool {
	d := c.change()
	if !d.ok() || d.v == 0 || !c.curLow.ok() || !c.curHigh.ok() || !c.prevLow.ok() || !c.prevHigh.ok() {
		return false
	}
	return c.curLow.v <= c.prevHigh.v && c.prevLow.v <= c.curHigh.v
}

// uncertainCaveat is written under a key figure whose change is uncertain;
// uncertainNote follows the change in a sentence.
const (
	uncertainCaveat = "Écart dans la marge d'incertitude : les intervalles de confiance à 95" + nnbsp + "% des deux années se recouvrent."
	uncertainNote   = "dans la marge d'incertitude"
)

// rateKey is the key figure of a rate and its change on a year, with the
// caveat when the change is uncertain.
func rateKey(label string, c rateChange) keyFigure {
	k := keyFigure{Label: label, Value: unitPct.text(c.cur),
		Change: changeText(c.change(), unitPoints), Trend: trend(c.change())}
	if k.Change != "" && c.uncertain() {
		k.Caveat = uncertainCaveat
	}
	return k
}
