package wasmsimd

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"
	"sync"
)

// A small assembler for the subset of the WebAssembly text format that
// matmul.wat uses: one module with memory imports and exported functions
// whose bodies are flat instruction lists (no folded S-expressions, no
// block results). It writes the binary format of the WebAssembly 2.0
// specification (https://webassembly.github.io/spec/core/binary/), SIMD
// instructions included. Anything outside the subset is an error naming
// the line.

// valTypes maps the value types to their binary codes.
var valTypes = map[string]byte{"i32": 0x7f, "i64": 0x7e, "f32": 0x7d, "f64": 0x7c, "v128": 0x7b}

// Instruction classes, by the immediates that follow the opcode.
const (
	immNone    = iota
	immLocal   // a local's index or $name
	immLabel   // a label's depth or $name
	immBlock   // block, loop, if: an optional $label, empty block type
	immMem     // memarg: offset=N align=N, with a natural alignment
	immI32     // a signed 32-bit constant
	immF32     // a float32 constant
	immLane    // a lane index byte
	immEnd     // end: closes a block
	immV128I4  // v128.const i32x4 a b c d
	immShuffle // i8x16.shuffle: 16 byte indices into the two vectors, each < 32
)

// op is one instruction: its opcode bytes, immediate class and, for memory
// instructions, the natural alignment as log2 of bytes.
type op struct {
	code  []byte
	imm   int
	align uint32
}

// simd makes the opcode of a SIMD instruction: the 0xfd prefix and a
// LEB128 sub-opcode.
func simd(sub uint32) []byte { return append([]byte{0xfd}, uleb(nil, sub)...) }

// opTable returns the assembler's table of instructions, built on first
// use. The kernel in the browser loads the modules assembled in advance
// (assembled.go) and never assembles, so its start-up, on every page a
// student opens, does not build the table: about 13 ms of package
// initialization under node, before any cell can run.
var opTable = sync.OnceValue(func() map[string]op {
	table := coreOps()
	for _, more := range []map[string]op{selectOps(), int8Ops(), int8RelaxedOps()} {
		maps.Copy(table, more)
	}
	return table
})

// coreOps are the instructions of matmul.wat and the modules like it.
func coreOps() map[string]op {
	return map[string]op{
		"unreachable": {[]byte{0x00}, immNone, 0},
		"nop":         {[]byte{0x01}, immNone, 0},
		"block":       {[]byte{0x02}, immBlock, 0},
		"loop":        {[]byte{0x03}, immBlock, 0},
		"if":          {[]byte{0x04}, immBlock, 0},
		"else":        {[]byte{0x05}, immNone, 0},
		"end":         {[]byte{0x0b}, immEnd, 0},
		"br":          {[]byte{0x0c}, immLabel, 0},
		"br_if":       {[]byte{0x0d}, immLabel, 0},
		"return":      {[]byte{0x0f}, immNone, 0},
		"drop":        {[]byte{0x1a}, immNone, 0},
		"select":      {[]byte{0x1b}, immNone, 0},
		"local.get":   {[]byte{0x20}, immLocal, 0},
		"local.set":   {[]byte{0x21}, immLocal, 0},
		"local.tee":   {[]byte{0x22}, immLocal, 0},
		"i32.load":    {[]byte{0x28}, immMem, 2},
		"f32.load":    {[]byte{0x2a}, immMem, 2},
		"i32.store":   {[]byte{0x36}, immMem, 2},
		"f32.store":   {[]byte{0x38}, immMem, 2},
		"i32.const":   {[]byte{0x41}, immI32, 0},
		"f32.const":   {[]byte{0x43}, immF32, 0},
		"i32.eqz":     {[]byte{0x45}, immNone, 0},
		"i32.eq":      {[]byte{0x46}, immNone, 0},
		"i32.ne":      {[]byte{0x47}, immNone, 0},
		"i32.lt_s":    {[]byte{0x48}, immNone, 0},
		"i32.lt_u":    {[]byte{0x49}, immNone, 0},
		"i32.gt_s":    {[]byte{0x4a}, immNone, 0},
		"i32.gt_u":    {[]byte{0x4b}, immNone, 0},
		"i32.le_s":    {[]byte{0x4c}, immNone, 0},
		"i32.le_u":    {[]byte{0x4d}, immNone, 0},
		"i32.ge_s":    {[]byte{0x4e}, immNone, 0},
		"i32.ge_u":    {[]byte{0x4f}, immNone, 0},
		"i32.add":     {[]byte{0x6a}, immNone, 0},
		"i32.sub":     {[]byte{0x6b}, immNone, 0},
		"i32.mul":     {[]byte{0x6c}, immNone, 0},
		"i32.div_u":   {[]byte{0x6e}, immNone, 0},
		"i32.and":     {[]byte{0x71}, immNone, 0},
		"i32.or":      {[]byte{0x72}, immNone, 0},
		"i32.shl":     {[]byte{0x74}, immNone, 0},
		"i32.shr_u":   {[]byte{0x76}, immNone, 0},
		"f32.add":     {[]byte{0x92}, immNone, 0},
		"f32.sub":     {[]byte{0x93}, immNone, 0},
		"f32.mul":     {[]byte{0x94}, immNone, 0},

		"v128.load":          {simd(0), immMem, 4},
		"v128.load32_splat":  {simd(9), immMem, 2},
		"v128.store":         {simd(11), immMem, 4},
		"v128.const":         {simd(12), immV128I4, 0},
		"f32x4.splat":        {simd(19), immNone, 0},
		"f32x4.extract_lane": {simd(31), immLane, 0},
		"f32x4.add":          {simd(228), immNone, 0},
		"f32x4.sub":          {simd(229), immNone, 0},
		"f32x4.mul":          {simd(230), immNone, 0},
		"f32x4.sqrt":         {simd(227), immNone, 0},
		"f32x4.div":          {simd(231), immNone, 0},
		// Relaxed SIMD: a·b + c, fused or not as the hardware prefers.
		"f32x4.relaxed_madd": {simd(261), immNone, 0},
	}
}

