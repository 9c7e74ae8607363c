# Yimen — the two commands a newcomer needs: `make demo` and `make test`.
# Both bootstrap .venv from pyproject.toml on a machine that has only Python 3.11.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo demo-hainan test lint messages venv clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Compile translation catalogues with polib, so no system gettext is needed.
messages: $(STAMP)
	$(BIN)/python -m yimen.i18n_compile

# The demo runs with debug on (a local development key, static files served by Django).
# It is also Jilin's medical-insurance node; `make demo-hainan` (another terminal) starts
# Hainan's on :8001, and `yimen medins_outbox --loop` on each side carries the messages.
demo: export YIMEN_DEBUG = 1
demo: export YIMEN_MEDINS_NODE_CONFIG = $(CURDIR)/var/medins-node-jilin.json
demo: messages
	mkdir -p var
	$(BIN)/yimen medins_demo_nodes --dir var
	$(BIN)/yimen migrate --noinput
	$(BIN)/yimen load_demo
	$(BIN)/yimen runserver 127.0.0.1:8000

demo-hainan: export YIMEN_DEBUG = 1
demo-hainan: export YIMEN_DATA_DIR = $(CURDIR)/var/hainan
demo-hainan: export YIMEN_MEDINS_NODE_CONFIG = $(CURDIR)/var/medins-node-hainan.json
demo-hainan: messages
	mkdir -p var/hainan
	$(BIN)/yimen medins_demo_nodes --dir var
	$(BIN)/yimen migrate --noinput
	$(BIN)/yimen load_demo
	$(BIN)/yimen runserver 127.0.0.1:8001

test: messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: messages
	$(BIN)/python bench/bulk_transition.py

clean:
	rm -rf $(VENV) var/*.sqlite3
