# Yimen — the two commands a newcomer needs: `make demo` and `make test`.
# Both bootstrap .venv from the lock files in requirements/ on a machine that has only
# Python 3.11; `make lock` refreshes those.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# the suite runs on every core (pytest-xdist); `make test PYTEST_WORKERS=0` runs it in one process
PYTEST_WORKERS ?= auto

.PHONY: demo demo-hainan test lint lint-imports messages venv lock clean bench

LOCK   := requirements/dev.txt
# One resolution for every machine (Linux, macOS, Windows markers) from PyPI; "fewest" keeps
# one version of each package (the project runs on 3.11 only, uv resolves for 3.11 and later).
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --fork-strategy fewest \
	--generate-hashes --custom-compile-command 'make lock'

# Installers and build backend first, pinned with hashes (requirements/bootstrap.txt).
$(BIN)/uv: requirements/bootstrap.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/bootstrap.txt
	touch $@

# Every dependency (runtime and dev) exactly as locked, each file checked against its hash;
# then the project itself, which brings nothing more. `pip check` fails if pyproject.toml
# asks for something the lock lacks (run `make lock`).
$(STAMP): $(BIN)/uv $(LOCK) pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $(STAMP)

# The environment, with the translation catalogues compiled (a fresh clone has no .mo files).
venv: messages

# Refresh the locks: the newest releases that pyproject.toml's bounds allow, from PyPI.
# requirements/runtime.txt (production: `pip install --require-hashes -r` it) holds the
# same versions as requirements/dev.txt, less the dev tools.
lock: $(BIN)/uv
	$(UV_COMPILE) --upgrade requirements/bootstrap.in -o requirements/bootstrap.txt
	$(UV_COMPILE) --upgrade --extra dev pyproject.toml -o requirements/dev.txt
	cp requirements/dev.txt requirements/runtime.txt
	$(UV_COMPILE) pyproject.toml -o requirements/runtime.txt

# Compile translation catalogues with polib, so no system gettext is needed.
messages: $(STAMP)
	$(BIN)/python -m yimen.i18n_compile

# The demo runs with debug on (a local development key, static files served by Django).
# It is also Jilin's medical-insurance node; `make demo-hainan` (another terminal) starts
# Hainan's on :8001, and `yimen medins_outbox --loop` on each side carries the messages.
demo: export YIMEN_DEBUG = 1
demo: export YIMEN_FSI_DEMO_CREDENTIAL = 1
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
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(MAKE) lint-imports

# the layer contracts of pyproject.toml ([tool.importlinter]); this checkout's sources first
lint-imports: $(STAMP)
	PYTHONPATH=src $(BIN)/lint-imports --no-cache

bench: messages
	$(BIN)/python bench/bulk_transition.py

clean:
	rm -rf $(VENV) var/*.sqlite3
