#!/usr/bin/env bash
# make shell: staff chat with the assistant in the terminal (rasa shell), with the
# action server in the background (log: build/logs/shell_action_server.log).
# Ports: RASA_PORT (default 5005, used by rasa shell's own server), ACTION_PORT (5055).

set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
bash scripts/prepare.sh
exec python scripts/servers.py shell
