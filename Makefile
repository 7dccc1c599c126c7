# SkillCert — `make run` starts everything locally; `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: install run test test-unit lint bench clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: install
	$(PY) -m devstack

test: install lint
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

test-unit: install
	$(PY) -m pytest tests/unit

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache
