# truce: two commands for a new user (make demo, make test); the rest is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/truce demo --serve

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# mypy --strict over the whole tree but ingest/ and assess/, still being typed (issue 21).
typecheck: $(STAMP)
	$(BIN)/mypy src/truce --exclude 'src/truce/(ingest|assess)/'

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) var

# The map UI (issue 8): web/ is built into src/truce/web/static, which is committed so the
# package runs without Node; tests/unit/test_web_build.py fails when the two drift apart.
.PHONY: web screenshots
web:
	cd web && npm ci --no-audit --no-fund && npm run build

# PNG screenshots of the main views into docs/ (a real server, Debian's Chromium).
screenshots: $(STAMP)
	$(BIN)/python tests/e2e/screenshots.py docs
