PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# every version pinned (runtime + server + dev, Python 3.11 on Linux); the ranges stay in
# pyproject.toml, `make lock` re-resolves them into this file
LOCK := requirements.lock

.PHONY: install lock run test fuzz golden lint bench clean

$(BIN)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[server,dev]'
	touch $@

install: $(BIN)/.installed

# pip-compile in a venv of its own (not a dependency of the project). Existing pins are kept
# while pyproject.toml still allows them; `make lock LOCK_FLAGS=--upgrade` takes the newest.
LOCK_TOOLS := $(VENV)/.lock-tools
PIP_TOOLS ?= pip-tools==7.7.0
LOCK_FLAGS ?=
lock:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "lock with Python 3.11"'
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/pip install --quiet '$(PIP_TOOLS)'
	$(LOCK_TOOLS)/bin/pip-compile --quiet --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links $(LOCK_FLAGS) \
		--extra server --extra dev --output-file $(LOCK) pyproject.toml

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

# the benchmark of bench/run.py (--real: the repo's graph; --scale 10k --scale 100k --scale 1M
# for the synthetic ones, as in bench/RESULTS.md)
BENCH_ARGS ?= --real
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# rewrite the canned queries' golden answers (tests/golden/) from the current data; review the diff
golden: install
	$(BIN)/python tests/regenerate_golden.py

lint: install
	$(BIN)/ruff check amakg tests bench
	$(BIN)/ruff format --check amakg tests bench
	$(BIN)/mypy

clean:
	rm -rf dist .pytest_cache
