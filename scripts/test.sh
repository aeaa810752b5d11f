#!/usr/bin/env bash
# make test: every check, in this order, stopping at the first failure:
#   1. rasa data validate --fail-on-warnings
#   2. conversation tests tests/test_*.yml (rasa test core --e2e --fail-on-prediction-errors)
#   3. pytest tests (includes the REST tests against real servers, see tests/conftest.py)
#   4. ruff check .   5. ruff format --check .   6. mypy actions screening_nlu database chat_channels admissions conversation_store action_fallback rest_channel
# Bootstraps .venv, installs the web chat widget (npm ci in web/) and builds the spaCy
# pipeline / trains the model first if needed.
# Output of steps 1, 2, 4-6 goes to results/logs/<step>.log and is shown when the
# step fails (VERBOSE=1 shows it live). Exits 0 only if every check passed; the last
# line is always an "N passed, N failed" summary.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TOTAL=6
PASSED=0
SKIPPED=0
SKIP_NOTES=""
FAILED=""
PHASE="bootstrap"
LOGS=results/logs
MODEL=models/screening.tar.gz

on_exit() {
    local status=$?
    trap - EXIT
    if [ -z "$FAILED" ] && [ "$status" -ne 0 ]; then
        FAILED="$PHASE"
    fi
    local failed=0 not_run
    [ -n "$FAILED" ] && failed=1
    # A failed bootstrap or prepare is not one of the TOTAL checks.
    case "$FAILED" in bootstrap | prepare) not_run=$((TOTAL - PASSED - SKIPPED)) ;;
    *) not_run=$((TOTAL - PASSED - SKIPPED - failed)) ;;
    esac
    local line="$PASSED passed, $failed failed"
    [ "$SKIPPED" -gt 0 ] && line+=", $SKIPPED skipped"
    [ -n "$FAILED" ] && [ "$not_run" -gt 0 ] && line+=", $not_run not run"
    [ -n "$FAILED" ] && line+=" (failed: $FAILED)"
    [ -z "$FAILED" ] && [ -n "$SKIP_NOTES" ] && line+=" (skipped: $SKIP_NOTES)"
    echo
    echo "$line"
    [ -z "$FAILED" ] && exit 0
    exit 1
}
trap on_exit EXIT

seconds_since() {
    echo $(($(date +%s) - $1))
}

# step NAME CMD...: runs one check with its output in results/logs/NAME.log.
step() {
    local name="$1" started status
    shift
    PHASE="$name"
    started="$(date +%s)"
    echo "Running $name..."
    if run_logged "$LOGS/$name.log" "$@"; then
        PASSED=$((PASSED + 1))
        echo "PASS $name ($(seconds_since "$started") s)"
        return 0
    else
        status=$?
    fi
    echo "----- last lines of $LOGS/$name.log -----"
    show_tail "$LOGS/$name.log" 60
    echo "-----"
    echo "FAIL $name (exit code $status); full output: $LOGS/$name.log"
    FAILED="$name"
    exit 1
}

# stream_step NAME CMD...: the same, with the output shown live (and kept in the log).
stream_step() {
    local name="$1" started status
    shift
    PHASE="$name"
    started="$(date +%s)"
    echo "Running $name..."
    mkdir -p "$LOGS"
    set +e
    "$@" 2>&1 | tee "$LOGS/$name.log"
    status="${PIPESTATUS[0]}"
    set -e
    if [ "$status" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        echo "PASS $name ($(seconds_since "$started") s)"
        return 0
    fi
    echo "FAIL $name (exit code $status); full output: $LOGS/$name.log"
    FAILED="$name"
    exit 1
}

skip() {
    SKIPPED=$((SKIPPED + 1))
    SKIP_NOTES="${SKIP_NOTES:+$SKIP_NOTES; }$1"
    echo "SKIP $1"
}

conversation_tests() {
    rm -rf results/core
    # --e2e: read only tests/test_*.yml and check the NLU's reading of each user
    # message too. --fail-on-prediction-errors: without it rasa exits 0 on wrong
    # predictions; with it, it exits 1 at the first one (and writes no report).
    rasa test core --stories tests --e2e --fail-on-prediction-errors \
        --model "$MODEL" --out results/core || return
    # Belt and braces: a run that exits 0 must have written a report with no failures.
    [ -f results/core/failed_test_stories.yml ] || {
        echo "rasa test core exited 0 but wrote no results/core/failed_test_stories.yml"
        return 1
    }
    if grep -q -v -e '^#' -e '^[[:space:]]*$' results/core/failed_test_stories.yml; then
        echo "Failed conversation tests (results/core/failed_test_stories.yml):"
        cat results/core/failed_test_stories.yml
        return 1
    fi
}

# shellcheck source=scripts/bootstrap.sh
source scripts/bootstrap.sh
PHASE="prepare"
bash scripts/prepare.sh
bash scripts/web_deps.sh
mkdir -p "$LOGS"

step "data-validate" rasa data validate --fail-on-warnings \
    --data data --domain domain.yml --config config.yml

if compgen -G "tests/test_*.yml" >/dev/null; then
    step "conversation-tests" conversation_tests
else
    skip "conversation tests: no tests/test_*.yml yet"
fi

stream_step "pytest" python -m pytest tests -q -p no:cacheprovider

step "ruff-check" ruff check .
step "ruff-format" ruff format --check .
step "mypy" mypy actions screening_nlu database chat_channels admissions conversation_store action_fallback rest_channel
