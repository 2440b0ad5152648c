#!/bin/bash
# session 21's training queue (issue 19): Fashion-MNIST's full runs at MNIST's best points; dragan's and
# wgan-gp's trained in session 20 but their folders were lost before packaging, so they retrain.
cd "$(dirname "$0")/../../.."  # the repository
DATA=${DATA:-../shared/data}  # the local MNIST and Fashion-MNIST idx folders
PY=.venv/bin/python
F="benchmarks/zoo28.py --dataset=fashion28 --data_dir=$DATA/fashion-mnist"
for v in dragan wgan-gp ebgan sngan wgan-ct wgan loss-sensitive; do
  $PY $F --stage=full --variants=$v
done
