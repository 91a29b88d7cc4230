package plot

import (
	"strconv"
	"strings"
)

// fontFamily is the font stack of every chart.
const fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

// Palette sizes and colours. Series i uses colour i mod NumColors. The light
// colours are the familiar "category10"; the dark ones are lighter tints of
// the same hues so that they keep their contrast on a dark background.
const NumColors = 10

var (
	lightSeries = [NumColors]string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
		"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}
	darkSeries = [NumColors]string{"#5aa9e6", "#ffa94d", "#69db7c", "#ff6b6b", "#b197fc",
		"#d0a47a", "#f783ac", "#adb5bd", "#d8d84a", "#4dd8e6"}
)

// role is one themed colour: a CSS custom property a page may set, with a
// fallback for light and for dark pages.
type role struct {
	class, prop, light, dark string
	stroke                   bool
}

// roles lists the non-series colours. A class name says what is painted:
// tt-fg text, tt-mu secondary text, tt-on text drawn on a coloured bar,
// tt-ln a foreground line, tt-grid grid lines, tt-axis axis lines and ticks.
var roles = []role{
	{"tt-bg", "--tt-bg", "#ffffff", "#0d1117", false},
	{"tt-fg", "--tt-fg", "#1f2328", "#e6edf3", false},
	{"tt-mu", "--tt-muted", "#59636e", "#9198a1", false},
	{"tt-on", "--tt-on-series", "#ffffff", "#0d1117", false},
	{"tt-ln", "--tt-fg", "#1f2328", "#e6edf3", true},
	{"tt-lm", "--tt-muted", "#59636e", "#9198a1", true},
	{"tt-grid", "--tt-grid", "#e5e7eb", "#30363d", true},
	{"tt-axis", "--tt-axis", "#8c959f", "#6e7681", true},
}

// fallback returns the light-theme colour of a class, written as a
// presentation attribute for viewers that ignore the style sheet.
func fallback(class string) string {
	for _, r := range roles {
		if r.class == class {
			return r.light
		}
	}
	if len(class) > 4 && (class[:4] == "tt-s" || class[:4] == "tt-f") {
		if i, err := strconv.Atoi(class[4:]); err == nil && i >= 0 && i < NumColors {
			return lightSeries[i]
		}
	}
	return "currentColor"
}

// seriesClass returns the stroke ("s") or fill ("f") class of colour i.
func seriesClass(kind string, i int) string {
	return "tt-" + kind + strconv.Itoa(i%NumColors)
}

// styleSheet is the <style> content of every chart. All class names start
// with tt- because an SVG inlined in HTML shares the page's style sheet.
var styleSheet = buildStyle()

func buildStyle() string {
	var b strings.Builder
	rules := func(dark bool) {
		for _, r := range roles {
			prop := "fill"
			if r.stroke {
				prop = "stroke"
			}
			c := r.light
			if dark {
				c = r.dark
			}
			b.WriteString("." + r.class + "{" + prop + ":var(" + r.prop + "," + c + ")}")
		}
		for i := 0; i < NumColors; i++ {
			c := lightSeries[i]
			if dark {
				c = darkSeries[i]
			}
			n := strconv.Itoa(i)
			v := "var(--tt-series-" + n + "," + c + ")"
			b.WriteString(".tt-s" + n + "{stroke:" + v + "}.tt-f" + n + "{fill:" + v + "}")
		}
	}
	rules(false)
	b.WriteString("@media (prefers-color-scheme:dark){")
	rules(true)
	b.WriteString("}.tt-title{font-size:14px;font-weight:600}")
	return b.String()
}
