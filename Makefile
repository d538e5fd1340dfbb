PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[server,dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/amakg build
	$(BIN)/amakg query wins --param artist=BTS

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check amakg tests bench
	$(BIN)/mypy

clean:
	rm -rf dist .pytest_cache
