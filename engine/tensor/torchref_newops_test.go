package tensor

import "math"

// The fixture cases of the ops added for issue 20 (gen.py's new-ops
// block): their arguments and their rows of opTable, kept apart from
// torchref_test.go so that each table stays readable.

// newOpArgs holds the fixture arguments only the new ops use.
type newOpArgs struct {
	Descending bool    `json:"descending"`
	K          int     `json:"k"`
	Largest    bool    `json:"largest"`
	Shifts     []int   `json:"shifts"`
	Sizes      []int   `json:"sizes"`
	Chunks     int     `json:"chunks"`
	Size       int     `json:"size"`
	Equation   string  `json:"equation"`
	Ord        float64 `json:"ord"`
	OrdInf     int     `json:"ordInf"` // ±1: the order is ±Inf (JSON has no infinity)
	Beta       float32 `json:"beta"`
	Threshold  float32 `json:"threshold"`
	Alpha      float32 `json:"alpha"`
}

func init() {
	for name, f := range newOpTable {
		opTable[name] = f
	}
}

// newOpTable maps the new ops' fixture names to the engine.
var newOpTable = map[string]opFunc{
	"log1p": unaryFn((*Tensor).Log1p),
	"sign":  unaryFn((*Tensor).Sign),
	"floor": unaryFn((*Tensor).Floor),
	"round": unaryFn((*Tensor).Round),
	"erf":   unaryFn((*Tensor).Erf),
	"silu":  unaryFn((*Tensor).Silu),
	"softplus": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return x[0].Softplus(a.Beta, a.Threshold), nil
	},
	"elu":     func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Elu(a.Alpha), nil },
	"cumsum":  func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Cumsum(a.Dim) },
	"prod":    func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Prod(a.Dim, a.Keepdim) },
	"prodAll": unaryFn((*Tensor).ProdAll),
	"sort": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		v, _, err := x[0].Sort(a.Dim, a.Descending)
		return v, err
	},
	"sortIndices": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		_, i, err := x[0].Sort(a.Dim, a.Descending)
		return i, err
	},
	"topk": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		v, _, err := x[0].Topk(a.K, a.Dim, a.Largest)
		return v, err
	},
	"topkIndices": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		_, i, err := x[0].Topk(a.K, a.Dim, a.Largest)
		return i, err
	},
	"norm": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		p := a.Ord
		if a.OrdInf != 0 {
			p = math.Inf(a.OrdInf)
		}
		return x[0].Norm(p, a.Dims, a.Keepdim)
	},
	"flip":   func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Flip(a.Dims...) },
	"roll":   func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Roll(a.Shifts, a.Dims) },
	"repeat": func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Repeat(a.Sizes...) },
	"chunk": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return joinPieces(x[0].Chunk(a.Chunks, a.Dim))(a.Dim)
	},
	"split": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return joinPieces(x[0].Split(a.Size, a.Dim))(a.Dim)
	},
	"splitSizes": func(x []*Tensor, a fixtureArgs) (*Tensor, error) {
		return joinPieces(x[0].SplitSizes(a.Sizes, a.Dim))(a.Dim)
	},
	"maskedFill": func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].MaskedFill(x[1], a.Value) },
	"scatter":    func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].Scatter(a.Dim, x[1], x[2]) },
	"scatterAdd": func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return x[0].ScatterAdd(a.Dim, x[1], x[2]) },
	"einsum":     func(x []*Tensor, a fixtureArgs) (*Tensor, error) { return Einsum(a.Equation, x...) },
}

// joinPieces concatenates chunk or split pieces along dim, piece i scaled
// by i + 1, as gen.py's _pieces does: the result shows how many pieces
// there were and where each ends, and the gradient tells them apart.
func joinPieces(pieces []*Tensor, err error) func(dim int) (*Tensor, error) {
	return func(dim int) (*Tensor, error) {
		if err != nil {
			return nil, err
		}
		scaled := make([]*Tensor, len(pieces))
		for i, p := range pieces {
			scaled[i] = p.MulScalar(float32(i + 1))
		}
		return Cat(scaled, dim)
	}
}
