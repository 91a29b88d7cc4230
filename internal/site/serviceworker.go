package site

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// writeServiceWorker writes sw.js at the root of the site: web/src/sw.js
// below a line naming this build's version and the files to keep offline.
// The version is a hash of every file, so any change makes a new worker.
func writeServiceWorker(root, out string) error {
	code, err := os.ReadFile(filepath.Join(root, "web", "src", "sw.js"))
	if err != nil {
		return err
	}
	files, version, err := offlineFiles(out)
	if err != nil {
		return err
	}
	manifest, err := json.Marshal(map[string]any{"version": version, "files": files})
	if err != nil {
		return err
	}
	head := "self.TT_BUILD = " + string(manifest) + ";\n"
	return os.WriteFile(filepath.Join(out, "sw.js"), append([]byte(head), code...), 0o644)
}

// offlineFiles lists the site's URLs to keep (pages and assets, not the
// compressed copies, source maps, data or the embed's files) and hashes their contents.
func offlineFiles(out string) ([]string, string, error) {
	var files []string
	h := sha256.New()
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, out+string(filepath.Separator)))
		ext := filepath.Ext(rel)
		// The embed's files serve other sites' pages, which this worker
		// never controls: a notebook reader need not download them.
		embed := strings.HasPrefix(rel, "embed/") || strings.HasPrefix(rel, "assets/embed-")
		if ext == ".gz" || ext == ".br" || ext == ".map" || strings.HasPrefix(rel, "data/") || embed {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		h.Write([]byte(rel))
		h.Write(data)
		files = append(files, "/"+rel)
		return nil
	})
	files = append(files, "/")
	sort.Strings(files)
	return files, hex.EncodeToString(h.Sum(nil)[:8]), err
}
