// The code editor of a cell: CodeMirror 6 with JavaScript highlighting,
// line numbers, bracket matching and undo (basicSetup), plus Shift+Enter
// to run the cell.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { javascript } from "@codemirror/lang-javascript";

// createEditor puts an editor holding doc into parent. onRun is called on
// Shift+Enter. It returns an object the Go page role uses to read the code.
export function createEditor(parent, doc, onRun) {
  const runKey = keymap.of([{ key: "Shift-Enter", run: () => (onRun(), true) }]);
  const view = new EditorView({
    doc,
    parent,
    extensions: [runKey, basicSetup, javascript()],
  });
  return {
    code: () => view.state.doc.toString(),
    focus: () => view.focus(),
  };
}
