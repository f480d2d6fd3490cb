"""Routes matched on the raw, still percent-encoded request path.

ASGI servers decode the path before routing, so an asset key ``a/b`` sent as ``a%2Fb`` would
reach an ordinary route as two segments. :class:`RawPathRoute` matches ``scope["raw_path"]``
segment by segment and decodes each parameter exactly once (strict UTF-8); a segment that is
not valid percent-encoded UTF-8 still matches, and the endpoint answers 400.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from rs_stac_ext.server.errors import error_response

__all__ = ["BAD_SEGMENT_KEY", "Endpoint", "RawPathRoute", "decode_segment", "route_raw_path"]

Endpoint = Callable[[Request], Awaitable[Response]]
"""An endpoint: takes the request, returns the response."""

BAD_SEGMENT_KEY = "rs_stac.bad_segment"
"""Scope key naming a parameter whose segment did not decode (the endpoint answers 400)."""

_PARAM = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def decode_segment(segment: str) -> str:
    """Decode one percent-encoded path segment, exactly once.

    Args:
        segment: The raw segment, e.g. ``a%2Fb%20c``.

    Returns:
        The decoded text, e.g. ``a/b c``.

    Raises:
        ValueError: A ``%`` is not followed by two hexadecimal digits, or the octets are not
            UTF-8.
    """
    if _BAD_ESCAPE.search(segment):
        raise ValueError(f"{segment!r} has a '%' that is not followed by two hexadecimal digits")
    try:
        return unquote_to_bytes(segment).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{segment!r} does not decode to UTF-8") from None


def route_raw_path(scope: Scope) -> str:
    """Return the undecoded request path below the application's root path.

    Args:
        scope: The ASGI scope.

    Returns:
        The raw path as text; octets outside ASCII (which clients should not send) are
        percent-encoded, so :func:`decode_segment` judges them like any other.
    """
    raw: bytes | None = scope.get("raw_path")
    if raw is None:
        path = quote(scope["path"], safe="/")
    else:
        path = raw.decode("latin-1")
        if any(ord(c) > 0x7F for c in path):
            path = quote(path.encode("latin-1"), safe="/%")
    root = quote(scope.get("root_path", ""), safe="/")
    if root and (path == root or path.startswith(root.rstrip("/") + "/")):
        path = path[len(root.rstrip("/")) :] or "/"
    return path


class RawPathRoute(BaseRoute):
    """A route whose ``{name}`` segments match one raw path segment each.

    ``GET`` also answers ``HEAD``. A path that matches with another method gets 405 with an
    ``Allow`` header and a JSON body.

    Args:
        path: Template such as ``/collections/{collectionId}``; each ``{name}`` is a whole
            segment.
        endpoint: The async endpoint.
        methods: The methods served.
        name: Route name (defaults to the endpoint's name).
    """

    def __init__(
        self,
        path: str,
        endpoint: Endpoint,
        *,
        methods: Sequence[str] = ("GET",),
        name: str | None = None,
    ) -> None:
        if not path.startswith("/"):
            raise ValueError(f"route path {path!r} must start with '/'")
        self.path = path
        self.endpoint = endpoint
        self.name = name or getattr(endpoint, "__name__", "endpoint")
        wanted = {m.upper() for m in methods}
        if "GET" in wanted:
            wanted.add("HEAD")
        self.methods = frozenset(wanted)
        self._segments: list[tuple[bool, str]] = []
        for segment in path.split("/")[1:]:
            match = _PARAM.match(segment)
            self._segments.append((True, match[1]) if match else (False, segment))

    def _match_path(self, scope: Scope) -> tuple[dict[str, str], str | None] | None:
        segments = route_raw_path(scope).split("/")[1:]
        if len(segments) != len(self._segments):
            return None
        params: dict[str, str] = {}
        bad: str | None = None
        for (is_param, name), segment in zip(self._segments, segments, strict=True):
            if not is_param:
                if segment != name:
                    return None
                continue
            if not segment:
                return None
            try:
                params[name] = decode_segment(segment)
            except ValueError:
                bad = bad or name
                params[name] = segment
        return params, bad

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Match the raw path; PARTIAL when only the method differs."""
        if scope["type"] != "http":
            return Match.NONE, {}
        found = self._match_path(scope)
        if found is None:
            return Match.NONE, {}
        params, bad = found
        child: dict[str, Any] = {
            "endpoint": self.endpoint,
            "path_params": {**scope.get("path_params", {}), **params},
            BAD_SEGMENT_KEY: bad,
        }
        if scope["method"].upper() not in self.methods:
            return Match.PARTIAL, child
        return Match.FULL, child

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        """Not supported: build download paths with :func:`rs_stac_ext.download.download_path`."""
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Call the endpoint, or answer 405 for a method the route does not serve."""
        if scope["method"].upper() not in self.methods:
            allow = ", ".join(sorted(self.methods))
            response = error_response(
                405,
                f"{scope['method']} is not allowed here; allowed: {allow}",
                headers={"Allow": allow},
                head=scope["method"].upper() == "HEAD",
            )
            await response(scope, receive, send)
            return
        response = await self.endpoint(Request(scope, receive))
        await response(scope, receive, send)
