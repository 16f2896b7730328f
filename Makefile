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

## bench: the benchmarks of every stage (see docs/performance.md)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x ./...

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
