package indicators_test

import (
	"errors"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/agora-formation/agora/indicators"
)

// FuzzParseQuery feeds URL query strings to Catalogue.ParseQuery as the HTTP
// API does (serve/api.go: url.ParseQuery, then ParseQuery, DefaultBreakdown,
// and Run, which plans as Check does). Properties:
//   - nothing panics, in ParseQuery nor in the planning that follows it;
//   - every error is a *ParamError wrapping ErrBadParam, ErrUnknownIndicator
//     or ErrForbidden (anything else is a 500 for the API), with a non-empty
//     French message in valid UTF-8 (it goes into JSON as it is);
//   - an accepted query asks for that indicator only, on its own dimensions,
//     and written back as a query string (encodeQuery) it parses to the same
//     query.
//
// The indicator is the catalogue's indicator number pick, or id when id is
// not empty (unknown ids must be refused as such).
func FuzzParseQuery(f *testing.F) {
	cat := indicators.New()
	ids := make([]string, 0, len(cat.Indicators()))
	for i, in := range cat.Indicators() {
		ids = append(ids, in.ID)
		dims := in.Dimensions
		f.Add(uint8(i), "", "par="+strings.Join(dims[:min(2, len(dims))], ","))
		f.Add(uint8(i), "", "par="+strings.Join(dims, ",")+"&totaux="+dims[len(dims)-1])
	}
	for _, seed := range []struct {
		id, raw string
	}{
		{"", "par=dispositif,region&annee=2024"},
		{"", "par=+dispositif+,%20region&totaux=region"},
		{"", "annee=2024&annee=2023"},
		{"", "par=&totaux="},
		{"", "region=84&par=region"},
		{"", "organisme=12345678200010&par=annee_sortie"},
		{"", "annee_sortie=2024&annee=2024"},
		{"", "financeur=CDC&par=annee"},
		{"", "%ff=%fe&par=%c3"},
		{"", "par=region%3BDROP+TABLE+x"},
		{"taux_emploi_6m", "par=dispositif"},
		{"montant_engage", "par=annee,organisme"},
		{"montant_engage", "par=organisme&annee=2024"},
		{"inconnu", "par=annee"},
		{"taux_emploi_6m; DROP", ""},
	} {
		f.Add(uint8(0), seed.id, seed.raw)
		f.Add(uint8(7), seed.id, seed.raw)
	}
	f.Fuzz(func(t *testing.T, pick uint8, id, raw string) {
		if id == "" {
			id = ids[int(pick)%len(ids)]
		}
		params, err := url.ParseQuery(raw)
		if err != nil {
			return // refused by the server before the catalogue
		}
		q, err := cat.ParseQuery(id, params)
		if err != nil {
			checkParamError(t, "ParseQuery", err)
			return
		}
		in, ok := cat.Indicator(id)
		if !ok {
			t.Fatalf("ParseQuery(%q, %q) accepted an unknown indicator: %+v", id, raw, q)
		}
		if !slices.Equal(q.Indicators, []string{id}) {
			t.Fatalf("ParseQuery(%q, %q): indicators %q", id, raw, q.Indicators)
		}
		for _, d := range slices.Concat(q.By, q.Totals, slices.Collect(maps.Keys(q.Filters))) {
			if !slices.Contains(in.Dimensions, d) {
				t.Fatalf("ParseQuery(%q, %q): %q is not a dimension of %s (%v)", id, raw, d, id, in.Dimensions)
			}
		}
		again, err := url.ParseQuery(encodeQuery(q).Encode())
		if err != nil {
			t.Fatalf("encoded query %q does not parse: %v", encodeQuery(q).Encode(), err)
		}
		back, err := cat.ParseQuery(id, again)
		if err != nil {
			t.Fatalf("ParseQuery(%q, %q) = %+v, but its encoding %q is refused: %v", id, raw, q, again.Encode(), err)
		}
		if !reflect.DeepEqual(q, back) {
			t.Fatalf("ParseQuery(%q, %q) = %+v, but its encoding %q parses to %+v", id, raw, q, again.Encode(), back)
		}
		// What the server does next, short of reading the warehouse.
		for _, mode := range []indicators.Mode{indicators.Public, indicators.Partner} {
			mq := q
			if mode == indicators.Partner {
				mq.Funder = "FT"
			}
			mq = cat.DefaultBreakdown(mq, mode)
			if err := cat.Check(mq, mode); err != nil {
				checkParamError(t, "Check", err)
			}
		}
	})
}

// checkParamError fails unless err is what the API turns into a 4xx answer.
func checkParamError(t *testing.T, what string, err error) {
	t.Helper()
	var pe *indicators.ParamError
	if !errors.As(err, &pe) {
		t.Fatalf("%s: error %T is not a *ParamError: %v", what, err, err)
	}
	if !errors.Is(err, indicators.ErrBadParam) && !errors.Is(err, indicators.ErrUnknownIndicator) && !errors.Is(err, indicators.ErrForbidden) {
		t.Fatalf("%s: *ParamError of no known kind: %v", what, err)
	}
	if pe.Message == "" || !utf8.ValidString(pe.Message) {
		t.Fatalf("%s: message empty or not UTF-8: %q", what, pe.Message)
	}
}

// encodeQuery writes q back as the parameters of the HTTP API: "par" and
// "totaux" comma-separated, one parameter per filter.
func encodeQuery(q indicators.Query) url.Values {
	v := url.Values{}
	if len(q.By) > 0 {
		v.Set("par", strings.Join(q.By, ","))
	}
	if len(q.Totals) > 0 {
		v.Set("totaux", strings.Join(q.Totals, ","))
	}
	for k, x := range q.Filters {
		v.Set(k, x)
	}
	return v
}
