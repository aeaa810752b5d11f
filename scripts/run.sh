#!/usr/bin/env bash
# make run: the assistant on this machine.
#   REST channel: http://localhost:${RASA_PORT:-5005}/webhooks/rest/webhook
#   action server: http://localhost:${ACTION_PORT:-5055}/webhook
#   web chat demo page: http://localhost:${WEB_PORT:-8080}/ (socket.io on the Rasa port)
#   SMS webhook: http://localhost:${RASA_PORT:-5005}/webhooks/sms/webhook
# Builds the spaCy pipeline and trains the model first if their inputs changed.
# Ctrl-C stops both servers; if one of them stops, the other is stopped too.

set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
bash scripts/prepare.sh
bash scripts/web_deps.sh
exec python scripts/servers.py run
