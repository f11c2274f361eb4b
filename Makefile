# The two commands a newcomer needs: `make run` and `make test`.
GO      ?= go
GOFILES  = $(shell find . -name '*.go' -not -path './.cache/*')

.PHONY: run build test fmt-check vet unit lint-spec bench fuzz fuzz-smoke

## run: start the mock on 127.0.0.1:4010 with the embedded fixtures (ARGS="-strict" to add flags)
run:
	$(GO) run ./cmd/sendai-mock $(ARGS)

## build: build the binaries into ./bin
build:
	$(GO) build -o bin/ ./cmd/...

## test: formatting, vet, every Go test under the race detector, and the spec lint
test: fmt-check vet unit lint-spec

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

lint-spec:
	bash scripts/lint-spec.sh

## contract: run the contract suite against SENDAI_BASE_URL (default: the mock of `make run`); ARGS="-format junit:report.xml" to add flags
SENDAI_BASE_URL ?= http://127.0.0.1:4010
.PHONY: contract
contract:
	$(GO) run ./cmd/sendai-contract -base-url $(SENDAI_BASE_URL) $(ARGS)

## bench: Go benchmarks of the request path, then a load run of the built mock beside a bare-Gin ceiling; writes BENCHMARKS.md
bench:
	$(GO) build -o bin/ ./cmd/sendai-mock ./bench/ceiling ./bench/runner
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./mockserver/ | tee bin/gobench.txt
	./bin/runner -gobench bin/gobench.txt $(BENCHARGS)

FUZZ_TARGETS = FuzzAPIRequest FuzzControlAPI FuzzControlTaskJSON FuzzPathCheck
FUZZTIME    ?= 30s

## fuzz: run each fuzz target for FUZZTIME (default 30s); findings land in mockserver/testdata/fuzz
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		echo "== $$t ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./mockserver/ || exit 1; \
	done

## fuzz-smoke: each fuzz target briefly, as CI runs them
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=3s
