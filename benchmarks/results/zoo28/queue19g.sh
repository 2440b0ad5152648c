#!/bin/bash
# session 18's training queue (issue 19): the runs/ folder was lost again, so dragan's and sngan's
# full runs retrain from their recorded best points (wgan-gp is packaged and is left out), then the
# wgan and wgan-ct searches and full runs.
cd "$(dirname "$0")/../../.."  # the repository
DATA=${DATA:-../shared/data}  # the local MNIST and Fashion-MNIST idx folders
PY=.venv/bin/python
Z="benchmarks/zoo28.py --dataset=mnist28 --data_dir=$DATA/mnist"
$PY $Z --stage=full --variants=dragan
$PY $Z --stage=full --variants=sngan
for v in wgan wgan-ct ebgan loss-sensitive; do
  $PY $Z --stage=search --variants=$v
  $PY $Z --stage=full --variants=$v
done
