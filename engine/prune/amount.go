package prune

import (
	"fmt"
	"math"
)

// checkAmount validates a fraction to prune: a number in [0, 1].
func checkAmount(op string, amount float64) error {
	if math.IsNaN(amount) || amount < 0 || amount > 1 {
		return fmt.Errorf("%s: amount %v is outside [0, 1]; it is the fraction of the weights to prune (0.9 prunes 90%%)", op, amount)
	}
	return nil
}

// countToPrune is how many of n items a fraction prunes, rounded half to
// even as PyTorch's round(amount * n) is.
func countToPrune(amount float64, n int) int {
	return int(math.RoundToEven(amount * float64(n)))
}
