// TinyTorch's embed script, /embed/v1/embed.js: another site's page (a
// textbook chapter) adds
//
//   <script type="module" src="https://SITE/embed/v1/embed.js"></script>
//
// and every <pre class="tinytorch"> (Quarto's {.js .tinytorch} blocks
// included) becomes a live cell. This file is all that loads before the
// reader uses a cell, so it stays small: it shows each block at once as a
// static cell in a shadow root (the host's CSS and ours never meet), with
// the notebook's look in the host's light or dark scheme, and loads the
// engine (runtime.js: the editor, the page's wasm, the kernel worker) on
// the first Run or when the first cell scrolls into view.
//
// Options, as attributes of the script tag:
//   data-load="visible" (default) or "run": when the engine loads;
//   data-run-all: the first cell gets a Run all button;
//   data-theme="light" or "dark": a fixed scheme instead of the host's.
// A block with data-setup (or the class setup) is a hidden setup cell: it
// runs before the first cell the reader runs.
import notebookCSS from "../style.css";
import embedCSS from "./embed.css";

// ASSETS names this build's files, relative to the site's root; the site
// build defines it (internal/site/embed.go).
/* global __TT_EMBED_ASSETS__ */
const ASSETS = __TT_EMBED_ASSETS__;
// This script is at SITE/embed/v1/embed.js, so the site's root is two
// folders up, wherever the site is deployed.
const siteRoot = new URL("../../", import.meta.url);
const assetURL = (path) => new URL(path, siteRoot).href;

const script = [...document.querySelectorAll("script[src]")].find((s) => s.src === import.meta.url);
const options = script?.dataset ?? {};

// sheetsFor makes the cells' style sheets, one per scheme, from the
// notebook's own style sheet: its :root becomes the shadow root's :host,
// its rem sizes are the notebook's 16px rather than the host's root size,
// and its prefers-color-scheme rules are kept for the matching sheet only,
// so a cell follows the host page's scheme, not the system's.
function sheetsFor(text) {
  text = text.replaceAll(":root", ":host").replace(/(\d*\.?\d+)rem\b/g, "calc($1 * var(--tt-rem))");
  const make = (scheme) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    for (let i = sheet.cssRules.length - 1; i >= 0; i--) {
      const rule = sheet.cssRules[i];
      const m = rule instanceof CSSMediaRule && /prefers-color-scheme:\s*(light|dark)/.exec(rule.conditionText);
      if (!m) continue;
      if (m[1] === scheme) rule.media.mediaText = "all";
      else sheet.deleteRule(i);
    }
    sheet.insertRule(`:host { color-scheme: ${scheme}; }`, sheet.cssRules.length);
    return sheet;
  };
  return { light: make("light"), dark: make("dark") };
}

// hostScheme tells whether the host page is dark where el is: the first
// painted background among el's ancestors decides; with none, the canvas
// follows the page's color-scheme.
function hostScheme(el) {
  if (options.theme === "light" || options.theme === "dark") return options.theme;
  for (let e = el.parentElement; e; e = e.parentElement) {
    const m = getComputedStyle(e).backgroundColor.match(/[\d.]+/g);
    if (m && (m.length < 4 || Number(m[3]) > 0.5)) {
      const [r, g, b] = m.map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? "dark" : "light";
    }
  }
  const cs = getComputedStyle(document.documentElement).colorScheme;
  const dark = cs.includes("dark") && (!cs.includes("light") || matchMedia("(prefers-color-scheme: dark)").matches);
  return dark ? "dark" : "light";
}

// blocks are the marked code blocks, in page order. Quarto wraps its
// highlighted block in a div.sourceCode, which the cell replaces whole.
function findBlocks() {
  return [...document.querySelectorAll("pre.tinytorch")].map((pre) => {
    const wrapper = pre.parentElement?.matches("div.sourceCode") && pre.parentElement.children.length === 1 ? pre.parentElement : pre;
    const setup = (pre.hasAttribute("data-setup") && pre.dataset.setup !== "false") || pre.classList.contains("setup");
    // Quarto puts the code in a <code> beside a copy button.
    const code = (pre.querySelector("code") ?? pre).textContent.replace(/\n$/, "");
    return { pre, wrapper, setup, code };
  });
}

