# Two commands on a fresh machine: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/salon: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/salon

.PHONY: demo test bench fuzz
demo: $(BIN)/salon
	$(BIN)/salon demo

test: $(BIN)/salon
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/python -m pytest -n 2 -q

bench: $(BIN)/salon
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_identity.py
	$(BIN)/python bench/bench_pagerank.py
	$(BIN)/python bench/validate_influence.py
	$(BIN)/python bench/bench_imm.py
	$(BIN)/python bench/validate_diffusion.py
	$(BIN)/python bench/bench_bass.py
	$(BIN)/python bench/validate_conversation.py

# The long fuzz campaign: every importer in turn for FUZZ_MINUTES in all, at the lowest priority.
FUZZ_MINUTES ?= 20
fuzz: $(BIN)/salon
	nice -n 19 $(BIN)/python -m tests.fuzz.campaign --minutes $(FUZZ_MINUTES)
