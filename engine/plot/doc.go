// Package plot draws TinyTorch's charts as self-contained SVG documents.
//
// The same code runs natively (the CLI writes the SVG into a run folder) and
// under js/wasm (the notebook kernel sends the SVG to the page), and both
// produce byte-identical output: coordinates are written with at most two
// decimals, logarithms are computed by the package itself, and nothing
// depends on map order or on the platform.
//
// Each chart kind is a plain struct of options with an SVG method:
//
//	svg, err := plot.Line{
//		Title: "Loss", XLabel: "step", YLabel: "loss", LogY: true,
//		Series: []plot.Series{{Name: "train", X: steps, Y: losses}},
//	}.SVG()
//
// The kinds are Line (loss and accuracy curves), Bar (time per op, grouped
// or stacked), Timeline (the phases and ops of one training step), Roofline
// (achieved GFLOP/s against arithmetic intensity), Histogram (weights,
// activations, gradients) and ImageGrid (small grayscale or colour images,
// such as MNIST digits). A Line grows point by point with Append, for a
// live training curve.
//
// Every chart is readable on light and dark pages: colours come from CSS
// custom properties (--tt-fg, --tt-bg, --tt-series-0 … --tt-series-9, …) with
// fallbacks for both prefers-color-scheme settings, so a page may restyle
// them. The <svg> has role="img", a <title> and a <desc> that summarises the
// data for screen readers. Series, bars, spans and points carry data-*
// attributes (data-series, data-x, data-y, …) and the plot area carries its
// scales (data-x-scale, data-x-domain, data-plot-rect, …), so a page can add
// hover read-outs and legend toggling without parsing geometry.
//
// Bad input is an error naming the chart, the series and the index: empty
// series, mismatched lengths, values that cannot be shown on a log axis.
// Line and Histogram skip NaN and ±Inf values, because a diverged training
// run is worth plotting, and say how many they skipped in the text
// alternative; the other kinds reject them.
//
// The package uses only the Go standard library.
package plot
