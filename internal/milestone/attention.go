package milestone

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"tinytorch/engine/data/corpus"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// attention-shakespeare (2017, "Attention Is All You Need"): a small
// decoder-only transformer trained as a character-level language model on
// the opening of Coriolanus (engine/data/corpus). The first 90% of the
// text trains, the last 10% validates; each step takes AttentionBatch
// windows of AttentionContext characters at offsets drawn from the
// tensor package's generator, and the model learns to predict each
// window's next characters. The notebook notebooks/m4-attention-2017.md
// spells out the same recipe in JavaScript, with the same seed, so both
// give the same loss curve; keep the two in step.

// The recipe.
const (
	AttentionSeed      = 2017 // tensor.ManualSeed before the layers are made
	AttentionContext   = 32   // characters a window holds (the causal mask's size)
	AttentionDim       = 48   // embedding width
	AttentionHeads     = 4    // heads of 12 features
	AttentionLayers    = 2    // transformer blocks
	AttentionBatch     = 16   // windows per step
	AttentionSteps     = 1500 // Adam steps of the full run
	AttentionEvalEvery = 100  // steps between validations; the "epochs" of Result
	AttentionLR        = 3e-3 // Adam
	AttentionValSplit  = 0.9  // the first 90% of the characters train
	// AttentionTarget is the validation loss (nats per character) the
	// full run must reach: a model that knew only the characters'
	// frequencies would score about 3.2, one that knew which character
	// follows which about 2.5.
	AttentionTarget = 1.90
	// AttentionAccuracyTarget is the next-character accuracy on the
	// validation text that goes with it, the figure `tinytorch
	// milestone` checks (its list of milestones judges accuracies).
	AttentionAccuracyTarget = 0.45
)

// The short run of the browser suite's TestNotebooks, which must stay
// short: AttentionShortSteps steps, judged against AttentionShortTarget
// (measured: 2.5005 after 100 steps, below the 3.2 of a model that knows
// only the characters' frequencies; after 200 steps 2.3519). make bench runs the
// full recipe in Chromium; natively it measured a validation loss of
// 1.7796 and an accuracy of 47.4% after 1,500 steps.
const (
	AttentionShortSteps  = 100
	AttentionShortTarget = 2.60
)

// Vocab is a character-level tokenizer: token i is the i-th of the
// text's distinct characters in byte order.
type Vocab struct{ Chars []byte }

// NewVocab collects the distinct characters of text.
func NewVocab(text string) Vocab {
	seen := [256]bool{}
	for i := range len(text) {
		seen[text[i]] = true
	}
	var v Vocab
	for c, ok := range seen {
		if ok {
			v.Chars = append(v.Chars, byte(c))
		}
	}
	return v
}

// Encode turns text into token numbers, as float32s (the engine's
// tensors hold indices as floats).
func (v Vocab) Encode(text string) []float32 {
	out := make([]float32, len(text))
	for i := range len(text) {
		j, _ := slices.BinarySearch(v.Chars, text[i])
		out[i] = float32(j)
	}
	return out
}

// Decode turns token numbers back into text.
func (v Vocab) Decode(tokens []float32) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte(v.Chars[int(t)])
	}
	return sb.String()
}

// CharTransformer is the milestone's model: token and position
// embeddings, Layers pre-norm transformer blocks, a final LayerNorm and a
// linear head giving each position's logits over the vocabulary.
type CharTransformer struct {
	nn.ModuleBase
	Context int
	Tok     *nn.Embedding
	Pos     *nn.Embedding
	Blocks  *nn.Sequential // of *Block
	Norm    *nn.LayerNorm
	Head    *nn.Linear
}

// Block is one transformer block: x + attention(LN(x)), then
// x + MLP(LN(x)), the MLP 4× wide with GELU, as in GPT-2.
type Block struct {
	nn.ModuleBase
	LN1  *nn.LayerNorm
	Attn *nn.MultiheadAttention
	LN2  *nn.LayerNorm
	FC1  *nn.Linear
	FC2  *nn.Linear
}

// NewCharTransformer builds the model for a vocabulary of vocab tokens,
// drawing initial weights in this order (the notebook's): the token and
// position embeddings, each block's attention and MLP, the head.
func NewCharTransformer(vocab, context, dim, heads, layers int) (*CharTransformer, error) {
	m := &CharTransformer{Context: context}
	m.Init(m, "CharTransformer")
	var err error
	if m.Tok, err = nn.NewEmbedding(vocab, dim); err != nil {
		return nil, err
	}
	m.Pos = must(nn.NewEmbedding(context, dim))
	m.AddChild("tok", m.Tok)
	m.AddChild("pos", m.Pos)
	var blocks []nn.Module
	for range layers {
		b, err := newBlock(dim, heads)
		if err != nil {
			return nil, err
		}
		blocks = append(blocks, b)
	}
	m.Blocks = nn.NewSequential(blocks...)
	m.AddChild("blocks", m.Blocks)
	m.Norm = must(nn.NewLayerNorm([]int{dim}, 0))
	m.Head = must(nn.NewLinear(dim, vocab, true))
	m.AddChild("norm", m.Norm)
	m.AddChild("head", m.Head)
	return m, nil
}

