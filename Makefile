# Two commands for a newcomer on a fresh machine:
#   make run   — set up, build the demo warehouse if needed, serve the dashboard on http://localhost:8501
#   make test  — set up (dev packages, Debian's Chromium, Java 17 for the Spark engine and the
#                test identity provider) and run the whole suite
# Trying the login: `make idp` in one terminal, `make run-auth` in another.
# Installs come from the hashed lock files (requirements.lock, requirements-dev.lock), made from
# the requirements*.txt ranges by `make lock`; `make lint` runs ruff and mypy (also part of `make test`).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SCALE ?= 1
SOAK_MINUTES ?= 30
IDP_PORT ?= 8711
AUTH_SECRETS := .streamlit/auth/secrets.toml

# The platform and Python the lock files are compiled for (this project's machines and CI).
LOCK_PYTHON := 3.11
LOCK_PLATFORM := x86_64-manylinux_2_28
# Extra uv arguments for `make lock`, e.g. LOCK_ARGS="--upgrade-package duckdb" (docs/operations.md).
LOCK_ARGS ?=

.PHONY: run test lint lock demo bench soak chromium java clean-demo idp run-auth node

# Exactly the locked versions, each checked against its hash (pip refuses anything unlisted).
$(VENV)/.runtime: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# Recompile the locks after editing requirements*.txt. Pins that still satisfy the ranges are kept
# (uv reads the old lock); the dev lock is constrained to the runtime lock so both agree.
lock: $(VENV)/.dev
	$(PY) -m uv pip compile --quiet requirements.txt --generate-hashes --python-version $(LOCK_PYTHON) \
	  --python-platform $(LOCK_PLATFORM) --custom-compile-command "make lock" $(LOCK_ARGS) -o requirements.lock
	$(PY) -m uv pip compile --quiet requirements-dev.txt --constraint requirements.lock --generate-hashes \
	  --python-version $(LOCK_PYTHON) --python-platform $(LOCK_PLATFORM) --custom-compile-command "make lock" \
	  $(LOCK_ARGS) -o requirements-dev.lock

# ruff (settings in pyproject.toml: no import sorting, no reformatting) and mypy on bansos/.
lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m mypy

# A demo warehouse made by an earlier version is migrated (a real one is the operator's: docs/operations.md).
DEMO_CURRENT = $(PY) -m bansos migrate --if-older --db data/demo.duckdb >/dev/null

data/demo.duckdb: | $(VENV)/.runtime
	$(PY) -m bansos demo

demo: $(VENV)/.runtime
	$(PY) -m bansos demo

run: $(VENV)/.runtime
	@if [ -n "$$BANSOS_DB" ]; then echo "Opening $$BANSOS_DB (BANSOS_DB)"; \
	elif [ -f data/warehouse.duckdb ]; then echo "Opening the real warehouse data/warehouse.duckdb"; \
	else [ -f data/demo.duckdb ] || $(PY) -m bansos demo; $(DEMO_CURRENT); \
	echo "No real warehouse (data/warehouse.duckdb): opening the DEMO warehouse data/demo.duckdb"; fi
	$(VENV)/bin/streamlit run dashboard.py --server.address localhost --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Debian's Chromium for the browser tests and the brief's chart (never `playwright install`),
# and the font the brief embeds.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# Node.js and the test identity provider's packages, exactly as locked (npm ci).
node:
	@command -v node >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }

tests/idp/node_modules/.package-lock.json: tests/idp/package-lock.json tests/idp/package.json | node
	cd tests/idp && npm ci --no-audit --no-fund --loglevel=error

# Java 17 for the Spark engine (pyspark 4 runs on Java 17 or 21); Debian's
# package, like Chromium. (Its post-install script needs the man folder that
# slim images leave out.)
java:
	@java -version 2>&1 | grep -Eq 'version "(17|21)[."]' || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO mkdir -p /usr/share/man/man1; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

# Two workers, each taking whole test files (--dist loadfile), so a module's browser, Spark or
# identity-provider session is started once: 16 minutes instead of 24 on this 2-core machine.
# A test still running after 20 minutes (the slowest takes under 3) fails with every thread's
# stack rather than stalling the run. One file alone: `.venv/bin/python -m pytest tests/test_x.py`.
test: lint $(VENV)/.dev chromium java tests/idp/node_modules/.package-lock.json
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile --timeout 1200

# An OpenID Connect provider for trying the login (development form: ANY password; never for real use).
# Its accounts are the people of data/access.example.toml.
idp: tests/idp/node_modules/.package-lock.json
	cd tests/idp && IDP_PORT=$(IDP_PORT) APP_PORTS=$(PORT) node server.js

# The dashboard with the login against `make idp` and data/access.example.toml. The [auth] secrets are
# generated into $(AUTH_SECRETS) (git-ignored, with a fresh cookie secret); plain `make run` stays in local mode.
run-auth: $(VENV)/.runtime
	@curl -sf http://127.0.0.1:$(IDP_PORT)/.well-known/openid-configuration >/dev/null || { \
	  echo "No identity provider on 127.0.0.1:$(IDP_PORT): start it first with 'make idp' in another terminal."; exit 1; }
	$(PY) -m bansos.authdev --out $(AUTH_SECRETS) --port $(PORT) --idp http://127.0.0.1:$(IDP_PORT)
	@if [ -z "$$BANSOS_DB" ] && [ ! -f data/warehouse.duckdb ] && [ ! -f data/demo.duckdb ]; then $(PY) -m bansos demo; fi
	@if [ -z "$$BANSOS_DB" ] && [ ! -f data/warehouse.duckdb ]; then $(DEMO_CURRENT); fi
	BANSOS_ACCESS=$${BANSOS_ACCESS:-data/access.example.toml} \
	BANSOS_DB=$${BANSOS_DB:-$$( [ -f data/warehouse.duckdb ] && echo data/warehouse.duckdb || echo data/demo.duckdb )} \
	$(VENV)/bin/streamlit run dashboard.py --server.address localhost --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false --secrets.files $(AUTH_SECRETS)

# Pages, ingestion, baselines and the browser at SCALE; routine loads at 0.1 and SCALE (REGION_SCALE=1: SCALE's
# warehouse as more kab/kota of their scale-1 size, benchmarks/README.md); the marts on Spark
# local[2] beside DuckDB's at SCALE: all in benchmarks/out/bench.json (details beside it).
bench: $(VENV)/.dev chromium java
	$(PY) benchmarks/bench.py --scale $(SCALE) $(if $(REGION_SCALE),--region-scale $(REGION_SCALE))
	$(PY) benchmarks/routine_load.py --scales 0.1 $(SCALE) $(if $(REGION_SCALE),--region-scale $(REGION_SCALE)) \
	  --bench-json benchmarks/out/bench.json
	PYSPARK_SUBMIT_ARGS="$${PYSPARK_SUBMIT_ARGS:---driver-memory 6g pyspark-shell}" \
	  $(PY) benchmarks/spark_marts.py --scale $(SCALE) --runs 1 --out benchmarks/out/spark-marts.json \
	  --bench-json benchmarks/out/bench.json

# 20 browser sessions over every page for SOAK_MINUTES while a load lands every 5 minutes → benchmarks/out/soak.json
soak: $(VENV)/.dev chromium
	$(PY) benchmarks/soak.py --scale $(SCALE) --minutes $(SOAK_MINUTES)

clean-demo:
	rm -f data/demo.duckdb data/demo.duckdb.lock
