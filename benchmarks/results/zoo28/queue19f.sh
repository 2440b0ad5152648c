#!/bin/bash
# next session's training queue (issue 19): the rest of the MNIST searches and full runs, then
# Stacked-MNIST, then Fashion-MNIST's full runs (MNIST's points) and the conditional runs.
cd "$(dirname "$0")/../../.."  # the repository
DATA=${DATA:-../shared/data}  # the local MNIST and Fashion-MNIST idx folders
PY=.venv/bin/python
Z="benchmarks/zoo28.py --dataset=mnist28 --data_dir=$DATA/mnist"
for v in wgan-gp sngan dragan wgan wgan-ct ebgan loss-sensitive; do
  $PY $Z --stage=search --variants=$v
  $PY $Z --stage=full --variants=$v
done
$PY benchmarks/zoo28.py --stage=stacked --data_dir=$DATA/mnist
$PY benchmarks/zoo28.py --dataset=mnist28 --data_dir=$DATA/mnist --stage=conditional
F="benchmarks/zoo28.py --dataset=fashion28 --data_dir=$DATA/fashion-mnist"
$PY $F --stage=full
$PY $F --stage=conditional
