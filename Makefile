# Atelier's developer commands. `make run` and `make test` are all a newcomer needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
# Root installs Debian packages directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test audit install install-test system-packages binary check-binary messages screenshots clean

run: install  ## Start Atelier with its demo workshop on http://localhost:8080
	$(BIN)/atelier demo --port $(PORT)

test: install-test system-packages  ## Lint and check types, then run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

audit: install-test  ## Check the installed dependencies against PyPI's vulnerability data
	$(BIN)/python .ci/audit.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Debian's Chromium drives the browser tests; PostgreSQL's server checks the postgres:// support; coturn checks the
# TURN credentials given to browsers; Janus carries the media of the Janus backend's tests (media/janus/); iproute2
# narrows a browser's link in a network namespace (tests/e2e/test_narrow_link.py, run as root).
system-packages:
	@command -v chromium >/dev/null 2>&1 && [ -x /usr/lib/postgresql/*/bin/initdb ] && command -v turnserver >/dev/null 2>&1 \
		&& command -v janus >/dev/null 2>&1 && command -v tc >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql coturn janus iproute2 >/dev/null; }

$(VENV)/.installed-binary: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[binary]'
	touch $@

# PyInstaller does not see what is loaded by name: NiceGUI's assets, the database drivers,
# the migrations, the catalogs, the mail templates and stylesheet, Babel's locale data and the time zone database.
binary: $(VENV)/.installed-binary  ## Build dist/atelier, one executable
	$(BIN)/python -m PyInstaller --noconfirm --clean --onefile --log-level WARN --name atelier \
		--distpath dist --workpath build/pyinstaller --specpath build \
		--add-data "$$($(BIN)/python -c 'import nicegui, os; print(os.path.dirname(nicegui.__file__))'):nicegui" \
		--add-data "$(CURDIR)/domain/locales:domain/locales" \
		--add-data "$(CURDIR)/ui/static:ui/static" \
		--add-data "$(CURDIR)/mail/templates:mail/templates" \
		--add-data "$(CURDIR)/mail/pictures:mail/pictures" \
		--collect-submodules domain --collect-submodules ui --collect-submodules mail \
		--hidden-import tortoise.backends.sqlite --hidden-import tortoise.backends.asyncpg \
		--collect-data babel --collect-data tzdata \
		atelier.py

check-binary: binary install-test  ## Start dist/atelier on a free port and expect 200 from /healthz
	ATELIER_BINARY=$(CURDIR)/dist/atelier $(BIN)/python -m pytest -m binary tests/test_binary.py

messages: install-test  ## Extract translatable text and merge it into the catalogs
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output -o build/messages.pot domain ui mail atelier.py
	$(BIN)/pybabel update -i build/messages.pot -d domain/locales -D messages --ignore-obsolete --no-fuzzy-matching --width 100

screenshots: install-test system-packages  ## Refresh docs/screenshots/
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) build dist
