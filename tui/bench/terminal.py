"""The app as a person meets it, measured: `ml101` in a pseudo-terminal, driven with key presses.

Each session is a fresh `ml101` process on its own pty (80×24 unless told otherwise, TERM xterm-256color,
COLORTERM truecolor, English, a throw-away config folder). A reader thread timestamps every chunk the app
writes, so we can tell when a frame arrived, how many bytes a second went to the terminal, and what the
status line said (`Epoch <n>`, a contract of the Train screen). Peak memory is the kernel's high-water
mark of the app's resident memory just before it quits: the whole run's peak, not a sample.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass, field

# CSI, OSC, DCS/APC strings and two-byte escapes: what lies between the characters a person reads
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b.")
EPOCH = re.compile(rb"Epoch (\d+)")


def ml101_command() -> list[str]:
    """This interpreter running ml101's CLI: the same code as the `ml101` script, wherever it is installed."""
    return [sys.executable, "-c", "import sys; from ml101.tui.cli import main; sys.exit(main())"]


@dataclass
class PtySession:
    args: list[str]
    columns: int = 80
    rows: int = 24
    env: dict = field(default_factory=dict)
    chunks: list = field(default_factory=list)  # (seconds since start, bytes)

    def start(self) -> PtySession:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.columns, 0, 0))
        self._config = tempfile.mkdtemp(prefix="ml101-bench-")
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                   ML101_CONFIG_DIR=self._config, ML101_LANG="en", **self.env)
        env.pop("NO_COLOR", None)
        self.started = time.perf_counter()
        # A new session, the pty as all three standard streams: what a terminal emulator gives a shell.
        self._process = subprocess.Popen(self.args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                         start_new_session=True, close_fds=True)
        self.pid = self._process.pid
        os.close(slave)
        self.master = master
        self.returncode = None
        self.peak_rss_mb = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the app closed its side
                return
            if not data:
                return
            self.chunks.append((time.perf_counter() - self.started, data))

    # reading ---------------------------------------------------------------------------------------------
    def now(self) -> float:
        return time.perf_counter() - self.started

    def bytes_between(self, t0: float, t1: float) -> int:
        return sum(len(data) for t, data in list(self.chunks) if t0 <= t < t1)

    def text_since(self, t0: float) -> bytes:
        """What a person would read in the output after t0 (escape sequences removed)."""
        return ESCAPES.sub(b"", b"".join(data for t, data in list(self.chunks) if t >= t0))

    def wait_for(self, pattern: bytes, since: float = 0.0, timeout: float = 20.0) -> float | None:
        """Seconds since start when `pattern` had appeared in the output after `since`, or None."""
        deadline = time.perf_counter() + timeout
        seen = 0
        while time.perf_counter() < deadline:
            chunks = [(t, d) for t, d in list(self.chunks) if t >= since]
            if len(chunks) != seen:
                seen = len(chunks)
                text = b""
                for t, data in chunks:
                    text += ESCAPES.sub(b"", data)
                    if pattern in text:
                        return t
            if not self._reader.is_alive():
                return None
            time.sleep(0.002)
        return None

    def last_epoch(self, until: float) -> int | None:
        """The last `Epoch <n>` the status line showed up to `until`."""
        text = ESCAPES.sub(b"", b"".join(data for t, data in list(self.chunks) if t < until)[-20000:])
        found = EPOCH.findall(text)
        return int(found[-1]) if found else None

    # writing and ending ----------------------------------------------------------------------------------
    def press(self, key: bytes) -> float:
        os.write(self.master, key)
        return self.now()

    def close(self, quit_key: bytes = b"q", timeout: float = 10.0) -> None:
        """Read the app's peak memory so far, then quit with `quit_key` (killed if it does not end)."""
        self.peak_rss_mb = peak_rss_mb(self.pid)
        try:
            os.write(self.master, quit_key)
        except OSError:
            pass
        deadline = time.perf_counter() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.kill(self.pid, 9)
                pid, status = os.waitpid(self.pid, 0)
                break
            time.sleep(0.02)
        self.returncode = self._process.returncode = os.waitstatus_to_exitcode(status)
        self._reader.join(timeout=1)
        os.close(self.master)
        shutil.rmtree(self._config, ignore_errors=True)


def peak_rss_mb(pid: int) -> float:
    """The process's resident-memory high-water mark (VmHWM). Not getrusage: a child's ru_maxrss starts
    from its parent's size at fork, and this parent may hold torch."""
    return _status_kb(pid, "VmHWM") / 1024


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status: memory is measured on Linux only")


