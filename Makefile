# llcast — see README.md. `make run` streams the test source (or your camera)
# and prints where to watch; `make test` runs every test, browser included.

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
HLSJS     := player/assets/vendor/hls.min.js
DATA      ?= data
LISTEN    ?= :8080
# Where make build puts the binary, and make deb the package.
BIN       ?= bin/llcast
DEBDIR    ?= bin
# make install: README "Install on a server (.deb, systemd)".
PREFIX    ?= /usr/local
DESTDIR   ?=
SYSCONFDIR ?= /etc
BINDIR    ?= $(PREFIX)/bin
# systemd reads units from /usr/local/lib/systemd/system as well as
# /usr/lib/systemd/system, so this suits both usual prefixes.
UNITDIR   ?= $(PREFIX)/lib/systemd/system
DOCDIR    ?= $(PREFIX)/share/doc/llcast
# Debian versions must start with a digit: a tag v1.2.3 gives 1.2.3, and
# 3 commits after it 1.2.3+3.gHASH; with no tag, 0.0.0~gHASH (which sorts
# before any tagged version).
DEB_VERSION := $(shell echo '$(VERSION)' | sed -E 's/^v([0-9]+\.)/\1/; /^[0-9]+\.[0-9]/!s/^/0.0.0~g/; s/-/+/; s/-/./g')
DEB_ARCH  := $(shell $(GO) env GOARCH 2>/dev/null || echo amd64)
DEB       := $(DEBDIR)/llcast_$(DEB_VERSION)_$(DEB_ARCH).deb

.PHONY: all build run test fuzz lint bench e2e assets clean deps deps-all deps-build install deb

all: build

# Everything building and testing need: Go, Debian packages (installed when
# missing, unless LLCAST_NO_INSTALL=1; .ci/deps lists them and why) and the
# npm packages. make build and make run check only what building needs.
deps: deps-all player/node_modules/hls.js/dist/hls.min.js

deps-all:
	@GO='$(GO)' bash .ci/deps all

deps-build:
	@GO='$(GO)' bash .ci/deps build

# hls.js comes from npm, pinned by player/package-lock.json; the build copies
# its browser bundle into the embedded assets. npm must be there first.
player/node_modules/hls.js/dist/hls.min.js: player/package.json player/package-lock.json | deps-build
	cd player && npm ci --no-audit --no-fund
	touch $@

$(HLSJS): player/node_modules/hls.js/dist/hls.min.js
	mkdir -p $(dir $@)
	cp $< $@

assets: deps-build $(HLSJS)

build: assets
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/llcast

run: build
	$(BIN) serve --data $(DATA) --listen $(LISTEN)

test: deps assets
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

# Every fuzz target for FUZZTIME (20s) each; CI runs it after test.
fuzz: deps assets
	FUZZTIME=$(or $(FUZZTIME),20s) bash .ci/fuzz

# Only the end-to-end tests (real server, gohlslib client, ffmpeg, Chromium).
e2e: deps assets
	$(GO) test -race -count=1 -run 'E2E' -v ./cmd/...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo 'run gofmt -w'; exit 1)
	$(GO) vet ./...
	$(GO) mod tidy -diff

bench: deps build
	$(GO) run ./cmd/llcast-bench -bin $(BIN)

# Installs into $(DESTDIR)$(PREFIX) what the .deb installs into /usr. It
# builds only when there is no $(BIN) yet, so that `sudo make install`
# after `make build` installs that binary instead of rebuilding as root.
# The unit names the installed paths; an existing llcast.yml is kept.
install: $(if $(wildcard $(BIN)),,build)
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/llcast
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/llcast
	sed -e 's|/usr/bin/llcast|$(BINDIR)/llcast|g' -e 's|/etc/llcast/|$(SYSCONFDIR)/llcast/|g' \
		-e 's|/usr/share/doc/llcast/|$(DOCDIR)/|g' configs/systemd/llcast.service >$(DESTDIR)$(UNITDIR)/llcast.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/llcast.service
	install -m 0644 LICENSE configs/NOTICE README.md $(DESTDIR)$(DOCDIR)/
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/llcast/llcast.yml ]; then \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/llcast/llcast.yml; the defaults are in configs/llcast.yml"; \
	else \
		install -m 0644 configs/llcast.yml $(DESTDIR)$(SYSCONFDIR)/llcast/llcast.yml; \
	fi
	@echo "installed; README \"Install on a server (.deb, systemd)\" says how to create the llcast user and start the service"

# The Debian package, with nfpm (a tool pinned in go.mod): configs/packaging.
deb: build
	mkdir -p $(DEBDIR)
	LLCAST_BIN='$(BIN)' DEB_VERSION='$(DEB_VERSION)' DEB_ARCH='$(DEB_ARCH)' \
		$(GO) tool nfpm package --config configs/packaging/nfpm.yaml --packager deb --target '$(DEB)'

clean:
	rm -rf bin player/assets/vendor player/node_modules
