// Unit tests of the cell compiler, run by `make test` with node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileCell } from "./compile.js";

// run compiles and evaluates cells one after another in one shared global
// scope, the way the kernel does, and returns the last cell's value.
async function run(...cells) {
  let value;
  for (const [i, cell] of cells.entries()) {
    value = await (0, eval)(compileCell(cell, `cell-${i + 1}.js`));
  }
  return value;
}

test("the last expression is the value, unless it ends with a semicolon", async () => {
  assert.equal(await run("1 + 2"), 3);
  assert.equal(await run("1 + 2;"), undefined);
  assert.equal(await run("const t1 = 5\nt1 * 2"), 10);
  assert.equal(await run("if (true) { 4 }"), undefined);
  assert.deepEqual(await run("({a: 1})"), { a: 1 });
  assert.equal(await run("(1, 2)"), 2);
});

test("top-level declarations are shared between cells", async () => {
  assert.equal(await run("const s1 = 2; let s2; var s3 = 3;", "s1 + s3 + String(s2)"), "5undefined");
  assert.equal(await run("const {d1, d2: [d3]} = {d1: 1, d2: [2]};", "d1 + d3"), 3);
  assert.equal(await run("function f1() { return f2() }\nfunction f2() { return 7 }", "f1()"), 7);
  assert.equal(await run("class K1 { get v() { return 8 } }", "new K1().v"), 8);
  assert.equal(await run("const r1 = 1;", "const r1 = 2;", "r1"), 2, "a cell can be run again");
});

test("top-level await works", async () => {
  assert.equal(await run("const w1 = await Promise.resolve(6)\nw1 + 1"), 7);
  assert.equal(await run("await new Promise((r) => setTimeout(() => r('late'), 5))"), "late");
});

test("local declarations stay local", async () => {
  assert.equal(await run("for (const loc1 of [1]) {}\ntypeof loc1"), "undefined");
  assert.equal(await run("{ let loc2 = 1 }\ntypeof loc2"), "undefined");
});

test("errors keep the cell's line numbers", async () => {
  await assert.rejects(run("const e1 = 1;\n\nnull.x"), (err) => {
    assert.match(err.stack, /cell-1\.js:3:/);
    return true;
  });
  assert.throws(() => compileCell("const a = ;", "c.js"), (err) => {
    assert.equal(err.name, "SyntaxError");
    assert.equal(err.cellLine, 1);
    assert.match(err.message, /line 1, column 11/);
    return true;
  });
  assert.throws(() => compileCell("\nimport x from 'y'", "c.js"), /line 2/);
});