// token is one atom or parenthesis of the text, with its line.
type token struct {
	text string
	line int
}

// tokenize splits WAT text into parentheses and atoms, dropping ;; line
// comments and (; block comments ;). Strings keep their quotes.
func tokenize(src string) ([]token, error) {
	var toks []token
	line := 1
	for i := 0; i < len(src); {
		ch := src[i]
		switch {
		case ch == '\n':
			line++
			i++
		case ch == ' ' || ch == '\t' || ch == '\r':
			i++
		case strings.HasPrefix(src[i:], ";;"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "(;"):
			end := strings.Index(src[i:], ";)")
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated block comment", line)
			}
			line += strings.Count(src[i:i+end], "\n")
			i += end + 2
		case ch == '(' || ch == ')':
			toks = append(toks, token{string(ch), line})
			i++
		case ch == '"':
			end := strings.IndexByte(src[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated string", line)
			}
			toks = append(toks, token{src[i : i+end+2], line})
			i += end + 2
		default:
			j := i
			for j < len(src) && !strings.ContainsRune(" \t\r\n()", rune(src[j])) && !strings.HasPrefix(src[j:], ";;") {
				j++
			}
			toks = append(toks, token{src[i:j], line})
			i = j
		}
	}
	return toks, nil
}

// parser walks the tokens.
type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	line := 0
	if len(p.toks) > 0 {
		line = p.toks[len(p.toks)-1].line
	}
	return token{"", line}
}

func (p *parser) next() token { t := p.peek(); p.pos++; return t }

func (p *parser) errorf(t token, format string, args ...any) error {
	return fmt.Errorf("line %d: %s", t.line, fmt.Sprintf(format, args...))
}

// expect consumes the token text or fails.
func (p *parser) expect(text string) error {
	if t := p.next(); t.text != text {
		return p.errorf(t, "expected %q, got %q", text, t.text)
	}
	return nil
}

// opens reports whether the next tokens are "(" keyword, consuming them
// if so.
func (p *parser) opens(keyword string) bool {
	if p.peek().text == "(" && p.pos+1 < len(p.toks) && p.toks[p.pos+1].text == keyword {
		p.pos += 2
		return true
	}
	return false
}

