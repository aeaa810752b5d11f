# The README's commands: `make run` (the assistant on this machine), `make test` and
# `make shell` (the staff shell). Each works on a fresh clone: the file targets below
# make .venv (Python 3.10), install the web chat widget and train the model, each only
# when its inputs changed. Ports: RASA_PORT (5005), ACTION_PORT (5055) and WEB_PORT
# (8080, the web chat demo page), e.g. `RASA_PORT=6005 make run`.

SHELL := /bin/bash

RASA_PORT ?= 5005
ACTION_PORT ?= 5055
WEB_PORT ?= 8080
export RASA_PORT ACTION_PORT WEB_PORT
# endpoints.yml reads it (Rasa fails to start if it is unset).
export ACTION_SERVER_URL := http://localhost:$(ACTION_PORT)/webhook
export RASA_TELEMETRY_ENABLED := false
export PYTHONUNBUFFERED := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# TensorFlow's C++ start-up chatter; TF_CPP_MIN_LOG_LEVEL=0 shows it.
export TF_CPP_MIN_LOG_LEVEL ?= 2
# supervisord.conf runs the programs as whoever runs make.
export SUPERVISOR_USER := $(shell id -un)
export VIRTUAL_ENV := $(CURDIR)/.venv
export PATH := $(VIRTUAL_ENV)/bin:$(PATH)
unexport PYTHONHOME

MODEL := models/screening.tar.gz
# The web chat widget's own file, not web/node_modules/: an emptied folder is installed again.
WIDGET := web/node_modules/rasa-webchat/lib/index.js
# What the model is trained from (directories too, so that a removed file counts).
MODEL_INPUTS := config.yml requirements.txt \
	$(shell find domain data addons/nlu -name __pycache__ -prune -o -print)
IS_PYTHON310 := -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'

.PHONY: run test shell bootstrap prepare lint train-args bench bench-train bench-latency bench-load \
	bench-startup clean

run: prepare  ## the action server, the Rasa server, the notification sender and the demo page (supervisord.conf)
	@if [ $(RASA_PORT) = $(ACTION_PORT) ] || [ $(RASA_PORT) = $(WEB_PORT) ] || [ $(ACTION_PORT) = $(WEB_PORT) ]; then \
	    echo "RASA_PORT, ACTION_PORT and WEB_PORT must be three different ports." >&2; exit 1; \
	fi
	@for port in $(RASA_PORT) $(ACTION_PORT) $(WEB_PORT); do \
	    if (exec 3<>/dev/tcp/127.0.0.1/$$port) 2>/dev/null; then \
	        echo "Port $$port is already in use: stop what uses it, or choose other ports," \
	            "e.g. RASA_PORT=6005 ACTION_PORT=6055 WEB_PORT=9090 make run." >&2; \
	        exit 1; \
	    fi; \
	done
	@mkdir -p var/run
	@# Which notifications to admissions are on (storage/settings.py); wrong settings stop here.
	@set -o pipefail; python -m admissions notify --check | sed 's/^/==> /'
	@exec supervisord -c supervisord.conf

test:  ## data validation, conversation tests, pytest, ruff, mypy; ends with "N passed, N failed"
	@bash scripts/test.sh

# The console shows the conversation only: Rasa's logs, Python's warnings and TensorFlow's
# messages (all on stderr) go to var/log/shell.log, the action server's to its own log.
# The log's end is shown only if the shell fails (not for /stop or Ctrl-C).
shell: prepare  ## chat with the assistant in the terminal (rasa shell), action server in the background
	@mkdir -p var/log
	@echo "Starting the assistant, about 30 s (logs: var/log/shell.log, var/log/shell-action-server.log)..."
	@python -m actions --port $(ACTION_PORT) >var/log/shell-action-server.log 2>&1 & \
	    action_server=$$!; \
	    trap 'kill $$action_server 2>/dev/null; echo "Action server stopped."' EXIT; \
	    python -m addons shell --model $(MODEL) --endpoints endpoints.yml --port $(RASA_PORT) \
	        2>var/log/shell.log; \
	    status=$$?; \
	    if [ $$status -ne 0 ] && [ $$status -ne 130 ]; then \
	        tail -n 20 var/log/shell.log >&2; \
	        echo "The shell stopped (exit code $$status); its log: var/log/shell.log" >&2; \
	    fi; \
	    exit $$status

bootstrap: .venv  ## make .venv and install requirements-dev.txt if needed

prepare: .venv $(WIDGET) $(MODEL)  ## everything make run needs, each only if needed

lint: .venv  ## ruff and mypy only
	ruff check . && ruff format --check . && mypy actions addons storage admissions

