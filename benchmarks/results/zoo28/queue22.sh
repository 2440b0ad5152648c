#!/bin/bash
# session 22's training queue (issue 19): dragan's Fashion-MNIST full run (session 21's failed at start,
# its recipe file removed mid-queue).
cd "$(dirname "$0")/../../.."
DATA=${DATA:-../shared/data}
.venv/bin/python benchmarks/zoo28.py --dataset=fashion28 --data_dir=$DATA/fashion-mnist --stage=full --variants=dragan
