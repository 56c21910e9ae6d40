# Set-up and everyday commands. `make demo` and `make test` do all set-up on a
# fresh Debian machine: Debian libraries, the virtual environment, the package.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages: WeasyPrint's libraries (libharfbuzz-subset0 makes font
# subsetting fast), poppler-utils (pdftoppm/pdftotext for looking at PDFs).
APT_RUNTIME := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
# For the browser tests: Debian's Chromium (npm, for axe-core, only if absent).
APT_TEST    := chromium

.PHONY: demo test test-fast lint bench serve clean deps test-deps translations docs-screenshots

demo: $(VENV)/.installed $(VENV)/.apt-runtime
	$(VENV)/bin/outcomes demo --out demo-output

AXE_JS := .cache/axe-core/node_modules/axe-core/axe.min.js

test: $(VENV)/.installed $(VENV)/.apt-runtime $(VENV)/.apt-test $(AXE_JS)
	$(PY) -m pytest

# Without the browser tests and the slow ones: no Chromium or axe-core needed.
test-fast: $(VENV)/.installed $(VENV)/.apt-runtime
	$(PY) -m pytest -m "not browser and not slow"

# ruff checks the code and its 120-character lines, ruff format the layout.
# lint-imports checks the layers and forbidden imports of [tool.importlinter] in pyproject.toml.
# pip-audit asks PyPI about every locked version; --strict fails when one cannot be checked.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pip-audit --strict --disable-pip --require-hashes --progress-spinner off \
		-r requirements.lock -r requirements-dev.lock

bench: $(VENV)/.installed $(VENV)/.apt-runtime
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

serve: $(VENV)/.installed
	$(VENV)/bin/outcomes serve

deps: $(VENV)/.installed $(VENV)/.apt-runtime

# The locked versions with their hashes (requirements-dev.lock holds the runtime set of
# requirements.lock plus the test tools), then the package itself without dependencies.
$(VENV)/.installed: pyproject.toml requirements.lock requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.apt-runtime: $(VENV)/.installed
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_RUNTIME) >/dev/null
	touch $@

$(VENV)/.apt-test: $(VENV)/.apt-runtime
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_TEST) >/dev/null
	command -v npm >/dev/null || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
	touch $@

$(AXE_JS): $(VENV)/.apt-test
	npm install --silent --no-audit --no-fund --no-save --prefix .cache/axe-core axe-core@4

# Kiosk interface strings: extract, merge into the Spanish catalogue, compile.
WEB := toolkit/web
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F $(WEB)/babel.cfg -k lazy_gettext --sort-output --omit-header -o $(WEB)/translations/messages.pot $(WEB)
	$(VENV)/bin/pybabel update -i $(WEB)/translations/messages.pot -d $(WEB)/translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d $(WEB)/translations --statistics

# The screenshots in docs/kiosk.md come from the browser tests (test-artifacts/).
DOC_SHOTS := 00-kiosk-lock 20-kiosk-crisis-choices 21-kiosk-someone-on-the-way 22-kiosk-end-screen \
	24-kiosk-still-there 26-kiosk-pin-unlock 27-kiosk-next-participant 10-staff-alerts \
	40-kiosk-crisis-offline 41-kiosk-offline-indicator 42-kiosk-read-aloud 25-staff-pin
docs-screenshots: $(VENV)/.installed $(VENV)/.apt-test $(AXE_JS)
	$(PY) -m pytest -q tests/web/browser
	mkdir -p docs/images/kiosk
	for s in $(DOC_SHOTS); do cp test-artifacts/$$s.png docs/images/kiosk/; done

clean:
	rm -rf $(VENV) .cache demo-output test-artifacts .pytest_cache
