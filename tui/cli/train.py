"""`ml101 train`: train one experiment headless, with a progress bar or as one JSON object."""

from __future__ import annotations

import json
import math
import sys
import time

from ml101.engine.errors import SpecError
from ml101.engine.safe_text import printable

# flag → engine setting; values stay text here so that the engine's rules word every error.
SETTING_FLAGS = {
    "data": "data", "noise": "noise", "samples": "samples", "test_fraction": "test-fraction",
    "data_seed": "data-seed", "split_seed": "split-seed", "layers": "layers", "activations": "activation",
    "loss": "loss", "optimizer": "optimizer", "lr": "lr", "epochs": "epochs", "batch_size": "batch-size",
    "reg": "reg", "reg_rate": "reg-rate", "init": "init", "seed": "seed", "backend": "backend",
    "device": "device", "dtype": "dtype", "threads": "threads",
}
HELP = {
    "data": "moons, circles, xor, gauss, spiral or a CSV file (x1,x2,label)",
    "layers": "hidden layer widths, e.g. 25,50,25 (none for no hidden layer)",
    "activations": "relu, tanh, sigmoid, linear or leaky_relu; one for all layers or one per layer",
    "batch_size": "points per step; 0 = all (full batch)",
    "epochs": "epochs to train (with --load: more epochs on top, default 0)",
}


def add_parser(commands) -> None:
    p = commands.add_parser("train", help="train one network headless", description=__doc__)
    p.add_argument("--preset", default=None, help="starting settings (default: quick)")
    for field, flag in SETTING_FLAGS.items():
        p.add_argument(f"--{flag}", dest=field, metavar=field.upper(), help=HELP.get(field))
    p.add_argument("--save", metavar="FILE", help="write the trained experiment to FILE (.npz)")
    p.add_argument("--load", metavar="FILE", help="continue from a saved experiment")
    p.add_argument("--export-csv", metavar="FILE", help="write the training curves as CSV")
    p.add_argument("--export-npz", metavar="FILE", help="write the trained weights as .npz")
    p.add_argument("--export-torch", metavar="FILE", help="write the weights as a PyTorch state_dict (.pt)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a progress bar")
    from ml101.tui.cli import add_memory_limit

    add_memory_limit(p)
    p.set_defaults(run=run)


def _given_settings(args) -> dict:
    changes = {field: getattr(args, field) for field in SETTING_FLAGS if getattr(args, field) is not None}
    if "activations" in changes and "," not in changes["activations"]:
        from ml101.engine.spec import parse_layers, preset

        base = preset(args.preset or "quick")
        width = len(parse_layers(changes["layers"])) if "layers" in changes else len(base.layers)
        changes["activations"] = ",".join([changes["activations"]] * width)
    return changes


def build_trainer(args):
    """The trainer the flags describe: a preset (or a saved file) with the given settings on top."""
    from ml101.engine.spec import preset
    from ml101.engine.trainer import Trainer
    from ml101.tui.cli.train_flags import check_after, check_before

    changes = _given_settings(args)
    check_before(args, changes)  # flags that would be ignored, or would undo another flag, are refused
    given = dict(changes)
    if args.load:
        from ml101.engine.store import load_experiment

        trainer = load_experiment(args.load)
        # With --load, --epochs counts the epochs to add; validated like any other --epochs.
        epochs = trainer.exp.with_changes(epochs=changes.pop("epochs", 0)).epochs
        if changes:
            trainer.change(**changes)
        check_after(given, trainer.exp)
        return _check_batch(trainer), epochs
    exp = preset(args.preset or "quick")
    if args.preset is None and changes:
        changes.setdefault("preset", "custom")
    exp = exp.with_changes(**changes)
    check_after(given, exp)
    return _check_batch(Trainer(exp)), exp.epochs


def _check_batch(trainer):
    """The spec checks the batch against generated data only; a CSV's size is known once it is read."""
    n_train = len(trainer.split.y_train)
    if trainer.exp.batch_size > n_train:
        raise SpecError("batch_size", f"must be at most the {n_train} training points (or 0 for all); "
                        f"got {trainer.exp.batch_size}")
    return trainer


