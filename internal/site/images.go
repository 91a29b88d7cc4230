package site

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"tinytorch/internal/notebook"
)

// imageTypes are the picture formats a notebook may show from a file; the
// server (internal/static) knows their MIME types.
var imageTypes = map[string]bool{".svg": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true}

// Images in prose: Markdown's ![alt](dest "title") and HTML's <img src="dest">.
var (
	markdownImage = regexp.MustCompile(`!\[[^\]]*\]\(\s*<?([^)\s>]+)`)
	htmlImage     = regexp.MustCompile(`<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']`)
)

// notebookImages finds the pictures a notebook's prose shows from files
// next to it and checks each exists in dir (notebooks/). It returns their
// paths relative to dir, slash-separated ("figures/system.svg"); the build
// copies them to the same place beside the page, so the relative link in
// the rendered HTML finds them. A missing or unusable file is an error
// naming the notebook's file and line, like any malformed notebook.
func notebookImages(dir, file string, src []byte) ([]string, error) {
	var out []string
	fence := ""
	for i, line := range strings.Split(string(src), "\n") {
		var code bool
		if code, fence = codeFence(fence, line); code {
			continue // an image written in code is only text
		}
		for _, dest := range imageDests(line) {
			rel, local, reason := localImage(dest)
			if reason == "" && local {
				reason = checkImageFile(dir, rel)
			}
			if reason != "" {
				return nil, &notebook.Error{File: file, Line: i + 1, Reason: reason}
			}
			if local {
				out = append(out, rel)
			}
		}
	}
	return out, nil
}

// codeFence follows code fences line by line: given the fence open before
// line ("" for none), it says whether line is code (inside a fence, or a
// fence line itself) and returns the fence open after it.
func codeFence(open, line string) (code bool, next string) {
	marker, rest := fenceMarker(line)
	switch {
	case open == "":
		return marker != "", marker
	case strings.HasPrefix(marker, open) && strings.TrimSpace(rest) == "":
		return true, "" // a closing fence: at least as long, no info string
	default:
		return true, open
	}
}

// fenceMarker returns the run of three or more backticks or tildes that
// opens line (indented at most three spaces), and the text after it.
func fenceMarker(line string) (marker, rest string) {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 || len(trimmed) < 3 || (trimmed[0] != '`' && trimmed[0] != '~') {
		return "", ""
	}
	run := len(trimmed) - len(strings.TrimLeft(trimmed, trimmed[:1]))
	if run < 3 {
		return "", ""
	}
	return trimmed[:run], trimmed[run:]
}

// imageDests lists the image addresses written on one line of prose.
func imageDests(line string) []string {
	var out []string
	for _, re := range []*regexp.Regexp{markdownImage, htmlImage} {
		for _, m := range re.FindAllStringSubmatch(line, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// localImage says whether an image address names a file beside the
// notebook, and which one (relative to notebooks/). Addresses with a scheme
// (https:, data:) or from the site's root are left alone. reason is set
// when a local address cannot work on the built site.
func localImage(dest string) (rel string, local bool, reason string) {
	u, err := url.Parse(dest)
	if err != nil {
		return "", false, fmt.Sprintf("image %q: not a valid address: %v", dest, err)
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") || u.Path == "" {
		return "", false, ""
	}
	rel = path.Clean(u.Path)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false, fmt.Sprintf("image %q is outside notebooks/: keep figures in notebooks/ or a folder below it", dest)
	}
	if ext := strings.ToLower(path.Ext(rel)); !imageTypes[ext] {
		return "", false, fmt.Sprintf("image %q: %q is not a picture format the site serves (use .svg, .png, .jpg, .gif or .webp)", dest, ext)
	}
	return rel, true, ""
}

// checkImageFile returns why notebooks/rel cannot be copied, or "".
func checkImageFile(dir, rel string) string {
	info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)))
	switch {
	case os.IsNotExist(err):
		return fmt.Sprintf("image %q not found: no file %s", rel, filepath.Join(dir, filepath.FromSlash(rel)))
	case err != nil:
		return fmt.Sprintf("image %q: %v", rel, err)
	case info.IsDir():
		return fmt.Sprintf("image %q is a folder, not a file", rel)
	}
	return ""
}

// copyImages copies each picture from notebooks/ to the same relative
// path in the site, once however many notebooks show it.
func copyImages(dir, out string, images []string) error {
	sort.Strings(images)
	for i, rel := range images {
		if i > 0 && images[i-1] == rel {
			continue
		}
		if err := copyFile(filepath.Join(dir, filepath.FromSlash(rel)), filepath.Join(out, filepath.FromSlash(rel))); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies one file, making the folders it goes into.
func copyFile(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
