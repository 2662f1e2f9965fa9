#!/usr/bin/env bash
# The GPU check: GPU tests, then both benchmarks on the GPU (CUDA, or Apple MPS).
#   bash scripts/gpu_check.sh            (from anywhere; run it on a machine with a GPU)
# Without a usable GPU it says so in one line and exits 0: there is nothing to check.
set -uo pipefail
cd "$(dirname "$0")/.."
device=$(python - <<'PY' 2>/dev/null
import torch

for name, ok in (
    ("cuda", torch.cuda.is_available()),
    ("mps", getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()),
):
    if ok:
        try:
            (torch.ones(2, device=name) + 1).sum().item()  # usable, not just visible
        except Exception:
            continue
        print(name)
        break
PY
)
if [ -z "$device" ]; then
    echo "gpu_check: no usable CUDA or MPS device (or no torch) here; nothing to check."
    exit 0
fi
echo "gpu_check: using $device"
pip install -q -e ".[dev]" || exit 1
if [ "$device" = cuda ]; then
    nvidia-smi --query-gpu=name,memory.total --format=csv || true
fi
rc=0
TKERAS_DEVICE=$device python -m pytest -m gpu -q -p no:cacheprovider || rc=1
python scripts/bench_layers.py --calls 1000 --device "$device" || rc=1
TKERAS_DEVICE=$device python scripts/benchmark.py --device "$device" || rc=1
exit $rc
