#!/bin/bash
# session 20's training queue (issue 19): loss-sensitive's three new search points and, if one wins,
# its full run; then Fashion-MNIST's full runs (MNIST's best points), best MNIST variants first.
cd "$(dirname "$0")/../../.."  # the repository
DATA=${DATA:-../shared/data}  # the local MNIST and Fashion-MNIST idx folders
PY=.venv/bin/python
Z="benchmarks/zoo28.py --dataset=mnist28 --data_dir=$DATA/mnist"
$PY $Z --stage=search --variants=loss-sensitive
$PY $Z --stage=full --variants=loss-sensitive
F="benchmarks/zoo28.py --dataset=fashion28 --data_dir=$DATA/fashion-mnist"
for v in dragan gan nsgan lsgan wgan-gp ebgan sngan wgan-ct wgan loss-sensitive; do
  $PY $F --stage=full --variants=$v
done
