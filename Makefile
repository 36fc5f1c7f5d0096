# PIAO performance manager. `make run` and `make test` are all a new user needs.
GO      ?= go
BIN     := bin/piao
PKGS    := ./...
# make test leaves out the fault tests (each starts its own PostgreSQL and the
# real server): make faults runs them, and CI runs that.
TESTPKGS = $(shell $(GO) list ./... | grep -v '/internal/faults$$')

.PHONY: run build test proof faults limits e2e vnu office bench bench-replicas bench-flat generate lint vendor clean help

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: build ## migrate, load the demo plan when the database is empty, serve on PIAO_ADDR (default 127.0.0.1:8080)
	./$(BIN) serve --migrate --demo-if-empty

build: ## build the static binary into bin/piao
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/piao

test: build ## every test against a real PostgreSQL (a private one is started when PIAO_TEST_DATABASE_URL is unset)
	$(GO) tool -n mailpit > /dev/null # the mail tests' real SMTP server (a Go tool of go.mod), built once into Go's cache
	./$(BIN) withdb -- $(GO) test -count=1 $(TESTPKGS)

proof: build ## the long proofs, run by CI: the bad-input sweep, the 60-second load-correctness run, the bench tool's runs, and the CLI runs that start clusters, servers, pg_dump and pg_restore (own PostgreSQL)
	./$(BIN) withdb -- $(GO) test -count=1 -tags proof -run 'TestBadInputSweep|TestLoadCorrectness|TestSmallRun|TestBackupRestore|TestRestoreRefusesDamagedBackup|TestCLIBesideRunningServer|TestServeMigratesLoadsDemoAndShutsDown' -timeout 30m ./internal/server/ ./cmd/piaobench/ ./cmd/piao/

faults: ## fault tests, run by CI: PostgreSQL down and back, SIGTERM during a save, a failing write (own PostgreSQL)
	$(GO) test -count=1 ./internal/faults/

limits: build ## resource limits under hostile load on the real server (RSS of concurrent sign-ins, uploads, downloads); CI runs it
	$(GO) test -count=1 -tags limits -run Limits -v -timeout 20m ./internal/faults/

e2e: build vnu ## browser tests: Debian's Chromium driven by chromedp, with axe-core and the Nu HTML checker (needs chromium, default-jre-headless, npm)
	./$(BIN) withdb -- $(GO) test -count=1 -tags browser -run Browser ./internal/server/

vnu: ## install the pinned Nu HTML checker (vnu-jar from npm, run with Debian's JRE) into tools/vnu
	@[ -f tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar ] || (cd tools/vnu && npm ci --ignore-scripts --no-audit --no-fund)

office: ## ODT/DOCX read back by LibreOffice headless, its tagged PDF/A export, qpdf on our own tagged PDF (needs libreoffice-writer-nogui, qpdf)
	$(GO) test -count=1 -tags office -run 'LibreOffice|QPDF' ./internal/report/

bench: build ## engine benchmarks, then load on the real server with synthetic plans (a private PostgreSQL when needed)
	$(GO) test -run '^$$' -bench . -benchmem ./internal/scoring/
	$(GO) test -run '^$$' -bench ParsePDF200 -benchtime 3x ./internal/piaoparse/
	./$(BIN) withdb -- $(GO) run ./cmd/piaobench -json bin/bench.json

PUBLIC_ROUTES = ^(public-|reference-csv|reference-json|synthetic-csv|synthetic-json)

bench-replicas: build ## two `piao serve` processes on one database: public reads and saves in turn, consistency after writes, each one's peak memory
	./$(BIN) withdb -- $(GO) run ./cmd/piaobench -replicas 2 -piao $(BIN) -only '$(PUBLIC_ROUTES)|^measurement-save$$' -json bin/bench-replicas.json

bench-flat: build ## the public routes with 60, then 600 synthetic enti: each p95 at 600 within 1.25 × of its p95 at 60
	./$(BIN) withdb -- $(GO) run ./cmd/piaobench -enti 60 -only '$(PUBLIC_ROUTES)' -json bin/bench-flat-60.json
	./$(BIN) withdb -- $(GO) run ./cmd/piaobench -enti 600 -timeout 75m -only '$(PUBLIC_ROUTES)' -compare bin/bench-flat-60.json -json bin/bench-flat-600.json

generate: ## regenerate the templ components (the generated files are committed)
	$(GO) tool templ generate

lint: ## gofmt and go vet must be clean
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) vet -tags browser $(PKGS)
	$(GO) vet -tags proof $(PKGS)
	$(GO) vet -tags limits $(PKGS)
	$(GO) vet -tags office $(PKGS)

vendor: ## refresh web/static/vendor from the pinned npm packages (needs npm)
	./web/vendor.sh

clean: ## remove the binary (the data folder, with the local database, stays)
	rm -rf bin
