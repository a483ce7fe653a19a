# Quick start: `make run` (set up, make the demo profile once, open the app) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_PROFILE ?= demo

# The English interface: resources/translations/steward_en.qm, compiled from the committed .ts (never committed).
QM := resources/translations/steward_en.qm

.PHONY: translations run test lint bench system-deps clean installer deb smoke release-check

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Steward needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev,hub]'
	@touch $(STAMP)

$(QM): resources/translations/steward_en.ts | $(STAMP)
	$(BIN)/python installer/translations.py release

translations: $(QM)

run: $(STAMP) $(QM)
	$(BIN)/steward --profile $(DEMO_PROFILE) demo --if-missing
	$(BIN)/steward --profile $(DEMO_PROFILE)

# Style, the architecture's import contracts (pyproject.toml, docs/architecture.md) and the type checker.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# On every core (pytest-xdist): each test makes its own profile, hub (on a free port) and child processes. A worker
# that runs out of tests takes queued ones from the others (worksteal), so the run ends when the work does. Two
# workers a core (at most 8): a third of a worker's time is spent waiting on its hubs, child processes and the disk,
# so one a core leaves the cores idle (132 % of 2 cores used on a quiet machine), and on a machine busy with other
# work it gets the suite half the CPU it could have (2 cores, two CPU-bound processes beside it: 6 min 15 s with 2
# workers, 4 min 29 s with 4).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(min(8, 2 * len(os.sched_getaffinity(0))))')
test: lint $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# The frozen app (PyInstaller, one folder) in dist/steward, then a .deb of it; `smoke` runs the built executable.
installer: $(STAMP) $(QM)
	$(BIN)/python -m pip install --quiet -e '.[freeze]'
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller installer/steward.spec

deb: installer
	$(BIN)/python installer/build_deb.py dist/steward dist

smoke: installer
	$(BIN)/python installer/smoke_test.py dist/steward/steward

# What CI runs after the tests: build, smoke-test the folder, install the .deb with dpkg and smoke-test it (root).
release-check: deb
	$(BIN)/python installer/smoke_test.py dist/steward/steward
	dpkg -i dist/steward_*.deb
	$(BIN)/python installer/smoke_test.py /usr/bin/steward

# Debian/Ubuntu libraries Qt needs to start, the Chinese font used in screenshots and PDF checks, and PostgreSQL
# (the hub's tests start a throwaway cluster with its initdb and pg_ctl; tests/postgres.py) (run as root).
system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
		libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 \
		fonts-wqy-microhei poppler-utils chromium postgresql

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache *.egg-info build dist
