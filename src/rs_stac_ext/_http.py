"""Fetch JSON over HTTP(S) from allowed hosts only, with size and time limits.

Used by the readers (STAC API item and search URLs). Nothing here is called for a host that
is not on the allow-list: the check happens before any connection is opened.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

from rs_stac_ext.errors import RsStacExtError

__all__ = ["HttpRefusedError", "fetch_json_bytes", "host_allowed"]


class HttpRefusedError(RsStacExtError):
    """A URL that may not be fetched, or whose fetch failed."""


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def host_allowed(url: str, allow_hosts: Iterable[str]) -> bool:
    """Tell whether a URL's host is on the allow-list.

    Args:
        url: The URL to fetch.
        allow_hosts: Entries such as ``example.com`` (https only) or ``http://127.0.0.1:8000``
            (exactly that scheme, host and port).

    Returns:
        Whether the URL may be fetched.
    """
    scheme, host, port = _origin(url)
    for entry in allow_hosts:
        if "://" in entry:
            e_scheme, e_host, e_port = _origin(entry)
            if (scheme, host) == (e_scheme, e_host) and (e_port is None or e_port == port):
                return True
        elif scheme == "https" and host == entry.lower():
            return True
    return False


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_hosts: tuple[str, ...]) -> None:
        self.allow_hosts = allow_hosts

    def redirect_request(  # type: ignore[no-untyped-def]
        self, req, fp, code, msg, headers, newurl
    ):
        if not host_allowed(newurl, self.allow_hosts):
            raise HttpRefusedError(
                f"{req.full_url}: redirected to {newurl}, whose host is not allowed"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_json_bytes(
    url: str, *, allow_hosts: Iterable[str], max_bytes: int, timeout: float
) -> bytes:
    """Fetch a URL's body from an allowed host.

    Args:
        url: The URL.
        allow_hosts: The allow-list (see :func:`host_allowed`).
        max_bytes: Largest body accepted.
        timeout: Seconds allowed for connecting and for each read.

    Returns:
        The body.

    Raises:
        HttpRefusedError: Host not allowed, HTTP error, time-out or body too large.
    """
    allowed = tuple(allow_hosts)
    if not host_allowed(url, allowed):
        host = urlsplit(url).hostname
        raise HttpRefusedError(f"{url}: host {host} is not allowed (use --allow-host {host})")
    opener = urllib.request.build_opener(_SameHostRedirects(allowed))
    request = urllib.request.Request(
        url, headers={"Accept": "application/geo+json, application/json"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read(max_bytes + 1)
    except HttpRefusedError:
        raise
    except urllib.error.HTTPError as exc:
        raise HttpRefusedError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise HttpRefusedError(f"{url}: {reason}") from None
    if len(body) > max_bytes:
        raise HttpRefusedError(f"{url}: body larger than the limit of {max_bytes} bytes")
    return body
