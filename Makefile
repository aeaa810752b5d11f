# The README's commands: `make run` (the assistant on this machine) and `make test`.
# `make shell` is the staff shell. Each works on a fresh clone: it makes .venv
# (Python 3.10), builds the spaCy pipeline and trains the model when needed.
# Ports: RASA_PORT (5005), ACTION_PORT (5055) and WEB_PORT (8080, the web chat demo
# page), e.g. `RASA_PORT=6005 make run`.

SHELL := /bin/bash

.PHONY: run test shell bootstrap prepare lint bench bench-train bench-latency bench-load clean

run:  ## the action server, the Rasa server and the web chat demo page (http://localhost:8080/)
	@bash scripts/run.sh

test:  ## data validation, conversation tests, pytest, ruff, mypy
	@bash scripts/test.sh

shell:  ## chat with the assistant in the terminal (rasa shell)
	@bash scripts/shell.sh

bootstrap:  ## make .venv and install requirements-dev.txt if needed
	@bash scripts/bootstrap.sh

prepare:  ## bootstrap, then build the spaCy pipeline and train the model if needed
	@bash scripts/prepare.sh

lint:  ## ruff and mypy only
	@source scripts/bootstrap.sh && ruff check . && ruff format --check . && mypy actions screening_nlu database chat_channels admissions conversation_store action_fallback rest_channel

bench: bench-train bench-latency bench-load

bench-train:  ## time a training from scratch and a second prepare (bench/results/)
	@bash scripts/bootstrap.sh && .venv/bin/python bench/train_time.py

bench-latency: prepare  ## REST latency and Rasa server memory over 200 messages
	@.venv/bin/python bench/latency.py

bench-load: prepare  ## 50 people screening at once over REST: replies/s, p50/p95/p99, errors, memory
	@.venv/bin/python bench/load.py

clean:  ## remove build outputs (keeps .venv)
	rm -rf build models results .rasa bench/results