// function is one parsed func.
type function struct {
	name    string // the $name after func, without the $ ("" when none)
	export  string
	params  []byte
	results []byte
	locals  []byte // types of the declared locals, parameters excluded
	names   map[string]uint32
	body    []byte
}

// module is the parsed module.
type module struct {
	memImports [][2]string // module and field names of imported memories
	memMin     []uint32
	funcs      []*function
}

// Assemble turns WAT text (the subset described above) into a binary
// WebAssembly module.
func Assemble(src string) ([]byte, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if !p.opens("module") {
		return nil, p.errorf(p.peek(), "expected (module")
	}
	var m module
	for p.peek().text != ")" {
		switch {
		case p.opens("import"):
			if err := p.parseImport(&m); err != nil {
				return nil, err
			}
		case p.opens("func"):
			f, err := p.parseFunc()
			if err != nil {
				return nil, err
			}
			m.funcs = append(m.funcs, f)
		default:
			return nil, p.errorf(p.peek(), "unsupported module field %q", p.peek().text)
		}
	}
	p.next()
	if p.pos < len(p.toks) {
		return nil, p.errorf(p.peek(), "text after the module")
	}
	return m.encode(), nil
}

// parseImport reads `"mod" "field" (memory N))`.
func (p *parser) parseImport(m *module) error {
	mod, field := p.next(), p.next()
	if !isString(mod.text) || !isString(field.text) {
		return p.errorf(mod, "import needs a module and a field name")
	}
	if !p.opens("memory") {
		return p.errorf(p.peek(), "only memory imports are supported")
	}
	t := p.next()
	n, err := strconv.ParseUint(t.text, 10, 32)
	if err != nil {
		return p.errorf(t, "bad memory size %q", t.text)
	}
	m.memImports = append(m.memImports, [2]string{unquote(mod.text), unquote(field.text)})
	m.memMin = append(m.memMin, uint32(n))
	if err := p.expect(")"); err != nil {
		return err
	}
	return p.expect(")")
}

// parseFunc reads a function after "(func", up to its closing parenthesis.
func (p *parser) parseFunc() (*function, error) {
	f := &function{names: map[string]uint32{}}
	if strings.HasPrefix(p.peek().text, "$") {
		f.name = p.next().text[1:]
	}
	var index uint32
	declare := func(kind string) error {
		// (param $x i32), (param i32 i32), (local …), (result …)
		if strings.HasPrefix(p.peek().text, "$") {
			name := p.next()
			t := p.next()
			code, ok := valTypes[t.text]
			if !ok {
				return p.errorf(t, "bad type %q", t.text)
			}
			if _, dup := f.names[name.text]; dup {
				return p.errorf(name, "%s declared twice", name.text)
			}
			f.names[name.text] = index
			index++
			f.add(kind, code)
			return p.expect(")")
		}
		for p.peek().text != ")" {
			t := p.next()
			code, ok := valTypes[t.text]
			if !ok {
				return p.errorf(t, "bad type %q", t.text)
			}
			if kind != "result" {
				index++
			}
			f.add(kind, code)
		}
		p.next()
		return nil
	}
	for {
		switch {
		case p.opens("export"):
			name := p.next()
			if !isString(name.text) {
				return nil, p.errorf(name, "export needs a name")
			}
			f.export = unquote(name.text)
			if err := p.expect(")"); err != nil {
				return nil, err
			}
		case p.opens("param"):
			if len(f.locals) > 0 {
				return nil, p.errorf(p.peek(), "param after local")
			}
			if err := declare("param"); err != nil {
				return nil, err
			}
		case p.opens("result"):
			if err := declare("result"); err != nil {
				return nil, err
			}
		case p.opens("local"):
			if err := declare("local"); err != nil {
				return nil, err
			}
		default:
			return f, p.parseBody(f)
		}
	}
}

// add appends a declared value type to the params, results or locals.
func (f *function) add(kind string, code byte) {
	switch kind {
	case "param":
		f.params = append(f.params, code)
	case "result":
		f.results = append(f.results, code)
	default:
		f.locals = append(f.locals, code)
	}
}

