# SkillCert — `make run` starts everything locally; `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

STAGE  ?= dev

.PHONY: install web run test test-unit test-e2e lint bench reliability package system-tools clean

install: $(STAMP) web

# The web UI (Vue 3 + Element Plus): npm installs exactly the lock file, Vite builds web/dist.
WEB_SRC = $(shell find web/src web/public -type f) web/index.html web/vite.config.js

web: web/dist/index.html

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SRC)
	cd web && npm run build --silent

# The UI's statuses, buttons and labels come from the domain (scripts/lifecycle_json.py).
web/src/lifecycle.json: chalicelib/domain/workflow.py scripts/lifecycle_json.py
	$(PY) scripts/lifecycle_json.py

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: install
	$(PY) -m devstack

# Independent tools the tests check our output with: a PDF rasteriser, a QR code scanner, and a real
# browser (with Chinese fonts) for the end-to-end tests of the UI.
SYSTEM_PACKAGES = poppler-utils zbar-tools chromium fonts-wqy-zenhei

system-tools:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install:$$missing (Debian packages)"; exit 1; fi; fi

# Two workers (pytest-xdist), one per core. loadfile keeps each module on one worker, so a module's fixtures
# (one `chalice package`, say) are made once; each worker starts its own stack. (xdist's loadgroup does not
# group under pytest 9: it renames node ids through an attribute pytest no longer reads.)
test: install lint system-tools test-unit
	$(PY) -m pytest -n 2 --dist loadfile --ignore=tests/unit

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports .importlinter

# The unit tier alone (the use cases on in-memory fakes: no network, no moto), with how much of the use
# cases (services) and rules (domain) it covers; under 85 % fails, so `make test` (and CI) keeps the floor.
test-unit: install
	$(PY) -m pytest tests/unit --cov=chalicelib.services --cov=chalicelib.domain --cov-report=term \
	  --cov-fail-under=85

test-e2e: install system-tools
	$(PY) -m pytest tests/e2e

bench: install
	$(PY) -m bench

# The reliability tests' long profiles; their figures go to out/reliability.json and the terminal.
reliability: install system-tools
	@mkdir -p out
	SKILLCERT_RELIABILITY_PROFILE=long SKILLCERT_RELIABILITY_SUMMARY=out/reliability.json \
	  $(PY) -m pytest -p no:logging tests/reliability

# The CloudFormation/SAM template for AWS: out/<stage>/sam.json and the deployment packages.
package: install
	$(PY) -m deploy.template $(STAGE) > .chalice/resources-$(STAGE).json
	$(VENV)/bin/chalice package --stage $(STAGE) --merge-template .chalice/resources-$(STAGE).json out/$(STAGE)
	$(VENV)/bin/cfn-lint out/$(STAGE)/sam.json

clean:
	rm -rf $(VENV) .pytest_cache web/node_modules web/dist test-artifacts
