# Two commands for a newcomer on a fresh machine:
#   make run   — set up, build the demo warehouse if needed, serve the dashboard on http://localhost:8501
#   make test  — set up (dev packages, Debian's Chromium for the browser tests) and run the whole suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SCALE ?= 1

.PHONY: run test demo bench chromium clean-demo

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

data/demo.duckdb: | $(VENV)/.runtime
	$(PY) -m bansos demo

demo: $(VENV)/.runtime
	$(PY) -m bansos demo

run: $(VENV)/.runtime
	@if [ -n "$$BANSOS_DB" ]; then echo "Opening $$BANSOS_DB (BANSOS_DB)"; \
	elif [ -f data/warehouse.duckdb ]; then echo "Opening the real warehouse data/warehouse.duckdb"; \
	else [ -f data/demo.duckdb ] || $(PY) -m bansos demo; echo "No real warehouse (data/warehouse.duckdb): opening the DEMO warehouse data/demo.duckdb"; fi
	$(VENV)/bin/streamlit run dashboard.py --server.address localhost --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Debian's Chromium for the browser tests (never `playwright install`).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.dev chromium
	$(PY) -m pytest -q -p no:cacheprovider

bench: $(VENV)/.dev chromium
	$(PY) benchmarks/bench.py --scale $(SCALE)

clean-demo:
	rm -f data/demo.duckdb data/demo.duckdb.lock