def first_frame(extra_args: list[str] | None = None) -> dict:
    """Process start to the first frame with the status line, and the app's peak memory."""
    session = PtySession([*ml101_command(), *(extra_args or [])]).start()
    seen = session.wait_for(b"Epoch", timeout=30)
    session.close()
    if seen is None:
        raise RuntimeError("the app showed no status line within 30 s")
    return {"first_frame_seconds": seen, "peak_rss_mb": session.peak_rss_mb}


def memory_with_torch(extra_args: list[str], timeout: float = 60.0) -> float:
    """Peak memory of the app once torch is loaded (its library mapped) and a frame was drawn after that."""
    session = PtySession([*ml101_command(), *extra_args]).start()
    try:
        deadline = time.perf_counter() + timeout
        while not _maps_library(session.pid, "libtorch"):
            if time.perf_counter() > deadline or not session._reader.is_alive():
                raise RuntimeError(f"the app did not load torch within {timeout:g} s")
            time.sleep(0.05)
        # importing torch and building the net take a while after the library is mapped: wait until memory
        # stops growing for a second and the screen has been drawn since the library came
        loaded = session.now()
        settled, size = 0, _status_kb(session.pid, "VmRSS")
        while settled < 5:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"the app's memory did not settle within {timeout:g} s")
            time.sleep(0.2)
            now = _status_kb(session.pid, "VmRSS")
            settled = settled + 1 if now - size < 1024 else 0
            size = now
        if session.wait_for(b"Epoch", since=loaded, timeout=timeout) is None:
            raise RuntimeError("the app drew no frame after loading torch")
    finally:
        session.close()
    return session.peak_rss_mb


def _maps_library(pid: int, name: str) -> bool:
    try:
        with open(f"/proc/{pid}/maps") as maps:
            return any(name in line for line in maps)
    except OSError:
        return False


def help_marker() -> bytes:
    """A line only the help overlay shows, in English (the sessions run with ML101_LANG=en)."""
    from ml101.tui.languages import read_catalogue

    return read_catalogue("en")["help.close"].encode()


def epochs_seen(session: PtySession, t0: float, t1: float) -> list[tuple[float, int]]:
    """(arrival time, epoch) of every status line update between t0 and t1."""
    seen = []
    for t, data in list(session.chunks):
        if t0 <= t < t1:
            found = EPOCH.findall(ESCAPES.sub(b"", data))
            if found:
                seen.append((t, int(found[-1])))
    return seen


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


def training_session(experiment: str, seconds: float, presses: int, columns: int = 80, rows: int = 24,
                     progress=None) -> dict:
    """Train `experiment` (a saved file, opened with --load) in the app for `seconds`, then press ? (help)
    `presses` times while it keeps training, then pause. Returns the app's steps/s from its status line,
    bytes/s written while training and while paused, key-press-to-repaint latencies and peak memory."""
    say = progress or (lambda _message: None)
    session = PtySession([*ml101_command(), "--load", experiment], columns, rows).start()
    try:
        if session.wait_for(b"Epoch", timeout=30) is None:
            raise RuntimeError("the app showed no status line within 30 s")
        time.sleep(0.3)
        say(f"app: training at {columns}×{rows} for {seconds:g} s")
        session.press(b" ")
        time.sleep(1.0)  # let the worker settle on its chunk size
        t0 = session.now()
        time.sleep(seconds)
        t1 = session.now()
        seen = epochs_seen(session, t0, t1)
        if len(seen) < 2 or seen[-1][0] <= seen[0][0]:
            raise RuntimeError("the status line did not show training progress")
        (ta, ea), (tb, eb) = seen[0], seen[-1]
        result = {
            "app_steps_per_second": (eb - ea) / (tb - ta),
            "bytes_per_second_training": session.bytes_between(t0, t1) / (t1 - t0),
        }
        say(f"app: {presses} key presses while training")
        marker, latencies = help_marker(), []
        for _ in range(presses):
            pressed = session.press(b"?")
            shown = session.wait_for(marker, since=pressed, timeout=5)
            if shown is None:
                raise RuntimeError("the help overlay did not appear within 5 s of pressing ?")
            latencies.append(shown - pressed)
            time.sleep(0.15)
            session.press(b"?")  # closes it again
            time.sleep(0.35)
        result["key_latency_p50_ms"] = 1000 * percentile(latencies, 50)
        result["key_latency_p95_ms"] = 1000 * percentile(latencies, 95)
        session.press(b" ")  # pause
        time.sleep(1.0)
        t2 = session.now()
        time.sleep(2.0)
        result["bytes_per_second_paused"] = session.bytes_between(t2, session.now()) / (session.now() - t2)
    finally:
        session.close()
    result["peak_rss_mb"] = session.peak_rss_mb
    return result
