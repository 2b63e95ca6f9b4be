# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WORKERS ?= 2

.PHONY: serve test lint chromium install bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,postgres]'
	touch $@

install: $(BIN)/.installed

serve: install  ## serve the sandbox on the embedded SQLite default
	$(BIN)/mca-sandbox serve

# Chromium for Playwright: Debian's when present, installed with apt when root, else Playwright's own.
chromium:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: /usr/bin/chromium"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else $(BIN)/playwright install chromium; fi

lint: install
	$(BIN)/ruff check sandbox tests steps bench

# With a PostgreSQL server binary installed, the store, API and concurrency tests also run on a throw-away
# PostgreSQL on loopback (scripts/postgres-for-tests.sh); without one, on SQLite alone.
test: install chromium lint  ## the whole suite: unit, API, store, CLI, and the browser scenarios
	bash scripts/postgres-for-tests.sh run -- $(BIN)/pytest -n $(WORKERS) -p no:cacheprovider

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) test-results demo-output
