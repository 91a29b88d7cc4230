//go:build js && wasm

package page

// command is a toolbar entry.
type command struct {
	text, label string
	fn          func()
}

// fileCommands are the toolbar entries that move the notebook in and out
// of the page.
func (nb *notebook) fileCommands() []command {
	return nil
}
