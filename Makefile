# The two commands a newcomer needs: `make demo` and `make test`.
# Both create the virtual environment in .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install clean lock lint fmt typecheck bench

# Exact versions come from requirements.lock (what CI tested); pyproject.toml keeps the ranges
# users of `pipx install` get. `make lock` re-resolves the lock after a range changes.
$(VENV)/.installed: pyproject.toml setup.py requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/sfpay demo

# pytest exits 5 when it collects nothing; make treats that as a failure, as it should.
# Extra checks (generated tree up to date, independent checkers) live in .ci/checks/.
# PYTHONDONTWRITEBYTECODE is cleared for the run: the tests start a few hundred `python -m
# sfpay ...` processes, and without bytecode files each would compile the project anew.
# One worker per core, a module's tests on one worker (they share its stack), modules handed
# out in collection order: tests/conftest.py collects the longest first (--no-loadscope-reorder
# keeps xdist from putting the modules with the most tests first instead).
# mypy (about 20 s of one core from a clean clone, no cache yet) runs beside pytest rather than
# before it: the tests leave a core idle while they wait on the servers they start. Both
# verdicts count; the checks run once both passed.
test: $(VENV)/.installed lint
	$(BIN)/mypy > $(VENV)/mypy.log 2>&1 & typecheck=$$!; \
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n auto --dist loadscope --no-loadscope-reorder; tests=$$?; \
	wait $$typecheck; typed=$$?; echo "== mypy"; cat $(VENV)/mypy.log; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]
	@for check in .ci/checks/*.sh; do \
		[ -e "$$check" ] || continue; \
		echo "== $$check"; \
		BIN=$(abspath $(BIN)) bash "$$check" || exit 1; \
	done

# Every benchmark with modest defaults; one table into docs/benchmarks.md and README.md.
# Flow Scanner (the peer of `sfpay validate`) comes from tools/checkers' lockfile.
bench: $(VENV)/.installed
	[ -d tools/checkers/node_modules/@flow-scanner ] || (cd tools/checkers && npm ci --no-audit --no-fund --loglevel=error)
	$(BIN)/python bench/run_all.py

# ruff: lint (pyflakes, pycodestyle, import order) and format, configured in pyproject.toml.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

lock: $(VENV)/.installed
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock --quiet

clean:
	rm -rf $(VENV) .sfpay
