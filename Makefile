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

# Every script in bench/ writes bench/results/NAME.txt (header: date, nproc cores, commit).
BENCH := bench_startup bench_import bench_identity bench_pagerank validate_influence bench_imm \
	validate_diffusion bench_bass validate_conversation
bench: $(BIN)/salon
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	set -e; for script in $(BENCH); do $(BIN)/python bench/$$script.py; done

# The long fuzz campaign: every importer in turn for FUZZ_MINUTES in all, at the lowest priority.
FUZZ_MINUTES ?= 20
fuzz: $(BIN)/salon
	nice -n 19 $(BIN)/python -m tests.fuzz.campaign --minutes $(FUZZ_MINUTES)
