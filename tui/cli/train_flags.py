"""`ml101 train`'s flags that cannot go together: each would be silently ignored, or would silently throw
away what another flag asked for (a --load'ed model replaced by a new one because --layers was given too).
Such a command is refused, exit 2, with one line naming both flags.
"""

from __future__ import annotations

from ml101.engine.errors import SpecError
from ml101.engine.spec import LIVE_SAFE

# what a loaded run can take and keep its weights: the engine's live-safe settings (see Trainer.change)
KEEPS_THE_MODEL = sorted(LIVE_SAFE)
GENERATOR_ONLY = ("samples", "noise", "data_seed")  # a CSV file brings its own points


def _flag(field: str) -> str:
    from ml101.tui.cli import flag_name

    return flag_name(field)


def check_before(args, changes: dict) -> None:
    """Conflicts the flags show by themselves (before anything is loaded or trained)."""
    if args.load is not None and args.preset is not None:
        raise SpecError("--preset", "cannot be used with --load: the file brings its own settings")
    if args.load is not None:
        dropping = [field for field in changes if field not in LIVE_SAFE]
        if dropping:
            allowed = ", ".join(_flag(field) for field in KEEPS_THE_MODEL)
            raise SpecError(_flag(dropping[0]), "cannot be used with --load: it would replace the loaded model "
                            f"with a new one; a loaded run takes {allowed}")
    data = str(changes.get("data", ""))
    if data.strip().lower().endswith(".csv"):
        for field in GENERATOR_ONLY:
            if field in changes:
                raise SpecError(_flag(field), "has no effect with a CSV file as --data (its own points are used)")


def check_after(changes: dict, exp) -> None:
    """Flags the finished settings ignore (they may come from the preset or the loaded file)."""
    if "reg_rate" in changes and exp.reg == "none" and exp.reg_rate != 0:
        raise SpecError("--reg-rate", "has no effect with --reg none; add --reg l1 or --reg l2")
    if "threads" in changes and exp.backend != "torch":
        raise SpecError("--threads", "has no effect with --backend numpy (NumPy uses ML101_THREADS threads); "
                        "add --backend torch")
