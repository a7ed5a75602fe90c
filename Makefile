# Qyzmet — the commands a fresh clone needs. `make run` and `make test` are the contract.
SHELL := /bin/bash
# Deferred (?=): evaluated when the virtualenv is made, after system-deps.
PYTHON ?= $(shell bash scripts/venv-python.sh)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
export FLASK_APP := qyzmet

.PHONY: run test install system-deps translations extract-messages check build bench lint format clean

run: install $(MO_FILES)
	$(BIN)/flask db upgrade
	$(BIN)/flask guide build --out instance/site
	$(BIN)/flask staff demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# system-deps first: it may install python3-venv, which decides the virtualenv's interpreter.
# One test process per core (pytest-xdist), at most four: most of a test's time is spent
# waiting (fsync, servers starting, Chromium), so two processes on two cores take the suite
# from about 12 to 9 minutes; more than the cores only adds contention. PYTEST_ARGS="-n 0"
# runs it in one process.
test: system-deps install $(MO_FILES)
	$(BIN)/python -m pytest -n auto --maxprocesses=4 $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

system-deps:
	bash scripts/install-system-deps.sh

# Compiled catalogues are build products; the .po files are the source.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | install
	$(BIN)/pybabel compile --statistics -d translations -l $* -i $< -o $@

translations: $(MO_FILES)

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k NP_:1c,2 --sort-by-file --omit-header \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

check: install
	$(BIN)/flask guide check

build: install $(MO_FILES)
	$(BIN)/flask guide build --out build/site

bench: system-deps install $(MO_FILES)
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf build .pytest_cache test-artifacts $(MO_FILES)
