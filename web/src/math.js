// Typesets the math in prose — <span class="math math-inline"> and
// <div class="math math-display"> holding TeX, written by the build — with
// KaTeX into MathML, which the browser renders itself (no fonts to fetch).
// KaTeX is loaded only on pages that have math.
export function typesetMath(root) {
  const nodes = [...root.querySelectorAll(".math:not([data-typeset])")];
  if (nodes.length === 0) return Promise.resolve(0);
  return import("katex").then(({ default: katex }) => {
    for (const el of nodes) {
      const tex = el.textContent;
      katex.render(tex, el, {
        displayMode: el.classList.contains("math-display"),
        output: "mathml",
        throwOnError: false,
      });
      el.dataset.typeset = "";
      el.dataset.tex = tex;
    }
    return nodes.length;
  });
}
