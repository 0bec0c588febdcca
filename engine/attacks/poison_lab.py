"""Poisoning experiments: clean, poisoned and defended models for one or many fractions, several seeds each.

`poison_sweep` trains everything a curve needs in as few stacked runs as possible:
    1. (a strategy that needs a clean model: boundary) clean models, to find the points nearest their boundary
    2. clean + poisoned (+ kNN-cleaned) models, all at once
    3. (loss / early defences) the retrained or early-stopped models
Fraction 0 poisons nothing, so its models double as the clean ones. Every point of the result carries
means and spreads over the seeds and, for the first seed, the poisoned data and nets to draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ml101.engine import budget
from ml101.engine.attacks import defend
from ml101.engine.attacks.lab import Tracker, pad, recipe, seed_list, summary, workshop_split
from ml101.engine.attacks.poison import check_fraction, poison
from ml101.engine.attacks.poison_strategies import Poisoning
from ml101.engine.attacks.registry import poison_strategy
from ml101.engine.data import MOONS_WINDOW, Split
from ml101.engine.nets.frozen import FrozenNet
from ml101.engine.nets.stacked import CancelCheck, Progress
from ml101.engine.spec import Experiment

SWEEP_FRACTIONS = tuple(round(0.1 * i, 1) for i in range(11))


@dataclass
class PoisonExample:
    """The first seed's run at one fraction, for pictures: data as poisoned, and the three models."""

    poisoning: Poisoning
    clean: FrozenNet
    poisoned: FrozenNet
    defended: FrozenNet | None = None
    cleaning: defend.Cleaning | None = None


@dataclass
class PoisonPoint:
    strategy: str
    fraction: float
    flipped: float  # points whose label the attacker set (mean over seeds; the same for most strategies)
    clean_test_accuracy: float
    poisoned_test_accuracy: float
    defense: str = "none"
    defended_test_accuracy: float | None = None
    seeds: list[int] = field(default_factory=list)
    spread: dict[str, float] = field(default_factory=dict)  # standard deviation over seeds, per metric
    extra: dict[str, float] = field(default_factory=dict)  # target hits, what the defence touched, …
    example: PoisonExample | None = None

    def to_dict(self) -> dict:
        d = {
            "strategy": self.strategy,
            "fraction": self.fraction,
            "flipped": int(self.flipped) if float(self.flipped).is_integer() else self.flipped,
            "clean_test_accuracy": self.clean_test_accuracy,
            "poisoned_test_accuracy": self.poisoned_test_accuracy,
            "defense": self.defense,
        }
        if self.defense != "none":
            d["defended_test_accuracy"] = self.defended_test_accuracy
        d.update(self.extra)
        d.update({f"{name}_std": value for name, value in self.spread.items()})
        d["seeds"] = list(self.seeds)
        return d


