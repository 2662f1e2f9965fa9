#!/usr/bin/env bash
# The GPU check, run on a lent CUDA machine: GPU tests, then the benchmarks on the GPU.
#   bash scripts/gpu_check.sh            (from the repository root)
set -uo pipefail
cd "$(dirname "$0")/.."
pip install -q -e ".[dev]" || exit 1
nvidia-smi --query-gpu=name,memory.total --format=csv || true
rc=0
TKERAS_DEVICE=cuda python -m pytest -m gpu -q -p no:cacheprovider || rc=1
python scripts/bench_layers.py --calls 1000 --device cuda || rc=1
TKERAS_DEVICE=cuda python scripts/benchmark.py --device cuda || rc=1
exit $rc
