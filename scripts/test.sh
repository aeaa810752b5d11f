#!/usr/bin/env bash
# make test: every check, in this order, stopping at the first failure:
#   1. rasa data validate --fail-on-warnings
#   2. conversation tests tests/conversations/ (rasa test core --e2e --fail-on-prediction-errors)
#   3. pytest tests (includes the tests against real servers, see tests/conftest.py)
#   4. ruff check .   5. ruff format --check .   6. mypy actions addons storage admissions
# First `make prepare`: .venv, the web chat widget and the model, each only if needed.
# Each step's output goes to results/logs/<step>.log (pytest's is also shown live), and
# its last lines are shown when it fails. The last line is always "N passed, N failed".

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TOTAL=6
PASSED=0
LOGS=results/logs
MODEL=models/screening.tar.gz

finish() {  # finish [FAILED_STEP]
    local line="$PASSED passed, $([ $# -gt 0 ] && echo 1 || echo 0) failed"
    if [ $# -gt 0 ]; then
        local not_run=$((TOTAL - PASSED - 1))
        [ "$1" = prepare ] && not_run=$TOTAL  # not one of the checks
        [ "$not_run" -gt 0 ] && line+=", $not_run not run"
        line+=" (failed: $1)"
    fi
    printf '\n%s\n' "$line"
    exit $(($# > 0))
}

# step NAME CMD...: one check, its output in results/logs/NAME.log.
step() {
    local name="$1" started=$SECONDS
    shift
    echo "Running $name..."
    if [ "$name" = pytest ]; then
        "$@" 2>&1 | tee "$LOGS/$name.log"
    else
        "$@" >"$LOGS/$name.log" 2>&1
    fi
    local status=$?
    if [ "$status" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        echo "PASS $name ($((SECONDS - started)) s)"
        return
    fi
    if [ "$name" != pytest ]; then
        echo "----- last lines of $LOGS/$name.log -----"
        tail -n 60 "$LOGS/$name.log"
        echo "-----"
    fi
    echo "FAIL $name (exit code $status); full output: $LOGS/$name.log"
    finish "$name"
}

conversation_tests() {
    rm -rf results/core
    # --e2e: check the NLU's reading of each user message too. --fail-on-prediction-errors:
    # without it rasa exits 0 on wrong predictions; with it, 1 at the first one (and no report).
    rasa test core --stories tests/conversations --e2e --fail-on-prediction-errors \
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

"${MAKE:-make}" --no-print-directory prepare || finish prepare
export PATH="$PWD/.venv/bin:$PATH" RASA_TELEMETRY_ENABLED=false PYTHONUNBUFFERED=1
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
mkdir -p "$LOGS"

step data-validate rasa data validate --fail-on-warnings --data data --domain domain --config config.yml
step conversation-tests conversation_tests
step pytest python -m pytest tests -q -p no:cacheprovider -p no:locust
step ruff-check ruff check .
step ruff-format ruff format --check .
step mypy mypy actions addons storage admissions
finish
