package generate

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Every random draw comes from a PCG stream seeded from the run's seed, a
// stream tag and an index (a person, a partner...), so that what is drawn for
// one person never depends on the order in which persons are processed.

// Stream tags.
const (
	streamWorld uint64 = iota + 1
	streamIdentity
	streamLife
	streamNEODeS
	streamStyle
	streamEnvelope
)

// mix64 is the splitmix64 finaliser: a bijective, well-mixing hash of 64 bits.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hash3 hashes a seed, a stream tag and an index.
func hash3(seed, stream, idx uint64) uint64 {
	return mix64(mix64(seed^mix64(stream)) ^ idx)
}

// unit returns a uniform number in [0, 1) from a hash.
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// rnd wraps a PCG generator with the distributions the generator needs.
type rnd struct {
	pcg *rand.PCG
	*rand.Rand
}

func newRnd() *rnd {
	p := rand.NewPCG(0, 0)
	return &rnd{pcg: p, Rand: rand.New(p)}
}

// reseed positions the stream for (seed, stream, idx).
func (r *rnd) reseed(seed, stream, idx uint64) {
	r.pcg.Seed(hash3(seed, stream, idx), mix64(idx^stream<<56))
}

// bern returns true with probability p.
func (r *rnd) bern(p float64) bool { return r.Float64() < p }

// between returns an integer uniform in [lo, hi].
func (r *rnd) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// uniform returns a float uniform in [lo, hi).
func (r *rnd) uniform(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// normal returns a normal draw of mean mu and standard deviation sd.
func (r *rnd) normal(mu, sd float64) float64 { return mu + sd*r.NormFloat64() }

// lognormal returns a lognormal draw of median med and log-scale sigma.
func (r *rnd) lognormal(med, sigma float64) float64 { return med * math.Exp(sigma*r.NormFloat64()) }

// geometric returns the number of failures before the first success of
// probability p per trial (0, 1, 2...).
func (r *rnd) geometric(p float64) int {
	if p >= 1 {
		return 0
	}
	if p <= 0 {
		return math.MaxInt32
	}
	u := 1 - r.Float64()
	return int(math.Log(u) / math.Log(1-p))
}

// pick draws an index from cumulative weights (cum[i] = w0+...+wi).
func (r *rnd) pick(cum []float64) int {
	return pickCum(cum, r.Float64())
}

func pickCum(cum []float64, u float64) int {
	x := u * cum[len(cum)-1]
	i := sort.Search(len(cum), func(i int) bool { return cum[i] > x })
	if i >= len(cum) {
		i = len(cum) - 1
	}
	return i
}

// pickWeights draws an index from plain weights (small lists).
func (r *rnd) pickWeights(w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	for i := len(w) - 1; i >= 0; i-- {
		if w[i] > 0 {
			return i
		}
	}
	return 0
}

// cumulative returns the running sums of w.
func cumulative(w []float64) []float64 {
	c := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		c[i] = s
	}
	return c
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