func newBlock(dim, heads int) (*Block, error) {
	b := &Block{}
	b.Init(b, "Block")
	var err error
	b.LN1 = must(nn.NewLayerNorm([]int{dim}, 0))
	if b.Attn, err = nn.NewMultiheadAttention(dim, heads, nn.MultiheadOptions{BatchFirst: true}); err != nil {
		return nil, err
	}
	b.LN2 = must(nn.NewLayerNorm([]int{dim}, 0))
	b.FC1 = must(nn.NewLinear(dim, 4*dim, true))
	b.FC2 = must(nn.NewLinear(4*dim, dim, true))
	for _, c := range []struct {
		name string
		m    nn.Module
	}{{"ln1", b.LN1}, {"attn", b.Attn}, {"ln2", b.LN2}, {"fc1", b.FC1}, {"fc2", b.FC2}} {
		b.AddChild(c.name, c.m)
	}
	return b, nil
}

// Forward maps token numbers [B, T] (T ≤ Context) to logits [B, T, vocab].
func (m *CharTransformer) Forward(idx *tensor.Tensor) (*tensor.Tensor, error) {
	s := idx.Shape()
	if len(s) != 2 || s[1] > m.Context {
		return nil, m.Errorf("expected token numbers [B, T] with T ≤ %d, got %s", m.Context, nn.ShapeString(s))
	}
	tok, err := nn.Call(m.Tok, idx)
	if err != nil {
		return nil, err
	}
	pos := must(nn.Call(m.Pos, must(tensor.Arange(0, float64(s[1]), 1))))
	x, err := nn.Call(m.Blocks, must(tok.Add(pos)))
	if err != nil {
		return nil, err
	}
	return nn.Call(m.Head, must(nn.Call(m.Norm, x)))
}

// Forward is x + attention(LN(x)) with a causal mask, then x + MLP(LN(x)).
func (b *Block) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	h := must(nn.Call(b.LN1, x))
	a, _, err := nn.CallAttention(b.Attn, h, h, h, nn.AttentionOptions{Causal: true})
	if err != nil {
		return nil, err
	}
	x = must(x.Add(a))
	f := must(nn.Call(b.FC2, must(nn.Call(b.FC1, must(nn.Call(b.LN2, x)))).Gelu()))
	return x.Add(f)
}

// charData is the encoded text, split into training and validation.
type charData struct {
	vocab      Vocab
	train, val *tensor.Tensor // [n] token numbers
}

func loadChars() charData {
	v := NewVocab(corpus.Shakespeare)
	all := v.Encode(corpus.Shakespeare)
	n := int(AttentionValSplit * float64(len(all)))
	return charData{vocab: v, train: must(tensor.New(all[:n], n)), val: must(tensor.New(all[n:], len(all)-n))}
}

// windows returns the inputs and targets [len(starts), context] of the
// windows of data at starts: the targets are the inputs shifted by one.
func windows(data, starts *tensor.Tensor, context int) (x, y *tensor.Tensor) {
	offs := must(tensor.Arange(0, float64(context), 1))
	idx := must(must(starts.Unsqueeze(1)).Add(offs)) // [B, T]
	flat := must(idx.Reshape(-1))
	n := starts.Shape()[0]
	x = must(must(data.IndexSelect(0, flat)).Reshape(n, context))
	y = must(must(data.IndexSelect(0, flat.AddScalar(1))).Reshape(n, context))
	return x, y
}

// lmLoss is the mean cross-entropy of logits [B, T, V] against targets
// [B, T].
func lmLoss(logits, y *tensor.Tensor) (*tensor.Tensor, error) {
	v := logits.Shape()[2]
	return loss.CrossEntropy{}.Forward(must(logits.Reshape(-1, v)), must(y.Reshape(-1)))
}

