"""`ml101 attack poison|steal`: the attack lab headless, one point or a whole curve, as text or JSON.

With --json, stdout is one JSON object for one point, or a JSON list of such objects (one per fraction or
budget) with --sweep. Every number is a mean over --seeds runs (seeds --seed, --seed+1, …); `<metric>_std`
is its spread (standard deviation over the seeds). Without --json a progress bar runs on stderr and a
short table is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time

from ml101.engine.attacks.registry import POISON, STEAL, poison_strategy, steal_strategy
from ml101.engine.errors import SpecError


def add_parser(commands) -> None:
    # The strategies, their defaults and their help come from the registry: a new strategy is offered here as
    # soon as it is registered.
    attack = commands.add_parser("attack", help="poison a training set or steal a model, headless",
                                 description=__doc__)
    kinds = attack.add_subparsers(dest="attack", parser_class=type(attack), metavar="{poison,steal}")
    kinds.required = True

    p = kinds.add_parser("poison", help="flip training labels, train, compare with the clean model",
                         description=_with_strategies("Poison the workshop's training labels and measure the "
                                                      "damage.", POISON),
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--strategy", default="last", metavar="NAME", help=f"{'|'.join(POISON)} (default last)")
    p.add_argument("--fraction", metavar="F", help="share of the training points to poison, 0-1 (default by "
                                                   f"strategy: {_defaults(POISON, 'fraction')})")
    p.add_argument("--count", metavar="N",
                   help=f"poison exactly N points instead (default: {_defaults(POISON, 'count')})")
    flips_a_class = " or ".join(repr(name) for name, record in POISON.items() if record.takes_class)
    p.add_argument("--class", dest="cls", metavar="0|1", help=f"the class the {flips_a_class} strategy flips "
                                                              "(default 0)")
    p.add_argument("--defense", default="none", metavar="NAME", help="none|knn|loss|early (default none)")
    p.add_argument("--k", metavar="K", help="neighbours the knn defence asks (default 10)")
    p.add_argument("--drop", metavar="F", help="share the loss defence drops (default 0.2)")
    p.add_argument("--holdout", metavar="F", help="share early stopping holds out (default 0.2)")
    p.add_argument("--fractions", metavar="LIST", help="fractions for --sweep (default 0,0.1,…,1)")
    _common(p, "fraction")
    p.set_defaults(run=run_poison)

    s = kinds.add_parser("steal", help="copy the shipped victim model from its answers",
                         description=_with_strategies("Query the shipped victim model and train a copy from its "
                                                      "answers.", STEAL),
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("--strategy", default="train", metavar="NAME", help=f"{'|'.join(STEAL)} (default train)")
    budgets = ", ".join(f"{name} {record.default_budget}" for name, record in STEAL.items())
    s.add_argument("--budget", metavar="N", help=f"queries allowed (default by strategy: {budgets})")
    s.add_argument("--output", default="label", metavar="MODE",
                   help="what the victim answers: label|probability|rounded|noisy (default label)")
    s.add_argument("--noise", metavar="F", help="standard deviation of noisy answers (default 0.1)")
    s.add_argument("--budgets", metavar="LIST", help="budgets for --sweep (default 10,25,50,100,250,500,900)")
    _common(s, "budget")
    s.set_defaults(run=run_steal)


def _with_strategies(description: str, strategies: dict) -> str:
    """The command's description, then one wrapped line per strategy with its help."""
    width = max(map(len, strategies)) + 4
    lines = [textwrap.fill(record.help, 79, initial_indent=f"  {name}".ljust(width), subsequent_indent=" " * width)
             for name, record in strategies.items()]
    return "\n".join([description, "", "strategies:", *lines])


def _defaults(strategies: dict, amount: str) -> str:
    return ", ".join(f"{name} {record.default_amount:g}" for name, record in strategies.items()
                     if record.amount == amount)


