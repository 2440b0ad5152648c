#!/bin/bash
# next session's Inception queue (issue 19): packages each full run that has ema.json (MNIST, then
# Fashion-MNIST), and the conditional presets once both of a dataset's cond runs have cond.json;
# while nothing is ready, measures Fashion-MNIST's real-data floor (needed before Fashion's cards).
cd "$(dirname "$0")/../../.."  # the repository
DATA=${DATA:-../shared/data}  # the local MNIST and Fashion-MNIST idx folders
PY=.venv/bin/python
declare -A DIR=([mnist28]=$DATA/mnist [fashion28]=$DATA/fashion-mnist)
FLOOR=benchmarks/results/fid_floor/fid_floor_test10000.json
FLOOR_WHEN_IDLE=${FLOOR_WHEN_IDLE:-1}  # 0: wait for full runs instead (a session that must package before it ends)
while true; do
  ready=""
  for ds in mnist28 fashion28; do
    for v in gan nsgan lsgan dragan ebgan loss-sensitive wgan wgan-gp wgan-ct sngan; do
      for d in runs/zoo28/$ds/$v/full_*; do
        [ -f $d/ema.json ] && [ ! -f $d/fid10k.json ] && [ ! -f $d/package.failed ] && ready=$v && rds=$ds && rd=$d && break 3
      done
    done
    c=runs/zoo28/$ds/nsgan-cond
    if [ -f $c/full_mismatched1/cond.json ] && [ -f $c/full_mismatched0/cond.json ] && \
       ! ls $c/full_*/fid10k.json >/dev/null 2>&1 && [ ! -f $c/package.failed ]; then
      ready=cond && rds=$ds && rd=$c && break
    fi
  done
  if [ -n "$ready" ]; then
    variants=$ready; [ $ready = cond ] && variants=nsgan
    $PY benchmarks/zoo28.py --dataset=$rds --data_dir=${DIR[$rds]} --stage=package --variants=$variants \
      || touch $rd/package.failed
    echo "packaged $rds $ready $(date)"
  elif [ "$FLOOR_WHEN_IDLE" = 1 ] && ! grep -q fashion_mnist $FLOOR; then
    $PY benchmarks/fid_floor.py --data_dir_fashion=$DATA/fashion-mnist --datasets=fashion_mnist \
      --num_samples=10000 --reference_split=test || break
    echo "fashion floor $(date)"
  else
    sleep 60
  fi
done
