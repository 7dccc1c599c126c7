# SkillCert — `make run` starts everything locally; `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

STAGE  ?= dev

.PHONY: install run test test-unit lint bench package system-tools clean reliability

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: install
	$(PY) -m devstack

# Independent tools the tests check our output with: a PDF rasteriser and a QR code scanner.
SYSTEM_TOOLS = pdftoppm:poppler-utils zbarimg:zbar-tools

system-tools:
	@missing=""; for t in $(SYSTEM_TOOLS); do command -v $${t%%:*} >/dev/null || missing="$$missing $${t#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install:$$missing (Debian packages)"; exit 1; fi; fi

test: install lint system-tools
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

test-unit: install
	$(PY) -m pytest tests/unit

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
	rm -rf $(VENV) .pytest_cache
