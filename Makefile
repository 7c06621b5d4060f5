# hoering: the two set-up commands are `make demo` and `make test`; both create .venv when missing.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
export DO_NOT_TRACK = 1
export PREFECT_SERVER_ANALYTICS_ENABLED = false

.PHONY: venv production system-deps test test-slow demo serve scaleout-check web bench lint clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

# A server's virtualenv: the package and its dependencies, none of the test and lint tools.
production:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .

# Debian packages the tests use: chromium (browser tests), poppler-utils (pdftotext), dovecot-imapd (inbox),
# nginx (nginx -t on the proxy example), hunspell-da (the Danish spelling gate).
system-deps:
	@bash .ci/system-deps.sh

test: venv system-deps
	$(VENV)/bin/lint-imports --no-logo --no-cache
	$(PY) -m pytest -q -m 'not slow' --durations=25

test-slow: venv system-deps
	$(PY) -m pytest -q -m slow --durations=15

demo: venv
	$(PY) -m hoering.demo

serve: venv
	$(PY) deployments/serve.py

# The deployments on `prefect server start` backed by the local PostgreSQL, with a process worker.
scaleout-check: venv
	$(PY) deployments/scaleout.py

web: venv
	$(VENV)/bin/hoering web

bench: venv
	$(PY) -m bench

lint: venv
	$(VENV)/bin/ruff check src tests flows deployments bench
	$(VENV)/bin/lint-imports --no-logo --no-cache
	$(VENV)/bin/mypy

clean:
	rm -rf var .pytest_cache .import_linter_cache
