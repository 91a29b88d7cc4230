package plot

import (
	"hash/fnv"
	"strconv"
	"strings"
)

// idToken stands for the document's id prefix while a chart is drawn. XML
// forbids NUL, and esc removes it from user text, so it cannot clash.
const idToken = "\x00"

// num formats a coordinate with at most two decimals and no trailing zeros.
// strconv rounds the exact binary value, so the text is the same on every
// platform.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// dataNum formats a data value for a data-* attribute: six significant
// digits, enough for a read-out, short enough for thousands of points.
func dataNum(v float64) string {
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// esc escapes text for XML text and attribute values, and drops control
// characters that XML 1.0 does not allow.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#39;")
		case '\t', '\n', '\r':
			b.WriteByte(' ')
		default:
			if r < 0x20 || r == 0xFFFE || r == 0xFFFF {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// canvas accumulates the elements of one chart.
type canvas struct {
	b strings.Builder
}

// raw writes s unchanged.
func (c *canvas) raw(s ...string) {
	for _, p := range s {
		c.b.WriteString(p)
	}
}

// attr writes ` name="value"` with value escaped.
func (c *canvas) attr(name, value string) {
	c.raw(" ", name, `="`, esc(value), `"`)
}

// text writes a <text> element. anchor is "start", "middle" or "end"; class
// chooses the colour (see theme.go); extra is written inside the start tag.
func (c *canvas) text(x, y float64, anchor, class, s, extra string) {
	c.raw(`<text x="`, num(x), `" y="`, num(y), `"`)
	if anchor != "start" && anchor != "" {
		c.raw(` text-anchor="`, anchor, `"`)
	}
	c.classFill(class)
	c.raw(extra, ">", esc(s), "</text>\n")
}

// classFill writes class="…" fill="…" for a fill colour class, the fill
// attribute being the light-theme fallback for viewers without CSS.
func (c *canvas) classFill(class string) {
	c.raw(` class="`, class, `" fill="`, fallback(class), `"`)
}

// classStroke is classFill for stroked elements.
func (c *canvas) classStroke(class string) {
	c.raw(` class="`, class, `" stroke="`, fallback(class), `"`)
}

// line writes a straight line with a stroke colour class.
func (c *canvas) line(x1, y1, x2, y2 float64, class, extra string) {
	c.raw(`<line x1="`, num(x1), `" y1="`, num(y1), `" x2="`, num(x2), `" y2="`, num(y2), `"`)
	c.classStroke(class)
	c.raw(extra, "/>\n")
}

// rect writes a filled rectangle; extra holds further attributes and, when
// title is not empty, the rectangle gets a <title> child (a native tooltip).
func (c *canvas) rect(x, y, w, h float64, class, extra, title string) {
	c.raw(`<rect x="`, num(x), `" y="`, num(y), `" width="`, num(w), `" height="`, num(h), `"`)
	c.classFill(class)
	c.raw(extra)
	if title == "" {
		c.raw("/>\n")
		return
	}
	c.raw("><title>", esc(title), "</title></rect>\n")
}

// document is the frame shared by every chart: size, accessible title and
// description, style sheet and background.
type document struct {
	kind   string // data-chart value, e.g. "line"
	w, h   float64
	title  string // accessible name; the visible title is drawn separately
	desc   string
	body   canvas
	defs   string // content of <defs>, may use idToken
	extras string // further attributes of <svg>
}

// String assembles the SVG. The id prefix is a hash of the content, so ids
// are stable for golden files and differ between charts that share a page.
func (d *document) String() string {
	body := d.body.b.String()
	h := fnv.New32a()
	for _, s := range []string{d.kind, d.title, d.desc, d.defs, body} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	id := "tt" + strconv.FormatUint(uint64(h.Sum32()), 36)
	var b strings.Builder
	b.Grow(len(body) + 4096)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="` + num(d.w) + `" height="` + num(d.h) +
		`" viewBox="0 0 ` + num(d.w) + ` ` + num(d.h) + `" role="img" aria-labelledby="` + id + `-t ` + id +
		`-d" class="tt-chart" data-chart="` + d.kind + `"` + d.extras + ` font-family="` + fontFamily + `" font-size="12">` + "\n")
	b.WriteString(`<title id="` + id + `-t">` + esc(d.title) + "</title>\n")
	b.WriteString(`<desc id="` + id + `-d">` + esc(d.desc) + "</desc>\n")
	b.WriteString("<style>" + styleSheet + "</style>\n")
	if d.defs != "" {
		b.WriteString("<defs>" + strings.ReplaceAll(d.defs, idToken, id) + "</defs>\n")
	}
	b.WriteString(`<rect width="100%" height="100%" class="tt-bg" fill="` + fallback("tt-bg") + `"/>` + "\n")
	b.WriteString(strings.ReplaceAll(body, idToken, id))
	b.WriteString("</svg>\n")
	return b.String()
}
