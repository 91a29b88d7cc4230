// The code editor of a cell: CodeMirror 6 with JavaScript highlighting,
// line numbers, bracket matching and undo (basicSetup), and the notebook's
// keys: Shift+Enter runs the cell and moves on, Ctrl/Cmd+Enter runs it in
// place.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { javascript } from "@codemirror/lang-javascript";

// createEditor puts an editor holding doc into parent. hooks.run(advance)
// is called by the run keys, hooks.change() after each edit, hooks.focus()
// when the editor gains focus. It returns the handle the Go page role uses.
export function createEditor(parent, doc, hooks) {
  const runKeys = keymap.of([
    { key: "Shift-Enter", run: () => (hooks.run(true), true) },
    { key: "Mod-Enter", run: () => (hooks.run(false), true) },
  ]);
  const listener = EditorView.updateListener.of((update) => {
    if (update.docChanged) hooks.change();
    if (update.focusChanged && update.view.hasFocus) hooks.focus();
  });
  const view = new EditorView({
    doc,
    parent,
    extensions: [runKeys, basicSetup, javascript(), listener, EditorView.contentAttributes.of({ "aria-label": parent.getAttribute("aria-label") || "Code" })],
  });
  const handle = {
    code: () => view.state.doc.toString(),
    setCode: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
    // highlightLine marks the line where an error happened (0 clears it).
    highlightLine: (line) => {
      parent.querySelectorAll(".cm-line.tt-error-line").forEach((el) => el.classList.remove("tt-error-line"));
      if (line > 0 && line <= view.state.doc.lines) {
        const pos = view.state.doc.line(line).from;
        const { node } = view.domAtPos(pos);
        const el = node.nodeType === 1 ? node : node.parentElement;
        el?.closest(".cm-line")?.classList.add("tt-error-line");
      }
    },
  };
  parent.ttEditor = handle; // for the browser suite, which reads the code
  return handle;
}
