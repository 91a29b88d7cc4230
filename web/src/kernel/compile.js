// Compiles a cell into code the kernel can evaluate, giving notebook
// semantics to plain JavaScript:
//
// - cells share one scope: a top-level const, let, var, function or class
//   becomes a property of the worker's global object, so later cells see it;
// - top-level await works: the cell runs inside an async function;
// - the value of a last expression statement is the cell's value, unless
//   the statement ends with a semicolon (as in Jupyter).
//
// The rewrite only inserts and replaces text on the lines where it happens,
// so line numbers in errors match the cell's own lines.
import { parse } from "acorn";

// compileCell returns the code to eval for a cell, or throws a SyntaxError
// whose message names the line and column in the cell.
export function compileCell(source, name) {
  let program;
  try {
    program = parse(source, {
      ecmaVersion: "latest",
      sourceType: "script",
      allowAwaitOutsideFunction: true,
      allowReturnOutsideFunction: false,
      locations: true,
    });
  } catch (err) {
    const where = err.loc ? ` (line ${err.loc.line}, column ${err.loc.column + 1})` : "";
    const e = new SyntaxError(err.message.replace(/ \(\d+:\d+\)$/, "") + where);
    if (err.loc) e.cellLine = err.loc.line;
    throw e;
  }
  const edits = [];
  const hoisted = [];
  const body = program.body;
  body.forEach((stmt, i) => rewriteStatement(stmt, i === body.length - 1, source, edits, hoisted));
  let code = applyEdits(source, edits);
  // Function declarations are hoisted inside the async function, so they
  // can be published to the global scope before the first line runs.
  const prelude = hoisted.map((n) => `globalThis.${n} = ${n};`).join(" ");
  return `(async () => {${prelude} ${code}\n})()\n//# sourceURL=${name}`;
}

function rewriteStatement(stmt, isLast, source, edits, hoisted) {
  switch (stmt.type) {
    case "VariableDeclaration":
      rewriteDeclaration(stmt, edits);
      break;
    case "FunctionDeclaration":
      hoisted.push(stmt.id.name);
      break;
    case "ClassDeclaration":
      edits.push({ at: stmt.start, insert: `${stmt.id.name} = ` });
      break;
    case "ImportDeclaration":
    case "ExportNamedDeclaration":
    case "ExportDefaultDeclaration":
    case "ExportAllDeclaration": {
      const e = new SyntaxError(`import and export statements are not available in cells (line ${stmt.loc.start.line}); use \`await import(url)\``);
      e.cellLine = stmt.loc.start.line;
      throw e;
    }
    case "ExpressionStatement":
      if (isLast && !source.slice(stmt.start, stmt.end).trimEnd().endsWith(";")) {
        edits.push({ at: stmt.start, insert: "return (" });
        edits.push({ at: stmt.end, insert: ")" });
      }
      break;
  }
}

// `const a = 1, {b} = o;` becomes `void (a = 1, {b} = o);`: assignments to
// globals in place of declarations. A declarator with no value gets
// `= undefined`, so `let x;` still defines x.
function rewriteDeclaration(decl, edits) {
  edits.push({ at: decl.start, end: decl.start + decl.kind.length, insert: "void (" });
  for (const d of decl.declarations) {
    if (!d.init) edits.push({ at: d.id.end, insert: " = undefined" });
  }
  const last = decl.declarations[decl.declarations.length - 1];
  edits.push({ at: last.end, insert: ")" });
}

// applyEdits applies insertions and replacements, given by offsets into the
// original source, from the last to the first so offsets stay valid.
function applyEdits(source, edits) {
  const sorted = edits
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => b.at - a.at || b.i - a.i);
  let out = source;
  for (const e of sorted) {
    out = out.slice(0, e.at) + e.insert + out.slice(e.end ?? e.at);
  }
  return out;
}
