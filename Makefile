PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test fuzz lint bench clean

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
	$(BIN)/pytest -q -n 2 --dist loadfile

# the property-based and differential fuzzers of `make test`, with many more examples each
FUZZ_EXAMPLES ?= 5000
fuzz: install
	AMAKG_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) AMAKG_FUZZ_RANDOM=1 $(BIN)/pytest -q \
		tests/test_guard_fuzz.py tests/test_hostile_cli.py tests/test_server_hostile.py

lint: install
	$(BIN)/ruff check amakg tests bench
	$(BIN)/mypy

clean:
	rm -rf dist .pytest_cache
