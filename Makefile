# The two commands: `make book` (install, execute every chapter, build the site) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
UV_VERSION := 0.13.9

SOURCES  := $(wildcard notebooks/*.md)
CHAPTERS := $(patsubst notebooks/%.md,book/chapters/%.ipynb,$(SOURCES))
PACKAGE  := $(shell find jakpersist -name '*.py') pyproject.toml
DATA     := $(shell find data -type f -not -path 'data/cache/*' 2>/dev/null)
PAGES    := $(wildcard book/*.md) book/references.bib $(wildcard book/_ext/*.py) $(wildcard book/_ext/static/*) $(wildcard book/_ext/templates/*) _config.yml _toc.yml
SITE     := _build/html/index.html

.DELETE_ON_ERROR:
.PHONY: book test test-fast install notebooks run data data-hts clean help atlas assignments rivals course-site

help:
	@echo "make book   - install (first time), execute every chapter with papermill, build the site"
	@echo "make test   - the whole test suite (builds the book first if needed)"
	@echo "make test-fast - unit tests only (no executed chapter, no site): under a minute"
	@echo "make run CHAPTER=c1_persistence SET='hetero_advantage=1'  - re-run one chapter into runs/"
	@echo "make data   - optional, needs internet: download GSE38335 from GEO into data/cache/"
	@echo "make atlas  - recompute the robustness atlas into data/atlas/ (ATLAS_N=128 Sobol' points, 2 Dask workers; minutes)"
	@echo "make rivals - recompute the rival-model comparison into data/rivals/ (RIVALS_N=20000 draws per model plus the posterior top-up, 2 Dask workers; a few minutes)"
	@echo "make data-hts - fetch the hts007 screen (thunor 1.0.3 wheel, PyPI) into data/cache/ (make book does it)"
	@echo "make assignments - otter-grader assignments per chapter in _build/assignments/ (offline)"
	@echo "                   ROSTER=ids.txt: one notebook per student with their own parameters (course secret)"
	@echo "make course-site - the course edition of the site (no solutions, sources or instructor page) in _build/course/"
	@echo "make clean  - remove executed chapters and the built site (keeps .venv)"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps --no-build-isolation -e .
	@touch $@

# One executed copy per chapter, default parameters; the source notebook is never written.
book/chapters/%.ipynb: notebooks/%.md $(PACKAGE) $(DATA) $(wildcard data/cache/*.gz) $(STAMP)
	@$(BIN)/jakbook execute $< $@

# The hts007 screen (thunor 1.0.3 wheel from PyPI, pinned sha256) is fetched into the cache before its chapter.
HTS007 := data/cache/hts007.h5
$(HTS007): jakpersist/loaders/hts.py | $(STAMP)
	@$(BIN)/jakbook data hts >/dev/null
	@touch $@

book/chapters/h1_hts007.ipynb: $(HTS007)

data-hts: $(HTS007)

notebooks: $(CHAPTERS)

book/generated/.stamp: notebooks/claims.yml $(PACKAGE) $(CHAPTERS) _config.yml $(wildcard data/atlas/summary.json)
	@$(BIN)/jakbook generate
	@touch $@

book/student/.stamp: $(SOURCES) $(PACKAGE) notebooks/claims.yml
	@$(BIN)/jakbook student
	@touch $@

$(SITE): $(CHAPTERS) book/generated/.stamp book/student/.stamp $(PAGES)
	@echo "[site] jupyter-book build --all -W -n --keep-going"
	@$(BIN)/jupyter-book build --all -W -n --keep-going --quiet . 
	@touch $@

book: $(STAMP)
	@$(MAKE) --no-print-directory -j2 notebooks
	@$(MAKE) --no-print-directory $(SITE)
	@echo "site: file://$(CURDIR)/$(SITE)"

test: book
	$(BIN)/python -m pytest -n 2

# Unit tests only: no executed chapter, no built site, no heavy test (under a minute on 2 cores).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not chapter and not site and not slow and not heavy"

# Optional, needs internet: GSE38335 from GEO into data/cache/ (fails fast, naming GEO, when offline).
data: $(STAMP)
	@$(BIN)/jakbook data geo

# The robustness atlas shipped in data/atlas/ (the book reads it; a test checks it matches the current code).
ATLAS_N ?= 128
atlas: $(STAMP)
	$(BIN)/jakbook atlas --samples $(ATLAS_N) --workers 2 --out data/atlas --power C1
	$(BIN)/jakbook record data/atlas

# The rival-model comparison shipped in data/rivals/ (the book reads it; a test checks it matches the current code).
# RIVALS_N draws per model fix the shares and ratios; every surviving model's posterior is then topped up with
# further prior draws until it has 1,000 accepted points (jakpersist.rivals._extend), so RIVALS_N need not grow.
RIVALS_N ?= 20000
rivals: $(STAMP)
	$(BIN)/jakbook rivals --samples $(RIVALS_N) --workers 2 --out data/rivals --cache data/cache/rivals
	$(BIN)/jakbook record data/rivals

run: $(STAMP)
	@test -n "$(CHAPTER)" || (echo "usage: make run CHAPTER=c1_persistence SET='name=value ...'"; exit 2)
	$(BIN)/jakbook run $(CHAPTER) $(foreach s,$(SET),--set $(s))

# Graded assignments (otter-grader, offline): student notebook + autograder zip per chapter.
assignments: $(STAMP)
	@nice -n 10 $(BIN)/jakbook assignments $(if $(ROSTER),--roster $(ROSTER))

# The course edition of the site (built from the executed chapters of `make book`).
course-site: book
	@$(BIN)/jakbook course-site

clean:
	rm -rf _build book/chapters book/generated book/student
