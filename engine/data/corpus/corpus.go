// Package corpus holds the text of the 2017 attention milestone
// (internal/milestone, notebooks/m4-attention-2017.md): the first
// 59,804 characters of Andrej Karpathy's "tiny Shakespeare"
// (data/tinyshakespeare/input.txt of github.com/karpathy/char-rnn,
// commit 6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e), cut at a blank line.
// They are the opening of Shakespeare's Coriolanus, which is in the
// public domain. The repository keeps them in shakespeare.txt, so the
// native run and the browser (tt.data.shakespeare) read the same bytes
// with no download.
package corpus

import _ "embed"

// Shakespeare is the text, 59,804 characters of plain ASCII in 59
// distinct characters.
//
//go:embed shakespeare.txt
var Shakespeare string

// ShakespeareSource says where the text comes from, for a notebook to
// show.
const ShakespeareSource = "the opening of Shakespeare's Coriolanus (public domain), the first 59,804 characters of " +
	"Andrej Karpathy's tiny Shakespeare (github.com/karpathy/char-rnn, data/tinyshakespeare/input.txt), kept in engine/data/corpus"
