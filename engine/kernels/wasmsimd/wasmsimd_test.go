package wasmsimd

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestAssembleMatmul(t *testing.T) {
	b, err := Module()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\x00asm\x01\x00\x00\x00")) {
		t.Fatalf("module starts % x", b[:8])
	}
	t.Logf("matmul.wat: %d bytes of text, %d bytes of module", len(source), len(b))
}

// TestAssembleModules assembles every module of the package (the ones
// with a node test of their own are also run there, where node is
// installed).
func TestAssembleModules(t *testing.T) {
	for name, build := range map[string]func() ([]byte, error){
		"vec.wat": VecModule, "pool.wat": PoolModule, "unfold.wat": UnfoldModule, "int8.wat": Int8Module, "peak.wat": PeakModule,
	} {
		b, err := build()
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if !bytes.HasPrefix(b, []byte("\x00asm\x01\x00\x00\x00")) {
			t.Errorf("%s: module starts % x", name, b[:8])
		}
	}
}

// TestAssembleProbe checks the encoding of a tiny module byte by byte
// against the binary format (what wabt's wat2wasm writes for it).
func TestAssembleProbe(t *testing.T) {
	want := []byte{
		0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
		0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
		0x03, 0x02, 0x01, 0x00, // function section
		0x0a, 0x0f, 0x01, 0x0d, // code section, one body of 13 bytes
		0x01, 0x01, 0x7b, // one local of type v128
		0x43, 0x00, 0x00, 0x00, 0x00, // f32.const 0
		0xfd, 0x13, // f32x4.splat
		0x21, 0x00, // local.set 0
		0x0b, // end
	}
	if got := Probe(); !bytes.Equal(got, want) {
		t.Fatalf("Probe() =\n% x\nwant\n% x", got, want)
	}
}

func TestAssembleEncodings(t *testing.T) {
	cases := map[string]string{
		"i32.const -1":                   "41 7f",
		"i32.const 128":                  "41 80 01",
		"i32.const 0xffffffff":           "41 7f",
		"v128.load offset=16":            "fd 00 04 10",
		"v128.load32_splat offset=4":     "fd 09 02 04",
		"v128.store align=4":             "fd 0b 02 00",
		"f32x4.add":                      "fd e4 01",
		"f32x4.mul":                      "fd e6 01",
		"block $a loop $b br $a end end": "02 40 03 40 0c 01 0b 0b",
		"i32x4.eq":                       "fd 37",
		"i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27": "fd 0d 00 01 02 03 08 09 0a 0b 10 11 12 13 18 19 1a 1b",
	}
	for text, want := range cases {
		b, err := Assemble("(module (func " + text + "))")
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		got := fmtHex(codeOf(b))
		if got != want {
			t.Errorf("%s: got %s, want %s", text, got, want)
		}
	}
}

// codeOf returns the instructions of the only function of a module with
// no locals: the code section's body without its locals count and end.
func codeOf(b []byte) []byte {
	b = b[8:]
	for len(b) > 0 {
		id, size := b[0], int(b[1]) // sizes below 128 in these tests
		if id == 10 {
			return b[2+3 : 2+size-1] // count, body size, locals count; end
		}
		b = b[2+size:]
	}
	return nil
}

func fmtHex(b []byte) string {
	var sb strings.Builder
	for i, x := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		const digits = "0123456789abcdef"
		sb.WriteByte(digits[x>>4])
		sb.WriteByte(digits[x&15])
	}
	return sb.String()
}

func TestAssembleErrors(t *testing.T) {
	for _, src := range []string{
		"(module (func i32.frob))",
		"(module (func br $nowhere))",
		"(module (func block))",
		"(module (func end))",
		"(module (func local.get $x))",
		"(module (func (i32.const 1)))",
		"(module (table 1 funcref))",
		"(module (func)",
		"(module (func i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 32))",
		"(module (func i8x16.shuffle 0 1 2))",
	} {
		if _, err := Assemble(src); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("Assemble(%q) = %v, want an error naming the line", src, err)
		}
	}
}

// nodeScript runs the "block" function of the module on the problem it
// reads from a JSON file, in a fresh memory that it grows first (as Go's
// memory grows), with the data above the first 16 MiB.
const nodeScript = `
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2]));
const mem = new WebAssembly.Memory({ initial: 1 });
const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(p.wasm, "base64")), { go: { mem } });
mem.grow(512);
const base = 16 << 20, f32 = () => new Float32Array(mem.buffer);
const ap = base, bp = ap + 4 * p.ap.length + 64, c = bp + 4 * p.bp.length + 4, tmp = c + 4 * p.c.length;
f32().set(p.ap, ap / 4); f32().set(p.bp, bp / 4); f32().set(p.c, c / 4);
inst.exports.block(p.kb, p.mb, p.nb, ap, bp, c, p.ldc, p.alpha, tmp);
process.stdout.write(JSON.stringify(Array.from(f32().subarray(c / 4, c / 4 + p.c.length))));
`

