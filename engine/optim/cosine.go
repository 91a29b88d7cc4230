package optim

import (
	"fmt"
	"math"
)

// CosineAnnealingLR lowers the learning rate along half a cosine from its
// base value to EtaMin over TMax epochs:
//
//	lr = etaMin + (base - etaMin)·(1 + cos(π·epoch/TMax))/2
//
// and, past TMax, rises again along the same curve, as PyTorch's does.
type CosineAnnealingLR struct{ *schedule }

// NewCosineAnnealingLR makes PyTorch's lr_scheduler.CosineAnnealingLR.
func NewCosineAnnealingLR(opt Optimizer, tMax int, etaMin float64) (*CosineAnnealingLR, error) {
	if tMax <= 0 {
		return nil, fmt.Errorf("cosineAnnealingLR: tMax %d, expected > 0", tMax)
	}
	return &CosineAnnealingLR{newSchedule(opt, func(base float64, n int) float64 {
		return etaMin + (base-etaMin)*(1+math.Cos(math.Pi*float64(n)/float64(tMax)))/2
	})}, nil
}

// LinearLR scales the learning rate by a factor that moves linearly from
// StartFactor to EndFactor over TotalIters steps, then stays: with
// StartFactor < 1 it is the usual linear warm-up.
//
//	lr = base·(start + (end - start)·min(epoch, totalIters)/totalIters)
type LinearLR struct{ *schedule }

// NewLinearLR makes PyTorch's lr_scheduler.LinearLR (PyTorch's defaults
// are startFactor 1/3, endFactor 1, totalIters 5).
func NewLinearLR(opt Optimizer, startFactor, endFactor float64, totalIters int) (*LinearLR, error) {
	if startFactor <= 0 || startFactor > 1 || endFactor < 0 || endFactor > 1 {
		return nil, fmt.Errorf("linearLR: startFactor %g and endFactor %g, expected 0 < startFactor ≤ 1 and 0 ≤ endFactor ≤ 1", startFactor, endFactor)
	}
	if totalIters <= 0 {
		return nil, fmt.Errorf("linearLR: totalIters %d, expected > 0", totalIters)
	}
	return &LinearLR{newSchedule(opt, func(base float64, n int) float64 {
		f := startFactor + (endFactor-startFactor)*float64(min(n, totalIters))/float64(totalIters)
		return base * f
	})}, nil
}
