package bench

// Energy estimates. A benchmark cannot measure energy without a power
// meter (or RAPL counters, which virtual machines and browsers do not
// expose), so TinyTorch estimates it two ways from what it does measure,
// and says which is which:
//
//  1. Time model: a busy core draws a fixed power, so energy = power per
//     core × cores × time. The default, 10 W per core, is an assumption:
//     a desktop or server CPU's thermal design power (TDP) divided by its
//     cores (a 16-core 170 W desktop part gives 10.6 W, a 64-core 280 W
//     server part 4.4 W). It ignores idle and uncore power, turbo, and the
//     other cores, and it charges a waiting core as a busy one; it is an
//     upper bound of the right order for one busy core, not a reading.
//  2. Operation model: energy = FLOPs × energy per FLOP + bytes × energy
//     per byte moved from DRAM, with Horowitz's 45 nm figures (M. Horowitz,
//     "Computing's energy problem (and what we can do about it)", ISSCC
//     2014, table on p. 11): a 32-bit float add 0.9 pJ and multiply 3.7 pJ,
//     so 2.3 pJ per FLOP of a multiply-add; a 32-bit DRAM read 640 pJ, so
//     160 pJ per byte. It counts the arithmetic and the DRAM traffic the
//     caller declares, and nothing else (no instruction fetch, caches,
//     registers, control — which dominate on a CPU, as Horowitz's paper
//     shows); newer processes are several times cheaper per operation.
//     Its use is the comparison it teaches: at these figures, moving a byte
//     from DRAM costs as much as 70 FLOPs.

// EnergyModel holds the constants of both models.
type EnergyModel struct {
	WattsPerCore    float64 // time model: power drawn by one busy core
	Cores           float64 // time model: busy cores (1 for single-threaded code)
	JoulesPerFLOP   float64 // operation model
	JoulesPerByte   float64 // operation model: DRAM traffic
	Source          string  // where the constants come from, for reports
	AssumptionsNote string
}

// DefaultEnergy is the model described above, for one busy core.
var DefaultEnergy = EnergyModel{
	WattsPerCore:    10,
	Cores:           1,
	JoulesPerFLOP:   2.3e-12,
	JoulesPerByte:   160e-12,
	Source:          "time: 10 W per busy core (TDP/cores, assumed); ops: Horowitz, ISSCC 2014, 45 nm",
	AssumptionsNote: "estimates, not measurements: no power meter is read",
}

// WithCores returns a copy of the model for n busy cores.
func (m EnergyModel) WithCores(n int) *EnergyModel {
	m.Cores = float64(n)
	return &m
}

// Energy is the estimate of one call, in joules.
type Energy struct {
	TimeJ float64 // time model: WattsPerCore × Cores × seconds
	OpsJ  float64 // operation model: FLOPs and DRAM bytes (0 if neither is known)
}

// Estimate returns both estimates for a call of the given duration, FLOPs
// and DRAM bytes.
func (m *EnergyModel) Estimate(seconds, flops, bytes float64) Energy {
	return Energy{
		TimeJ: m.WattsPerCore * m.Cores * seconds,
		OpsJ:  flops*m.JoulesPerFLOP + bytes*m.JoulesPerByte,
	}
}
