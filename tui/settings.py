"""User settings and the list of recent experiments, kept where the platform keeps such things.

`config.toml` in the user config folder (e.g. ~/.config/ml101/config.toml) holds

    language = "de"          # en | de; empty: from the locale
    theme = "textual-ansi"   # any Textual theme; textual-ansi reads well with 16 colours
    preset = "quick"         # what the app opens with
    threads = 1              # CPU threads for training

Environment variables win over the file: ML101_LANG, ML101_THEME, ML101_PRESET, ML101_THREADS.
A broken file never stops the app: its problems are reported and the defaults used.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from engine.store import atomic_write

THEMES = ("textual-dark", "textual-light", "textual-ansi", "nord", "gruvbox", "monokai", "dracula")
ENV = {"language": "ML101_LANG", "theme": "ML101_THEME", "preset": "ML101_PRESET", "threads": "ML101_THREADS"}
MAX_RECENT = 10


@dataclass(frozen=True)
class Settings:
    language: str = ""
    theme: str = "textual-dark"
    preset: str = "quick"
    threads: int = 1
    problems: tuple[str, ...] = field(default=(), compare=False)


def config_dir() -> Path:
    if os.environ.get("ML101_CONFIG_DIR"):
        return Path(os.environ["ML101_CONFIG_DIR"])
    from platformdirs import user_config_path

    return user_config_path("ml101", appauthor=False)


def config_path() -> Path:
    return config_dir() / "config.toml"


def _checked(name: str, value) -> object:
    from engine.spec import PRESETS

    if name == "language" and value not in ("", "en", "de"):
        raise ValueError("must be en or de")
    if name == "theme" and value not in THEMES:
        raise ValueError(f"must be one of {', '.join(THEMES)}")
    if name == "preset" and value not in PRESETS:
        raise ValueError(f"must be one of {', '.join(PRESETS)}")
    if name == "threads":
        value = int(value)
        if not 1 <= value <= 64:
            raise ValueError("must be from 1 to 64")
    return value


def load_settings(path: Path | None = None, env=None) -> Settings:
    env = os.environ if env is None else env
    path = path or config_path()
    settings, problems = Settings(), []
    values: dict = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            problems.append(f"{path}: ignored, not readable TOML ({exc})")
    for name, var in ENV.items():
        if env.get(var):
            values[name] = env[var]
    known = {f.name for f in fields(Settings)} - {"problems"}
    for name, value in values.items():
        if name not in known:
            problems.append(f"{path}: unknown setting {name!r} ignored")
            continue
        try:
            settings = replace(settings, **{name: _checked(name, value)})
        except (ValueError, TypeError) as exc:
            problems.append(f"setting {name}={value!r} ignored: {exc}")
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
