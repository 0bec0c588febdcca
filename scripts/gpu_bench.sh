#!/usr/bin/env bash
# The GPU part of `ml101 bench`, for a machine with an NVIDIA GPU. Prints one JSON object of numbers:
#   single_torch_cuda_steps_per_second / single_torch_cpu_steps_per_second / single_numpy_steps_per_second
#       one workshop net (2-25-50-25-1, 900 points, full batch, Adam) with torch on CUDA, torch on the CPU, NumPy
#   sweep_stacked_cuda_seconds / sweep_stacked_cpu_seconds / sweep_cpu_vs_cuda
#       the 33-model poisoning sweep (11 fractions × 3 seeds) stacked on CUDA and on the CPU
#   stack_1001_cuda_model_steps_per_second
#       1001 workshop nets trained stacked on CUDA
# Usage, from anywhere:  scripts/gpu_bench.sh [--quick]      (PYTHON=/path/to/python to pick the interpreter)
# It needs ml101's dependencies with a CUDA build of torch 2.13 (`pip install torch==2.13.0` from PyPI on Linux
# is one); ml101's own pin installs the CPU build on the workshop machines. Progress goes to stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
    if [[ -x .venv/bin/python ]]; then python=.venv/bin/python; else python=python3; fi
fi
if ! "$python" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    echo "gpu_bench: torch sees no CUDA GPU with $python ($("$python" -c 'import torch; print(torch.__version__)' 2>&1))" >&2
    exit 2
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >&2
exec "$python" -c 'import sys; from ml101.tui.cli import main; sys.exit(main())' bench --gpu --json "$@"
