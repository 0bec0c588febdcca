"""The stealing lab's victim: a trained model shipped in assets/, reachable only through a query API.

The workshop's notebook loaded its victim with pickle, which runs whatever code the file carries. ml101's
victim is two plain files made by scripts/train_victim.py:
    assets/victim.npz   the weights as arrays W0, b0, W1, b1, … (read with allow_pickle=False)
    assets/victim.json  format, architecture, how it was trained, and the sha256 of victim.npz

An attacker sees only `QueryAPI`: it answers points with the victim's label, probability, rounded
probability or a noisy probability, counts every point asked about, and refuses once the budget is spent.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ml101.engine.errors import SpecError
from ml101.engine.nets.frozen import FrozenNet
from ml101.engine.store import read_npz

FORMAT = "ml101-victim"
VERSION = 1
OUTPUTS = ("label", "probability", "rounded", "noisy")
ROUND_DECIMALS = 1  # "rounded" answers 0.0, 0.1, …, 1.0
DEFAULT_NOISE = 0.1  # standard deviation of the Gaussian noise a "noisy" victim adds


@dataclass(frozen=True)
class Victim:
    net: FrozenNet
    meta: dict

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        return float((self.net.labels(X) == np.asarray(y)).mean())


def asset_path(name: str) -> Path:
    """A file shipped in the `assets` package (a real path: the wheel installs assets as files)."""
    return Path(str(resources.files("ml101.assets").joinpath(name)))


def load_victim(npz_path: str | Path | None = None, json_path: str | Path | None = None) -> Victim:
    """The shipped victim (or another pair of files), checked against its JSON before any array is used."""
    npz_path = Path(npz_path) if npz_path is not None else asset_path("victim.npz")
    json_path = Path(json_path) if json_path is not None else npz_path.with_suffix(".json")
    where = f"victim {json_path.name}"
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(where, "does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(where, f"cannot be read as JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise SpecError(where, f"is not an ml101 victim (format {FORMAT!r}, version {VERSION})")
    arrays = read_npz(npz_path, "victim")  # refuses pickles before anything else looks at the bytes
    digest = hashlib.sha256(npz_path.read_bytes()).hexdigest()
    if digest != meta.get("sha256"):
        raise SpecError(f"victim {npz_path.name}", f"does not match {json_path.name} (sha256 {digest[:12]}…)")
    layers = meta.get("layers")
    activations = meta.get("activations")
    if not (isinstance(layers, list) and isinstance(activations, list) and len(layers) == len(activations)):
        raise SpecError(where, "needs 'layers' and one activation per layer")
    sizes = (2, *layers, 1)
    params = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        W, b = arrays.get(f"W{i}"), arrays.get(f"b{i}")
        if W is None or b is None or W.shape != (n_out, n_in) or b.shape != (n_out,) or W.dtype.kind != "f":
            raise SpecError(f"victim {npz_path.name}", f"layer {i + 1} does not match the architecture {layers}")
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise SpecError(f"victim {npz_path.name}", f"layer {i + 1} holds numbers that are not finite")
        params.append((W.astype(np.float64), b.astype(np.float64)))
    return Victim(FrozenNet(tuple(params), tuple(activations)), meta)


class QueryLimitExceeded(SpecError):
    """The attacker asked for more answers than the budget allows; none of that batch was answered."""

    def __init__(self, asked: int, used: int, budget: int):
        super().__init__(
            "budget", f"the victim answers at most {budget} points; {used} were used and {asked} more were asked"
        )
        self.asked, self.used, self.budget = asked, used, budget


def check_output(output: str) -> None:
    if output not in OUTPUTS:
        raise SpecError("output", f"must be one of {', '.join(OUTPUTS)}; got {output!r}")


class QueryAPI:
    """What the attacker is allowed to do: send points, get answers, within a budget of points."""

    def __init__(self, victim: Victim, output: str = "label", budget: int | None = None,
                 noise: float = DEFAULT_NOISE, seed: int = 0):
        check_output(output)
        if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, np.integer))
                                   or budget < 0):
            raise SpecError("budget", f"must be a whole number of at least 0; got {budget!r}")
        if not (isinstance(noise, (int, float)) and math.isfinite(noise) and 0 <= noise <= 1):
            raise SpecError("noise", f"must be from 0 to 1 (standard deviation of the answers); got {noise!r}")
        self._victim = victim
        self.output, self.budget, self.noise = output, budget, float(noise)
        self._rng = np.random.default_rng([seed, 11])
        self.queries = 0

    @property
    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.queries

    def query(self, X: np.ndarray) -> np.ndarray:
        """The victim's answers for points (n, 2); raises QueryLimitExceeded (answering nothing) past the cap."""
        X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
        if self.budget is not None and self.queries + len(X) > self.budget:
            raise QueryLimitExceeded(len(X), self.queries, self.budget)
        self.queries += len(X)
        p = self._victim.net.predict(X)
        if self.output == "label":
            return (p > 0.5).astype(np.float64)
        if self.output == "rounded":
            return np.round(p, ROUND_DECIMALS)
        if self.output == "noisy":
            return np.clip(p + self._rng.normal(scale=self.noise, size=p.shape), 0.0, 1.0)
        return p