def run(args) -> int:
    from ml101.tui.cli.train_files import check_outputs, write_outputs

    if args.load is not None and not args.load.strip():
        raise SpecError("--load", "needs a file name")
    outputs = check_outputs(args)  # before training: an hour of it must not end in "cannot write"
    trainer, epochs = build_trainer(args)
    interrupted = False
    try:
        if args.json:
            _train_quietly(trainer, epochs)
        else:
            _train_with_progress(trainer, epochs)
    except KeyboardInterrupt:
        interrupted = True
    result = summary(trainer, interrupted)
    failed, notes = write_outputs(args, outputs, trainer, result)  # each file on its own; none loses the rest
    if args.json:
        print(json.dumps(result))
    else:
        _print_human(result)
    if trainer.diverged:
        print(f"ml101: {trainer.diverged}", file=sys.stderr)
    if interrupted:
        print(f"ml101: interrupted at epoch {trainer.epoch}; the result so far is printed", file=sys.stderr)
    for line in failed + notes:
        print(line, file=sys.stderr)
    if failed:  # the result is printed, but a file asked for is not where it was asked to be
        return 2
    return 130 if interrupted else 0


def _chunks(trainer, epochs: int, seconds_per_chunk: float = 0.1):
    """Train in chunks of about 0.1 s so progress, Ctrl+C and divergence are noticed promptly."""
    done, chunk = 0, 1
    while done < epochs and not trainer.diverged:
        start = time.perf_counter()
        done += trainer.run(min(chunk, epochs - done))
        elapsed = time.perf_counter() - start
        chunk = max(1, min(chunk * 4, int(chunk * seconds_per_chunk / max(elapsed, 1e-6))))
        yield done


def _train_quietly(trainer, epochs: int) -> None:
    for _ in _chunks(trainer, epochs, seconds_per_chunk=0.5):
        pass


def _train_with_progress(trainer, epochs: int) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("Epoch {task.completed:>6.0f}/{task.total:.0f}"),
        BarColumn(),
        TextColumn("loss {task.fields[loss]}  test acc {task.fields[acc]}"),
        TimeRemainingColumn(),
    )
    from ml101.tui.cli.stdout import console

    with Progress(*columns, console=console(), transient=False, refresh_per_second=5) as progress:
        task = progress.add_task("train", total=epochs, loss="-", acc="-")
        for done in _chunks(trainer, epochs):
            h = trainer.history
            if len(h):
                loss, acc = h.column("train_loss")[-1], h.column("test_accuracy")[-1]
                progress.update(task, completed=done, loss=f"{loss:.4f}", acc=f"{acc:.3f}")


def summary(trainer, interrupted: bool = False) -> dict:
    exp = trainer.exp
    m = trainer.metrics()
    return {
        "preset": exp.preset,
        "backend": exp.backend,
        "device": getattr(trainer.net, "device", "cpu"),
        "data": exp.data,
        "layers": list(exp.layers),
        "activations": list(exp.activations),
        "optimizer": exp.optimizer,
        "lr": exp.lr,
        "parameters": exp.parameter_count(),
        "epochs": trainer.epoch,
        "seconds": round(trainer.seconds, 4),
        "steps_per_second": round(trainer.steps_per_second, 1),
        "train_loss": _finite_or_none(m.train_loss),
        "test_loss": _finite_or_none(m.test_loss),
        "train_accuracy": m.train_accuracy,
        "test_accuracy": m.test_accuracy,
        "diverged": trainer.diverged is not None,
        "message": trainer.diverged,
        "interrupted": interrupted,
    }


def _finite_or_none(x: float):
    """JSON has no NaN or infinity: a diverged loss is reported as null."""
    return x if math.isfinite(x) else None


def _print_human(r: dict) -> None:
    print(
        f"{printable(r['preset'], 40)}: {r['epochs']} epochs in {r['seconds']:.2f} s "
        f"({r['steps_per_second']:.0f} steps/s, {r['backend']})\n"
        f"  train loss {_number(r['train_loss'])}  accuracy {r['train_accuracy']:.3f}\n"
        f"  test  loss {_number(r['test_loss'])}  accuracy {r['test_accuracy']:.3f}"
    )


def _number(x) -> str:
    """A loss for people: a diverged one (None in the JSON) reads "nan"; a loss of exactly 0 stays 0."""
    return "nan" if x is None else f"{x:.4f}"
