# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WORKERS ?= 2

.PHONY: serve test lint chromium ffmpeg install bench clean report demo

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,postgres]'
	touch $@

install: $(BIN)/.installed

serve: install  ## serve the sandbox on the embedded SQLite default; ARGS for serve's options, e.g. ARGS='--port 8081'
	$(BIN)/mca-sandbox serve $(ARGS)

# Chromium for Playwright: Debian's when present, installed with apt when root, else Playwright's own.
# Headless runs drive its headless shell (`chromium-headless-shell`, as Playwright does with its own
# browsers): about twice as fast per scenario; headed runs (--headed, the demo) drive the full browser.
chromium:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromium-headless-shell ]; then \
		echo "chromium: /usr/bin/chromium, /usr/bin/chromium-headless-shell"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-headless-shell \
		|| DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }; \
	elif [ -x /usr/bin/chromium ]; then echo "chromium: /usr/bin/chromium (no headless shell: headless runs use it too)"; \
	else $(BIN)/playwright install chromium; fi

# ffmpeg for Playwright's videos (demo, --video): Debian's when present (linked where Playwright looks, see
# sandbox/testing/browser.py), installed with apt when root, else Playwright's own.
ffmpeg:
	@if command -v ffmpeg >/dev/null; then echo "ffmpeg: $$(command -v ffmpeg)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg; \
	else $(BIN)/playwright install ffmpeg; fi

lint: install
	$(BIN)/ruff check sandbox tests steps bench examples

# PYTHONDONTWRITEBYTECODE is unset for pytest so that it keeps its assertion-rewritten modules in __pycache__:
# it rewrites the test modules and every module of each installed pytest plugin's distribution (Faker, Hypothesis,
# Schemathesis, this package...), about 650 modules, which without the cache it parsed again in every process of
# every run (5 s of CPU per xdist worker on the 2-core machine of the README's figures).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest

# With a PostgreSQL server binary installed, the store, API and concurrency tests also run on a throw-away
# PostgreSQL on loopback (scripts/postgres-for-tests.sh); without one, on SQLite alone.
test: install chromium ffmpeg lint  ## the whole suite: unit, API, store, CLI, and the browser scenarios
	bash scripts/postgres-for-tests.sh run -- $(PYTEST) -n $(WORKERS) -p no:cacheprovider

# The same suite, with its reports in test-results/: Cucumber JSON, JUnit XML, a self-contained HTML report
# (a failed test carries its screenshot, Playwright trace and its tenants' journals) and Gherkin-style
# output. Narrow it with ARGS, e.g. `make report ARGS='steps -m option1'`.
report: install chromium
	$(PYTEST) -n $(WORKERS) -p no:cacheprovider --gherkin-output \
		--cucumberjson=test-results/cucumber.json --junitxml=test-results/junit.xml \
		--html=test-results/report.html --self-contained-html $(ARGS)

# Option 1 and Option 2 played end to end in a browser (headed when a display exists): a video per
# journey, a screenshot per step and demo-output/index.html.
demo: install chromium ffmpeg
	$(BIN)/mca-sandbox demo

bench: install
	$(BIN)/python -m bench.foundation

clean:
	rm -rf $(VENV) test-results demo-output
