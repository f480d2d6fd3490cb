"""The only place rs-stac-ext downloads anything: allowed hosts only, with size and time limits.

Used by the schema resolver (schemas) and the readers (STAC API item and search URLs). A URL
whose host is not on the allow-list is refused before any connection is opened; redirects are
followed only to the same allowed host; bodies larger than the limit are cut off while streaming.

Certificates are checked against the system's trust store (OpenSSL's defaults, which honour
``SSL_CERT_FILE`` and ``SSL_CERT_DIR``), or against one PEM bundle only: the ``ca_bundle``
argument, else the ``RS_STAC_CA_BUNDLE`` environment variable (for a private CA, such as an
in-house schema server or a test server).
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rs_stac_ext import __version__
from rs_stac_ext.errors import RsStacExtError

if TYPE_CHECKING:
    import ssl
    import urllib.request

__all__ = ["CA_BUNDLE_ENV", "AllowList", "HttpRefusedError", "download"]

CA_BUNDLE_ENV = "RS_STAC_CA_BUNDLE"
"""Environment variable naming a PEM file of the only certificate authorities to trust."""

DEFAULT_PORTS = {"http": 80, "https": 443}
_CHUNK = 64 * 1024
_MAX_REDIRECTS = 5


class HttpRefusedError(RsStacExtError):
    """A URL that may not be fetched, or whose download failed.

    Attributes:
        url: The URL.
        reason: Why, in a few words.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


@dataclass(frozen=True)
class _Endpoint:
    scheme: str
    host: str
    port: int


def _parse_entry(entry: str) -> _Endpoint:
    text = entry.strip()
    explicit = "://" in text
    parts = urlsplit(text if explicit else f"https://{text}")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"invalid allowed host {entry!r}: {exc}") from None
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise ValueError(
            f"invalid allowed host {entry!r}: expected 'host', 'host:port', 'https://host[:port]' "
            "or 'http://host[:port]'"
        )
    return _Endpoint(parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme])