def poison_sweep(
    strategy: str,
    fractions: Sequence[float] = SWEEP_FRACTIONS,
    *,
    count: int | None = None,
    defense: str = "none",
    seeds: int = 3,
    seed: int = 0,
    exp: Experiment | None = None,
    data: Split | None = None,
    window: tuple[float, float, float, float] = MOONS_WINDOW,
    cls: int = 0,
    k: int = defend.DEFAULT_K,
    drop: float = defend.DEFAULT_DROP,
    holdout: float = defend.DEFAULT_HOLDOUT,
    threads: int | None = None,
    on_progress: Progress | None = None,
    should_cancel: CancelCheck | None = None,
) -> list[PoisonPoint]:
    """Test accuracy of clean, poisoned and (with a defence) defended models at each fraction.

    `count` replaces the fractions with one fixed number of poisoned points. Defaults: the workshop data,
    the lab's fast recipe, seeds seed, seed+1, …; progress is reported as (epochs done, epochs in all).
    """
    record = poison_strategy(strategy)
    defend.check_defense(defense)
    if count is None:
        budget.check_sweep_length("fractions", fractions)
    for fraction in fractions if count is None else ():
        check_fraction(fraction)
    exp = exp or recipe()
    data = data or workshop_split()
    defend.check_k(k, len(data.y_train))
    defend.check_share("drop", drop)
    defend.check_share("holdout", holdout)
    seeds_used = seed_list(seeds, seed)
    points = [None] if count is not None else list(fractions)
    reuse_clean = count is None and 0.0 in points
    # a defence adds one model per poisoned one (knn in the same stack, loss and early in a second one while
    # the first is still held)
    models = len(points) * len(seeds_used) * (1 if defense == "none" else 2) + (0 if reuse_clean else len(seeds_used))
    budget.check_stack(exp, models, len(data.y_train) + (count or 0), len(data.y_test),
                       field="fractions" if len(points) > 1 else "seeds")
    runs = 1 + record.needs_clean_model + (defense in ("loss", "early"))
    tracker = Tracker(runs, exp.epochs, on_progress, should_cancel)

    clean_probability: list = [None] * len(seeds_used)
    clean_stack = None
    if record.needs_clean_model:
        clean_stack = tracker.train(exp, data.X_train, data.y_train, seeds_used, threads=threads)
        clean_probability = list(clean_stack.predict(data.X_train))

    plans = [
        poison(strategy, data.X_train, data.y_train, fraction=fraction, count=count, seed=s, cls=cls,
               clean_probability=clean_probability[i], X_test=data.X_test, y_test=data.y_test, window=window)
        for fraction in points
        for i, s in enumerate(seeds_used)
    ]
    plan_seeds = [s for _ in points for s in seeds_used]

    # One stacked run: clean models (unless fraction 0 is there anyway), poisoned, and kNN-cleaned ones.
    Xs, ys, keeps, run_seeds = [], [], [], []
    if clean_stack is None and not reuse_clean:
        Xs += [data.X_train] * len(seeds_used)
        ys += [data.y_train] * len(seeds_used)
        keeps += [np.ones(len(data.y_train))] * len(seeds_used)
        run_seeds += seeds_used
    first_poisoned = len(run_seeds)
    Xs += [p.X for p in plans]
    ys += [p.y for p in plans]
    keeps += [np.ones(len(p.y)) for p in plans]
    run_seeds += plan_seeds
    cleanings: list[defend.Cleaning | None] = [None] * len(plans)
    first_defended = len(run_seeds)
    if defense == "knn":
        cleanings = [defend.knn_clean(p.X, p.y, k) for p in plans]
        Xs += [p.X for p in plans]
        ys += [c.y for c in cleanings]
        keeps += [c.keep for c in cleanings]
        run_seeds += plan_seeds
    X_all, y_all, mask_all = pad(Xs, ys, keeps)
    stack = tracker.train(exp, X_all, y_all, run_seeds, mask=mask_all, threads=threads)
    test_accuracy = stack.accuracy(data.X_test, data.y_test)
    poisoned_idx = list(range(first_poisoned, first_poisoned + len(plans)))
    if clean_stack is not None:
        clean_accuracy = clean_stack.accuracy(data.X_test, data.y_test)
        clean_models = (clean_stack, range(len(seeds_used)))
    elif reuse_clean:
        start = first_poisoned + points.index(0.0) * len(seeds_used)
        clean_accuracy = test_accuracy[start : start + len(seeds_used)]
        clean_models = (stack, range(start, start + len(seeds_used)))
    else:
        clean_accuracy, clean_models = test_accuracy[: len(seeds_used)], (stack, range(len(seeds_used)))
    poisoned_accuracy = test_accuracy[poisoned_idx]

    defended_stack, defended_rows = None, []
    if defense == "knn":
        defended_stack, defended_rows = stack, list(range(first_defended, first_defended + len(plans)))
    elif defense == "loss":
        probability = stack.predict(X_all)[poisoned_idx]
        cleanings = [defend.drop_high_loss(probability[i][: len(p.y)], p.y, drop) for i, p in enumerate(plans)]
        X, y, keep = pad([p.X for p in plans], [p.y for p in plans], [c.keep for c in cleanings])
        defended_stack = tracker.train(exp, X, y, plan_seeds, mask=keep, threads=threads)
        defended_rows = list(range(len(plans)))
    elif defense == "early":
        cleanings = [defend.holdout(p.y, holdout, s) for p, s in zip(plans, plan_seeds, strict=True)]
        X, y, train_mask = pad([p.X for p in plans], [p.y for p in plans], [c.keep for c in cleanings])
        _, _, all_mask = pad([p.X for p in plans], [p.y for p in plans])
        defended_stack = tracker.train(exp, X, y, plan_seeds, mask=train_mask,
                                       validation=(X, y, all_mask - train_mask), threads=threads)
        defended_rows = list(range(len(plans)))
    defended_accuracy = defended_stack.accuracy(data.X_test, data.y_test)[defended_rows] if defended_stack else None

    results = []
    n_seeds = len(seeds_used)
    for j, fraction in enumerate(points):
        rows = slice(j * n_seeds, (j + 1) * n_seeds)
        group = plans[rows]
        clean_mean, clean_std = summary(clean_accuracy)
        poisoned_mean, poisoned_std = summary(poisoned_accuracy[rows])
        point = PoisonPoint(
            strategy, fraction if fraction is not None else round(group[0].flipped / len(data.y_train), 4),
            round(float(np.mean([p.flipped for p in group])), 2), clean_mean, poisoned_mean, defense,
            seeds=seeds_used, spread={"clean_test_accuracy": clean_std, "poisoned_test_accuracy": poisoned_std},
        )
        if defended_accuracy is not None:
            point.defended_test_accuracy, point.spread["defended_test_accuracy"] = summary(defended_accuracy[rows])
            point.extra.update(_defence_report(defense, group, cleanings[rows], defended_stack, defended_rows[rows]))
        if record.has_target:
            point.extra.update(_target_report(group, clean_models, stack, poisoned_idx[rows], defended_stack,
                                              defended_rows[rows] if defended_rows else None))
        first = j * n_seeds
        point.example = PoisonExample(
            group[0], clean_models[0].net(clean_models[1][0]), stack.net(poisoned_idx[first]),
            defended_stack.net(defended_rows[first]) if defended_stack else None, cleanings[first],
        )
        results.append(point)
    return results


