# Two commands do all set-up on a fresh machine with Python 3.11:
#   make demo   – virtual environment, install, migrate, load data and demo, serve on :8000
#                 with the worker (mail, counts) beside the server
#   make test   – the whole test suite (DATABASE_URL picks SQLite or PostgreSQL)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
TOCSIN := $(BIN)/tocsin
SHARED_DATA := $(abspath ../shared/data)
# Local runs read the public datasets beside the checkout when they are there.
export TOCSIN_DATA_DIR ?= $(if $(wildcard $(SHARED_DATA)/congress),$(SHARED_DATA),)

.PHONY: demo test install messages lint check serve sync clean

$(BIN)/tocsin: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/tocsin messages

messages: $(BIN)/tocsin
	cd src/tocsin && ../../$(TOCSIN) compilemessages --ignore=.venv -v 0

# The demo's links (in its mail too) point at the demo, and its mail goes to files in
# var/mail/, whatever the environment says.
DEMO_ADDRESS := 127.0.0.1:8000
demo: export TOCSIN_BASE_URL := http://$(DEMO_ADDRESS)
demo: export EMAIL_BACKEND := django.core.mail.backends.filebased.EmailBackend

demo: install
	mkdir -p var
	$(TOCSIN) migrate --noinput -v 0
	-$(TOCSIN) sync-legislators || echo "Members of Congress not loaded (offline?); the demo runs with its own targets."
	-$(TOCSIN) sync-districts || echo "District data not loaded (offline?); the ZIP lookup will say so."
	-$(TOCSIN) sync-uk || echo "UK places and MPs not loaded (offline?); the demo runs with its own ministers."
	$(TOCSIN) load-demo
	@echo "Serving on http://$(DEMO_ADDRESS) with the worker beside it (Ctrl-C stops both)"
	$(TOCSIN) demo-serve $(DEMO_ADDRESS)

test: install
	$(BIN)/pytest

lint: $(BIN)/tocsin
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench

check: install lint
	$(TOCSIN) check
	$(TOCSIN) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tocsin.settings.production SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") \
	  DATABASE_URL=sqlite:///var/check.sqlite3 ALLOWED_HOSTS=tocsin.example.org \
	  $(TOCSIN) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var build src/*.egg-info
