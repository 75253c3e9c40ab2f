# The two commands of the README: `make run` and `make test`. Everything else is a helper.
.PHONY: run test lint bench setup

setup:  ## install Python deps into .venv (finds Python 3.12+, pinned by uv.lock)
	@scripts/bootstrap

run: setup  ## start Keystage on its embedded default
	@.venv/bin/keystage serve

test: setup  ## the whole suite, plus lint and type checks
	@.venv/bin/ruff check src tests benchmarks
	@.venv/bin/ruff format --check src tests benchmarks
	@.venv/bin/mypy
	@.venv/bin/pytest -q

lint: setup
	@.venv/bin/ruff check src tests benchmarks
	@.venv/bin/mypy

bench: setup  ## benchmarks print figures; they never fail the build
	@.venv/bin/python benchmarks/ingest.py
