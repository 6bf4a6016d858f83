# logistics_crm -- build and test entry points. The logic is in scripts/*.sh.
#
# ODOO_HOME    Odoo 19 source tree with odoo-bin (when it has none, an installed
#              `odoo` package is used through `$(ODOO_PYTHON) -m odoo`)
# ODOO_PYTHON  python interpreter that runs Odoo, or a virtualenv directory
#              (then <dir>/bin/python is used)
ODOO_HOME ?= /opt/odoo19
ODOO_PYTHON ?= /opt/odoo-venv/bin/python
export ODOO_HOME ODOO_PYTHON

# Other settings are read from the environment or the make command line:
#   make test TEST_TAGS=/logistics_crm:TestGrading KEEP_DB=1 SKIP_LINT=1
#   make run DB=lcrm_demo PORT=8070 UPDATE=1
#   make lint FIX=1
#   make test-odoo BASELINE=1 UPSTREAM_SUITES="sale stock" CONFIRM=0
#   make test SKIP_LIFECYCLE=1
#   PGHOST/PGPORT/PGUSER/PGPASSWORD  use that PostgreSQL server
#   TMP_PG=1      start a private PostgreSQL even if one answers
#   ODOO_ARGS     extra Odoo options (make test ODOO_ARGS=--log-level=test)

.DEFAULT_GOAL := help
.PHONY: help run test lint

help: ## show this help
	@echo "Targets:"
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: ODOO_HOME=$(ODOO_HOME) ODOO_PYTHON=$(ODOO_PYTHON)"
	@echo "  test: TEST_TAGS=/logistics_crm KEEP_DB=1 SKIP_LINT=1 SKIP_LIFECYCLE=1 ODOO_ARGS=..."
	@echo "  test-odoo: BASELINE=1 (re-measure scripts/upstream_known_failures.txt) UPSTREAM_SUITES=... CONFIRM=0"
	@echo "  run:  DB=logistics_crm PORT=8069 HTTP_INTERFACE=127.0.0.1 UPDATE=1 ODOO_ARGS=..."
	@echo "  lint: FIX=1"
	@echo "  PostgreSQL: PGHOST PGPORT PGUSER PGPASSWORD to use a server, TMP_PG=1 to force a private one"

run: ## serve Odoo with logistics_crm and demo data on http://localhost:8069
	@bash scripts/run.sh

test: ## lint, the addon's Odoo tests on a fresh database, tests/ with pytest, then make test-lifecycle
	@bash scripts/test.sh

.PHONY: test-odoo test-lifecycle

test-odoo: ## Odoo's sale/stock/sale_stock/sale_margin/portal tests with the addon, against the upstream baseline
	@bash scripts/test_odoo.sh

test-lifecycle: ## install on a database with sales data, upgrade, uninstall, reinstall; check each step
	@bash scripts/lifecycle.sh

lint: ## ruff, pylint-odoo and OCA's module checks on every addon under addons/
	@bash scripts/lint.sh

.PHONY: bench bench-l

bench: ## benchmark at 1,000 and 10,000 customers: bench/results/bench-<date>.md
	@bash scripts/bench.sh

bench-l: ## the benchmark at 100,000 customers / 2M orders, next to S (long)
	@BENCH_SIZES="S L" bash scripts/bench.sh

.PHONY: wheel test-wheel test-replica

wheel: ## build dist/odoo_addon_<name>-19.0.*.whl for each addon under addons/ with a pyproject.toml (whool)
	@bash scripts/wheel.sh

test-wheel: ## build the wheels, pip install logistics_crm's into a fresh virtualenv, install and test it from there
	@bash scripts/test_wheel.sh

test-replica: ## Odoo with a streaming PostgreSQL standby: check the addon's reads go to the replica
	@bash scripts/test_replica.sh
