"""Storage backends, chosen by the asset's href.

- a relative path, an absolute path or a ``file:`` URL: :class:`~.local.LocalBackend` streams
  the file (200, 206, 304, HEAD), and only when it lies inside the catalog folder;
- ``s3://bucket/key``: :class:`~.s3.S3Backend` redirects (307, or 302) to a presigned URL;
- ``http(s)://`` under the root URL of a station of the configured station registry (a
  ``$value`` URL): :class:`~.station.StationBackend` streams it through, with the station's
  credentials;
- anything else is not served (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from rs_stac_ext.server.catalog import HrefKind, href_kind

__all__ = ["AssetTarget", "Backend", "Backends"]


@dataclass(frozen=True)
class AssetTarget:
    """The asset a download request is about.

    Attributes:
        collection_id: The Collection id.
        item_id: The Item id.
        asset_key: The key in the Item's ``assets``.
        href: The asset's href as written in the Item.
        media_type: The asset's ``type``, if any.
        base: Folder relative hrefs start from (``None``: relative hrefs are not served).
    """

    collection_id: str
    item_id: str
    asset_key: str
    href: str
    media_type: str | None = None
    base: Path | None = None

    @property
    def filename(self) -> str:
        """The suggested file name: the href's last path segment, else the asset key's."""
        last = unquote(urlsplit(self.href).path.rstrip("/").rsplit("/", 1)[-1])
        return last or self.asset_key.rstrip("/").rsplit("/", 1)[-1] or "download"


class Backend(Protocol):
    """Something that answers a download request for an asset it stores."""

    def serves(self, href: str) -> bool:
        """Tell whether this backend delivers the data at ``href``."""
        ...

    async def respond(self, target: AssetTarget, request: Request) -> Response:
        """Return the response (data, redirect) or raise :class:`~..errors.ApiError`."""
        ...


@dataclass(frozen=True)
class Backends:
    """The backends a server offers; ``None`` where a kind of href is not served.

    Attributes:
        local: Local files.
        s3: S3 objects.
        station: Ground-station files.
    """

    local: Backend | None = None
    s3: Backend | None = None
    station: Backend | None = None

    def for_href(self, href: str) -> Backend | None:
        """Pick the backend of an href, or ``None`` when this server does not serve it."""
        backend = {
            HrefKind.LOCAL: self.local,
            HrefKind.S3: self.s3,
            HrefKind.HTTP: self.station,
        }.get(href_kind(href))
        return backend if backend is not None and backend.serves(href) else None

    def close(self) -> None:
        """Release what the backends hold open (HTTP clients of stations)."""
        for backend in (self.local, self.s3, self.station):
            close = getattr(backend, "close", None)
            if callable(close):
                close()
