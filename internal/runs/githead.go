//go:build !js

package runs

import (
	"os/exec"
	"strings"
)

// gitHead asks git for the repository's HEAD commit and whether tracked
// files differ from it; nothing when git is not there.
func gitHead(root string) (string, bool) {
	out, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false
	}
	status, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output()
	return strings.TrimSpace(string(out)), err == nil && len(status) > 0
}
