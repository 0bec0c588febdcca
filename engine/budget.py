"""A memory budget: the peak memory a run would need, estimated from its settings before anything is built.

Settings inside their ranges can still multiply up to gigabytes (100 000 points × 8 layers of 256 is a 2 GB
training step; a sweep of 1000 fractions stacks 3000 models). Such a run is refused up front with a
`MemoryBudgetError` naming the settings and the limit, instead of swapping the machine or being killed.

The limit is 1 GiB unless `ML101_MEMORY_LIMIT` (e.g. 2G, 1500M) or `--memory-limit` says otherwise. The
estimates follow what the backends allocate per point and layer (engine/nets/numpy_fast.py's step buffers,
numpy_net.py's caches, autograd's saved tensors, the stacked step's outputs) and were checked against the
peak RSS of real runs: they err on the high side.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence

from ml101.engine.errors import SpecError

ENV = "ML101_MEMORY_LIMIT"
DEFAULT_LIMIT = 2**30
MIN_LIMIT, MAX_LIMIT = 2**26, 2**40  # 64 MiB (less cannot hold Python and NumPy) to 1 TiB
MAX_SWEEP_POINTS = 50  # fractions or budgets in one sweep

# What a process holds before the first point: Python, NumPy (and the app), or PyTorch's libraries.
BASE_BYTES = {"numpy": 160 * 2**20, "torch": 480 * 2**20, "stack": 400 * 2**20}
EVAL_BYTES = 32 * 2**20  # a forward pass over many points runs in chunks of about this size (Trainer)
DRIVERS = ("samples", "test_fraction", "layers", "batch_size", "dtype", "backend")  # what the estimate reads

_limit: int | None = None  # set from --memory-limit; wins over the environment


class MemoryBudgetError(SpecError):
    """A run the memory limit does not allow: `needed` and `limit` in bytes."""

    def __init__(self, field: str, message: str, needed: int, limit: int):
        super().__init__(field, message)
        self.needed, self.limit = needed, limit


def parse_size(text: str, field: str = "memory_limit") -> int:
    """'1G', '1.5GB', '800M', '2GiB', '1073741824' → bytes (K, M, G, T are powers of 1024)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?)(?:i?b)?\s*", str(text)[:40], re.IGNORECASE)
    if match is None:
        raise SpecError(field, f"must be a size like 1G, 1500M or 2GB; got {str(text)[:30]!r}")
    size = float(match[1]) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[match[2].lower()]
    if not MIN_LIMIT <= size <= MAX_LIMIT:
        raise SpecError(field, f"must be from {human(MIN_LIMIT)} to {human(MAX_LIMIT)}; got {str(text).strip()}")
    return int(size)


def set_limit(text: str | None) -> None:
    """The limit from --memory-limit (None: back to the environment's or the default)."""
    global _limit
    _limit = None if text is None else parse_size(text)


def limit() -> int:
    if _limit is not None:
        return _limit
    text = os.environ.get(ENV, "").strip()
    return parse_size(text, ENV) if text else DEFAULT_LIMIT


def human(n: float) -> str:
    for unit, size in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n / 2**20:.2f} MB"


# estimates -------------------------------------------------------------------------------------------------
def _item(exp) -> int:
    return 8 if exp.dtype == "float64" else 4


def _units(layers: Sequence[int]) -> tuple[int, int]:
    """(sum, max) of the hidden widths, counting the output unit."""
    widths = [*layers, 1]
    return sum(widths), max(widths)


