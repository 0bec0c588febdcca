"""`ml101`: the app with no arguments; `ml101 train|attack|bench` headless.

Exit codes: 0 ok (also when the reader of stdout went away, as `| head` does), 2 bad input (one line on
stderr naming the field and what is allowed; also a full disk, naming stdout or the file), 1 a bug in
ml101, 130 interrupted with Ctrl+C (partial results still printed).
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from ml101.engine.errors import SpecError
from ml101.tui import languages
from ml101.tui.cli import stdout

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMAND_OPTIONS = {"train": ("preset", "load"), "attack": ("preset",)}  # the app's options a command has too

# Settings are named as in the engine; people type the flags.
FLAG_OF_FIELD = {
    "test_fraction": "--test-fraction",
    "batch_size": "--batch-size",
    "reg_rate": "--reg-rate",
    "data_seed": "--data-seed",
    "split_seed": "--split-seed",
    "activations": "--activation",
    "ML101_MEMORY_LIMIT": "ML101_MEMORY_LIMIT",
}


def flag_name(field: str) -> str:
    if field.startswith("-") or " " in field:
        return field
    return FLAG_OF_FIELD.get(field, "--" + field.replace("_", "-"))


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit 2, never a wall of usage text."""

    def error(self, message: str):  # noqa: D401
        # argparse words it "argument --lr: expected one argument"; people read "ml101: --lr: needs a value".
        match = re.fullmatch(r"argument (\S+): (.*)", message, re.DOTALL)
        if match and match[1].startswith("-"):
            flag = max(match[1].split("/"), key=len)
            raise SpecError(flag, "needs a value" if match[2].startswith("expected one argument") else match[2])
        if match and "invalid choice" in match[2]:
            raise SpecError("ml101", f"{match[2].replace('invalid choice', 'unknown command')}")
        unknown = re.fullmatch(r"unrecognized arguments: (\S+).*", message, re.DOTALL)
        if unknown and unknown[1].startswith("-"):
            raise SpecError(unknown[1].split("=")[0], "is not an option here; --help lists them")
        if unknown:
            raise SpecError("ml101", f"unexpected argument {unknown[1]!r}; --help lists the options")
        raise SpecError("ml101", message)


def add_memory_limit(parser) -> None:
    parser.add_argument("--memory-limit", metavar="SIZE", default=argparse.SUPPRESS,
                        help="refuse settings whose estimated peak memory is above SIZE, e.g. 2G or 1500M "
                             "(default: ML101_MEMORY_LIMIT, else 1G)")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="ml101",
        description="Machine Learning 101 in the terminal. Without a command, the app opens.",
    )
    # dest app_*: a command's own --preset and --load must not overwrite (or hide) the app's
    parser.add_argument("--lang", dest="app_lang", choices=languages.available(),
                        help="language of the app (default: the config's, then the locale)")
    parser.add_argument("--preset", dest="app_preset", metavar="NAME",
                        help="preset to open the app with (default: the config's, then quick)")
    parser.add_argument("--load", dest="app_load", metavar="FILE", help="experiment file to open the app with")
    add_memory_limit(parser)
    commands = parser.add_subparsers(dest="command", parser_class=OneLineParser, metavar="{train,attack,bench}")
    from ml101.tui.cli import attack, bench, train  # here: they import flag_name and friends from this module

    for command in (train, attack, bench):
        command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "memory_limit", None) is not None:
            from ml101.engine import budget

            budget.set_limit(args.memory_limit)
        if args.command is None:
            from ml101.tui.app import run_app

            if args.app_preset is not None and args.app_load is not None:
                raise SpecError("--preset", "cannot be used with --load: the file brings its own settings")
            return run_app(lang=args.app_lang, preset=args.app_preset, load=args.app_load)
        for flag in ("lang", "preset", "load"):
            if getattr(args, f"app_{flag}") is not None:  # before the command it is the app's: ignored here
                own = flag in COMMAND_OPTIONS.get(args.command, ())
                raise SpecError(f"--{flag}", f"before {args.command!r} it is the app's option; " + (
                    f"write it after the command (ml101 {args.command} --{flag} …)" if own
                    else f"ml101 {args.command} has none"))
        code = args.run(args)
        stdout.flush_stdout()  # here, where a closed pipe or a full disk can still be told apart
        return code
    except SpecError as exc:
        where = exc.field if exc.field.startswith("ml101") else f"ml101: {flag_name(exc.field)}"
        from ml101.engine.safe_text import printable  # a typed or loaded value may hold escapes or be 100 000 long

        print(printable(f"{where}: {exc.message}", 600), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("ml101: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader has all it wanted (`| head`): no message, as head expects
        stdout.silence()
        return EXIT_OK
    except Exception as exc:  # a bug: say so in one line, details on request
        if isinstance(exc, OSError) and stdout.is_disk_full(exc):  # the disk's fault, not ml101's
            print(stdout.disk_full_line(exc), file=sys.stderr)
            stdout.silence()  # what stdout still buffers must not fail again at exit
            return EXIT_BAD_INPUT
        if os.environ.get("ML101_DEBUG"):
            raise
        from ml101.engine.safe_text import printable
        from ml101.tui import crash  # the same log as the app's, so one report has the whole traceback

        log = crash.write_log(exc)
        print(f"ml101: internal error ({crash.what(exc)}); the details are in {printable(log) if log else 'no file'}"
              " (ML101_DEBUG=1 shows them here)", file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
