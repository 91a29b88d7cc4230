package plot

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"math"
	"strconv"
	"strings"
)

// Image is one grayscale or colour picture of an ImageGrid.
type Image struct {
	// Pixels holds Width×Height values, row by row; for a colour picture
	// the red, the green and the blue plane one after the other
	// (3×Height×Width, the layout of an image tensor).
	Pixels []float32
	// Channels is 1 for grayscale (0 means 1) or 3 for colour.
	Channels int
	// Width and Height are the picture's size in pixels, e.g. 28×28.
	Width, Height int
	// Label is written under the picture, e.g. "7" or "pred 7 / true 1".
	Label string
}

// ImageGrid draws small images, such as MNIST digits, in a grid
// with an optional label under each. Each image is embedded as a PNG, which
// keeps the SVG small (about 0.5 kB per digit), and scaled up without
// smoothing.
type ImageGrid struct {
	// Title is drawn above the grid and is its accessible name.
	Title string
	// Images are drawn left to right, top to bottom.
	Images []Image
	// Columns is the number of images per row; 0 fits as many as the
	// default width allows (at most 10).
	Columns int
	// Scale is the number of screen pixels per image pixel; 0 means 2.
	Scale int
	// Min and Max are the values drawn black and white. When both are zero
	// the range is chosen from the data: 0..1 if every value lies in it,
	// 0..255 if every value lies in that, else the data's minimum and
	// maximum (for normalised images).
	Min, Max float64
	// Invert draws Max black and Min white (ink on paper).
	Invert bool
}

// SVG draws the grid. It returns an error when there are no images, an
// image's pixel count does not match its size, a pixel is NaN or infinite,
// or Min ≥ Max when one of them is set.
func (g ImageGrid) SVG() (string, error) {
	name := chartName("ImageGrid", g.Title)
	if len(g.Images) == 0 {
		return "", errorf(name, "no images to draw")
	}
	dlo, dhi := math.Inf(1), math.Inf(-1)
	maxW, maxH := 0, 0
	for i, im := range g.Images {
		if im.Width <= 0 || im.Height <= 0 {
			return "", errorf(name, "image %d has size %d×%d; both must be positive", i, im.Width, im.Height)
		}
		c := im.channels()
		if c != 1 && c != 3 {
			return "", errorf(name, "image %d has %d channels; want 1 (grayscale) or 3 (colour)", i, im.Channels)
		}
		if want := c * im.Width * im.Height; len(im.Pixels) != want && c == 1 {
			return "", errorf(name, "image %d has %d pixels, but %d×%d needs %d", i, len(im.Pixels), im.Width, im.Height, want)
		} else if len(im.Pixels) != want {
			return "", errorf(name, "image %d has %d values, but 3 channels of %d×%d need %d", i, len(im.Pixels), im.Width, im.Height, want)
		}
		for j, p := range im.Pixels {
			v := float64(p)
			if !finite(v) {
				return "", errorf(name, "image %d: pixel %d (row %d, column %d) is %v", i, j, j%(im.Width*im.Height)/im.Width, j%im.Width, v)
			}
			dlo, dhi = math.Min(dlo, v), math.Max(dhi, v)
		}
		maxW, maxH = max(maxW, im.Width), max(maxH, im.Height)
	}
	lo, hi := g.Min, g.Max
	switch {
	case lo == 0 && hi == 0 && dlo >= 0 && dhi <= 1:
		hi = 1
	case lo == 0 && hi == 0 && dlo >= 0 && dhi <= 255:
		hi = 255
	case lo == 0 && hi == 0:
		lo, hi = dlo, dhi
		if lo == hi {
			hi = lo + 1
		}
	case !(lo < hi):
		return "", errorf(name, "Min %v must be less than Max %v", lo, hi)
	}
	sc := g.Scale
	if sc <= 0 {
		sc = 2
	}
	hasLabels := false
	for _, im := range g.Images {
		if im.Label != "" {
			hasLabels = true
		}
	}
	cellW := float64(maxW*sc) + 8
	for _, im := range g.Images {
		// Wide enough for a label of up to 120 pixels.
		cellW = math.Max(cellW, math.Min(textWidth(im.Label, fontSize)+10, 120))
	}
	cellH := float64(maxH*sc) + 8
	if hasLabels {
		cellH += 16
	}
	cols := g.Columns
	if cols <= 0 {
		cols = max(1, min(10, int((DefaultWidth-2*pad)/cellW)))
	}
	cols = min(cols, len(g.Images))
	rows := (len(g.Images) + cols - 1) / cols
	top := pad
	if g.Title != "" {
		top += titleH
	}
	w := math.Max(2*pad+float64(cols)*cellW, textWidth(g.Title, titleSize)+2*pad)
	h := top + float64(rows)*cellH + pad
	left := (w - float64(cols)*cellW) / 2

	d := &document{kind: "images", w: w, h: h, title: accessibleTitle(g.Title, "Image grid")}
	c := &d.body
	if g.Title != "" {
		c.text(w/2, pad+titleSize, "middle", "tt-fg tt-title", g.Title, "")
	}
	c.raw(`<g class="tt-plot">`, "\n")
	for i, im := range g.Images {
		x := left + float64(i%cols)*cellW + 4 + float64((maxW-im.Width)*sc)/2
		y := top + float64(i/cols)*cellH + 4
		uri, err := pngURI(im, lo, hi, g.Invert)
		if err != nil {
			return "", errorf(name, "image %d: %v", i, err)
		}
		iw, ih := float64(im.Width*sc), float64(im.Height*sc)
		c.raw(`<g class="tt-image" data-index="`, strconv.Itoa(i), `"`)
		c.attr("data-label", im.Label)
		c.raw(">")
		c.raw(`<image x="`, num(x), `" y="`, num(y), `" width="`, num(iw), `" height="`, num(ih),
			`" preserveAspectRatio="none" image-rendering="pixelated" style="image-rendering:pixelated" href="`, uri, `"`)
		if im.Label != "" {
			c.raw("><title>", esc(im.Label), "</title></image>")
		} else {
			c.raw("/>")
		}
		c.raw(`<rect x="`, num(x-0.5), `" y="`, num(y-0.5), `" width="`, num(iw+1), `" height="`, num(ih+1), `" fill="none" stroke-width="1"`)
		c.classStroke("tt-grid")
		c.raw("/>\n")
		if im.Label != "" {
			c.text(x+iw/2, y+ih+14, "middle", "tt-fg", truncate(im.Label, fontSize, cellW-2), "")
		}
		c.raw("</g>\n")
	}
	c.raw("</g>\n")

	var desc strings.Builder
	desc.WriteString("Image grid")
	if g.Title != "" {
		desc.WriteString(": " + g.Title)
	}
	desc.WriteString(". " + plural(len(g.Images), g.kind()+"image") + " of " + strconv.Itoa(maxW) + "×" + strconv.Itoa(maxH) +
		" pixels in " + plural(rows, "row") + " of " + strconv.Itoa(cols) + ", values " + FormatValue(lo, "") + " to " +
		FormatValue(hi, "") + ".")
	if hasLabels {
		var labels []string
		for _, im := range g.Images {
			labels = append(labels, im.Label)
		}
		desc.WriteString(" Labels: " + strings.Join(labels, ", ") + ".")
	}
	d.desc = desc.String()
	return d.String(), nil
}

