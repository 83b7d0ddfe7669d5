# The two commands a newcomer needs (README.md): `make run` and `make test`.
# Everything else (the virtualenv, its packages, the database) is set up on the way.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Packages come from lock files with a hash for every file: requirements/base.txt (what the
# product needs to run: `make run`, the Docker image) and requirements/dev.txt (that, plus the
# tests and tools: `make test`). `make lock` writes both from pyproject.toml.
LOCK := requirements/dev.txt
BASE_LOCK := requirements/base.txt
# Reinstall only when a lock changes: each stamp is newer than its lock otherwise. The development
# stamp comes after the runtime one, so `make test` after `make run` installs only the test tools.
INSTALLED := $(VENV)/.installed-base
DEV_INSTALLED := $(VENV)/.installed-dev
# Where gunicorn listens under `make run`: `make run BIND=0.0.0.0:8080`, or a --bind in
# GUNICORN_CMD_ARGS, which wins.
BIND ?= 127.0.0.1:8000

.PHONY: run test install install-dev lock backup restore mutation

install: $(INSTALLED)
install-dev: $(DEV_INSTALLED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The project itself last, editable, without dependencies: every one came from the lock.
$(INSTALLED): $(BASE_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --require-hashes -r $(BASE_LOCK)
	$(BIN)/python -m pip install --no-deps -e .
	touch $@

# The development lock holds the runtime lock's versions (`-c requirements/base.txt`): on top of
# the runtime install, pip adds the test tools and changes nothing else.
$(DEV_INSTALLED): $(LOCK) $(INSTALLED)
	$(BIN)/python -m pip install --require-hashes -r $(LOCK)
	touch $@

# After a change to pyproject.toml's dependencies: pins what is new and keeps every other pin
# (`make lock UPGRADE=1` moves all of them to their newest allowed versions). The production lock
# first; the development lock is held to the same versions. PyPI only, whatever pip is configured
# with, so that each pin lists the hashes of all its files, for every platform.
lock: export CUSTOM_COMPILE_COMMAND = make lock
lock: export PIP_CONFIG_FILE = /dev/null
lock: COMPILE = env -u PIP_FIND_LINKS $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple \
	$(if $(UPGRADE),--upgrade)
lock: $(DEV_INSTALLED)
	$(COMPILE) -o $(BASE_LOCK) pyproject.toml
	$(COMPILE) --extra dev -c $(BASE_LOCK) -o $(LOCK) pyproject.toml

# Development: embedded PostgreSQL, Celery's filesystem transport and a file mailbox under var/,
# unless DATABASE_URL, CELERY_BROKER_URL or EMAIL_URL say otherwise. Ctrl-C stops it all.
run: export DEBUG = 1
# The Procfile's gunicorn and celery come from the virtualenv.
run: export PATH := $(abspath $(BIN)):$(PATH)
# Procfile and docker-compose.yml share one gunicorn command line; only the bind differs.
run: export GUNICORN_CMD_ARGS ?= --bind $(BIND)
# Ctrl-C reaches the recipe's shell too: `trap` keeps it alive until honcho is done, so that it
# can stop the embedded PostgreSQL if honcho had to kill the last process using it. A stop by
# Ctrl-C (or SIGTERM) is the normal way out, not a failure: honcho then answers 130 (143), and the
# recipe exits 0. Any other end (a process that died on its own) keeps its status.
# The address printed is gunicorn's real bind: the last --bind/-b of GUNICORN_CMD_ARGS.
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@bind=$$(printf ' %s' "$$GUNICORN_CMD_ARGS" \
		| sed -nE 's/.*[ ](--bind[= ]|-b[ ]?)([^ ]+).*/\2/p'); \
	echo; \
	echo "HRDDP starts at http://$${bind:-127.0.0.1:8000}/ (demo logins above). Ctrl-C stops it."; \
	echo
	@trap : INT; $(BIN)/honcho start; status=$$?; \
	$(BIN)/python -m hrddp.embedded; \
	case $$status in 130|143) echo "HRDDP stopped."; status=0;; esac; exit $$status

test: export DEBUG = 1
# The browser tests drive the system's Chromium where there is one, else Playwright's own build.
test: $(DEV_INSTALLED)
	@command -v chromium >/dev/null || [ -n "$$CHROMIUM_PATH" ] \
		|| $(BIN)/python -m playwright install chromium
	$(BIN)/pytest

# Mutation testing of the rule modules (benchmarks/mutation.sh; not run in CI), against the
# DATABASE_URL given: `make mutation`, or `make mutation MODULES="rules risk"`.
mutation: $(DEV_INSTALLED)
	PYTHON=$(BIN)/python benchmarks/mutation.sh $(MODULES)

# The configured database (DATABASE_URL, else the embedded one) to and from a pg_dump file:
# `make backup` writes var/backups/hrddp-<UTC time>.dump.age, encrypted to BACKUP_AGE_RECIPIENTS
# (`make backup ARGS=--unencrypted` on a development machine without a key); `make restore
# FILE=... [IDENTITY=keyfile]` replaces the database's content with a backup's, after asking.
# DEBUG defaults on, as for `make run`.
backup restore: export DEBUG ?= 1
backup: $(INSTALLED)
	$(BIN)/python manage.py backup $(ARGS)

restore: $(INSTALLED)
	@[ -n "$(FILE)" ] || { echo "usage: make restore FILE=var/backups/hrddp-<time>.dump.age [IDENTITY=keyfile]" >&2; exit 2; }
	$(BIN)/python manage.py restore $(if $(IDENTITY),--identity "$(IDENTITY)") "$(FILE)"
