# Two entry points for a fresh machine:
#   make run   – set everything up, build the index if needed, run the bot
#                (Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal chat)
#   make test  – set everything up and run the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test index eval bench clean

setup: $(STAMP)

# torch is installed first, pinned: a bare `torch` requirement pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/qa-bot run

index: $(STAMP)
	$(VENV)/bin/qa-bot index

eval: $(STAMP)
	$(VENV)/bin/qa-bot eval tests/data/dev_qa.jsonl

bench: $(STAMP)
	$(VENV)/bin/qa-bot bench

test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests

clean:
	rm -rf $(VENV) embeddings *.egg-info