def _common(p, swept: str) -> None:
    p.add_argument("--sweep", action="store_true", help=f"a curve: one result per {swept}")
    p.add_argument("--seeds", metavar="N", help="runs per point, averaged (default 3; notebook preset 1)")
    p.add_argument("--seed", default="0", metavar="S", help="first seed (default 0)")
    p.add_argument("--preset", default="fast", metavar="NAME",
                   help="fast (Adam, 300 epochs) or notebook (the workshop's RMSprop 1e-4, 10 000 epochs: slow)")
    p.add_argument("--layers", metavar="LIST", help="hidden layers of the trained model(s), default 25,50,25")
    p.add_argument("--epochs", metavar="N", help="training epochs (default from the preset)")
    p.add_argument("--lr", metavar="F", help="learning rate (default from the preset)")
    p.add_argument("--device", default="auto", metavar="NAME", help="auto|cpu|cuda (auto: a GPU when present)")
    p.add_argument("--threads", metavar="N", help="CPU threads (default: 1 for a few models, more for sweeps)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    from ml101.tui.cli import add_memory_limit

    add_memory_limit(p)


# parsing: text in, engine values out; every mistake names its flag ----------------------------------------
def _int(flag: str, text: str, lo: int = 0, hi: int = 2**31 - 1) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise SpecError(flag, f"must be a whole number from {lo} to {hi}; got {str(text)[:30]!r}") from None
    if not lo <= value <= hi:
        raise SpecError(flag, f"must be from {lo} to {hi}; got {value}")
    return value


def _float(flag: str, text: str) -> float:
    try:
        return float(str(text).strip()) + 0.0  # -0 is 0 (and prints as 0)
    except ValueError:
        raise SpecError(flag, f"must be a number; got {str(text)[:30]!r}") from None


def _list(flag: str, text: str, parse) -> list:
    from ml101.engine.budget import check_sweep_length

    items = [part for part in str(text).split(",") if part.strip()]
    if not items:
        raise SpecError(flag, "needs at least one value, separated by commas")
    check_sweep_length(flag, items)
    return [parse(flag, part) for part in items]


def _fraction(flag: str, text: str) -> float:
    """One value of --fractions, checked as --fraction is but named as the list."""
    from ml101.engine.attacks.poison import check_fraction

    value = _float(flag, text)
    try:
        check_fraction(value)
    except SpecError as err:
        raise SpecError(flag, err.message) from None
    return value


def _refuse_unused(args, uses: dict[str, tuple[str, str, bool]]) -> None:
    """A flag the run would silently ignore is a mistake: `uses` maps a flag to (its attribute, what it
    needs, whether the other flags give that)."""
    for flag, (attribute, needed, given) in uses.items():
        if getattr(args, attribute) is not None and not given:
            raise SpecError(flag, f"has no effect without {needed}")


def _check_poison_flags(args) -> None:
    if args.sweep and args.fraction is not None:
        raise SpecError("--fraction", "cannot be used with --sweep, which varies it; give the values with --fractions")
    if args.fraction is not None and args.count is not None:
        raise SpecError("--count", "cannot be used with --fraction; give one of them")
    _refuse_unused(args, {
        "--fractions": ("fractions", "--sweep", args.sweep),
        "--class": ("cls", "--strategy " + "|".join(name for name, s in POISON.items() if s.takes_class),
                    POISON[args.strategy].takes_class),
        "--k": ("k", "--defense knn", args.defense == "knn"),
        "--drop": ("drop", "--defense loss", args.defense == "loss"),
        "--holdout": ("holdout", "--defense early", args.defense == "early"),
    })


def _check_steal_flags(args) -> None:
    if args.sweep and args.budget is not None:
        raise SpecError("--budget", "cannot be used with --sweep, which varies it; give the values with --budgets")
    _refuse_unused(args, {"--budgets": ("budgets", "--sweep", args.sweep),
                          "--noise": ("noise", "--output noisy", args.output == "noisy")})


def _training(args):
    """The training recipe and run options the shared flags describe."""
    from ml101.engine.attacks.lab import DEFAULT_SEEDS, recipe

    changes = {"device": args.device}
    if str(args.device).strip().lower() == "cuda":
        if args.threads is not None:
            raise SpecError("--threads", "has no effect with --device cuda (the GPU trains the whole stack at once)")
        _check_cuda()
        changes["backend"] = "torch"  # attack models train stacked, in PyTorch, whatever the recipe's backend
    for name in ("layers", "epochs", "lr"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    exp = recipe(args.preset, **changes)
    seeds = _int("seeds", args.seeds, 1, 20) if args.seeds is not None else DEFAULT_SEEDS[args.preset]
    threads = exp.with_changes(threads=args.threads).threads if args.threads is not None else None
    return exp, dict(seeds=seeds, seed=_int("seed", args.seed), exp=exp, threads=threads)


def _check_cuda() -> None:
    """Before any data is made: a GPU that is not there is one line, not a traceback after the set-up."""
    from ml101.engine.nets.stacked import pick_device

    pick_device("cuda")  # a SpecError naming --device: PyTorch missing (how to add it), or no CUDA GPU


# running -------------------------------------------------------------------------------------------------
def run_poison(args) -> int:
    from ml101.engine.attacks import defend
    from ml101.engine.attacks.poison_lab import SWEEP_FRACTIONS, poison_run, poison_sweep

    poison_strategy(args.strategy)
    defend.check_defense(args.defense)
    _check_poison_flags(args)
    exp, options = _training(args)
    given = lambda name, parse, default: default if getattr(args, name) is None else parse(getattr(args, name))  # noqa: E731
    options.update(
        defense=args.defense, cls=given("cls", lambda v: _int("class", v, 0, 1), 0),
        k=given("k", lambda v: _int("k", v, 1, 899), defend.DEFAULT_K),
        drop=given("drop", lambda v: _float("drop", v), defend.DEFAULT_DROP),
        holdout=given("holdout", lambda v: _float("holdout", v), defend.DEFAULT_HOLDOUT),
        count=_int("count", args.count) if args.count is not None else None,
    )
    fraction = _float("fraction", args.fraction) if args.fraction is not None else None
    if args.sweep:
        fractions = _list("fractions", args.fractions, _fraction) if args.fractions is not None else SWEEP_FRACTIONS
        if options["count"] is not None:
            raise SpecError("count", "cannot be swept; --sweep varies --fraction (see --fractions)")
        results = _with_progress(args, lambda **cb: poison_sweep(args.strategy, fractions, **options, **cb))
    else:
        results = _with_progress(args, lambda **cb: [poison_run(args.strategy, fraction, **options, **cb)])
    return _report(args, exp, results, _poison_table)


def run_steal(args) -> int:
    from ml101.engine.attacks.steal import SWEEP_BUDGETS, steal_run, steal_sweep
    from ml101.engine.victim import DEFAULT_NOISE, check_output

    record = steal_strategy(args.strategy)
    check_output(args.output)
    _check_steal_flags(args)
    exp, options = _training(args)
    options.update(output=args.output, noise=DEFAULT_NOISE if args.noise is None else _float("noise", args.noise))
    if args.sweep:
        budgets = SWEEP_BUDGETS
        if args.budgets is not None:
            budgets = _list("budgets", args.budgets, lambda flag, text: _int(flag, text, 1, 100_000))
        results = _with_progress(args, lambda **cb: steal_sweep(args.strategy, budgets, **options, **cb))
    else:
        budget = _int("budget", args.budget, 1, 100_000) if args.budget is not None else record.default_budget
        results = _with_progress(args, lambda **cb: [steal_run(args.strategy, budget, **options, **cb)])
    return _report(args, exp, results, _steal_table)


def _with_progress(args, work):
    """Run `work(on_progress=…)`; without --json a bar on stderr shows the epochs of all stacked runs."""
    start = time.perf_counter()
    if args.json or not sys.stderr.isatty():  # a bar in a log file is noise (and a stray blank line)
        return work(), time.perf_counter() - start
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from ml101.tui.cli.stdout import console

    columns = (TextColumn(f"{args.attack} {args.strategy}"), BarColumn(), TextColumn("{task.percentage:>3.0f} %"),
               TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=True) as progress:
        task = progress.add_task(args.attack, total=None)
        results = work(on_progress=lambda done, total: progress.update(task, completed=done, total=total))
    return results, time.perf_counter() - start


def _report(args, exp, timed, table) -> int:
    results, seconds = timed
    extra = {"preset": args.preset, "epochs": exp.epochs, "layers": list(exp.layers), "seconds": round(seconds, 2)}
    rows = [{**point.to_dict(), **extra} for point in results]
    if args.json:
        print(json.dumps(rows if args.sweep else rows[0]))
    else:
        print(table(rows, exp))
    return 0


def _pm(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return "-"
    return f"{value:.3f} ± {row.get(name + '_std', 0):.3f}"


def _poison_table(rows: list[dict], exp) -> str:
    first = rows[0]
    defended = first["defense"] != "none"
    lines = [f"poison {first['strategy']}" + (f", defence {first['defense']}" if defended else "")
             + f": {len(first['seeds'])} seed(s), {exp.epochs} epochs {exp.optimizer} per model"]
    head = f"{'fraction':>8} {'flipped':>7}  {'clean':>13}  {'poisoned':>13}"
    lines.append(head + (f"  {'defended':>13}" if defended else ""))
    for row in rows:
        line = f"{row['fraction']:>8.3g} {row['flipped']:>7g}  {_pm(row, 'clean_test_accuracy'):>13}  " \
               f"{_pm(row, 'poisoned_test_accuracy'):>13}"
        if defended:
            line += f"  {_pm(row, 'defended_test_accuracy'):>13}"
        if "target_hit" in row:
            line += f"  target hit {row['target_hit']:.0%} (clean {row['target_hit_clean']:.0%})"
        lines.append(line)
    lines.append("(test accuracy, mean ± spread over seeds)")
    return "\n".join(lines)


def _steal_table(rows: list[dict], exp) -> str:
    first = rows[0]
    lines = [f"steal {first['strategy']}, victim answers {first['output']}: victim test accuracy "
             f"{first['victim_test_accuracy']:.3f}; copy {'-'.join(map(str, (2, *exp.layers, 1)))}, "
             f"{len(first['seeds'])} seed(s)",
             f"{'budget':>7} {'queries':>7}  {'fidelity grid':>13}  {'fidelity data':>13}  {'copy test acc':>13}"]
    for row in rows:
        lines.append(f"{row['budget']:>7} {row['queries']:>7}  {_pm(row, 'fidelity_grid'):>13}  "
                     f"{_pm(row, 'fidelity_data'):>13}  {_pm(row, 'surrogate_test_accuracy'):>13}")
    lines.append("(fidelity: share of points where copy and victim agree; mean ± spread over seeds)")
    return "\n".join(lines)

