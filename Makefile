# The two commands a newcomer needs: `make run` and `make test`.
GO      ?= go
GOFILES  = $(shell find . -name '*.go' -not -path './.cache/*')

.PHONY: run build test fmt-check vet unit lint-spec

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