// parseBody assembles the flat instruction list up to the function's ")".
func (p *parser) parseBody(f *function) error {
	var labels []string // innermost last; "" for an unnamed block
	var out []byte
	for {
		t := p.next()
		switch t.text {
		case ")":
			if len(labels) != 0 {
				return p.errorf(t, "%d blocks left open", len(labels))
			}
			f.body = append(out, 0x0b)
			return nil
		case "", "(":
			return p.errorf(t, "expected an instruction, got %q (folded instructions are not supported)", t.text)
		}
		o, ok := opTable()[t.text]
		if !ok {
			return p.errorf(t, "unknown instruction %q", t.text)
		}
		out = append(out, o.code...)
		switch o.imm {
		case immBlock:
			label := ""
			if strings.HasPrefix(p.peek().text, "$") {
				label = p.next().text
			}
			labels = append(labels, label)
			out = append(out, 0x40) // empty block type
		case immEnd:
			if len(labels) == 0 {
				return p.errorf(t, "end without a block")
			}
			labels = labels[:len(labels)-1]
		case immLabel:
			arg := p.next()
			depth, err := labelDepth(labels, arg.text)
			if err != nil {
				return p.errorf(arg, "%v", err)
			}
			out = uleb(out, depth)
		case immLocal:
			arg := p.next()
			idx, ok := f.names[arg.text]
			if !ok {
				n, err := strconv.ParseUint(arg.text, 10, 32)
				if err != nil || int(n) >= len(f.params)+len(f.locals) {
					return p.errorf(arg, "unknown local %q", arg.text)
				}
				idx = uint32(n)
			}
			out = uleb(out, idx)
		case immMem:
			align, offset := o.align, uint32(0)
			for strings.Contains(p.peek().text, "=") {
				arg := p.next()
				key, val, _ := strings.Cut(arg.text, "=")
				n, err := strconv.ParseUint(val, 0, 32)
				if err != nil {
					return p.errorf(arg, "bad %s", arg.text)
				}
				switch {
				case key == "offset":
					offset = uint32(n)
				case key == "align" && n > 0 && n&(n-1) == 0:
					align = uint32(math.Log2(float64(n)))
				default:
					return p.errorf(arg, "bad memory argument %q", arg.text)
				}
			}
			out = uleb(uleb(out, align), offset)
		case immI32:
			arg := p.next()
			n, err := strconv.ParseInt(arg.text, 0, 64)
			if err != nil || n < math.MinInt32 || n > math.MaxUint32 {
				return p.errorf(arg, "bad i32 constant %q", arg.text)
			}
			out = sleb(out, int64(int32(n)))
		case immF32:
			arg := p.next()
			x, err := strconv.ParseFloat(arg.text, 32)
			if err != nil {
				return p.errorf(arg, "bad f32 constant %q", arg.text)
			}
			out = le32(out, math.Float32bits(float32(x)))
		case immLane:
			arg := p.next()
			n, err := strconv.ParseUint(arg.text, 10, 8)
			if err != nil || n > 3 {
				return p.errorf(arg, "bad lane %q", arg.text)
			}
			out = append(out, byte(n))
		case immV128I4:
			if shape := p.next(); shape.text != "i32x4" {
				return p.errorf(shape, "only v128.const i32x4 is supported")
			}
			for range 4 {
				arg := p.next()
				n, err := strconv.ParseInt(arg.text, 0, 64)
				if err != nil || n < math.MinInt32 || n > math.MaxUint32 {
					return p.errorf(arg, "bad i32 lane %q", arg.text)
				}
				out = le32(out, uint32(n))
			}
		case immShuffle:
			for range 16 {
				arg := p.next()
				n, err := strconv.ParseUint(arg.text, 10, 8)
				if err != nil || n > 31 {
					return p.errorf(arg, "bad shuffle lane %q, want 0 to 31", arg.text)
				}
				out = append(out, byte(n))
			}
		}
	}
}