// evaluate returns the validation loss and next-character accuracy over
// the consecutive windows of the validation text, in one batch.
func evaluate(m *CharTransformer, val *tensor.Tensor) (lossV, acc float64, err error) {
	count := (val.Shape()[0] - 1) / m.Context
	starts := must(tensor.Arange(0, float64(count*m.Context), float64(m.Context)))
	x, y := windows(val, starts, m.Context)
	m.Eval()
	defer m.Train(true)
	tensor.NoGrad(func() {
		var logits, l *tensor.Tensor
		if logits, err = nn.Call(m, x); err != nil {
			return
		}
		if l, err = lmLoss(logits, y); err != nil {
			return
		}
		v, _ := l.Item()
		lossV = float64(v)
		guess := must(logits.Argmax(2, false))
		right := must(must(must(guess.Eq(y)).Mean(nil, false)).Item())
		acc = float64(right)
	})
	return lossV, acc, err
}

// AttentionShakespeare is the 2017 milestone's full run: AttentionSteps
// steps (cfg.Epochs rounds of AttentionEvalEvery steps when set).
func AttentionShakespeare(cfg Config) (*Result, error) {
	steps := AttentionSteps
	if cfg.Epochs > 0 {
		steps = cfg.Epochs * AttentionEvalEvery
	}
	r, _, err := TrainAttention(steps, cfg)
	return r, err
}

// TrainAttention trains the milestone's model for steps steps and returns
// the run (an "epoch" of Result is AttentionEvalEvery steps, after which
// the model is validated; TrainN and TestN count characters) and the
// model.
func TrainAttention(steps int, cfg Config) (*Result, *CharTransformer, error) {
	if steps <= 0 || steps%AttentionEvalEvery != 0 {
		return nil, nil, fmt.Errorf("attention milestone: %d steps, expected a positive multiple of %d", steps, AttentionEvalEvery)
	}
	d := loadChars()
	tensor.ManualSeed(AttentionSeed)
	model, err := NewCharTransformer(len(d.vocab.Chars), AttentionContext, AttentionDim, AttentionHeads, AttentionLayers)
	if err != nil {
		return nil, nil, err
	}
	opt, err := optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: AttentionLR})
	if err != nil {
		return nil, nil, err
	}
	r := &Result{Model: fmt.Sprintf("transformer, %d blocks of %d features and %d heads, context %d (an epoch here: %d steps of %d windows)",
		AttentionLayers, AttentionDim, AttentionHeads, AttentionContext, AttentionEvalEvery, AttentionBatch),
		Params: model.NumParams(), Epochs: steps / AttentionEvalEvery, TrainN: d.train.Numel(), TestN: d.val.Numel(), Unit: "characters"}
	start, trainTime, sum := time.Now(), time.Duration(0), 0.0
	high := d.train.Numel() - AttentionContext
	for step := 1; step <= steps; step++ {
		t0 := time.Now()
		x, y := windows(d.train, must(tensor.Randint(0, high, AttentionBatch)), AttentionContext)
		l, err := trainStep(model, opt, x, y)
		if err != nil {
			return nil, nil, fmt.Errorf("attention milestone, step %d: %w", step, err)
		}
		trainTime += time.Since(t0)
		r.StepLoss, sum = append(r.StepLoss, l), sum+l
		if step%AttentionEvalEvery == 0 {
			vl, acc, err := evaluate(model, d.val)
			if err != nil {
				return nil, nil, err
			}
			r.EpochLoss = append(r.EpochLoss, sum/AttentionEvalEvery)
			r.EpochTestLoss, r.EpochAccuracy, sum = append(r.EpochTestLoss, vl), append(r.EpochAccuracy, acc), 0
			if cfg.Log != nil {
				fmt.Fprintf(cfg.Log, "step %d/%d: training loss %.4f, validation loss %.4f, next-character accuracy %.4f\n",
					step, steps, r.EpochLoss[len(r.EpochLoss)-1], vl, acc)
			}
		}
	}
	r.Wall = time.Since(start)
	r.TestLoss, r.TestAccuracy = r.EpochTestLoss[len(r.EpochTestLoss)-1], r.EpochAccuracy[len(r.EpochAccuracy)-1]
	r.SamplesPerSec = float64(steps*AttentionBatch) / trainTime.Seconds()
	return r, model, nil
}

// trainStep is one Adam step on a batch; it returns the loss.
func trainStep(m *CharTransformer, opt optim.Optimizer, x, y *tensor.Tensor) (float64, error) {
	opt.ZeroGrad()
	logits, err := nn.Call(m, x)
	if err != nil {
		return 0, err
	}
	l, err := lmLoss(logits, y)
	if err != nil {
		return 0, err
	}
	if err := l.Backward(); err != nil {
		return 0, err
	}
	v, _ := l.Item()
	if math.IsNaN(float64(v)) {
		return 0, fmt.Errorf("the loss is NaN")
	}
	return float64(v), opt.Step()
}
