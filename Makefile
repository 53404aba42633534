# Two commands for a newcomer on a fresh machine:
#   make run   — set up, build the demo warehouse if needed, serve the dashboard on http://localhost:8501
#   make test  — set up (dev packages, Debian's Chromium for the browser tests, Java 17 for
#                the Spark engine's tests) and run the whole suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SCALE ?= 1

.PHONY: run test demo bench chromium java clean-demo

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-spark.txt requirements.txt $(VENV)/.runtime
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

# Java 17 for the Spark engine (pyspark 4 runs on Java 17 or 21); Debian's
# package, like Chromium. (Its post-install script needs the man folder that
# slim images leave out.)
java:
	@java -version 2>&1 | grep -Eq 'version "(17|21)[."]' || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO mkdir -p /usr/share/man/man1; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

test: $(VENV)/.dev chromium java
	$(PY) -m pytest -q -p no:cacheprovider

bench: $(VENV)/.dev chromium
	$(PY) benchmarks/bench.py --scale $(SCALE)

clean-demo:
	rm -f data/demo.duckdb data/demo.duckdb.lock
