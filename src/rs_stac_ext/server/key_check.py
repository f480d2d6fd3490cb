"""Checking presented API keys so that made-up keys cost next to nothing.

A key is judged in this order, each step cheaper than the next:

1. a key seen valid before is found in a cache (by its SHA-256; only valid keys are cached,
   so a flood of made-up keys cannot push real ones out);
2. the key id a key starts with (see :mod:`rs_stac_ext.server.keys`) picks the one stored hash
   to check; a key whose id no user has is refused without running scrypt, unless hashes
   without an id remain in the configuration (those are checked in turn);
3. a client whose keys failed a scrypt check too often lately is refused before any further
   scrypt run (:class:`TooManyFailuresError`, answered 429), counted per client address;
4. scrypt runs in at most ``scrypt_slots`` threads at once; a check that finds every slot
   busy for ``slot_wait_seconds`` is refused with :class:`KeyCheckBusyError` (503), so a
   flood can neither take all the memory nor hold every worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from rs_stac_ext.server.keys import KeyHash, key_id

__all__ = ["KeyCheckBusyError", "KeyChecker", "TooManyFailuresError"]

_LOG = logging.getLogger(__name__)


class TooManyFailuresError(Exception):
    """A client sent too many invalid API keys lately (answer 429).

    Attributes:
        retry_after: Seconds until the client's count is reset.
    """

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many invalid API keys from this address; retry in {retry_after} s")
        self.retry_after = retry_after


class KeyCheckBusyError(Exception):
    """Every scrypt slot stayed busy: the key could not be checked now (answer 503)."""


class _FailureCounter:
    """Invalid keys per client in fixed windows, for a bounded number of clients."""

    def __init__(self, limit: int, window_seconds: float, clients: int, clock: Callable[[], float]):
        self.limit = limit
        self.window = window_seconds
        self.clients = clients
        self._clock = clock
        self._counts: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def retry_after(self, client: str) -> int | None:
        """Seconds the client must wait, or ``None`` when it may try (call under a lock)."""
        entry = self._counts.get(client)
        if entry is None:
            return None
        started, count = entry
        left = started + self.window - self._clock()
        if left <= 0:
            del self._counts[client]
            return None
        return max(1, int(left + 0.999)) if count >= self.limit else None

    def add(self, client: str) -> None:
        """Count one invalid key (call under a lock)."""
        now = self._clock()
        started, count = self._counts.pop(client, (now, 0))
        if now - started >= self.window:
            started, count = now, 0
        self._counts[client] = (started, count + 1)
        while len(self._counts) > self.clients:
            self._counts.popitem(last=False)


class KeyChecker:
    """Tells whose API key a presented key is.

    Thread-safe; one instance serves every request of a process.

    Args:
        keys: (user name, stored hash) pairs from the configuration.
        cache_size: Valid keys remembered.
        scrypt_slots: Key derivations run at once.
        slot_wait_seconds: Longest wait for a free slot before :class:`KeyCheckBusyError`.
        failures_per_client: Invalid keys a client may send per window.
        failure_window_seconds: Length of that window.
        tracked_clients: Clients whose failures are remembered (the oldest are forgotten).
        clock: Monotonic clock (seconds).
    """

    def __init__(
        self,
        keys: Iterable[tuple[str, KeyHash]],
        *,
        cache_size: int = 4096,
        scrypt_slots: int = 2,
        slot_wait_seconds: float = 2.0,
        failures_per_client: int = 20,
        failure_window_seconds: float = 60.0,
        tracked_clients: int = 65536,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._by_id: dict[str, list[tuple[str, KeyHash]]] = {}
        self._without_id: list[tuple[str, KeyHash]] = []
        for name, stored in keys:
            if stored.key_id is None:
                self._without_id.append((name, stored))
            else:
                self._by_id.setdefault(stored.key_id, []).append((name, stored))
        if self._without_id:
            _LOG.warning(
                "%d API key hash(es) have no key id: every unknown key is checked against "
                "them (one scrypt run each); re-issue them with 'rs-stac serve hash-key "
                "--generate'",
                len(self._without_id),
            )
        self.cache_size = cache_size
        self.slot_wait_seconds = slot_wait_seconds
        self._slots = threading.BoundedSemaphore(scrypt_slots)
        self._failures = _FailureCounter(
            failures_per_client, failure_window_seconds, tracked_clients, clock
        )
        self._cache: OrderedDict[bytes, str] = OrderedDict()
        self._pending: dict[bytes, threading.Event] = {}
        self._lock = threading.Lock()
        self.derivations = 0
        """How many scrypt runs were made (for logs and tests)."""

    def cached_owner(self, key: str) -> str | None:
        """Return the user of a key already known valid, without any check; else ``None``."""
        digest = _digest(key)
        with self._lock:
            name = self._cache.get(digest)
            if name is not None:
                self._cache.move_to_end(digest)
            return name

    def verdict_without_scrypt(
        self, key: str, client: str | None = None
    ) -> tuple[bool, str | None]:
        """Judge a key when that needs no scrypt run (never blocks).

        Args:
            key: The presented key.
            client: The client's address, for the per-client limit.

        Returns:
            ``(True, user)`` for a key known valid, ``(True, None)`` for a key no stored hash
            could match, ``(False, None)`` when :meth:`owner` has to run scrypt.

        Raises:
            TooManyFailuresError: The key needs scrypt and the client is over its limit.
        """
        name = self.cached_owner(key)
        if name is not None:
            return True, name
        if not self._candidates(key):
            return True, None
        if client is not None:
            with self._lock:
                wait = self._failures.retry_after(client)
            if wait is not None:
                raise TooManyFailuresError(wait)
        return False, None

    def owner(self, key: str, client: str | None = None) -> str | None:
        """Return the user whose key this is, or ``None`` for an invalid key.

        Blocking (may run scrypt): call it from a worker thread.

        Args:
            key: The presented key.
            client: The client's address, for the per-client limit (``None``: not limited).

        Returns:
            The user name, or ``None``.

        Raises:
            TooManyFailuresError: The client sent too many invalid keys lately.
            KeyCheckBusyError: No scrypt slot became free in time.
        """
        digest = _digest(key)
        # One check per key at a time: requests arriving while a key is checked wait for it.
        while True:
            with self._lock:
                name = self._cache.get(digest)
                if name is not None:
                    self._cache.move_to_end(digest)
                    return name
                pending = self._pending.get(digest)
                if pending is None:
                    self._pending[digest] = threading.Event()
            if pending is None:
                break
            pending.wait()
        name = None
        try:
            name = self._check(key, client)
        finally:
            with self._lock:
                if name is not None:
                    self._cache[digest] = name
                    if len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
                self._pending.pop(digest).set()
        return name

    def _candidates(self, key: str) -> list[tuple[str, KeyHash]]:
        kid = key_id(key)
        return (self._by_id.get(kid) if kid is not None else None) or self._without_id

    def _check(self, key: str, client: str | None) -> str | None:
        candidates = self._candidates(key)
        if not candidates:
            return None  # no hash to check: refused for free, whoever sends it
        if client is not None:
            with self._lock:
                wait = self._failures.retry_after(client)
            if wait is not None:
                raise TooManyFailuresError(wait)
        for name, stored in candidates:
            if self._matches(stored, key):
                return name
        if client is not None:
            with self._lock:
                self._failures.add(client)
        return None

    def _matches(self, stored: KeyHash, key: str) -> bool:
        if not self._slots.acquire(timeout=self.slot_wait_seconds):
            raise KeyCheckBusyError("the server is busy checking API keys; try again shortly")
        try:
            with self._lock:
                self.derivations += 1
            return stored.matches(key)
        finally:
            self._slots.release()


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()
