"""User settings and the list of recent experiments, kept where the platform keeps such things.

`config.toml` in the user config folder (e.g. ~/.config/ml101/config.toml) holds

    language = "de"          # any language with a catalogue, assets/i18n/<code>.toml; empty: from the locale
    theme = "ansi-dark"      # any Textual theme; ansi-dark/ansi-light use the terminal's 16 colours
    preset = "quick"         # what the app opens with (unless `ml101 --preset` says otherwise)
    threads = 1              # CPU threads for PyTorch training

Environment variables win over the file: ML101_LANG, ML101_THEME, ML101_PRESET, ML101_THREADS.
A broken file never stops the app: each problem becomes a `Problem` (the app shows it as a notification
in the user's language) and that setting keeps its default. "textual-ansi", the 16-colour theme's name in
older Textual versions, is read as "ansi-dark".
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ml101.engine.errors import SpecError
from ml101.engine.safe_text import printable
from ml101.engine.store import atomic_write
from ml101.engine.user_files import read_bounded
from ml101.tui import languages

# The themes worth suggesting; any theme Textual ships is accepted.
THEMES = ("textual-dark", "textual-light", "ansi-dark", "ansi-light", "nord", "gruvbox", "monokai", "dracula")
THEME_ALIASES = {"textual-ansi": "ansi-dark"}
ENV = {"language": "ML101_LANG", "theme": "ML101_THEME", "preset": "ML101_PRESET", "threads": "ML101_THREADS"}
MAX_RECENT = 10
MAX_OWN_FILE_BYTES = 64 * 1024  # config.toml and recent.json are a few hundred bytes; more is not ours
MAX_PROBLEMS = 5  # named one by one; a file of a thousand bad lines gets one more line saying so


@dataclass(frozen=True)
class Settings:
    language: str = ""
    theme: str = "textual-dark"
    preset: str = "quick"
    threads: int = 1
    problems: tuple[Problem, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Problem:
    """Why part of the config was ignored. `str()` says it in English; the app words it per language from
    `kind` ("unreadable", "unknown", "value" or "more": how many further problems), the setting, the value
    and what is allowed."""

    kind: str
    where: str = ""
    setting: str = ""
    value: str = ""
    allowed: str = ""  # for "value": the allowed values; for "unreadable": the TOML parser's complaint

    def __str__(self) -> str:
        if self.kind == "unreadable":
            return f"{self.where}: ignored, {self.allowed}"
        if self.kind == "unknown":
            return f"{self.where}: unknown setting {self.setting!r} ignored"
        if self.kind == "more":
            return f"{self.where}: {self.value} more problems ignored"
        return f"{self.where}: {self.setting} = {self.value} ignored; allowed: {self.allowed}"


def config_dir() -> Path:
    if os.environ.get("ML101_CONFIG_DIR"):
        return Path(os.path.expanduser(os.environ["ML101_CONFIG_DIR"]))
    from platformdirs import user_config_path

    return user_config_path("ml101", appauthor=False)


def config_path() -> Path:
    return config_dir() / "config.toml"


def allowed(name: str) -> str:
    from ml101.engine.spec import PRESETS

    return {"language": ", ".join(languages.available()), "theme": ", ".join(THEMES) + ", …",
            "preset": ", ".join(PRESETS), "threads": "1–64"}[name]


def _checked(name: str, value) -> object:
    """The value as the app uses it; ValueError when it is not allowed."""
    from textual.theme import BUILTIN_THEMES

    from ml101.engine.spec import PRESETS

    if name == "threads":
        if isinstance(value, bool) or isinstance(value, float):  # TOML true/2.5 are not a thread count
            raise ValueError(name)
        value = int(value)
        if not 1 <= value <= 64:
            raise ValueError(name)
        return value
    if not isinstance(value, str):
        raise ValueError(name)
    value = value.strip()
    if name == "theme":
        value = THEME_ALIASES.get(value, value)
    ok = {"language": ("", *languages.available()), "theme": BUILTIN_THEMES, "preset": PRESETS}[name]
    if value not in ok:
        raise ValueError(name)
    return value


def load_settings(path: Path | None = None, env=None) -> Settings:
    env = os.environ if env is None else env
    path = path or config_path()
    settings, problems = Settings(), []
    values: dict = {}
    source = {}  # setting -> where its value came from: the file or an environment variable
    where = printable(str(path))
    if os.path.lexists(path):
        try:
            values = tomllib.loads(read_bounded(path, MAX_OWN_FILE_BYTES).decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError, ValueError, RecursionError) as exc:
            problems.append(Problem("unreadable", where=where, allowed=_why_unreadable(exc)))
    for name, var in ENV.items():
        if env.get(var):
            values[name] = env[var]
            source[name] = var
    known = {f.name for f in fields(Settings)} - {"problems"}
    for name, value in values.items():
        if name not in known:
            problems.append(Problem("unknown", where=where, setting=printable(name, 40)))
            continue
        try:
            settings = replace(settings, **{name: _checked(name, value)})
        except (ValueError, TypeError):
            problems.append(Problem("value", where=source.get(name, where), setting=name, value=_shown(value),
                                    allowed=allowed(name)))
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS + 1
        problems[MAX_PROBLEMS - 1:] = [Problem("more", where=where, value=str(more))]
    return replace(settings, problems=tuple(problems))


def _why_unreadable(exc: BaseException) -> str:
    from ml101.engine.user_files import TooBig

    if isinstance(exc, TooBig):
        return f"bigger than {MAX_OWN_FILE_BYTES // 1024} KiB, so not a settings file"
    if isinstance(exc, RecursionError):
        return "not readable TOML (nested too deeply)"
    if isinstance(exc, UnicodeDecodeError):
        return "not readable TOML (not UTF-8 text)"
    if isinstance(exc, tomllib.TOMLDecodeError):
        return printable(f"not readable TOML ({exc})", 120)
    if isinstance(exc, OSError):
        return printable(f"cannot be read ({exc.strerror or exc})", 120)
    return printable(str(exc), 120)  # IsNotRegular: "is a FIFO (named pipe), not a regular file" and such


def _shown(value) -> str:
    """A bad value as the file wrote it, short and safe: a 100 000-character string or a list nested 900
    deep is shown by its start."""
    import reprlib

    try:
        text = json.dumps(value) if isinstance(value, str) else reprlib.repr(value)
    except (ValueError, RecursionError):
        text = f"<a {type(value).__name__}>"
    return printable(text, 40)


def save_settings(settings: Settings, path: Path | None = None) -> bool:
    """Write the settings; False (nothing written) when config.toml is something ml101 does not write over
    (a FIFO, a device, a dangling link). OSError when the disk says no."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"language = {json.dumps(settings.language)}", f"theme = {json.dumps(settings.theme)}",
             f"preset = {json.dumps(settings.preset)}", f"threads = {settings.threads}"]
    try:
        atomic_write(path, ("\n".join(lines) + "\n").encode())
    except SpecError:
        return False
    return True


