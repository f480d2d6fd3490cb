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

import ipaddress
import os
import time
from collections.abc import Iterable
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
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.ProxyHandler({} if _is_loopback(host) else None),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(context=context),
        _same_host_redirects()(allowed, url),  # type: ignore[call-arg]
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ]
    for handler in handlers:
        opener.add_handler(handler)
    request = urllib.request.Request(
        url, headers={"Accept": accept, "User-Agent": f"rs-stac-ext/{__version__}"}
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
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
                if time.monotonic() > deadline:
                    raise HttpRefusedError(url, f"timed out after {timeout:g} s")
                chunks.append(chunk)
            final_url: str = response.geturl()
    except HttpRefusedError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()
        raise HttpRefusedError(url, f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise HttpRefusedError(url, f"timed out after {timeout:g} s") from None
        raise HttpRefusedError(url, f"connection failed: {exc.reason}") from None
    except TimeoutError:
        raise HttpRefusedError(url, f"timed out after {timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise HttpRefusedError(url, f"download failed: {type(exc).__name__}: {exc}") from None
    return b"".join(chunks), final_url


def _tls_context(url: str, ca_bundle: str | Path | None) -> ssl.SSLContext:
    """Return the TLS context of a download: the system's trust store or one CA bundle."""
    import ssl

    bundle = ca_bundle if ca_bundle is not None else os.environ.get(CA_BUNDLE_ENV, "").strip()
    if not bundle:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=os.fspath(bundle))
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise HttpRefusedError(url, f"the CA bundle {bundle} is unusable ({exc})") from None
