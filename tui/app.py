"""Placeholder until the Train screen lands (issue 3)."""


def run_app(lang=None, preset=None, load=None) -> int:
    raise NotImplementedError("the app is being built")
