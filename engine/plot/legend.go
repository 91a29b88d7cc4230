package plot

// legendItem is one entry of a legend: a name and a colour.
type legendItem struct {
	name  string
	color int  // palette index
	line  bool // draw a line swatch instead of a square
}

const (
	swatchW   = 14.0
	legendGap = 16.0
)

// itemWidth is the width of a legend entry.
func itemWidth(it legendItem) float64 {
	return swatchW + 5 + textWidth(it.name, fontSize)
}

// legendLayout breaks the items into centred rows that fit in width w. A
// legend with a single unnamed item, or none, takes no room.
func legendLayout(items []legendItem, w float64) [][]legendItem {
	if len(items) == 0 || len(items) == 1 && items[0].name == "" {
		return nil
	}
	var rows [][]legendItem
	var row []legendItem
	rw := 0.0
	for _, it := range items {
		iw := itemWidth(it)
		if len(row) > 0 && rw+legendGap+iw > w {
			rows = append(rows, row)
			row, rw = nil, 0
		}
		if len(row) > 0 {
			rw += legendGap
		}
		row = append(row, it)
		rw += iw
	}
	return append(rows, row)
}

// drawLegend draws the rows from y down, each centred in a chart of width
// w. Every entry is a <g class="tt-legend-item" data-series="…"> so that a
// page can toggle the series with the same data-series.
func drawLegend(c *canvas, rows [][]legendItem, y, w float64) {
	if len(rows) == 0 {
		return
	}
	c.raw(`<g class="tt-legend">`, "\n")
	for r, row := range rows {
		rw := 0.0
		for i, it := range row {
			if i > 0 {
				rw += legendGap
			}
			rw += itemWidth(it)
		}
		x := (w - rw) / 2
		cy := y + float64(r)*legendRowH + legendRowH/2
		for _, it := range row {
			c.raw(`<g class="tt-legend-item"`)
			c.attr("data-series", it.name)
			c.raw(">")
			if it.line {
				c.line(x, cy, x+swatchW, cy, seriesClass("s", it.color), ` stroke-width="2.5"`)
			} else {
				c.rect(x+2, cy-5, 10, 10, seriesClass("f", it.color), "", "")
			}
			c.text(x+swatchW+5, cy+4, "start", "tt-fg", it.name, "")
			c.raw("</g>\n")
			x += itemWidth(it) + legendGap
		}
	}
	c.raw("</g>\n")
}
