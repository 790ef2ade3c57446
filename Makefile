# Smart Lab site. `make serve` and `make test` set everything up on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PELICAN := $(BIN)/pelican
OUTPUT ?= output
HOST ?= 127.0.0.1
PORT ?= 8000
ARTIFACTS ?= $(CURDIR)/test-artifacts
LOCALES := zh_Hant_HK
BABEL_KEYWORDS := --no-default-keywords -k _ -k tr -k ngettext:1,2

.DEFAULT_GOAL := help
.PHONY: help html serve devserver test clean translations publish

help:
	@echo "make serve       build the sample site and serve it on http://$(HOST):$(PORT)/"
	@echo "make html        build the site into $(OUTPUT)/"
	@echo "make devserver   serve and rebuild on every change"
	@echo "make test        run the whole test suite"
	@echo "make translations  update the message catalogs from the templates"
	@echo "make clean       remove the built site and caches"

# -- set-up: a virtual environment with the pinned dependencies ---------------
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing python3-venv (Debian)"; rm -rf $(VENV); \
	    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); \
	  else echo "python3 -m venv failed: install python3-venv (sudo apt-get install python3-venv)"; exit 1; fi; }

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.requirements-test: requirements-test.txt $(VENV)/.requirements
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

# -- building ------------------------------------------------------------------
html: $(VENV)/.requirements
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT) --log-handler plain

publish: $(VENV)/.requirements
	$(PELICAN) content -s publishconf.py -o $(OUTPUT) --log-handler plain

serve: html
	@echo "Serving $(OUTPUT)/ on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(BIN)/python -m http.server $(PORT) --bind $(HOST) --directory $(OUTPUT)

devserver: $(VENV)/.requirements
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT) --log-handler plain \
	  --autoreload --listen --bind $(HOST) --port $(PORT) -e STRICT_BUILD=false

translations: $(VENV)/.requirements
	$(BIN)/pybabel extract -F theme/babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
	  --project "Smart Lab site" -o theme/translations/messages.pot .
	@for locale in $(LOCALES); do \
	  po=theme/translations/$$locale/LC_MESSAGES/messages.po; \
	  if [ -f $$po ]; then $(BIN)/pybabel update --no-fuzzy-matching -i theme/translations/messages.pot -d theme/translations -l $$locale; \
	  else $(BIN)/pybabel init -i theme/translations/messages.pot -d theme/translations -l $$locale; fi; \
	done

# -- tests -------------------------------------------------------------------------
test: $(VENV)/.requirements-test
	$(BIN)/python -m pytest -q tests

clean:
	rm -rf $(OUTPUT) .cache .staging-* .retired-* .pytest_cache $(ARTIFACTS)
