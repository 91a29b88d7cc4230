-- TinyTorch live cells for Quarto (and plain pandoc).
--
-- Turns every code block with the class tinytorch, such as
--
--   ```{.js .tinytorch}
--   const x = tt.tensor([[1, 2], [3, 4]]);
--   x.matmul(x)
--   ```
--
-- into the markup TinyTorch's embed script makes live, <pre class="tinytorch">,
-- and adds that script once, at the end of the page. A block with
-- setup=true (or the class setup) is a hidden setup cell. The document's
-- metadata says where the script is and how it behaves:
--
--   tinytorch:
--     src: https://SITE/embed/v1/embed.js   # required; make serve's by default
--     load: visible                         # or run: when the engine loads
--     run-all: true                         # a Run all button in the first cell
--     theme: auto                           # or light, dark
--
-- Other code blocks are left alone. The filter only writes HTML: in other
-- formats a tinytorch block stays an ordinary code block.

local default_src = "http://127.0.0.1:8080/embed/v1/embed.js"

local options = { src = nil, load = nil, run_all = false, theme = nil }
local found = false

local function escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function is_html()
  return FORMAT:match("html") ~= nil
end

local function has_class(el, name)
  for _, c in ipairs(el.classes) do
    if c == name then
      return true
    end
  end
  return false
end

-- Meta reads the tinytorch options; a wrong value is reported, not guessed.
local function read_meta(meta)
  local t = meta.tinytorch
  if t == nil then
    return
  end
  if t.src then
    options.src = pandoc.utils.stringify(t.src)
  end
  if t.load then
    local load = pandoc.utils.stringify(t.load)
    if load ~= "visible" and load ~= "run" then
      io.stderr:write("tinytorch: load must be visible or run, not " .. load .. "; using visible\n")
    else
      options.load = load
    end
  end
  if t["run-all"] ~= nil then
    options.run_all = t["run-all"] == true or pandoc.utils.stringify(t["run-all"]) == "true"
  end
  if t.theme then
    options.theme = pandoc.utils.stringify(t.theme)
  end
end

local function code_block(el)
  if not has_class(el, "tinytorch") or not is_html() then
    return nil
  end
  found = true
  local setup = has_class(el, "setup") or el.attributes["setup"] == "true"
  local attrs = setup and ' data-setup=""' or ""
  if el.identifier ~= "" then
    attrs = ' id="' .. escape(el.identifier) .. '"' .. attrs
  end
  return pandoc.RawBlock("html", '<pre class="tinytorch"' .. attrs .. ">" .. escape(el.text) .. "</pre>")
end

local function script_tag()
  local src = options.src
  if src == nil then
    io.stderr:write("tinytorch: no tinytorch.src in the metadata; using " .. default_src .. " (make serve)\n")
    src = default_src
  end
  local attrs = ' src="' .. escape(src) .. '"'
  if options.load then
    attrs = attrs .. ' data-load="' .. options.load .. '"'
  end
  if options.run_all then
    attrs = attrs .. " data-run-all"
  end
  if options.theme and options.theme ~= "auto" then
    attrs = attrs .. ' data-theme="' .. escape(options.theme) .. '"'
  end
  return pandoc.RawBlock("html", '<script type="module"' .. attrs .. "></script>")
end

return {
  {
    Pandoc = function(doc)
      read_meta(doc.meta)
      doc = doc:walk({ CodeBlock = code_block })
      if found then
        doc.blocks:insert(script_tag())
      end
      return doc
    end,
  },
}
