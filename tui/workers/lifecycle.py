"""Ending the process quickly once the app has closed.

With PyTorch loaded, Python's own teardown (freeing modules, unloading torch's libraries) takes 0.5-1.5 s
on a busy two-core laptop, after the screen is already gone: `q` would seem to hang. Everything ml101
writes is written and synced before the app closes (saves are atomic), so nothing is lost by skipping it.
"""

from __future__ import annotations

import logging
import os
import sys

WORKER_GRACE_SECONDS = 1.0


def exit_now_if_torch(app, code: int) -> None:
    """End the process at once with `code`, if `app` really ran in a terminal and PyTorch is loaded."""
    if "torch" not in sys.modules or app.return_code is None or app.is_headless:
        return  # tests (headless, or run() replaced) and NumPy-only sessions end the normal way, fast enough
    # A save the training worker had begun is finished first: the worker ends after its current command.
    for screen in getattr(app, "_screens", {}).values():
        runner = getattr(screen, "runner", None)
        if runner is not None and runner.worker is not None:
            runner.stopped.wait(WORKER_GRACE_SECONDS)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
