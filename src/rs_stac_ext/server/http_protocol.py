"""uvicorn's h11 protocol with a time limit on reading a request's headers.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``) but waits forever for the
headers of a request that trickles in a byte at a time, and any byte received cancels the
keep-alive timer: a few thousand such connections hold the server's sockets and memory. This
protocol closes a connection whose request line and headers are not complete
``header_timeout_seconds`` after the connection opened, or after the previous response was
sent (with ``408 Request Timeout`` when part of a request had arrived).

The limit is set for a process by :func:`set_header_timeout`, or by the environment variable
``RS_STAC_HEADER_TIMEOUT_SECONDS`` (read when this module is imported, so worker processes
inherit it).
"""

from __future__ import annotations

import asyncio
import os

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "DEFAULT_HEADER_TIMEOUT_SECONDS",
    "HEADER_TIMEOUT_ENV",
    "HeaderTimeoutProtocol",
    "set_header_timeout",
]

DEFAULT_HEADER_TIMEOUT_SECONDS = 10.0
HEADER_TIMEOUT_ENV = "RS_STAC_HEADER_TIMEOUT_SECONDS"
_TIMED_OUT_BODY = b"the request headers came too late"
_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_TIMED_OUT_BODY), _TIMED_OUT_BODY)
)


def _from_environment() -> float:
    text = os.environ.get(HEADER_TIMEOUT_ENV)
    try:
        value = float(text) if text else DEFAULT_HEADER_TIMEOUT_SECONDS
    except ValueError:
        return DEFAULT_HEADER_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_HEADER_TIMEOUT_SECONDS


class HeaderTimeoutProtocol(H11Protocol):
    """H11Protocol that closes connections whose request headers take too long."""

    header_timeout_seconds: float = _from_environment()
    """Time allowed for the request line and headers, for every connection of the process."""

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request's headers."""
        super().connection_made(transport)
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        """Parse as usual; stop the clock once a request's headers are complete."""
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm_header_timer()

    def on_response_complete(self) -> None:
        """Start the clock again for the next request on this connection."""
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock."""
        self._disarm_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(
            self.header_timeout_seconds, self._headers_too_late
        )

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_late(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        received, _ = self.conn.trailing_data
        if received:
            self.transport.write(_TIMED_OUT)
        self.transport.close()


def set_header_timeout(seconds: float) -> None:
    """Set the time allowed for request headers, in this process and its worker processes.

    Args:
        seconds: A positive number of seconds.

    Raises:
        ValueError: ``seconds`` is not positive.
    """
    if not seconds > 0:
        raise ValueError("the header timeout must be a positive number of seconds")
    HeaderTimeoutProtocol.header_timeout_seconds = seconds
    os.environ[HEADER_TIMEOUT_ENV] = repr(seconds)
