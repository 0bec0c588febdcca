"""User settings and the list of recent experiments, kept where the platform keeps such things.

`config.toml` in the user config folder (e.g. ~/.config/ml101/config.toml) holds

    language = "de"          # en | de; empty: from the locale
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

from engine.store import atomic_write

# The themes worth suggesting; any theme Textual ships is accepted.
THEMES = ("textual-dark", "textual-light", "ansi-dark", "ansi-light", "nord", "gruvbox", "monokai", "dracula")
THEME_ALIASES = {"textual-ansi": "ansi-dark"}
ENV = {"language": "ML101_LANG", "theme": "ML101_THEME", "preset": "ML101_PRESET", "threads": "ML101_THREADS"}
MAX_RECENT = 10


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
    `kind` ("unreadable", "unknown" or "value"), the setting, the value and what is allowed."""

    kind: str
    where: str = ""
    setting: str = ""
    value: str = ""
    allowed: str = ""  # for "value": the allowed values; for "unreadable": the TOML parser's complaint

    def __str__(self) -> str:
        if self.kind == "unreadable":
            return f"{self.where}: ignored, not readable TOML ({self.allowed})"
        if self.kind == "unknown":
            return f"{self.where}: unknown setting {self.setting!r} ignored"
        return f"{self.where}: {self.setting} = {self.value} ignored; allowed: {self.allowed}"


def config_dir() -> Path:
    if os.environ.get("ML101_CONFIG_DIR"):
        return Path(os.environ["ML101_CONFIG_DIR"])
    from platformdirs import user_config_path

    return user_config_path("ml101", appauthor=False)


def config_path() -> Path:
    return config_dir() / "config.toml"


def allowed(name: str) -> str:
    from engine.spec import PRESETS

    return {"language": "en, de", "theme": ", ".join(THEMES) + ", …", "preset": ", ".join(PRESETS),
            "threads": "1–64"}[name]


def _checked(name: str, value) -> object:
    """The value as the app uses it; ValueError when it is not allowed."""
    from textual.theme import BUILTIN_THEMES

    from engine.spec import PRESETS

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
    ok = {"language": ("", "en", "de"), "theme": BUILTIN_THEMES, "preset": PRESETS}[name]
    if value not in ok:
        raise ValueError(name)
    return value


def load_settings(path: Path | None = None, env=None) -> Settings:
    env = os.environ if env is None else env
    path = path or config_path()
    settings, problems = Settings(), []
    values: dict = {}
    source = {}  # setting -> where its value came from: the file or an environment variable
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            problems.append(Problem("unreadable", where=str(path), allowed=str(exc)))
    for name, var in ENV.items():
        if env.get(var):
            values[name] = env[var]
            source[name] = var
    known = {f.name for f in fields(Settings)} - {"problems"}
    for name, value in values.items():
        if name not in known:
            problems.append(Problem("unknown", where=str(path), setting=name))
            continue
        try:
            settings = replace(settings, **{name: _checked(name, value)})
        except (ValueError, TypeError):
            shown = json.dumps(value) if isinstance(value, str) else str(value)
            problems.append(Problem("value", where=source.get(name, str(path)), setting=name, value=shown[:40],
                                    allowed=allowed(name)))
    return replace(settings, problems=tuple(problems))


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"language = {json.dumps(settings.language)}", f"theme = {json.dumps(settings.theme)}",
             f"preset = {json.dumps(settings.preset)}", f"threads = {settings.threads}"]
    atomic_write(path, ("\n".join(lines) + "\n").encode())


def language_from_locale(env=None) -> str:
    env = os.environ if env is None else env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):
            return "de" if env[var].lower().startswith("de") else "en"
    return "en"


# recent experiments ----------------------------------------------------------------------------------------
def recent_path() -> Path:
    return config_dir() / "recent.json"


def recent_experiments() -> list[str]:
    """Saved experiment files, newest first, that still exist."""
    try:
        entries = json.loads(recent_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [p for p in entries if isinstance(p, str) and Path(p).is_file()][:MAX_RECENT]


def remember_experiment(path: str | os.PathLike) -> None:
    resolved = str(Path(path).resolve())
    entries = [resolved] + [p for p in recent_experiments() if p != resolved]
    try:
        recent_path().parent.mkdir(parents=True, exist_ok=True)
        atomic_write(recent_path(), json.dumps(entries[:MAX_RECENT], indent=1).encode())
    except OSError:
        pass  # a read-only home must not break saving the experiment itself
