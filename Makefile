# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTANCE := $(or $(NCLW_INSTANCE_PATH),instance)
FLASK := $(BIN)/flask --app wsgi
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

# Keep compiled bytecode even where the environment turns it off: every gunicorn worker and
# `flask` command the tests start would otherwise compile the app again, and pytest would
# rewrite every test module's asserts on every run.
unexport PYTHONDONTWRITEBYTECODE

# pytest-xdist workers: one per core. `make test TEST_WORKERS=0` runs the suite serially.
TEST_WORKERS ?= auto
# The tests' files (each test's SQLite database among them) go to memory where there is a
# gigabyte free: SQLite flushes its log to disk whenever a database's last connection closes,
# and a run closes thousands; on disk that is a tenth of `make test-fast`. One folder per
# checkout and target, emptied when the next run starts; `make clean` removes them.
TEST_MEMORY := /dev/shm/nclw-tests-$(shell id -u)/$(subst /,_,$(CURDIR))
TEST_TMP ?= $(shell [ -w /dev/shm ] && [ "$$(df -Pk /dev/shm | awk 'NR==2 {print $$4}')" -gt 1048576 ] \
	&& mkdir -p -m 700 '$(TEST_MEMORY)' && echo '$(TEST_MEMORY)')
PYTEST = $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal \
	$(if $(TEST_TMP),--basetemp=$(TEST_TMP)/$@)
# The PostgreSQL suite: everything but the browser and the long tests. CI leaves out the
# `postgres` tests, which `make test` has already run against the same server.
POSTGRES_MARKS ?= postgres or not (e2e or slow)

.PHONY: translations compiled run organiser test test-fast test-postgres coverage bench lint format install install-dev migrate mail-worker clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --no-compile -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --no-compile -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(INSTANCE)/secret_key $(INSTANCE)/asker_key:
	mkdir -p $(INSTANCE)
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	chmod 600 $@

# Catalogues (translations/*/LC_MESSAGES/messages.po) compiled to what the site reads; the
# .mo files are built, never committed or edited. `make translations` also takes in new
# strings from the code (see tools/translations.py and the README's "Languages").
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
compiled: $(CATALOGUES:.po=.mo)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/python -m tools.translations compile

translations: $(VENV)/.installed
	$(BIN)/python -m tools.translations extract
	$(BIN)/python -m tools.translations update
	$(BIN)/python -m tools.translations compile
	$(BIN)/python -m tools.translations check

# `heads`: until parallel branches of migrations are merged there can be more than one.
migrate: $(VENV)/.installed $(INSTANCE)/secret_key $(INSTANCE)/asker_key
	$(FLASK) db upgrade heads

# PORT for `make run`; links in emails, invites and QR codes use it too, unless SITE_URL is set.
PORT ?= 5000

run: migrate compiled
	$(FLASK) nclw seed-demo --if-empty
	@echo
	@echo "  NCLW Events is at http://127.0.0.1:$(PORT)  (Ctrl+C stops it; your data stays in $(INSTANCE)/)"
	@echo "  To use the back office, make yourself an organiser (in another terminal):"
	@echo "      make organiser EMAIL=you@example.org"
	@echo
	NCLW_ENV=$${NCLW_ENV:-development} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
		$(FLASK) run --host 127.0.0.1 --port $(PORT)

# An organiser account for the back office; asks for a password (there is no default one).
organiser: migrate
	@test -n "$(EMAIL)" || { echo "Say whose account: make organiser EMAIL=you@example.org"; exit 2; }
	$(FLASK) nclw create-organiser "$(EMAIL)"

test: $(VENV)/.installed-dev compiled
	bash tests/support/install-node-deps.sh || echo "npm not available: browser accessibility checks will skip"
	$(PYTEST) $(PYTEST_ARGS)

# The inner loop: SQLite only, no browser, no PostgreSQL, nothing marked slow or thorough.
test-fast: $(VENV)/.installed-dev compiled
	$(PYTEST) -m "not (e2e or slow or thorough or postgres)" $(PYTEST_ARGS)

# The whole suite on PostgreSQL (see tests/conftest.py), plus the PostgreSQL-only tests.
# Browser and SQLite concurrency tests run their own SQLite servers, so `make test` covers them.
test-postgres: $(VENV)/.installed-dev compiled
	NCLW_TEST_BACKEND=postgres NCLW_TEST_POSTGRES=$(POSTGRES_URL) \
		$(PYTEST) -m "$(POSTGRES_MARKS)" $(PYTEST_ARGS)

# Line and branch coverage of nclw/ by `make test`'s tests (code run inside the pytest
# workers; what gunicorn and `flask` subprocesses run is not counted); report in htmlcov/.
coverage: $(VENV)/.installed-dev compiled
	bash tests/support/install-node-deps.sh || echo "npm not available: browser accessibility checks will skip"
	$(PYTEST) --cov=nclw --cov-branch --cov-report=term:skip-covered --cov-report=html $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev compiled
	$(BIN)/python -m bench.run

# Every page of the demo week photographed into screenshots/, with index.html to review them
# and a check that no content touches the header or footer (see tools/screenshots.py).
ONLY ?=
screenshots: $(VENV)/.installed-dev
	$(BIN)/python -m tools.screenshots --only "$(ONLY)"

mail-worker: $(VENV)/.installed
	$(FLASK) nclw send-mail --loop

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage .coverage.* htmlcov
	rm -rf '$(TEST_MEMORY)'
