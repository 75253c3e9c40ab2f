# The two commands of the README: `make run` and `make test`. Everything else is a helper.
.PHONY: run test lint security bench setup

setup:  ## install Python deps into .venv (finds Python 3.12+, pinned by uv.lock)
	@scripts/bootstrap

run: setup  ## start Keystage on its embedded default
	@.venv/bin/keystage serve

TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/keystage
# 1 in CI: a dependency audit that could not reach a vulnerability service fails the build.
AUDIT_STRICT ?= 0

# bandit on the code (medium and high findings fail), pip-audit on every package in uv.lock.
define SECURITY_CHECKS
	@echo "== security: bandit (code), pip-audit (locked dependencies)"
	@.venv/bin/bandit -c pyproject.toml -r src -ll -q
	@KEYSTAGE_AUDIT_STRICT=$(AUDIT_STRICT) .venv/bin/python scripts/audit-deps
endef

test: setup  ## the whole suite on SQLite, the database tests again on PostgreSQL, lint, types
	@scripts/install-browser
	@scripts/ensure-postgres
	@.venv/bin/ruff check src tests benchmarks
	@.venv/bin/ruff format --check src tests benchmarks
	@.venv/bin/mypy
	@.venv/bin/lint-imports --no-cache  # the layers of docs/architecture.md
	$(SECURITY_CHECKS)
	@echo "== the whole suite, on SQLite"
	@.venv/bin/pytest -q
	@echo "== the database-backed tests, on PostgreSQL"
	@DATABASE_URL=$(TEST_POSTGRES) .venv/bin/pytest -q tests/web tests/e2e tests/faults

security: setup  ## bandit and pip-audit alone (AUDIT_STRICT=1: an audit not done fails)
	$(SECURITY_CHECKS)

lint: setup
	@.venv/bin/ruff check src tests benchmarks
	@.venv/bin/mypy
	@.venv/bin/lint-imports --no-cache

bench: setup  ## benchmarks print figures; they never fail the build
	@.venv/bin/python benchmarks/ingest.py
	@.venv/bin/python benchmarks/upload.py
	@.venv/bin/python benchmarks/collection_page.py
	@.venv/bin/python benchmarks/reports.py
	@.venv/bin/python benchmarks/national.py
	@.venv/bin/python benchmarks/load.py
