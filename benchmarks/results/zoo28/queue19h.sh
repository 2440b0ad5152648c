#!/bin/bash
# session 19's training queue (issue 19): wgan-ct's full run resumes from its checkpoint (step 12,375
# of 15,625 when session 18 ended), then the ebgan and loss-sensitive searches and full runs.
cd "$(dirname "$0")/../../.."  # the repository
DATA=${DATA:-../shared/data}  # the local MNIST and Fashion-MNIST idx folders
PY=.venv/bin/python
Z="benchmarks/zoo28.py --dataset=mnist28 --data_dir=$DATA/mnist"
$PY $Z --stage=full --variants=wgan-ct
for v in ebgan loss-sensitive; do
  $PY $Z --stage=search --variants=$v
  $PY $Z --stage=full --variants=$v
done
