# The README's two commands are `make demo` and `make test`; each sets up what it needs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
IDI := $(VENV)/bin/idi
INSTALLED := $(VENV)/.installed
VENDOR := src/idi/static/vendor
PYTEST_WORKERS ?= 2

.PHONY: setup system vendor messages static demo test test-db lint format bench clean

setup: system $(INSTALLED) vendor messages static

system:
	@bash scripts/setup-system.sh

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

vendor: $(VENDOR)/.done

$(VENDOR)/.done: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

messages: $(INSTALLED)
	cd src/idi && ../../$(IDI) compilemessages --verbosity 0

static: $(INSTALLED) vendor
	$(IDI) collectstatic --noinput --verbosity 0

demo: setup
	$(IDI) demo

lint: $(INSTALLED)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-logo

format: $(INSTALLED)
	$(VENV)/bin/ruff format src tests benchmarks
	$(VENV)/bin/ruff check --fix src tests benchmarks

test: setup lint
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)

# The database tests again, on PostgreSQL (DATABASE_URL must point at a reachable server).
test-db: setup
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not e2e" --require-postgres --ignore=tests/rules tests

bench: setup
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
