# llcast — see README.md. `make run` streams the test source (or your camera)
# and prints where to watch; `make test` runs every test, browser included.

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
HLSJS     := player/assets/vendor/hls.min.js
DATA      ?= data
LISTEN    ?= :8080

.PHONY: all build run test fuzz lint bench e2e assets clean check-deps

all: build

# hls.js comes from npm, pinned by player/package-lock.json; the build copies
# its browser bundle into the embedded assets.
player/node_modules/hls.js/dist/hls.min.js: player/package.json player/package-lock.json
	cd player && npm ci --no-audit --no-fund
	touch $@

$(HLSJS): player/node_modules/hls.js/dist/hls.min.js
	mkdir -p $(dir $@)
	cp $< $@

assets: check-deps $(HLSJS)

# Say what is missing and how to get it, instead of a cgo or npm error.
check-deps:
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.26 or newer (https://go.dev/doc/install)"; exit 1; }
	@command -v npm >/dev/null || { echo "npm is missing: sudo apt-get install -y npm"; exit 1; }
	@test -e /usr/include/vo-aacenc/voAAC.h || { echo "the AAC encoder library is missing: sudo apt-get install -y libvo-aacenc-dev"; exit 1; }
	@pkg-config --exists x264 2>/dev/null || { echo "the H.264 encoder library (x264) is missing: sudo apt-get install -y libx264-dev pkg-config"; exit 1; }
	@command -v gcc >/dev/null || { echo "a C compiler is missing (cgo): sudo apt-get install -y gcc"; exit 1; }

build: assets
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/llcast ./cmd/llcast

run: build
	./bin/llcast serve --data $(DATA) --listen $(LISTEN)

test: assets
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

# Every fuzz target for FUZZTIME (20s) each; CI runs it after test.
fuzz: assets
	FUZZTIME=$(or $(FUZZTIME),20s) bash .ci/fuzz

# Only the end-to-end tests (real server, gohlslib client, ffmpeg, Chromium).
e2e: assets
	$(GO) test -race -count=1 -run 'E2E' -v ./cmd/...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo 'run gofmt -w'; exit 1)
	$(GO) vet ./...
	$(GO) mod tidy -diff

bench: build
	$(GO) run ./cmd/llcast-bench -bin bin/llcast

clean:
	rm -rf bin player/assets/vendor player/node_modules
