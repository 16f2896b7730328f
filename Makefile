# agora — two commands do everything on a fresh machine: `make demo` and `make test`.
GO      ?= go
BIN     ?= bin/agora
export CGO_ENABLED := 1

.PHONY: all build demo test vet fmt-check docs bench fuzz clean

all: build

## build: compile the agora binary into bin/agora
build:
	$(GO) build -o $(BIN) ./cmd/agora

## demo: generate a synthetic national sample, land it, build, publish site and open data
demo: build
	./$(BIN) demo

## test: formatting, vet, docs in sync, every test (browser tests need chromium)
test: fmt-check vet
	$(GO) test -count=1 ./...

## vet: go vet on every package
vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## docs: regenerate docs/dictionnaire.md and docs/schemas from the code
docs: build
	./$(BIN) dictionnaire --out docs

## bench: the whole chain at BENCH_DOSSIERS dossiers (AGORA_BENCH_DOSSIERS, default
## "100000 1000000"; quick: make bench BENCH_DOSSIERS=10000), each stage next to its
## DuckDB baseline, then every package's micro-benchmarks briefly (see docs/performance.md)
BENCH_DOSSIERS ?= $(or $(AGORA_BENCH_DOSSIERS),100000 1000000)
BENCHTIME      ?= 200ms
bench:
	AGORA_BENCH_DOSSIERS="$(BENCH_DOSSIERS)" $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 12h ./chain
	env -u AGORA_BENCH_DOSSIERS $(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -timeout 2h \
	  $$($(GO) list ./... | grep -v '/chain$$')

## fuzz: a short run of every fuzz target (FUZZTIME per target, default 10s)
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## clean: remove build output (not the data root)
clean:
	rm -rf bin