// labelDepth resolves a branch target: a $label of an enclosing block, or
// a depth number.
func labelDepth(labels []string, arg string) (uint32, error) {
	if strings.HasPrefix(arg, "$") {
		for i := len(labels) - 1; i >= 0; i-- {
			if labels[i] == arg {
				return uint32(len(labels) - 1 - i), nil
			}
		}
		return 0, fmt.Errorf("no enclosing block %s", arg)
	}
	n, err := strconv.ParseUint(arg, 10, 32)
	if err != nil || int(n) >= len(labels) {
		return 0, fmt.Errorf("bad branch target %q", arg)
	}
	return uint32(n), nil
}

// encode writes the binary module: type, import, function, export and code
// sections, in that order (one type per function), then the functions'
// names.
func (m *module) encode() []byte {
	out := []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}
	section := func(id byte, count int, body []byte) {
		if count == 0 {
			return
		}
		content := uleb(nil, uint32(count))
		content = append(content, body...)
		out = append(out, id)
		out = uleb(out, uint32(len(content)))
		out = append(out, content...)
	}
	var types, imports, funcs, exports, code []byte
	for i, f := range m.funcs {
		types = append(types, 0x60)
		types = vec(types, f.params)
		types = vec(types, f.results)
		funcs = uleb(funcs, uint32(i))
	}
	for i, imp := range m.memImports {
		imports = name(imports, imp[0])
		imports = name(imports, imp[1])
		imports = append(imports, 0x02, 0x00) // memory, limits with a minimum only
		imports = uleb(imports, m.memMin[i])
	}
	nexports := 0
	for i, f := range m.funcs {
		if f.export != "" {
			exports = name(exports, f.export)
			exports = append(exports, 0x00) // a function
			exports = uleb(exports, uint32(i))
			nexports++
		}
		// Locals are declared in runs of one type.
		var runs bytes.Buffer
		nruns := 0
		for j := 0; j < len(f.locals); {
			k := j
			for k < len(f.locals) && f.locals[k] == f.locals[j] {
				k++
			}
			runs.Write(uleb(nil, uint32(k-j)))
			runs.WriteByte(f.locals[j])
			nruns++
			j = k
		}
		body := uleb(nil, uint32(nruns))
		body = append(body, runs.Bytes()...)
		body = append(body, f.body...)
		code = uleb(code, uint32(len(body)))
		code = append(code, body...)
	}
	section(1, len(m.funcs), types)
	section(2, len(m.memImports), imports)
	section(3, len(m.funcs), funcs)
	section(7, nexports, exports)
	section(10, len(m.funcs), code)
	return append(out, m.nameSection()...)
}

// nameSection returns the custom "name" section that names each function
// (its $name, else its export name), so that a profiler (DevTools, V8's
// --prof) shows "block" rather than "wasm-function[0]"; nil when no
// function has a name. It does not change what the module computes.
func (m *module) nameSection() []byte {
	var names []byte
	count := 0
	for i, f := range m.funcs {
		n := cmp.Or(f.name, f.export)
		if n == "" {
			continue
		}
		names = uleb(names, uint32(i))
		names = name(names, n)
		count++
	}
	if count == 0 {
		return nil
	}
	sub := append([]byte{1}, vec(nil, append(uleb(nil, uint32(count)), names...))...) // 1: function names
	body := append(name(nil, "name"), sub...)
	return append([]byte{0}, vec(nil, body)...) // 0: a custom section
}

// uleb appends n in unsigned LEB128.
func uleb(out []byte, n uint32) []byte {
	for {
		b := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}

// sleb appends n in signed LEB128.
func sleb(out []byte, n int64) []byte {
	for {
		b := byte(n & 0x7f)
		n >>= 7
		if (n == 0 && b&0x40 == 0) || (n == -1 && b&0x40 != 0) {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}

// le32 appends n in little-endian byte order.
func le32(out []byte, n uint32) []byte {
	return append(out, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
}

// vec appends a vector of bytes: its length, then the bytes.
func vec(out, items []byte) []byte { return append(uleb(out, uint32(len(items))), items...) }

// name appends a UTF-8 name.
func name(out []byte, s string) []byte { return append(uleb(out, uint32(len(s))), s...) }

func isString(s string) bool { return len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' }

func unquote(s string) string { return s[1 : len(s)-1] }
