# dealerreach — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= $(CURDIR)/.data
DEMO_DIR := $(DATA)/demo-group
DEMO_CUSTOMERS ?= 20000
export DEALERREACH_HOME ?= $(DATA)

.PHONY: install demo demo-data test check lint bench bench-import bench-segments clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## make demo: install, generate a demo group (3 rooftops, ~20,000 customers), import it, serve.
demo: demo-data
	$(BIN)/dealerreach serve

demo-data: install
	$(BIN)/dealerreach demo generate --rooftops 3 --customers $(DEMO_CUSTOMERS) --seed 42 \
		--deltas 3 --out $(DEMO_DIR)
	$(BIN)/dealerreach import $(DEMO_DIR) --group demo
	for d in $$(ls -d $(DEMO_DIR)/delta-* 2>/dev/null | sort); do \
		$(BIN)/dealerreach import $$d --group demo || exit $$?; done
	$(BIN)/dealerreach status --group demo
	$(BIN)/dealerreach segments run --group demo
	$(BIN)/dealerreach segments summary --group demo

## make test: install and run every test.
test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

check: test lint

bench: bench-import bench-segments

bench-import: install
	$(BIN)/python bench/bench_import.py --customers $${BENCH_CUSTOMERS:-1000000}

bench-segments: install
	$(BIN)/python bench/bench_segments.py --customers $${BENCH_CUSTOMERS:-1000000}

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .mypy_cache .ruff_cache
