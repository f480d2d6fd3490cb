"""Whether a URL lies under a service root once normalised, so a proxy fetches nothing else.

An href is compared with the root after RFC 3986 normalisation: scheme and host are compared
case-insensitively (default ports dropped), ``.`` and ``..`` segments are removed (also when
written ``%2e``), and a URL with user information is refused. Comparing raw strings would let
``<root>/x/../../admin`` through, which a server reads as ``/admin``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["normalised_under"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_DOT = re.compile(r"%2e", re.IGNORECASE)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4 on a path, with ``%2e`` read as ``.`` in dot segments."""
    kept: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        plain = _DOT.sub(".", segment)
        last = index == len(segments) - 1
        if plain == ".":
            if last:
                kept.append("")
        elif plain == "..":
            if len(kept) > 1:
                kept.pop()
            if last:
                kept.append("")
        else:
            kept.append(segment)
    return "/".join(kept)


def _authority(scheme: str, url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.username is not None or parts.password is not None or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS.get(scheme)


def normalised_under(href: str, root: str) -> str | None:
    """Return ``href`` normalised when it lies below ``root``, else ``None``.

    Args:
        href: An absolute ``http(s)`` URL.
        root: The service root (``https://station.example/odata/v1``).

    Returns:
        The normalised URL (what to fetch), or ``None`` when, normalised, it is not on the
        root's origin or not below the root's path.
    """
    try:
        parts, base = urlsplit(href), urlsplit(root)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or scheme != base.scheme.lower():
        return None
    here, there = _authority(scheme, href), _authority(scheme, root)
    if here is None or here != there:
        return None
    if any(ord(c) < 0x21 or c in "\\\x7f" for c in parts.path):
        return None
    path = _remove_dot_segments(parts.path)
    prefix = _remove_dot_segments(base.path).rstrip("/") + "/"
    if not path.startswith(prefix) or len(path) == len(prefix):
        return None
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))
