# Two commands on a fresh machine: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/salon: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	$(BIN)/python -m compileall -q src  # bytecode, as installing a wheel writes it
	touch $(BIN)/salon

.PHONY: demo test bench fuzz web
demo: $(BIN)/salon web
	$(BIN)/salon demo

test: $(BIN)/salon web
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/python -m pytest -n 2 -q

# The web pages' graph and plot libraries: npm packages pinned by src/salon/web/package-lock.json,
# installed into src/salon/web/node_modules (ignored by git; served from there by salon serve).
WEB := src/salon/web
web: $(WEB)/node_modules/.package-lock.json
$(WEB)/node_modules/.package-lock.json: $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --ignore-scripts

# Every script in bench/ writes bench/results/NAME.txt (header: date, nproc cores, commit).
BENCH := bench_startup bench_import bench_identity bench_pagerank validate_influence bench_imm \
	validate_diffusion bench_bass validate_conversation validate_leak bench_collect bench_scale \
	bench_web bench_plan
bench: $(BIN)/salon
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m compileall -q src  # start-up as installed (PYTHONDONTWRITEBYTECODE writes none)
	set -e; for script in $(BENCH); do $(BIN)/python bench/$$script.py; done

# The long fuzz campaign: every importer in turn for FUZZ_MINUTES in all, at the lowest priority.
FUZZ_MINUTES ?= 20
fuzz: $(BIN)/salon
	nice -n 19 $(BIN)/python -m tests.fuzz.campaign --minutes $(FUZZ_MINUTES)
