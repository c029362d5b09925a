# issuekb: every job of the knowledge base. The first target that needs Python creates .venv with
# `python3 -m venv` and installs the project there (PEP 668: never the system interpreter).
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ISSUEKB := $(BIN)/issuekb

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

# Zensical, the optional second site engine, installed on first use (`make site ENGINE=zensical`, the tests)
ZENSICAL_STAMP := $(VENV)/.zensical-stamp
$(ZENSICAL_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,zensical]'
	@touch $@

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: venv
venv: $(STAMP) ## Create .venv and install the project (done by every target that needs it)

.PHONY: check
check: $(STAMP) ## Validate every analysis and the knowledge base
	$(ISSUEKB) check

.PHONY: tracking
tracking: $(STAMP) ## Regenerate TRACKING.md from the analyses and the upstream state (untouched when current)
	$(ISSUEKB) tracking

.PHONY: sync
sync: $(STAMP) ## Pull the upstream state from GitHub into upstream-state.json [ARGS="--full --dry-run --repo o/r --from F"]
	$(ISSUEKB) sync $(ARGS)

.PHONY: new new-needs-issue
new: new-needs-issue $(STAMP) ## Start an analysis from the template: make new ISSUE=1234 [ARGS="--with summary"]
	$(ISSUEKB) new '$(ISSUE)' $(ARGS)

new-needs-issue:
	@if [ -z "$(ISSUE)" ]; then \
	  echo "make new needs the upstream issue number: make new ISSUE=1234 (options: ARGS=\"--slug ... --title ... --with summary\")" >&2; \
	  exit 2; \
	fi

# The site is dated by the last commit, not by the clock (MkDocs writes the date into sitemap.xml), so
# the same commit builds the same bytes. Outside a git checkout MkDocs falls back to the build time.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)

# The site engine: mkdocs (MkDocs with Material, the default) or zensical (the same site with Zensical,
# from a build folder that `issuekb pages` composes of docs/, the generated pages and a derived mkdocs.yml).
ENGINE ?= mkdocs
ZENSICAL_BUILD := build/zensical

.PHONY: site site-mkdocs site-zensical
site: ## Build the site into site/ (TRACKING.md first); fails naming the file when an analysis has an error [ENGINE=zensical]
	@case '$(ENGINE)' in mkdocs|zensical) ;; *) echo "make site: ENGINE must be mkdocs or zensical, not '$(ENGINE)'" >&2; exit 2;; esac
	@$(MAKE) --no-print-directory site-$(ENGINE)

site-mkdocs: $(STAMP)
	$(ISSUEKB) tracking
	$(if $(SOURCE_DATE_EPOCH),SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)) NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

site-zensical: $(ZENSICAL_STAMP)
	$(ISSUEKB) tracking
	$(ISSUEKB) pages --build $(ZENSICAL_BUILD)
	rm -rf site && mv $(ZENSICAL_BUILD)/site site

.PHONY: serve
serve: $(STAMP) ## Preview the site on http://127.0.0.1:8000/<path of site_url>/; rebuilds when docs/, analyses/ or the state file change
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

.PHONY: lint
lint: $(STAMP) ## ruff (lint and format check) and mypy --strict
	$(BIN)/ruff check scripts tests bench
	$(BIN)/ruff format --check scripts tests bench
	$(BIN)/mypy

.PHONY: test
test: lint $(ZENSICAL_STAMP) ## Lint, type-check and run the whole test suite (Zensical installed for its tests)
	$(BIN)/pytest -n 2 --dist loadgroup

.PHONY: bench
bench: $(STAMP) ## Benchmarks at N = 100, 1,000, 10,000 vs python-frontmatter and a bare mkdocs (minutes) [ARGS="--runs 5 --full --write-docs"]
	$(BIN)/python -m bench $(ARGS)

.PHONY: profile
profile: $(STAMP) ## Where the time of one benchmark scenario goes (pyinstrument) [ARGS="--scenario cold --n 10000"]
	$(BIN)/python -m bench.profile $(ARGS)

.PHONY: lock
lock: $(STAMP) ## Refresh constraints.txt from the installed versions
	$(BIN)/python -m pip freeze --all --exclude-editable --disable-pip-version-check | grep -v '^issuekb\|^pip==' > constraints.txt

.PHONY: dist
dist: $(STAMP) ## Build the wheel and the source archive into dist/ and print how to install them
	rm -rf dist build/lib
	$(if $(SOURCE_DATE_EPOCH),SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)) $(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/python -m issuekb.init.install_help dist .

.PHONY: clean
clean: ## Remove the built site and caches (keeps .venv)
	rm -rf site dist build .pytest_cache .mypy_cache .ruff_cache test-artifacts bench-results

.PHONY: distclean
distclean: clean ## Remove everything generated, .venv included
	rm -rf $(VENV)