// TestKernelInNode runs the assembled kernel under node on odd block sizes
// (full and edge tiles, unaligned rows of C) and checks it against the
// same computation in Go: same products, same order, so the same bits.
// The fused kernel is checked too, within rounding, where node's engine
// has relaxed SIMD (behind a flag in node 20).
func TestKernelInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "run.js")
	if err := os.WriteFile(script, []byte(nodeScript), 0o644); err != nil {
		t.Fatal(err)
	}
	plain, err := Module()
	if err != nil {
		t.Fatal(err)
	}
	checkInNode(t, []string{node, script}, plain, 0)
	relaxedFlag := "--experimental-wasm-relaxed-simd"
	if exec.Command(node, relaxedFlag, "-e", "0").Run() != nil {
		relaxedFlag = "" // a newer node: relaxed SIMD is on, the flag unknown
	}
	fused, err := FusedModule()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{node, script}
	if relaxedFlag != "" {
		args = []string{node, relaxedFlag, script}
	}
	checkInNode(t, args, fused, 1e-5)
}

// checkInNode runs module's block function with the command args (node
// and the script) on several block sizes and compares C with Go's result:
// bit for bit when tol is 0, else within tol relative to the largest
// magnitude of the column sums.
func checkInNode(t *testing.T, args []string, module []byte, tol float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][3]int{{1, 1, 1}, {4, 8, 3}, {13, 21, 17}, {64, 40, 256}, {7, 9, 1}, {6, 17, 26}, {2, 8, 5}, {3, 16, 4}} {
		mb, nb, kb := sz[0], sz[1], sz[2]
		ldc := nb + 3
		pm, pn := (mb+MR-1)/MR*MR, (nb+NR-1)/NR*NR
		ap, bp := make([]float32, pm*kb), make([]float32, pn*kb)
		for i := 0; i < pm; i++ { // zero rows pad the last panel
			for p := 0; p < kb; p++ {
				if i < mb {
					ap[i/MR*MR*kb+p*MR+i%MR] = rng.Float32()*2 - 1
				}
			}
		}
		for j := 0; j < pn; j++ {
			for p := 0; p < kb; p++ {
				if j < nb {
					bp[j/NR*NR*kb+p*NR+j%NR] = rng.Float32()*2 - 1
				}
			}
		}
		c := make([]float32, mb*ldc)
		for i := range c {
			c[i] = rng.Float32()
		}
		alpha := float32(0.75)
		want := append([]float32(nil), c...)
		for i := 0; i < mb; i++ {
			for j := 0; j < nb; j++ {
				var acc float32
				for p := 0; p < kb; p++ {
					acc += float32(ap[i/MR*MR*kb+p*MR+i%MR] * bp[j/NR*NR*kb+p*NR+j%NR])
				}
				want[i*ldc+j] += float32(alpha * acc)
			}
		}
		in, _ := json.Marshal(map[string]any{"wasm": module, "kb": kb, "mb": mb, "nb": nb, "ldc": ldc,
			"alpha": alpha, "ap": ap, "bp": bp, "c": c})
		file := filepath.Join(t.TempDir(), "in.json")
		if err := os.WriteFile(file, in, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(args[0], append(args[1:], file)...).Output()
		if err != nil {
			t.Fatalf("node: %v", err)
		}
		var got []float32
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("node's output: %v", err)
		}
		for i := range want {
			exact := math.Float32bits(got[i]) == math.Float32bits(want[i])
			if !exact && (tol == 0 || math.Abs(float64(got[i]-want[i])) > tol*float64(kb)) {
				t.Fatalf("mb=%d nb=%d kb=%d: element %d (row %d, col %d) = %v, want %v (tolerance %g per step)",
					mb, nb, kb, i, i/ldc, i%ldc, got[i], want[i], tol)
			}
		}
	}
}

func TestFusedSource(t *testing.T) {
	fused := FusedSource()
	// One per accumulator of the 4×8 tile's loop, and of the 2×8 tile's.
	if n, want := strings.Count(fused, "f32x4.relaxed_madd"), 2*MR+2*2; n != want {
		t.Errorf("the fused kernel has %d relaxed multiply-adds, want %d (one per accumulator)", n, want)
	}
	if strings.Count(fused, "f32x4.mul") != strings.Count(source, "f32x4.mul")-2*MR-2*2 {
		t.Errorf("the fused kernel should keep the multiplies of the C update")
	}
	if !bytes.HasPrefix(FusedProbe(), []byte("\x00asm")) {
		t.Errorf("FusedProbe is not a module")
	}
}

// TestAssembleNames checks the custom "name" section that names functions
// for profilers: the $name when there is one, else the export name, and no
// section at all when no function has a name.
func TestAssembleNames(t *testing.T) {
	b, err := Assemble(`(module (func $first (export "f")) (func (export "second")) (func))`)
	if err != nil {
		t.Fatal(err)
	}
	// Function 0 is "first", function 1 "second": 16 bytes with the count.
	names := "02 00 05 " + fmtHex([]byte("first")) + " 01 06 " + fmtHex([]byte("second"))
	// A custom section of 23 bytes: "name", then subsection 1 of 16 bytes.
	want := "00 17 04 " + fmtHex([]byte("name")) + " 01 10 " + names
	if got := fmtHex(b); !strings.HasSuffix(got, want) {
		t.Errorf("module ends\n%s\nwant it to end with the name section\n%s", got, want)
	}
	plain, err := Assemble(`(module (func))`)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(plain, []byte("name")) {
		t.Errorf("a module without names has a name section: % x", plain)
	}
}