const h = (tag, attrs = {}, text = "") => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
};

// mount replaces each block by a <tinytorch-cell> whose shadow root holds
// the cell as the notebook renders it (section.cell with the code in
// pre.cell-source), plus a static bar with the same size as the live one.
function mount(blocks, sheets, runAll, onRunAll) {
  let number = 0;
  return blocks.map((b) => {
    const host = h("tinytorch-cell");
    const root = host.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [sheets.light];
    const section = h("section", { class: "cell", "data-state": "idle" });
    if (b.setup) {
      section.setAttribute("data-setup", "");
      host.hidden = true;
    } else {
      number++;
      section.setAttribute("aria-label", `Code cell ${number}`);
    }
    const bar = h("div", { class: "cell-bar embed-static" });
    const run = h("button", { type: "button", "aria-label": `Run cell ${number} (loads TinyTorch)`, title: "Run (loads TinyTorch)" }, "▶ Run");
    const state = h("span", { class: "cell-state" });
    bar.append(run, h("span", { class: "cell-counter" }, "[ ]"), state);
    if (runAll && !b.setup && number === 1) {
      const all = h("button", { type: "button", class: "quiet embed-run-all", title: "Run all cells on this page, in order" }, "Run all");
      all.addEventListener("click", () => onRunAll());
      bar.append(all);
    }
    const source = h("pre", { class: "cell-source" }, b.code);
    section.append(bar, source, h("div", { class: "cell-output" }));
    root.append(section);
    b.wrapper.replaceWith(host);
    return { host, root, section, run, state, setup: b.setup };
  });
}

// applyScheme gives every cell the sheet of its host's scheme, keeping the
// sheets the editor added to the shadow root.
function applyScheme(cells, sheets) {
  for (const c of cells) {
    const sheet = sheets[hostScheme(c.host)];
    const rest = c.root.adoptedStyleSheets.filter((s) => s !== sheets.light && s !== sheets.dark);
    if (c.root.adoptedStyleSheets[0] !== sheet) c.root.adoptedStyleSheets = [sheet, ...rest];
    c.host.dataset.scheme = sheet === sheets.dark ? "dark" : "light";
  }
}

// followScheme re-checks the scheme when the host may have changed it: the
// system setting, or a class, style or theme attribute on the page (a
// theme switch such as Quarto's toggles classes and style sheets).
function followScheme(cells, sheets) {
  let pending = false;
  const check = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      applyScheme(cells, sheets);
    });
  };
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", check);
  new MutationObserver(check).observe(document.documentElement, {
    attributes: true,
    subtree: true,
    attributeFilter: ["class", "style", "data-theme", "data-bs-theme", "disabled", "media"],
  });
}

function start() {
  const blocks = findBlocks();
  if (blocks.length === 0) return;
  const sheets = sheetsFor(notebookCSS + "\n" + embedCSS);
  const runAll = "runAll" in options;
  let runAllPending = false;
  const cells = mount(blocks, sheets, runAll, () => {
    runAllPending = true;
    for (const c of cells) c.state.textContent = "loading TinyTorch…";
    load().catch(fail);
  });
  applyScheme(cells, sheets);
  followScheme(cells, sheets);
  const first = cells.find((c) => !c.setup) ?? cells[0];
  // One live region for the page, in the first visible cell.
  const announcer = h("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  first.root.append(announcer);

  let loading = null;
  const pending = [];
  const load = () =>
    (loading ??= import(assetURL(ASSETS.runtime)).then((m) =>
      m.start({ cells, announcer, pending, runAll, runAllPending: () => runAllPending, assets: ASSETS, assetURL }),
    ));
  const fail = (err) => {
    for (const c of cells) c.state.textContent = "TinyTorch could not load";
    announcer.textContent = `TinyTorch could not load: ${err}`;
    console.error("TinyTorch embed:", err);
  };
  for (const c of cells) {
    c.run.addEventListener("click", () => {
      if (!pending.includes(c)) pending.push(c);
      c.state.textContent = "loading TinyTorch…";
      load().catch(fail);
    });
  }
  if (options.load !== "run") {
    const seen = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          seen.disconnect();
          load().catch(fail);
        }
      },
      { rootMargin: "200px" },
    );
    seen.observe(first.host);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