# recent experiments ----------------------------------------------------------------------------------------
def recent_path() -> Path:
    return config_dir() / "recent.json"


MAX_PATH_CHARS = 4096
_named: set[str] = set()  # problems with recent.json already told in this process: each is told once


def _recent_entries() -> tuple[list[str], list[str]]:
    """The usable entries of recent.json (newest first, files that still exist) and a note for each broken
    one. A missing file is no note; a file that is not a small regular JSON list is one note, never a hang."""
    path = recent_path()
    where = printable(str(path))
    try:
        entries = json.loads(read_bounded(path, MAX_OWN_FILE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return [], []
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: not JSON, not UTF-8, not a file
        return [], [f"{where}: ignored, {_why_unreadable(exc).replace('TOML', 'JSON')}"]
    if not isinstance(entries, list):
        return [], [f"{where}: ignored, not a list of file names"]
    good, notes = [], []
    for entry in entries[: MAX_RECENT * 10]:
        if not (isinstance(entry, str) and 0 < len(entry) <= MAX_PATH_CHARS and "\x00" not in entry
                and os.path.isabs(entry)):
            notes.append(f"{where}: skipped the entry {_shown(entry)} (not a file's full path)")
            continue
        try:
            if Path(entry).is_file() and entry not in good:
                good.append(entry)
        except (OSError, ValueError) as exc:  # a name too long for this system, a folder we may not enter
            notes.append(f"{where}: skipped the entry {_shown(entry)} ({printable(str(exc), 60)})")
    return good[:MAX_RECENT], notes


def _untold(notes: list[str]) -> list[str]:
    fresh = [n for n in notes if n not in _named]
    _named.update(fresh)
    return fresh


def recent_experiments() -> list[str]:
    """Saved experiment files, newest first, that still exist."""
    return _recent_entries()[0]


def recent_problems() -> list[str]:
    """What was wrong with recent.json, each line once per process (the next save rewrites it clean)."""
    return _untold(_recent_entries()[1])


def remember_experiment(path: str | os.PathLike) -> list[str]:
    """Put `path` first in the recent list. Never fails: the list is a convenience, and a broken entry or an
    unwritable folder must not break the save that was just made. Returns the notes not told yet."""
    try:
        resolved = str(Path(os.path.expanduser(os.fspath(path))).resolve())
        entries, notes = _recent_entries()
        entries = [resolved] + [p for p in entries if p != resolved]
        recent_path().parent.mkdir(parents=True, exist_ok=True)
        atomic_write(recent_path(), json.dumps(entries[:MAX_RECENT], indent=1).encode())
    except (OSError, ValueError, RuntimeError) as exc:  # SpecError (not a regular file) is a ValueError
        notes = [f"{printable(str(recent_path()))}: not updated ({printable(str(exc), 120)})"]
    return _untold(notes)
