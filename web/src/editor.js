// The code editor of a cell: CodeMirror 6 with JavaScript highlighting,
// line numbers, bracket matching and undo (basicSetup), and the notebook's
// keys: Shift+Enter runs the cell and moves on, Ctrl/Cmd+Enter runs it in
// place.
import { EditorView, basicSetup } from "codemirror";
import { Decoration, keymap } from "@codemirror/view";
import { Compartment, Prec, StateEffect, StateField } from "@codemirror/state";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";
import { javascript } from "@codemirror/lang-javascript";

// The editor's colours are the page's CSS variables (style.css), so they
// follow the system's light or dark setting like the rest of the page;
// CodeMirror's own defaults are made for a light background only.
const theme = EditorView.theme({
  "&": { color: "var(--fg)", backgroundColor: "var(--bg)" },
  ".cm-content": { caretColor: "var(--fg)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)" },
  ".cm-gutters": { color: "var(--muted)", backgroundColor: "var(--cell-bg)", borderRightColor: "var(--border)" },
  ".cm-activeLine": { backgroundColor: "var(--cm-active-line)" },
  ".cm-activeLineGutter": { color: "var(--fg)", backgroundColor: "var(--cm-active-line)" },
  // CodeMirror's base theme styles the selection with one class more than
  // a theme's "&"; the extra .cm-editor matches it, and a theme comes later.
  "&.cm-editor .cm-selectionBackground, &.cm-editor.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, & .cm-content ::selection": {
    backgroundColor: "var(--cm-selection)",
  },
  "&.cm-editor.cm-focused .cm-matchingBracket": { backgroundColor: "var(--cm-bracket)", outline: "1px solid var(--muted)" },
  "&.cm-editor.cm-focused .cm-nonmatchingBracket": { backgroundColor: "transparent", outline: "1px solid var(--error)" },
  "& .cm-selectionMatch": { backgroundColor: "var(--cm-bracket)" },
  ".cm-tooltip": { color: "var(--fg)", backgroundColor: "var(--cell-bg)", border: "1px solid var(--border)" },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { color: "var(--bg)", backgroundColor: "var(--accent)" },
  ".cm-panels": { color: "var(--fg)", backgroundColor: "var(--cell-bg)" },
});

// highlight names the colour of each kind of token; style.css sets them
// for both themes, each at a contrast of at least 4.5:1 with the editor.
const highlight = HighlightStyle.define([
  { tag: t.keyword, color: "var(--cm-keyword)" },
  { tag: [t.atom, t.bool, t.null, t.labelName, t.url], color: "var(--cm-atom)" },
  { tag: [t.number, t.literal, t.inserted], color: "var(--cm-number)" },
  { tag: [t.string, t.deleted], color: "var(--cm-string)" },
  { tag: [t.regexp, t.escape, t.special(t.string)], color: "var(--cm-regexp)" },
  { tag: [t.definition(t.variableName), t.function(t.definition(t.variableName))], color: "var(--cm-def)" },
  { tag: t.local(t.variableName), color: "var(--cm-local)" },
  { tag: [t.typeName, t.namespace, t.className], color: "var(--cm-type)" },
  { tag: [t.propertyName, t.definition(t.propertyName)], color: "var(--cm-property)" },
  { tag: t.comment, color: "var(--cm-comment)", fontStyle: "italic" },
  { tag: t.meta, color: "var(--muted)" },
  { tag: t.invalid, color: "var(--error)" },
  { tag: t.strong, fontWeight: "bold" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.link, textDecoration: "underline" },
]);

// The error line is a line decoration held in the editor's state. A class
// added to the line's element by hand lasted only until CodeMirror next
// redrew the line (a measure, a scroll, a focus change), which on a busy
// machine came before anyone saw it.
const setErrorLine = StateEffect.define();
const errorLineMark = Decoration.line({ class: "tt-error-line" });
const errorLine = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    // An edit moves the mark with its line; a new run sets or clears it.
    marks = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(setErrorLine)) {
        marks = e.value > 0 && e.value <= tr.state.doc.lines
          ? Decoration.set([errorLineMark.range(tr.state.doc.line(e.value).from)])
          : Decoration.none;
      }
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// createEditor puts an editor holding doc into parent. hooks.run(advance)
// is called by the run keys, hooks.change() after each edit, hooks.focus()
// when the editor gains focus, hooks.escape() on Esc when the editor has
// nothing of its own to close (Jupyter's command mode). With
// hooks.markdown set the text is Markdown, without JavaScript's
// highlighting. It returns the handle the Go page role uses.
export function createEditor(parent, doc, hooks) {
  const runKeys = keymap.of([
    { key: "Shift-Enter", run: () => (hooks.run(true), true) },
    { key: "Mod-Enter", run: () => (hooks.run(false), true) },
  ]);
  // Lowest precedence: Esc first closes an autocompletion or search panel.
  const escapeKey = Prec.lowest(keymap.of([{ key: "Escape", run: () => (hooks.escape?.(), !!hooks.escape) }]));
  const label = new Compartment();
  const listener = EditorView.updateListener.of((update) => {
    if (update.docChanged) hooks.change();
    if (update.focusChanged && update.view.hasFocus) hooks.focus();
  });
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      runKeys,
      basicSetup,
      escapeKey,
      hooks.markdown ? [EditorView.lineWrapping] : javascript(),
      theme,
      syntaxHighlighting(highlight),
      listener,
      errorLine,
      label.of(EditorView.contentAttributes.of({ "aria-label": parent.getAttribute("aria-label") || "Code" })),
    ],
  });
  const handle = {
    code: () => view.state.doc.toString(),
    setCode: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
    // setLabel renames the editor for screen readers (a cell's number
    // changes when cells are added, deleted or moved).
    setLabel: (text) => {
      parent.setAttribute("aria-label", text);
      view.dispatch({ effects: label.reconfigure(EditorView.contentAttributes.of({ "aria-label": text })) });
    },
    destroy: () => view.destroy(),
    // highlightLine marks the line where an error happened (0 clears it).
    highlightLine: (line) => view.dispatch({ effects: setErrorLine.of(line) }),
  };
  parent.ttEditor = handle; // for the browser suite, which reads the code
  return handle;
}
