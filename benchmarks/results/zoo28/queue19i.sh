#!/bin/bash
# session 19's second training queue (issue 19): after queue19h, WGAN's three new search points
# (its first three left it untrained) and, if one wins, its full run.
cd "$(dirname "$0")/../../.."  # the repository
DATA=${DATA:-../shared/data}  # the local MNIST and Fashion-MNIST idx folders
PY=.venv/bin/python
while pgrep -f queue19h.sh >/dev/null; do sleep 60; done
Z="benchmarks/zoo28.py --dataset=mnist28 --data_dir=$DATA/mnist"
$PY $Z --stage=search --variants=wgan
$PY $Z --stage=full --variants=wgan
