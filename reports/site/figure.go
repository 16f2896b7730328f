package site

import (
	"strconv"

	"github.com/agora-formation/agora/french"
)

// fig is one published figure: a value, a value hidden by disclosure control
// (« secret »), or a value that does not exist (no envelope, no denominator).
// A hidden figure carries no value: it can never be shown as a zero.
type fig struct {
	v     float64
	state figState
}

type figState uint8

const (
	figMissing figState = iota // nothing to publish (n.d.)
	figShown                   // published
	figSecret                  // hidden by disclosure control
)

// secretText is how a hidden figure is written everywhere on the site.
const secretText = "secret"

// missingText is how a figure that does not exist is written.
const missingText = "n.d."

func shown(v float64) fig { return fig{v: v, state: figShown} }

var (
	secretFig  = fig{state: figSecret}
	missingFig = fig{state: figMissing}
)

func (f fig) ok() bool     { return f.state == figShown }
func (f fig) secret() bool { return f.state == figSecret }

// minus returns f − g, published only when both are.
func (f fig) minus(g fig) fig {
	switch {
	case f.secret() || g.secret():
		return secretFig
	case f.ok() && g.ok():
		return shown(f.v - g.v)
	}
	return missingFig
}

// unit is how the figures of a column or a chart are written.
type unit uint8

const (
	unitCount     unit = iota // 812 400
	unitPct                   // 58,3 %
	unitPoints                // +1,2 point
	unitEuros                 // 12 345 €
	unitEuroCents             // 12,35 €
	unitHours                 // 1 200 h
	unitDays                  // 6,5 j
	unitMillions              // 12,3 M€ (values already in millions of euros)
)

// text writes a figure for a page.
func (u unit) text(f fig) string {
	switch f.state {
	case figSecret:
		return secretText
	case figMissing:
		return missingText
	}
	switch u {
	case unitPct:
		return fmtPct(f.v)
	case unitPoints:
		return fmtPoints(f.v)
	case unitEuros:
		return french.Dec(f.v, 0) + nnbsp + "€"
	case unitEuroCents:
		return fmtEurosCents(f.v)
	case unitHours:
		return french.Dec(f.v, 0) + nnbsp + "h"
	case unitDays:
		return french.Dec(f.v, 1) + nnbsp + "j"
	case unitMillions:
		return french.Dec(f.v, 1) + nnbsp + "M€"
	}
	return french.Dec(f.v, 0)
}

// csv writes a figure for a CSV file: a plain number with a dot, « secret »
// when hidden, empty when it does not exist.
func (u unit) csv(f fig) string {
	switch f.state {
	case figSecret:
		return secretText
	case figMissing:
		return ""
	}
	return strconv.FormatFloat(french.Round(f.v, u.decimals()), 'f', u.decimals(), 64)
}

func (u unit) decimals() int {
	switch u {
	case unitPct, unitPoints, unitDays, unitMillions:
		return 1
	case unitEuroCents:
		return 2
	case unitEuros:
		return 0
	}
	return 0
}

// suffix is the unit written after a number in chart labels.
func (u unit) suffix() string {
	switch u {
	case unitPct:
		return nnbsp + "%"
	case unitPoints:
		return nnbsp + "pt"
	case unitEuros, unitEuroCents:
		return nnbsp + "€"
	case unitHours:
		return nnbsp + "h"
	case unitDays:
		return nnbsp + "j"
	case unitMillions:
		return nnbsp + "M€"
	}
	return ""
}

// echartsValue is a figure as ECharts data: the number, "-" (ECharts' empty
// value) when hidden, nothing when missing; the tooltip tells them apart.
func (f fig) echartsValue() any {
	switch f.state {
	case figShown:
		return f.v
	case figSecret:
		return "-"
	}
	return nil
}
