package int8mm

// withoutAssemblyEdges turns the AVX2 edge loops off until the returned
// function is called, so that tests reach the installed and Go loops.
func withoutAssemblyEdges() (restore func()) {
	was := edgesAVX2
	edgesAVX2 = false
	return func() { edgesAVX2 = was }
}
