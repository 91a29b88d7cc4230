package quant

import (
	"strings"
	"testing"
)

// second returns the error of a two-value call.
func second[T any](_ T, err error) error { return err }

// checkErr fails unless err contains want.
func checkErr(t *testing.T, name string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, expected one containing %q", name, want)
		return
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %q, expected it to contain %q", name, err, want)
	}
}
