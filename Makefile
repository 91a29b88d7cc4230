# TinyTorch's commands. `make serve` builds the site and serves it;
# `make test` runs every check. Both install what they need first.

GO ?= go
PORT ?= 8080
# Brotli level of the precompressed copies: 11 is smallest, 5 builds fast.
BROTLI_LEVEL ?= 11
STATICCHECK_VERSION = v0.8.2
BIN := $(CURDIR)/.bin
WASM_EXEC := $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec

# Everything the site is built from; dist/ is rebuilt when one changes.
SITE_SOURCES := go.mod go.sum web/package-lock.json \
	$(shell find engine wasm web/src web/templates notebooks tools/build tools/internal -type f 2>/dev/null)

.PHONY: all serve build deps test lint test-native test-wasm test-js test-browser chromium bench bench-go bench-browser clean

all: build

## serve: build the site if needed and serve it on http://127.0.0.1:$(PORT)
serve: build
	PORT=$(PORT) $(GO) run ./tools/serve

## build: render notebooks, bundle the web code and compile the wasm into dist/
build: dist/index.html

dist/index.html: $(SITE_SOURCES) | deps
	$(GO) run ./tools/build -brotli $(BROTLI_LEVEL)
	@touch $@

## deps: Go modules and the web/ npm packages from the committed lockfile
deps: web/node_modules/.package-lock.json
	@$(GO) mod download

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

## test: formatting, vet, staticcheck, Go tests natively and under js/wasm, JS unit tests, browser suite
test: deps lint test-native test-wasm test-js test-browser
	@echo "make test: all checks passed"

lint: $(BIN)/staticcheck
	@unformatted="$$(gofmt -l engine wasm tools)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./engine/...
	$(GO) vet -tags browser ./tools/browsertest
	$(BIN)/staticcheck ./...
	GOOS=js GOARCH=wasm $(BIN)/staticcheck ./wasm/... ./engine/...
	$(BIN)/staticcheck -tags browser ./tools/browsertest

# staticcheck at a pinned version, installed into the project's .bin/.
$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

test-native:
	$(GO) test ./...

# The engine must behave the same under js/wasm; Go's runner uses node.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -exec=$(WASM_EXEC) ./engine/...

# The little JavaScript there is (the cell compiler) has unit tests of its own.
test-js: deps
	cd web && node --test src/

test-browser: chromium
	$(GO) test -tags browser -count=1 -v ./tools/browsertest

## chromium: install Debian's Chromium for the browser suite when missing
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing chromium from Debian's packages"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "The browser suite needs Chromium. Install it with: sudo apt-get install -y chromium"; exit 1; \
		fi; \
	fi

## bench: matmul kernels and training speed beside NumPy/PyTorch, in one run (a few minutes);
## tables also in .bin/bench.md and figures in .bin/bench.json
bench:
	@mkdir -p $(BIN)
	$(GO) run ./tools/benchref -markdown $(BIN)/bench.md -json $(BIN)/bench.json

## bench-go: every Go benchmark of the engine (go test -bench)
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./engine/...

## bench-browser: matmul GFLOP/s in headless Chromium, Go kernel vs wasm-simd
bench-browser: deps chromium
	TT_BENCH_BROWSER=1 $(GO) test -tags browser -count=1 -run '^TestBenchMatmul$$' -v ./tools/browsertest

clean:
	rm -rf dist dist.old .bin
