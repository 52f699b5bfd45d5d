# Two commands do all the set-up: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
export RISKGUARD_DATA_DIR ?= var

.PHONY: install test-install run test screenshots lint bench clean

$(BIN)/riskguard: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -e .
	touch $@

# The test tools (pytest, playwright, schemathesis, mypy …) only for the targets that use them, and
# PySpark (the optional extra .[spark]) for the one Spark re-screening test.
$(VENV)/.test-extras: $(BIN)/riskguard
	$(BIN)/pip install -q -e '.[test,spark]'
	touch $@

install: $(BIN)/riskguard
test-install: $(VENV)/.test-extras

run: install
	$(BIN)/riskguard init
	@TOKEN=$$($(BIN)/riskguard keys demo); \
	echo; echo "demo screener API key (kept in $(RISKGUARD_DATA_DIR)/demo-key): $$TOKEN"; echo; \
	echo "web console: http://$(HOST):$(PORT)/console/ (sign in with the key)"; echo; \
	echo "try:"; \
	echo "  curl -s -X POST http://$(HOST):$(PORT)/v1/screen/ad -H 'Authorization: Bearer $$TOKEN' -H 'Content-Type: application/json' -d '{\"text\": \"全网最低价，最好的面霜\", \"category\": \"cosmetics\"}'"; \
	echo
	$(BIN)/riskguard serve --host $(HOST) --port $(PORT)

# mypy and coverage may only get better: scripts/mypy-baseline.txt holds the error count,
# [tool.coverage.report] fail_under in pyproject.toml the coverage of riskguard/.
test: test-install
	sh scripts/ensure-chromium.sh
	sh scripts/ensure-java.sh
	$(BIN)/python scripts/check-mypy.py
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup --cov --cov-report=

# The browser tests write their screenshots to var/screenshots; this refreshes the README's copies.
screenshots: test-install
	sh scripts/ensure-chromium.sh
	RISKGUARD_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -m browser tests/console/test_browser*.py

lint: test-install
	$(BIN)/ruff check riskguard tests bench

clean:
	rm -rf $(VENV) var .pytest_cache
