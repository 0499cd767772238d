# Two entry points: `make run` (app on SQLite with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY_OK  := $(VENV)/.installed
NODE_OK := node_modules/.installed
ASSETS := webapp/static/dist/app.js
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: setup run test test-sqlite test-postgresql lint browser-deps bench clean

setup: $(PY_OK) $(ASSETS) translations

$(PY_OK): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(NODE_OK): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(ASSETS): $(NODE_OK) $(shell find webapp/frontend -type f 2>/dev/null)
	npm run build

translations: $(PY_OK)
	@if [ -d webapp/translations ]; then $(BIN)/pybabel compile -d webapp/translations; fi

run: setup
	$(BIN)/jixiao db upgrade
	$(BIN)/jixiao deploy
	$(BIN)/jixiao demo
	@echo "jixiao is serving on http://$(HOST):$(PORT) with a timer worker beside it (Ctrl-C stops both)"
	$(BIN)/jixiao worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	JIXIAO_DEMO=1 $(BIN)/jixiao run --host $(HOST) --port $(PORT)

# Chromium for the browser tests comes from Debian, with CJK fonts (else the Chinese pages
# render as boxes); installed when either is missing.
browser-deps:
	@{ command -v chromium && fc-list :lang=zh | grep -q .; } >/dev/null 2>&1 || { \
	  echo "installing chromium and CJK fonts for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

test: setup browser-deps lint test-sqlite test-postgresql

lint: $(PY_OK)
	$(BIN)/ruff check models workflows webapp tests bench

# The SQLite pass must not see the PostgreSQL URL (the fixtures pick PostgreSQL when it is set).
test-sqlite: setup
	env -u JIXIAO_TEST_DATABASE_URL $(BIN)/pytest -m "not postgresql_only"

# Runs when JIXIAO_TEST_DATABASE_URL names a PostgreSQL server (.ci/run sets it).
test-postgresql: setup
	@if [ -n "$$JIXIAO_TEST_DATABASE_URL" ]; then \
	  $(BIN)/pytest -m "not browser"; \
	else echo "JIXIAO_TEST_DATABASE_URL not set: PostgreSQL pass not run"; fi

clean:
	rm -rf $(VENV) node_modules webapp/static/dist instance