# Python 3.10: python3.10 on the PATH, else pyenv's newest 3.10.x, else python3 if it is 3.10.
# Installed again (pip install, which keeps what is already right) when a requirements
# file or pyproject.toml changes; pip's output goes to .venv/pip-install.log.
.venv: requirements.txt requirements-dev.txt pyproject.toml
	@if ! .venv/bin/python $(IS_PYTHON310) 2>/dev/null; then \
	    python=""; \
	    for candidate in python3.10 $$( (ls -d "$$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python \
	            "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.10*/bin/python 2>/dev/null || true) | sort -V -r) python3; do \
	        if "$$candidate" $(IS_PYTHON310) 2>/dev/null; then python="$$(command -v "$$candidate")"; break; fi; \
	    done; \
	    if [ -z "$$python" ]; then \
	        echo "Python 3.10 is required (Rasa 3.6 runs on Python 3.8-3.10) and none was found:" \
	            "install python3.10, or run 'pyenv install 3.10'." >&2; \
	        exit 1; \
	    fi; \
	    echo "Creating .venv with $$python."; \
	    rm -rf .venv; \
	    "$$python" -m venv .venv || { rm -rf .venv; echo "Could not create .venv (Debian: apt-get install python3.10-venv)." >&2; exit 1; }; \
	fi
	@echo "Installing requirements-dev.txt and this project into .venv (log: .venv/pip-install.log; a few minutes the first time)..."
	@if ! { .venv/bin/python -m pip install --no-input -r requirements-dev.txt \
	        && .venv/bin/python -m pip install --no-input -e . ; } >.venv/pip-install.log 2>&1; then \
	    tail -n 15 .venv/pip-install.log >&2; \
	    touch -t 197001010000 .venv; \
	    echo "pip install failed; the full log is .venv/pip-install.log." >&2; \
	    exit 1; \
	fi
	@touch .venv
	@echo "Installed: .venv ($$(.venv/bin/python --version))."

$(WIDGET): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the web chat widget (Debian: apt-get install npm)." >&2; exit 1; }
	@echo "Installing the web chat widget (npm ci in web/)..."
	@cd web && npm ci --no-audit --no-fund --loglevel=error || { rm -rf node_modules; exit 1; }
	@touch $(WIDGET)

# Kept when make is interrupted: rasa writes the new model only at the end, so the old
# one is whole (and older than its inputs, so the next make trains again).
.PRECIOUS: $(MODEL)

TRAIN_ARGS := --fixed-model-name screening --config config.yml --domain domain --data data \
	--skip-validation

train-args:  ## the arguments make gives `rasa train` (bench/train_time.py trains with them)
	@echo $(TRAIN_ARGS)

# `rasa train` without --force: Rasa's cache in .rasa/ retrains only the components
# whose inputs changed. The log says which ones trained and which were restored.
# --skip-validation: Rasa's checks before training read the whole domain and data a
# second time (about 25 s); `make test` runs the stricter `rasa data validate
# --fail-on-warnings` first. TRAIN_ARGS is also what bench/train_time.py measures.
$(MODEL): $(MODEL_INPUTS) | .venv
	@mkdir -p models
	@echo "Training $(MODEL) (log: models/train.log)..."
	@started=$$SECONDS; \
	if ! rasa train $(TRAIN_ARGS) --out models >models/train.log 2>&1; then \
	    tail -n 40 models/train.log >&2; \
	    echo "Training failed; the full log is models/train.log." >&2; \
	    exit 1; \
	fi; \
	trained=$$(sed -n "s/.*Starting to train component '\(.*\)'.*/\1/p" models/train.log | paste -sd, - | sed 's/,/, /g'); \
	restored=$$(grep -c "Restored component" models/train.log || true); \
	echo "Model trained in $$((SECONDS - started)) s: trained $${trained:-no component}; $$restored restored from Rasa's cache."

bench: bench-train bench-latency bench-load bench-startup

bench-train: .venv  ## training from scratch, beside a stock `rasa init` bot (bench/results/train_time.json)
	python -m bench.train_time

bench-latency: prepare  ## REST latency and server memory over 200 messages, beside a stock `rasa init` bot (bench/results/latency.json)
	python -m bench.latency

bench-load: prepare  ## Locust: 50 people screening at once over REST (bench/results/load.json)
	python -m bench.load

bench-startup: .venv  ## fresh clone -> ready, second start, a wording edit, a lexicon edit (bench/results/startup.json)
	python -m bench.startup

clean:  ## remove build outputs (keeps .venv and the databases in var/)
	rm -rf build models results .rasa bench/results var/run var/log
