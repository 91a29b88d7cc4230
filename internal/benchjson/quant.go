package benchjson

// Quant is TestBenchQuant's result: the quantized milestone MLP in
// Chromium against float32.
type Quant struct {
	Rows       []QuantRow `json:"rows"`
	FloatAcc   float64    `json:"floatAcc"`
	Int8Acc    float64    `json:"int8Acc"`
	FloatBytes int        `json:"floatBytes"`
	Int8Bytes  int        `json:"int8Bytes"`
	Int8Kernel string     `json:"int8Kernel"`
	UA         string     `json:"ua"`
}

// QuantRow is one batch size: the median time per call of each model and
// the int8 model's speed relative to float32 (median of per-round ratios,
// p10–p90).
type QuantRow struct {
	Batch   int     `json:"batch"`
	FloatMS float64 `json:"float_ms"`
	Int8MS  float64 `json:"int8_ms"`
	Ratio   float64 `json:"ratio"`
	P10     float64 `json:"p10"`
	P90     float64 `json:"p90"`
}