def poison_run(strategy: str, fraction: float | None = None, **options) -> PoisonPoint:
    """One fraction (or `count=`) of one strategy: the same as a sweep of one point."""
    if fraction is None and options.get("count") is None:
        record = poison_strategy(strategy)
        if record.amount == "count":
            options["count"] = record.default_amount
        else:
            fraction = record.default_amount
    return poison_sweep(strategy, [fraction], **options)[0]


def _defence_report(defense, group, cleanings, stack, rows) -> dict:
    touched = [c.changed if defense == "knn" else c.removed for c in cleanings]
    report = {
        "defense_touched": round(float(np.mean([len(t) for t in touched])), 2),
        "defense_caught": round(float(np.mean([defend.caught(t, p.changed) for t, p in zip(touched, group,
                                                                                           strict=True)])), 2),
    }
    if defense == "early":
        report["stopped_epoch"] = round(float(np.mean(stack.best_epoch[rows])), 1)
    return report


def _target_report(group, clean_models, stack, poisoned_rows, defended_stack, defended_rows) -> dict:
    """Share of seeds whose model gives the attacker's label at the target (or the backdoor's trigger)."""
    clean_stack, clean_rows = clean_models
    targets = np.stack([p.target for p in group])[:, None, :]
    wanted = np.array([p.target_label for p in group])
    hit = lambda s, rows: float(np.mean((s.logits(_rows_points(targets, s, rows))[rows, 0] > 0) == (wanted > 0.5)))  # noqa: E731
    report = {"target_hit_clean": hit(clean_stack, list(clean_rows)), "target_hit": hit(stack, poisoned_rows)}
    if defended_stack is not None:
        report["target_hit_defended"] = hit(defended_stack, defended_rows)
    return report


def _rows_points(targets: np.ndarray, stack, rows) -> np.ndarray:
    """Each model in `rows` asked about its own target; other models get a dummy point."""
    points = np.zeros((len(stack), 1, 2))
    points[list(rows)] = targets
    return points
