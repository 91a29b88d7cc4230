package hosted

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// Workers static assets' limits (Cloudflare's documentation, and wrangler's
// own checks): each file at most 25 MiB, and at most 20,000 files on the
// free plan.
const (
	MaxAssetSize  = 25 << 20
	MaxAssetFiles = 20000
)

// AssetSummary describes a folder of static assets.
type AssetSummary struct {
	Files   int
	Bytes   int64
	Largest string // slash path of the largest file
	MaxSize int64  // its size
}

// CheckAssets walks the site folder dir and checks it against Workers
// static assets' limits, maxFiles files (MaxAssetFiles on the free plan)
// and MaxAssetSize bytes a file. The error names every file over the size
// limit, or the count, and what to do; the summary is filled either way.
func CheckAssets(dir string, maxFiles int) (AssetSummary, error) {
	var sum AssetSummary
	var tooBig []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		sum.Files++
		sum.Bytes += info.Size()
		if info.Size() > sum.MaxSize {
			sum.MaxSize, sum.Largest = info.Size(), rel
		}
		if info.Size() > MaxAssetSize {
			tooBig = append(tooBig, fmt.Sprintf("%s (%.1f MiB)", rel, float64(info.Size())/(1<<20)))
		}
		return nil
	})
	if err != nil {
		return sum, fmt.Errorf("static assets: reading %s: %v (run make build first)", dir, err)
	}
	if len(tooBig) > 0 {
		sort.Strings(tooBig)
		return sum, fmt.Errorf("static assets: %d file(s) in %s exceed the %d MiB that Workers static assets allow a file: %s; "+
			"split such a file or make it smaller (a dataset: ship fewer images)", len(tooBig), dir, MaxAssetSize>>20, strings.Join(tooBig, ", "))
	}
	if sum.Files > maxFiles {
		return sum, fmt.Errorf("static assets: %s holds %d files, more than the %d that Workers static assets allow a worker "+
			"(free plan); ship fewer files, or raise -max-files on a paid plan", dir, sum.Files, maxFiles)
	}
	return sum, nil
}
