package nn

import "strings"

// ExtraRepr is implemented by layers that show their settings inside the
// parentheses of String, as PyTorch's extra_repr does: Linear shows
// "in_features=784, out_features=128, bias=True".
type ExtraRepr interface {
	ExtraRepr() string
}

// String prints the module the way PyTorch prints it:
//
//	Sequential(
//	  (0): Linear(in_features=2, out_features=8, bias=True)
//	  (1): Tanh()
//	)
func (b *ModuleBase) String() string {
	extra := ""
	if e, ok := b.self.(ExtraRepr); ok {
		extra = e.ExtraRepr()
	}
	if len(b.children) == 0 {
		return b.typeName + "(" + extra + ")"
	}
	var sb strings.Builder
	sb.WriteString(b.typeName + "(\n")
	if extra != "" {
		sb.WriteString("  " + extra + "\n")
	}
	for _, c := range b.children {
		// A child's own lines are indented one more level.
		child := strings.ReplaceAll(c.Module.String(), "\n", "\n  ")
		sb.WriteString("  (" + c.Path + "): " + child + "\n")
	}
	sb.WriteString(")")
	return sb.String()
}

// pyBool spells a boolean as Python does, for reprs.
func pyBool(v bool) string {
	if v {
		return "True"
	}
	return "False"
}