class AllowList:
    """The hosts that may be contacted.

    Args:
        entries: ``host`` or ``host:port`` (https only), ``https://host[:port]``, or
            ``http://host[:port]`` to allow plain http to exactly that address.

    Raises:
        ValueError: A malformed entry.
    """

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.entries = tuple(entries)
        self._allowed = frozenset(_parse_entry(entry) for entry in self.entries)

    def __bool__(self) -> bool:
        return bool(self._allowed)

    def refusal(self, url: str) -> str | None:
        """Say why ``url`` may not be fetched, or return ``None`` when it may."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in DEFAULT_PORTS:
            return f"only http(s) URLs are ever fetched, not {parts.scheme or 'relative'} ones"
        if parts.username is not None or parts.password is not None:
            return f"URIs with user information are never fetched ({host})"
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            return "the URI has an invalid port"
        if _Endpoint(parts.scheme, host, port) in self._allowed:
            return None
        if parts.scheme == "http" and any(
            e.scheme == "https" and e.host == host for e in self._allowed
        ):
            return (
                f"plain http to {host} is not allowed (allow it explicitly with "
                f"--allow-host http://{parts.netloc})"
            )
        return f"host {parts.netloc or host} is not allowed (use --allow-host)"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@cache
def _same_host_redirects() -> type[urllib.request.HTTPRedirectHandler]:
    """Return the redirect handler class (urllib is imported on the first download only)."""
    import urllib.request

    class SameHostRedirects(urllib.request.HTTPRedirectHandler):
        max_redirections = _MAX_REDIRECTS

        def __init__(self, allowed: AllowList, url: str) -> None:
            super().__init__()
            self._allowed = allowed
            self._url = url
            self._host = urlsplit(url).hostname

        def redirect_request(
            self,
            req: urllib.request.Request,
            fp: Any,
            code: int,
            msg: str,
            headers: Any,
            newurl: str,
        ) -> urllib.request.Request | None:
            target = urlsplit(newurl)
            if target.hostname != self._host or self._allowed.refusal(newurl) is not None:
                fp.close()
                raise HttpRefusedError(
                    self._url, f"redirect to {newurl} refused (only the same allowed host)"
                )
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return SameHostRedirects


def download(
    url: str,
    allowed: AllowList,
    *,
    max_bytes: int,
    timeout: float,
    accept: str = "application/json",
    ca_bundle: str | Path | None = None,
) -> tuple[bytes, str]:
    """Download a URL from an allowed host.

    Args:
        url: The URL.
        allowed: The hosts that may be contacted.
        max_bytes: Largest body accepted.
        timeout: Seconds allowed for the whole download.
        accept: The ``Accept`` header.
        ca_bundle: A PEM file of the only certificate authorities to trust over https
            (default: ``$RS_STAC_CA_BUNDLE``, else the system's trust store).

    Returns:
        The body and the final URL (after same-host redirects).

    Raises:
        HttpRefusedError: Host not allowed, HTTP error, time-out, body too large, or an
            unreadable CA bundle.
    """
    import http.client
    import urllib.error
    import urllib.request

    refusal = allowed.refusal(url)
    if refusal is not None:
        raise HttpRefusedError(url, refusal)
    host = urlsplit(url).hostname or ""
    context = _tls_context(url, ca_bundle)
    opener = urllib.request.OpenerDirector()
    deadline = _Deadline(timeout)
    plain, secure = _deadline_handlers()
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.ProxyHandler({} if _is_loopback(host) else None),
        plain(deadline),
        secure(deadline, context=context),
        _same_host_redirects()(allowed, url),  # type: ignore[call-arg]
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ]
    for handler in handlers:
        opener.add_handler(handler)
    request = urllib.request.Request(
        url, headers={"Accept": accept, "User-Agent": f"rs-stac-ext/{__version__}"}
    )
    try:
        with deadline, opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise HttpRefusedError(
                    url, f"response of {declared} bytes exceeds the {max_bytes}-byte limit"
                )
            chunks: list[bytes] = []
            total = 0
            while chunk := response.read1(_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise HttpRefusedError(url, f"response exceeds the {max_bytes}-byte limit")
                if deadline.passed():
                    raise HttpRefusedError(url, f"timed out after {timeout:g} s")
                chunks.append(chunk)
            if deadline.passed():  # the watchdog may have cut the response short
                raise HttpRefusedError(url, f"timed out after {timeout:g} s")
            final_url: str = response.geturl()
    except HttpRefusedError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:  # URLError is an OSError
        if deadline.passed():  # the watchdog closed the connection: whatever broke, time is up
            raise HttpRefusedError(url, f"timed out after {timeout:g} s") from None
        raise _refusal(url, exc, timeout) from None
    return b"".join(chunks), final_url


def _refusal(url: str, exc: Exception, timeout: float) -> HttpRefusedError:
    """The refusal that a failed download's exception means."""
    import urllib.error

    if isinstance(exc, urllib.error.HTTPError):
        exc.close()
        return HttpRefusedError(url, f"HTTP {exc.code} {exc.reason}")
    if isinstance(exc, urllib.error.URLError):
        if isinstance(exc.reason, TimeoutError):
            return HttpRefusedError(url, f"timed out after {timeout:g} s")
        return HttpRefusedError(url, f"connection failed: {exc.reason}")
    if isinstance(exc, TimeoutError):
        return HttpRefusedError(url, f"timed out after {timeout:g} s")
    return HttpRefusedError(url, f"download failed: {type(exc).__name__}: {exc}")


class _Deadline:
    """A time limit on a whole download, kept even while a server trickles bytes.

    A socket's own time-out only bounds each wait for data, so a server sending one byte
    every few seconds would hold a download for ever. Each connection of the download is
    registered here; a timer shuts them all down when the time is up, which ends any read
    that is waiting. Used as a context manager: the timer runs inside the ``with`` block.

    Args:
        seconds: The time allowed.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        """Seconds left (never below a millisecond, so a connect fails by time-out)."""
        return max(self._end - time.monotonic(), 0.001)

    def passed(self) -> bool:
        """Whether the time is up."""
        return self._expired or time.monotonic() >= self._end

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the time is up (at once if it is already)."""
        with self._lock:
            if not self._expired:
                self._sockets.append(sock)
                return
        _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watched(connection_class: type[Any], deadline: _Deadline) -> Callable[..., Any]:
    """Make connections of ``connection_class`` whose sockets ``deadline`` watches.

    The socket is watched from the moment it is connected, so a slow TLS handshake is bounded
    as well as slow headers and a slow body.
    """

    def make(host: str, **options: Any) -> Any:
        connection = connection_class(host, **options)

        def create_connection(
            address: tuple[str, int], timeout: float | None = None, *args: Any
        ) -> socket.socket:
            allowed = (
                deadline.remaining() if timeout is None else min(timeout, deadline.remaining())
            )
            sock = socket.create_connection(address, allowed, *args)
            deadline.watch(sock)
            return sock

        connection._create_connection = create_connection
        return connection

    return make


@cache
def _deadline_handlers() -> tuple[type[Any], type[Any]]:
    """Return the http and https handler classes whose connections a deadline watches."""
    import http.client
    import urllib.request

    class WatchedHTTPHandler(urllib.request.HTTPHandler):
        def __init__(self, deadline: _Deadline) -> None:
            super().__init__()
            self._deadline = deadline

        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(_watched(http.client.HTTPConnection, self._deadline), req)

    class WatchedHTTPSHandler(urllib.request.HTTPSHandler):
        def __init__(self, deadline: _Deadline, context: ssl.SSLContext) -> None:
            super().__init__(context=context)
            self._deadline = deadline
            self._tls = context

        def https_open(self, req: urllib.request.Request) -> Any:
            connection = _watched(http.client.HTTPSConnection, self._deadline)
            return self.do_open(connection, req, context=self._tls)

    return WatchedHTTPHandler, WatchedHTTPSHandler


def _tls_context(url: str, ca_bundle: str | Path | None) -> ssl.SSLContext:
    """Return the TLS context of a download: the system's trust store or one CA bundle.

    Contexts are made once per bundle: loading a trust store takes tens of milliseconds, which
    a walk of a thousand remote catalogs would pay a thousand times.
    """
    import ssl

    bundle = ca_bundle if ca_bundle is not None else os.environ.get(CA_BUNDLE_ENV, "").strip()
    try:
        return _context_for(os.fspath(bundle) if bundle else "")
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise HttpRefusedError(url, f"the CA bundle {bundle} is unusable ({exc})") from None


@functools.lru_cache(maxsize=8)
def _context_for(bundle: str) -> ssl.SSLContext:
    """The TLS context trusting one PEM bundle (``""``: the system's trust store)."""
    import ssl

    return ssl.create_default_context(cafile=bundle or None)
