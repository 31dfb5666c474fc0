# Conveniences for `python run.py ...`, which is what works on every system.
PYTHON ?= python3

.PHONY: lab test setup

lab:
	$(PYTHON) run.py lab

test:
	$(PYTHON) run.py test

setup:
	$(PYTHON) run.py setup
