#!/usr/bin/env bash
# Builds what the assistant runs on, only when its inputs changed:
#   1. the spaCy pipeline build/spacy_pipeline from data/lexicon/ and screening_nlu/
#      (stamp: build/.spacy_pipeline.stamp);
#   2. the model models/screening.tar.gz from data/, config.yml, domain.yml, the
#      spaCy pipeline and screening_nlu/ (stamp: models/.fingerprint).
# requirements.txt counts as an input of both (a new Rasa or spaCy means a rebuild).
# Logs: build/logs/build_pipeline.log, build/logs/train.log (VERBOSE=1 shows them live).

set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

PIPELINE=build/spacy_pipeline
PIPELINE_STAMP=build/.spacy_pipeline.stamp
PIPELINE_INPUTS=(data/lexicon screening_nlu requirements.txt)

MODEL=models/screening.tar.gz
MODEL_STAMP=models/.fingerprint
MODEL_INPUTS=(data config.yml domain.yml "$PIPELINE" screening_nlu requirements.txt)
# The one training command (bench/train_time.py times it through this script).
TRAIN_COMMAND=(rasa train --force --fixed-model-name screening --out models
    --config config.yml --domain domain.yml --data data)

fingerprint() {
    python scripts/fingerprint.py "$@"
}

seconds_since() {
    python -c 'import sys, time; print(f"{time.time() - float(sys.argv[1]):.1f}")' "$1"
}

build_pipeline() {
    local reason started
    if reason="$(fingerprint check "$PIPELINE_STAMP" --artifact "$PIPELINE" "${PIPELINE_INPUTS[@]}")"; then
        echo "spaCy pipeline is up to date: $PIPELINE."
        return 0
    fi
    [ -f addons/nlu/build_pipeline.py ] ||
        die "prepare: addons/nlu/build_pipeline.py is missing, so $PIPELINE cannot be built."
    echo "Building the spaCy pipeline ($reason; log: build/logs/build_pipeline.log)..."
    started="$(date +%s.%N)"
    fingerprint write build/.spacy_pipeline.inputs "${PIPELINE_INPUTS[@]}"
    if ! run_logged build/logs/build_pipeline.log python -m addons.nlu.build_pipeline; then
        show_tail build/logs/build_pipeline.log 30 >&2
        die "prepare: building the spaCy pipeline failed (python -m addons.nlu.build_pipeline); full log: build/logs/build_pipeline.log."
    fi
    [ -f "$PIPELINE/meta.json" ] && [ -f "$PIPELINE/config.cfg" ] ||
        die "prepare: python -m addons.nlu.build_pipeline did not write $PIPELINE/meta.json and config.cfg."
    fingerprint write "$PIPELINE_STAMP" --artifact "$PIPELINE" \
        --files-from build/.spacy_pipeline.inputs "${PIPELINE_INPUTS[@]}"
    echo "Built $PIPELINE in $(seconds_since "$started") s."
}

train_model() {
    local reason started
    if reason="$(fingerprint check "$MODEL_STAMP" --artifact "$MODEL" "${MODEL_INPUTS[@]}")"; then
        echo "Model is up to date: $MODEL."
        return 0
    fi
    echo "Training the model ($reason; log: build/logs/train.log)..."
    started="$(date +%s.%N)"
    # Record the inputs as they are now: edits made during training count next time.
    fingerprint write build/.model.inputs "${MODEL_INPUTS[@]}"
    if ! run_logged build/logs/train.log "${TRAIN_COMMAND[@]}"; then
        show_tail build/logs/train.log 30 >&2
        die "prepare: training failed (${TRAIN_COMMAND[*]}); full log: build/logs/train.log."
    fi
    [ -f "$MODEL" ] || die "prepare: training finished but $MODEL was not written; see build/logs/train.log."
    fingerprint write "$MODEL_STAMP" --artifact "$MODEL" \
        --files-from build/.model.inputs "${MODEL_INPUTS[@]}"
    echo "Model trained in $(seconds_since "$started") s: $MODEL."
}

lock prepare
build_pipeline
train_model
unlock
