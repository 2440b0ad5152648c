#!/bin/bash
# session 22 (issue 19): once package22 has packaged Fashion's seven full runs, the Stacked-MNIST runs
# (wgan-gp, sngan, nsgan at their MNIST points, each trained, scored and packaged; they resume from
# their checkpoints), then CIFAR-10's real-data floors for issue 20 (the screen's 2,000 vs the first
# 2,000 test JPEGs, the protocol's 10,000 vs 10,000).
cd "$(dirname "$0")/../../.."
DATA=${DATA:-../shared/data}
CIFAR=${CIFAR:-$DATA/cifar10-jpeg/cifar10-jpeg-q75.tar.gz}
PY=.venv/bin/python
until [ "$(ls runs/zoo28/fashion28/*/full_*/fid10k.json runs/zoo28/fashion28/*/full_*/package.failed 2>/dev/null | wc -l)" -ge 7 ]; do
  sleep 60
done
pkill -f package22.sh
for v in wgan-gp sngan nsgan; do
  $PY benchmarks/zoo28.py --stage=stacked --data_dir=$DATA/mnist --variants=$v
done
for n in 2000 10000; do
  $PY benchmarks/fid_floor.py --data_dir_cifar=$CIFAR --datasets=cifar10 --num_samples=$n --reference_split=test
  echo "cifar10 floor $n $(date)"
done