def eval_chunk(exp) -> int:
    """Points per forward pass when many are evaluated or predicted (the map's grid, a big test set)."""
    total, widest = _units(exp.layers)
    return max(1024, EVAL_BYTES // (_item(exp) * (2 * total + 2 * widest + 8)))


def training_bytes(exp, n_points: int | None = None) -> int:
    """Peak bytes of training `exp` on `n_points` points (default its `samples`), evaluation included."""
    n = exp.samples if n_points is None else n_points
    n_train = max(1, n - math.ceil(exp.test_fraction * n))
    batch = min(exp.batch_size or n_train, n_train)
    total, widest = _units(exp.layers)
    item = _item(exp)
    # a training step keeps every layer's output and its gradient (2·Σw per point) plus a few scratch rows;
    # evaluation runs in chunks (see eval_chunk), so it adds at most about EVAL_BYTES
    step = batch * (2 * total + 3 * widest + 8) * item
    evaluation = min(n, eval_chunk(exp)) * (2 * total + 2 * widest + 8) * item
    data = n * 160  # points and labels: the data set, its split, prepared and shuffled copies
    params = exp.parameter_count() * 12 * item  # weights, gradients, optimizer state, the untrained copy
    return BASE_BYTES["torch" if exp.backend == "torch" else "numpy"] + step + evaluation + data + params


def stack_bytes(exp, models: int, points: int, eval_points: int = 0) -> int:
    """Peak bytes of training `models` stacked networks on `points` points each (engine/nets/stacked.py), then
    predicting `eval_points` points per model at once."""
    total, widest = _units(exp.layers)
    item = _item(exp)
    # measured: ≈ 3.25 values per unit and point (the outputs kept for the backward pass, the products'
    # temporaries, what the allocator keeps of them) plus the padded NumPy copies of the data
    step = models * points * ((13 * total // 4 + 2 * widest) * item + 160)
    evaluation = models * eval_points * ((2 * widest + 2) * item + 24)
    params = models * exp.parameter_count() * (16 + 4 * item)  # float64 inits, weights, Adam's state, copies
    return BASE_BYTES["stack"] + step + evaluation + params


# checks ------------------------------------------------------------------------------------------------------
def _layers_text(layers: Sequence[int]) -> str:
    if len(layers) > 3 and len(set(layers)) == 1:
        return f"{len(layers)} of {layers[0]}"
    return ",".join(map(str, layers)) or "none"


def check_training(exp, n_points: int | None = None, blame: Sequence[str] = ()) -> None:
    """Refuse `exp` if training it would need more than the limit. `blame`: the settings just changed (the
    first of them that drives the estimate is the field named); a CSV's size is passed as `n_points`."""
    needed, allowed = training_bytes(exp, n_points), limit()
    if needed <= allowed:
        return
    n = exp.samples if n_points is None else n_points
    n_train = max(1, n - math.ceil(exp.test_fraction * n))
    batch = min(exp.batch_size or n_train, n_train)
    field = next((name for name in blame if name in DRIVERS), "data" if n_points is not None else "samples")
    batch_text = f"batch size {batch}" if exp.batch_size else f"full batch of {n_train}"
    raise MemoryBudgetError(
        field,
        f"{n_train} training points × layers {_layers_text(exp.layers)} ({batch_text}, {exp.dtype}, "
        f"{exp.backend}) need about {human(needed)} of memory, over the limit of {human(allowed)}; use fewer "
        f"points, smaller layers or a batch size like 1000, or raise the limit ({ENV} or --memory-limit)",
        needed, allowed,
    )


def check_stack(exp, models: int, points: int, eval_points: int = 0, field: str = "seeds") -> None:
    """Refuse a stacked run (an attack sweep) that would need more than the limit."""
    needed, allowed = stack_bytes(exp, models, points, eval_points), limit()
    if needed <= allowed:
        return
    raise MemoryBudgetError(
        field,
        f"{models} models × {points} points × layers {_layers_text(exp.layers)} need about {human(needed)} of "
        f"memory, over the limit of {human(allowed)}; use fewer seeds, fewer sweep values, smaller layers or "
        f"budgets, or raise the limit ({ENV} or --memory-limit)",
        needed, allowed,
    )


def check_sweep_length(field: str, values: Sequence) -> None:
    if len(values) > MAX_SWEEP_POINTS:
        raise SpecError(field, f"at most {MAX_SWEEP_POINTS} values in one sweep; got {len(values)}")
