# The two commands of the README's Quick start, and what they stand on.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DATA_DIR ?= $(HOME)/.local/share/firsthand-demo

.PHONY: demo test serve install

## demo: install into .venv, then serve the app with demo data on http://127.0.0.1:8000/
demo: $(VENV)/.installed
	$(BIN)/firsthand serve --demo --data-dir "$(DEMO_DATA_DIR)"

## test: install into .venv with the test tools, then run the whole suite (SQLite, PostgreSQL, browser)
test: $(VENV)/.installed-test
	bash scripts/test

## serve: the app on your own data (first run prints a setup link)
serve: $(VENV)/.installed
	$(BIN)/firsthand serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "firsthand needs Python 3.11; set PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@
