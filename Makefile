# Smart Lab site. `make serve` and `make test` set everything up on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PELICAN := $(BIN)/pelican
OUTPUT ?= output
PELICANOPTS ?=# e.g. PELICANOPTS=-v: the seconds of each stage and each search shard
HOST ?= 127.0.0.1
PORT ?= 8000
ARTIFACTS ?= $(CURDIR)/test-artifacts
LOCALES := zh_Hant_HK zh_Hans_HK
BABEL_KEYWORDS := --no-default-keywords -k _ -k tr -k N_ -k ngettext:1,2
# Lines wrapped at the width plugins/sc/catalog.py writes the Simplified catalog with, so that a run
# changes only the messages that changed.
PO_WIDTH := --width 100

.DEFAULT_GOAL := help
.PHONY: bench sample-photos help html serve devserver test check-site system-deps clean translations publish

help:
	@echo "make serve       build the sample site and serve it on http://$(HOST):$(PORT)/"
	@echo "make html        build the site into $(OUTPUT)/"
	@echo "make devserver   serve, rebuild on every save and reload the open page"
	@echo "make new-press TITLE=...   (also new-forum, new-workshop TITLE=..., new-gallery NAME=...) start an item"
	@echo "make check       check all content, write nothing (also: translations older than their original)"
	@echo "make translation-status  which translations are up to date, behind or missing"
	@echo "make publish     build for publishing (SITEURL=https://...), then rsync_upload or s3_upload"
	@echo "make test        run the whole test suite"
	@echo "make check-site  build, then check every page (axe, HTML, links, requests)"
	@echo "make translations  update the message catalogs from the templates"
	@echo "make bench       measure build speed against core Pelican (BENCH_ARGS=--quick)"
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
# The sample galleries' photos are drawn by a script, not committed (tools/sample_galleries.txt).
sample-photos: $(VENV)/.requirements
	@grep -v '^#' tools/sample_galleries.txt | while read -r name count seed; do \
	  [ -n "$$name" ] || continue; \
	  if [ -d content/galleries/$$name ] && ! ls content/galleries/$$name/sample-* >/dev/null 2>&1; then \
	    $(BIN)/python tools/make_sample_photos.py content/galleries/$$name --count $$count --seed $$seed; fi; \
	done

html: $(VENV)/.requirements sample-photos
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT) --log-handler plain $(PELICANOPTS)

# Publishing: publishconf.py (absolute SITEURL from the environment; .gz and .br beside every text
# file). The time of the last commit is the build's "now" (SOURCE_DATE_EPOCH, unless already set),
# so two builds of one commit write the same bytes.
publish: $(VENV)/.requirements sample-photos
	@epoch="$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null)}"; \
	if [ -z "$$epoch" ]; then echo "make publish: warning: no git commit and no SOURCE_DATE_EPOCH; the build date is the clock's, so two builds will differ." >&2; \
	elif [ -z "$${SOURCE_DATE_EPOCH:-}" ]; then echo "make publish: the build's clock is the time of the last commit, $$(date -d @$$epoch '+%Y-%m-%d %H:%M %z'): a release \"scheduled for\" a later time is left out. To publish the releases due by now: SOURCE_DATE_EPOCH=\$$(date +%s) make publish" >&2; fi; \
	echo "SOURCE_DATE_EPOCH=$$epoch $(PELICAN) content -s publishconf.py -o $(OUTPUT) --log-handler plain"; \
	SOURCE_DATE_EPOCH="$$epoch" $(PELICAN) content -s publishconf.py -o $(OUTPUT) --log-handler plain

# Uploads of the published site (tools/upload.sh): new files first, then pages, stale files last.
# RSYNC_TARGET=user@host:/path and S3_BUCKET=s3://bucket[/prefix] are read from the environment.
UPLOAD := bash tools/upload.sh
.PHONY: rsync_upload s3_upload

rsync_upload:
	@$(UPLOAD) --check rsync
	@$(MAKE) --no-print-directory publish
	$(UPLOAD) rsync $(OUTPUT)