// channels is the number of colour planes of the image.
func (im Image) channels() int { return max(im.Channels, 1) }

// kind says what images a grid holds, for its text alternative:
// "grayscale ", "colour " or "" for both.
func (g ImageGrid) kind() string {
	colour := 0
	for _, im := range g.Images {
		if im.channels() == 3 {
			colour++
		}
	}
	switch colour {
	case 0:
		return "grayscale "
	case len(g.Images):
		return "colour "
	}
	return ""
}

// pngURI encodes an image as a grayscale or RGB PNG data URI, lo drawn
// black and hi white (or the reverse when invert is set).
func pngURI(im Image, lo, hi float64, invert bool) (string, error) {
	level := func(p float32) uint8 {
		t := (float64(p) - lo) / (hi - lo)
		t = math.Max(0, math.Min(1, t))
		if invert {
			t = 1 - t
		}
		return uint8(math.Round(t * 255))
	}
	var img image.Image
	if n := im.Width * im.Height; im.channels() == 3 {
		rgba := image.NewRGBA(image.Rect(0, 0, im.Width, im.Height))
		for i := range n {
			rgba.Pix[4*i] = level(im.Pixels[i])
			rgba.Pix[4*i+1] = level(im.Pixels[n+i])
			rgba.Pix[4*i+2] = level(im.Pixels[2*n+i])
			rgba.Pix[4*i+3] = 255
		}
		img = rgba
	} else {
		gray := image.NewGray(image.Rect(0, 0, im.Width, im.Height))
		for i, p := range im.Pixels {
			gray.Pix[i] = level(p)
		}
		img = gray
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
