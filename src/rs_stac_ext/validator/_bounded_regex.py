"""Python's ``re.search`` run in a helper process and stopped after a time limit.

Patterns the linear engine cannot read with Python's meaning
(:mod:`rs_stac_ext.validator._linear_regex`) are matched by Python's backtracking ``re``.
A C-level match cannot be interrupted from another thread, so it runs in a helper process
(started on first need, one per process, kept for later searches) that is killed when it
does not answer in time; the caller gets :class:`PatternTooSlow` and the document is
reported as not checked against that schema, with the reason.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import selectors
import subprocess
import sys
import threading
import time
from collections import OrderedDict

from rs_stac_ext.errors import RsStacExtError

__all__ = ["TIME_LIMIT", "PatternTooSlow", "bounded_search"]

TIME_LIMIT = 2.0
"""Seconds one search by Python's ``re`` may take before the check gives up."""

_WORKER = """
import json, re, sys
for line in sys.stdin.buffer:
    pattern, text = json.loads(line)
    sys.stdout.buffer.write(b"1\\n" if re.search(pattern, text) else b"0\\n")
    sys.stdout.buffer.flush()
"""


class PatternTooSlow(RsStacExtError, RuntimeError):  # noqa: N818 - reads as a verdict
    """A schema pattern that Python's ``re`` could not match against a text within the limit.

    Attributes:
        pattern: The pattern.
        seconds: The time limit that ran out.
        length: How many characters the text has.
    """

    def __init__(self, pattern: str, seconds: float, length: int) -> None:
        self.pattern = pattern
        self.seconds = seconds
        self.length = length
        shown = repr(pattern) if len(pattern) <= 80 else repr(pattern[:77]) + "..."
        super().__init__(
            f"the schema pattern {shown} did not finish on a text of {length} characters "
            f"within {seconds:g} s (it backtracks in Python's re, and has a construct the "
            "linear-time engine cannot read with Python's meaning)"
        )

    def __reduce__(self) -> tuple[type[PatternTooSlow], tuple[str, float, int]]:
        return (type(self), (self.pattern, self.seconds, self.length))


class _Helper:
    """One helper process running ``re.search``, restarted after it is killed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = 0

    def search(self, pattern: str, text: str, limit: float) -> bool:
        with self._lock:
            process = self._running()
            assert process.stdin is not None
            assert process.stdout is not None
            request = json.dumps([pattern, text]).encode("utf-8") + b"\n"
            try:
                process.stdin.write(request)
                process.stdin.flush()
                answer = self._read_line(process, limit)
            except OSError:  # the helper died (killed from outside, out of memory)
                answer = None
            if answer is None:
                self._stop()
                raise PatternTooSlow(pattern, limit, len(text))
            return answer == b"1\n"

    def _running(self) -> subprocess.Popen[bytes]:
        # A forked child must not share its parent's helper: it starts its own.
        if self._process is None or self._owner != os.getpid() or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-c", _WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=0,
            )
            self._owner = os.getpid()
        return self._process

    @staticmethod
    def _read_line(process: subprocess.Popen[bytes], limit: float) -> bytes | None:
        assert process.stdout is not None
        deadline = time.monotonic() + limit
        received = b""
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            while not received.endswith(b"\n"):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    return None
                chunk = os.read(process.stdout.fileno(), 64)
                if not chunk:
                    return None
                received += chunk
        return received

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None or self._owner != os.getpid():
            return
        process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()

    def close(self) -> None:
        """Stop the helper, if this process started one."""
        with self._lock:
            self._stop()


_HELPER = _Helper()
atexit.register(_HELPER.close)


def bounded_search(pattern: str, text: str, limit: float | None = None) -> bool:
    """Tell whether ``re.search(pattern, text)`` finds a match, giving up after ``limit`` s.

    Args:
        pattern: The pattern (Python's syntax and meaning).
        text: The text searched.
        limit: Seconds allowed; :data:`TIME_LIMIT` when not given.

    Raises:
        re.error: The pattern is not one Python reads (as python-jsonschema would raise).
        PatternTooSlow: No answer within the limit.
    """
    re.compile(pattern)
    seconds = TIME_LIMIT if limit is None else limit
    if _timed_out(pattern, text, seconds):
        raise PatternTooSlow(pattern, seconds, len(text))
    try:
        return _HELPER.search(pattern, text, seconds)
    except PatternTooSlow:
        _remember(pattern, text, seconds)
        raise


# Searches that ran out of time, so that asking again (the verdict, then the errors, then
# schema by schema) costs nothing: a few of the latest, by pattern, text and limit.
_SLOW: OrderedDict[tuple[str, str, float], None] = OrderedDict()
_SLOW_KEPT = 64
_SLOW_LOCK = threading.Lock()


def _timed_out(pattern: str, text: str, seconds: float) -> bool:
    with _SLOW_LOCK:
        return (pattern, text, seconds) in _SLOW


def _remember(pattern: str, text: str, seconds: float) -> None:
    with _SLOW_LOCK:
        _SLOW[(pattern, text, seconds)] = None
        while len(_SLOW) > _SLOW_KEPT:
            _SLOW.popitem(last=False)
