package runs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// FolderStamp is the time in a run folder's name, as the course names
// them: logs/run_2026_12_06_104512 (UTC).
const FolderStamp = "run_2006_01_02_150405"

// Create makes a new run folder under logs, named for now, with its
// charts/ and checkpoints/ folders. It never reuses a folder: when one of
// that name exists (two runs started in the same second), it tries
// …_2, …_3. An unwritable logs folder is an error saying so.
func Create(logs string, now time.Time) (string, error) {
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return "", fmt.Errorf("cannot make the logs folder: %w", err)
	}
	base := filepath.Join(logs, now.UTC().Format(FolderStamp))
	for i := 1; i <= 100; i++ {
		dir := base
		if i > 1 {
			dir = fmt.Sprintf("%s_%d", base, i)
		}
		err := os.Mkdir(dir, 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("cannot make the run folder: %w", err)
		}
		for _, sub := range []string{"charts", "checkpoints"} {
			if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
				return "", fmt.Errorf("cannot make the run folder: %w", err)
			}
		}
		return dir, nil
	}
	return "", fmt.Errorf("%s: a hundred run folders of that name already exist", base)
}
