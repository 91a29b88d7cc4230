package plot

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"
)

// TestImageGridColour: a colour image's three planes (red, green, blue,
// as an image tensor stores them) become the pixels of an RGB PNG, scaled
// by Min and Max and inverted like grayscale ones; the text alternative
// says what the images are.
func TestImageGridColour(t *testing.T) {
	// A 2×1 image: a red pixel and a half-grey one; and a grayscale 1×1.
	rgb := Image{Width: 2, Height: 1, Channels: 3, Pixels: []float32{1, 0.5, 0, 0.5, 0, 0.5}, Label: "rgb"}
	gray := Image{Width: 1, Height: 1, Pixels: []float32{0.25}}
	cases := []struct {
		name   string
		grid   ImageGrid
		pixels [][]color.RGBA // per image, per pixel
		desc   string
	}{
		{"colour", ImageGrid{Images: []Image{rgb}}, [][]color.RGBA{{{255, 0, 0, 255}, {128, 128, 128, 255}}}, "1 colour image of 2×1 pixels"},
		{"inverted", ImageGrid{Images: []Image{rgb}, Invert: true}, [][]color.RGBA{{{0, 255, 255, 255}, {128, 128, 128, 255}}}, "1 colour image"},
		{"range", ImageGrid{Images: []Image{rgb}, Min: 0, Max: 2}, [][]color.RGBA{{{128, 0, 0, 255}, {64, 64, 64, 255}}}, "values 0 to 2"},
		{"mixed", ImageGrid{Images: []Image{rgb, gray}}, [][]color.RGBA{{{255, 0, 0, 255}, {128, 128, 128, 255}}, {{64, 64, 64, 255}}}, "2 images of 2×1 pixels"},
		{"grayscale", ImageGrid{Images: []Image{gray}}, [][]color.RGBA{{{64, 64, 64, 255}}}, "1 grayscale image of 1×1 pixels"},
	}
	uris := regexp.MustCompile(`href="data:image/png;base64,([^"]*)"`)
	for _, c := range cases {
		svg, err := c.grid.SVG()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !strings.Contains(svg, c.desc) {
			t.Errorf("%s: the text alternative lacks %q", c.name, c.desc)
		}
		m := uris.FindAllStringSubmatch(svg, -1)
		if len(m) != len(c.pixels) {
			t.Fatalf("%s: %d images, want %d", c.name, len(m), len(c.pixels))
		}
		for i, want := range c.pixels {
			b, err := base64.StdEncoding.DecodeString(m[i][1])
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			for x, w := range want {
				if got := color.RGBAModel.Convert(img.At(x, 0)).(color.RGBA); got != w {
					t.Errorf("%s: image %d pixel %d = %v, want %v", c.name, i, x, got, w)
				}
			}
			if _, isGray := img.(*image.Gray); isGray != (c.grid.Images[i].channels() == 1) {
				t.Errorf("%s: image %d decodes as %T", c.name, i, img)
			}
		}
	}
}
