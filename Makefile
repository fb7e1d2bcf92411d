# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTANCE := $(or $(NCLW_INSTANCE_PATH),instance)
FLASK := $(BIN)/flask --app wsgi
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-postgres bench lint format install install-dev migrate mail-worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(INSTANCE)/secret_key:
	mkdir -p $(INSTANCE)
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	chmod 600 $@

# `heads`: until parallel branches of migrations are merged there can be more than one.
migrate: $(VENV)/.installed $(INSTANCE)/secret_key
	$(FLASK) db upgrade heads

run: migrate
	$(FLASK) nclw seed-demo --if-empty
	@echo
	@echo "  NCLW Events is at http://127.0.0.1:5000  (Ctrl+C stops it; your data stays in $(INSTANCE)/)"
	@echo
	NCLW_ENV=$${NCLW_ENV:-development} $(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-dev
	bash tests/support/install-node-deps.sh || echo "npm not available: browser accessibility checks will skip"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The whole suite on PostgreSQL (see tests/conftest.py), plus the PostgreSQL-only tests.
# Browser and SQLite concurrency tests run their own SQLite servers, so `make test` covers them.
test-postgres: $(VENV)/.installed-dev
	NCLW_TEST_BACKEND=postgres NCLW_TEST_POSTGRES=$(POSTGRES_URL) \
		$(BIN)/python -m pytest -m "postgres or not (e2e or slow)" $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run

mail-worker: $(VENV)/.installed
	$(FLASK) nclw send-mail --loop

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
