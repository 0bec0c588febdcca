"""Pilot's "has the app handled the input?" asked of the app's own thread, not the whole process.

Textual's `wait_for_idle` (textual/_wait.py) compares the process's CPU time with the wall clock and calls the
app idle once the process stops working. While the training worker runs, it never stops: every key press
and pause then waits Textual's full second (`press` waits twice per key), so a test that types three keys
while training spent about six seconds sleeping while the worker burnt a core. The event loop runs on the
thread that calls `wait_for_idle`, so that thread's own CPU time (`time.thread_time`) is exactly the work of
handling input, messages and repaints; the worker's thread and BLAS's are left out.
"""

from __future__ import annotations

from asyncio import sleep
from time import monotonic, thread_time

import textual.app
import textual.pilot
from textual._wait import SLEEP_GRANULARITY, SLEEP_IDLE


async def wait_for_idle(min_sleep: float = SLEEP_GRANULARITY, max_sleep: float = 1) -> None:
    """Textual's loop, line for line, with the event loop thread's CPU time instead of the process's."""
    start_time = monotonic()
    while True:
        cpu_time = thread_time()
        await sleep(SLEEP_GRANULARITY)
        cpu_elapsed = thread_time() - cpu_time
        elapsed_time = monotonic() - start_time
        if elapsed_time >= max_sleep:
            break
        if elapsed_time > min_sleep and cpu_elapsed < SLEEP_IDLE:
            break


def install() -> None:
    # Both modules imported the function by name; the original stays in textual._wait.
    textual.app.wait_for_idle = wait_for_idle
    textual.pilot.wait_for_idle = wait_for_idle
