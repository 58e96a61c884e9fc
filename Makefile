# Two commands on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup build test check bench clean translations page-fill

# Re-install only when the project's dependency list or the system-deps script changed.
$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test,cluster]'
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(PY) build.py $(ARGS)

check: setup
	$(PY) build.py check

# The own-words check first, so pytest's summary is the last line of the run.
test: setup
	$(PYTHON) ../shared/tools/own_words.py content templates
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: setup
	$(PY) bench/bench.py $(ARGS)

# How full the pages of the built PDFs are (scripts/page_fill.py; docs/layout.md): the empty band at
# the foot of every page but the last, per format. `make page-fill ARGS="/tmp/out --worst 10"`.
page-fill: setup
	$(PY) scripts/page_fill.py $(ARGS)

clean:
	rm -rf output

# Extract UI strings from templates and code and merge them into every catalog; a catalog is
# rewritten only when its messages changed. `make translations ADD=de` creates German's.
translations: setup
	$(PY) scripts/translations.py $(foreach lang,$(ADD),--add $(lang))
