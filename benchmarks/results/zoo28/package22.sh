#!/bin/bash
# session 22's Inception queue (issue 19): packages Fashion-MNIST's full runs in the order of the
# variants Lucic et al. report working first; dragan's once its retrain (queue22) writes ema.json.
cd "$(dirname "$0")/../../.."  # the repository
DATA=${DATA:-../shared/data}
PY=.venv/bin/python
for pass in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  for v in wgan-gp wgan dragan sngan ebgan wgan-ct loss-sensitive; do
    for d in runs/zoo28/fashion28/$v/full_*; do
      if [ -f $d/ema.json ] && [ ! -f $d/fid10k.json ] && [ ! -f $d/package.failed ]; then
        $PY benchmarks/zoo28.py --dataset=fashion28 --data_dir=$DATA/fashion-mnist --stage=package --variants=$v \
          || touch $d/package.failed
        echo "packaged fashion28 $v $(date)"
      fi
    done
  done
  sleep 120
done