s3_upload:
	@$(UPLOAD) --check s3
	@$(MAKE) --no-print-directory publish
	$(UPLOAD) s3 $(OUTPUT)

serve: html
	@echo "Serving $(OUTPUT)/ on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(BIN)/python -m http.server $(PORT) --bind $(HOST) --directory $(OUTPUT)

# Serves $(OUTPUT)/, rebuilds on every save (drafts and scheduled releases shown) and reloads open pages.
devserver: $(VENV)/.requirements sample-photos
	$(BIN)/python tools/devserver.py --host $(HOST) --port $(PORT) --content content --output $(OUTPUT)

# -- editing: start a new item (en and tc, as drafts), check everything without writing -----------
# TITLE and NAME reach the script through the environment (make exports command-line variables).
.PHONY: new-press new-forum new-workshop new-gallery check next-release translation-status
new-press new-forum new-workshop new-gallery: $(VENV)/.requirements
	@$(BIN)/python tools/new_content.py $(@:new-%=%)

check: $(VENV)/.requirements sample-photos
	@$(PELICAN) content -s pelicanconf.py -o $(OUTPUT) --log-handler plain -e CHECK_ONLY=true

# Every item in every language: original, up to date, behind (its original changed since), missing.
translation-status:
	@$(PYTHON) plugins/i18n/status.py content pelicanconf.py

# When the next scheduled release falls due (the publishing workflow asks this every 15 minutes).
next-release:
	@when="$$($(PYTHON) plugins/press/schedule.py next content)"; echo "next scheduled release: $${when:-none}"

translations: $(VENV)/.requirements
	$(BIN)/pybabel extract -F theme/babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output $(PO_WIDTH) \
	  --project "Smart Lab site" -o theme/translations/messages.pot.new .
	@# the same messages: the template keeps its date, and so do the catalogs (no change to review)
	@if diff -q -I '^"POT-Creation-Date: ' theme/translations/messages.pot theme/translations/messages.pot.new >/dev/null 2>&1; \
	then rm theme/translations/messages.pot.new; else mv theme/translations/messages.pot.new theme/translations/messages.pot; fi
	@for locale in $(LOCALES); do \
	  po=theme/translations/$$locale/LC_MESSAGES/messages.po; \
	  if [ -f $$po ]; then $(BIN)/pybabel update --no-fuzzy-matching $(PO_WIDTH) -i theme/translations/messages.pot -d theme/translations -l $$locale; \
	  else $(BIN)/pybabel init $(PO_WIDTH) -i theme/translations/messages.pot -d theme/translations -l $$locale; fi; \
	done
	$(BIN)/python plugins/sc/catalog.py theme/translations/zh_Hant_HK/LC_MESSAGES/messages.po \
	  theme/translations/zh_Hans_HK/LC_MESSAGES/messages.po

# -- tests -------------------------------------------------------------------------
# Debian packages the browser gates need; installed when running as root and missing.
SYSTEM_PACKAGES_CHECK := \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	{ command -v fc-list >/dev/null && fc-list | grep -qi "Noto Sans CJK"; } || missing="$$missing fonts-noto-cjk"

system-deps:
	@missing=""; $(SYSTEM_PACKAGES_CHECK); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "The tests need:$$missing. Install them with: sudo apt-get install$$missing"; exit 1; fi; \
	fi

# --ignore-scripts: vnu-jar's install script would download a Java runtime; its vnu.jar ships in the package.
node_modules/.installed: package.json package-lock.json | system-deps
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

test: $(VENV)/.requirements-test system-deps node_modules/.installed sample-photos
	ARTIFACTS=$(ARTIFACTS) $(BIN)/python -m pytest -q tests

check-site: $(VENV)/.requirements-test system-deps node_modules/.installed html
	$(BIN)/python -m tests.quality.check_site $(OUTPUT)

# Build-speed benchmark (not a test: this machine is shared and noisy); see docs/performance.md.
bench: $(VENV)/.requirements
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(OUTPUT) .cache .staging-* .retired-* .pytest_cache $(ARTIFACTS)
