package milestone

import (
	"testing"
	"tinytorch/engine/data"
)

func TestZZQuick(t *testing.T) {
	for _, c := range []Config{{Epochs: 2, Train: 2000, Test: 1000}, {Epochs: 3, Train: 4000, Test: 1000}} {
		c.FashionDir = data.FashionMNISTDir
		r, err := LeNetFashion(c)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%+v\n%s", c, r)
	}
}
