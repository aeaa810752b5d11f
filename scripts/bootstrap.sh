#!/usr/bin/env bash
# Makes .venv (Python 3.10) and installs requirements-dev.txt when needed.
#
#   source scripts/bootstrap.sh   # from the other scripts: also sets PATH and env
#   bash scripts/bootstrap.sh     # on its own (make bootstrap)
#
# Finds Python 3.10 as: python3.10 on PATH, then pyenv's 3.10.x
# ($(pyenv root)/versions/3.10*, $PYENV_ROOT, ~/.pyenv), then python3 if it is 3.10.
# requirements-dev.txt is installed again only when it or requirements.txt
# changed since the last install (stamp: .venv/.requirements.stamp).
# Prints one line per step; pip's output goes to .venv/pip-install.log.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export RASA_TELEMETRY_ENABLED=false
export PYTHONUNBUFFERED=1
export PIP_DISABLE_PIP_VERSION_CHECK=1
# TensorFlow's C++ start-up chatter; set TF_CPP_MIN_LOG_LEVEL=0 to see it.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"

VENV="$ROOT/.venv"
VENV_PY="$VENV/bin/python"
REQUIREMENTS=(requirements.txt requirements-dev.txt)
REQUIREMENTS_STAMP=".venv/.requirements.stamp"

# --- helpers shared by the other scripts --------------------------------------

die() {
    echo "$*" >&2
    exit 1
}

# run_logged LOG CMD...: runs CMD with its output in LOG (shown live if VERBOSE=1).
run_logged() {
    local log="$1"
    shift
    mkdir -p "$(dirname "$log")"
    if [ "${VERBOSE:-0}" = 1 ]; then
        "$@" 2>&1 | tee "$log"
        return "${PIPESTATUS[0]}"
    fi
    "$@" >"$log" 2>&1
}

# show_tail LOG [N]: the last N lines of LOG without the libraries' warning noise
# (a "site-packages/...Warning: ..." line and the indented source line after it).
show_tail() {
    awk '
        skip && /^  / { skip = 0; next }
        { skip = 0 }
        /site-packages\/.*Warning: / || /^Implementing implicit namespace packages/ { skip = 1; next }
        { print }
    ' "$1" | tail -n "${2:-40}"
}

# lock NAME / unlock: one bootstrap or training at a time in this checkout.
# Always unlock before starting background processes (they would inherit it).
lock() {
    command -v flock >/dev/null 2>&1 || return 0
    mkdir -p "$ROOT/build"
    exec {LOCK_FD}>"$ROOT/build/.$1.lock"
    if ! flock -n "$LOCK_FD"; then
        echo "Waiting for another '$1' in this checkout to finish..."
        flock "$LOCK_FD"
    fi
}

unlock() {
    if [ -n "${LOCK_FD:-}" ]; then
        exec {LOCK_FD}>&-
        LOCK_FD=
    fi
}

# --- Python 3.10 ---------------------------------------------------------------

is_python310() {
    [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1
}

find_python310() {
    local candidate root
    candidate="$(command -v python3.10 2>/dev/null || true)"
    # A pyenv shim is on PATH even when 3.10 is not selected, so try to run it.
    if is_python310 "$candidate"; then
        echo "$candidate"
        return 0
    fi
    local roots=()
    if command -v pyenv >/dev/null 2>&1; then
        roots+=("$(pyenv root 2>/dev/null || true)")
    fi
    roots+=("${PYENV_ROOT:-}" "$HOME/.pyenv")
    for root in "${roots[@]}"; do
        [ -n "$root" ] && [ -d "$root/versions" ] || continue
        # Newest 3.10.x first.
        while IFS= read -r candidate; do
            if is_python310 "$candidate"; then
                echo "$candidate"
                return 0
            fi
        done < <(compgen -G "$root/versions/3.10*/bin/python" | sort -V -r)
    done
    candidate="$(command -v python3 2>/dev/null || true)"
    if is_python310 "$candidate"; then
        echo "$candidate"
        return 0
    fi
    return 1
}

ensure_venv() {
    if [ -x "$VENV_PY" ] && is_python310 "$VENV_PY"; then
        return 0
    fi
    local python
    python="$(find_python310)" ||
        die "Python 3.10 is required (Rasa 3.6 runs on Python 3.8-3.10) and none was found: install python3.10, or run 'pyenv install 3.10'."
    if [ -e "$VENV" ]; then
        echo "Recreating .venv: it is not a working Python 3.10 environment."
        rm -rf "$VENV"
    fi
    echo "Creating .venv with $python ($("$python" -c 'import platform; print(platform.python_version())'))."
    "$python" -m venv "$VENV" >/dev/null 2>&1 || {
        rm -rf "$VENV"
        die "Could not create .venv with $python (on Debian/Ubuntu install the python3.10-venv package)."
    }
}

ensure_requirements() {
    local reason
    if reason="$("$VENV_PY" scripts/fingerprint.py check "$REQUIREMENTS_STAMP" "${REQUIREMENTS[@]}")"; then
        echo "Python environment is up to date: .venv ($("$VENV_PY" -c 'import platform; print(platform.python_version())'))."
        return 0
    fi
    [ -f "$REQUIREMENTS_STAMP" ] || reason="first install"
    echo "Installing requirements-dev.txt into .venv (${reason}; log: .venv/pip-install.log; takes a few minutes the first time)..."
    if ! "$VENV_PY" -m pip install --quiet --no-input -r requirements-dev.txt >"$VENV/pip-install.log" 2>&1; then
        tail -n 15 "$VENV/pip-install.log" >&2
        die "pip install -r requirements-dev.txt failed; the full log is .venv/pip-install.log."
    fi
    "$VENV_PY" scripts/fingerprint.py write "$REQUIREMENTS_STAMP" "${REQUIREMENTS[@]}"
    echo "Installed requirements-dev.txt."
}

# Scripts called from a script that already bootstrapped skip the checks.
if [ "${SCREENING_BOOTSTRAPPED:-}" != "$ROOT" ] || ! [ -x "$VENV_PY" ]; then
    lock bootstrap
    ensure_venv
    ensure_requirements
    unlock
fi

export VIRTUAL_ENV="$VENV"
case ":$PATH:" in
*":$VENV/bin:"*) ;;
*) export PATH="$VENV/bin:$PATH" ;;
esac
unset PYTHONHOME
export SCREENING_BOOTSTRAPPED="$ROOT"
