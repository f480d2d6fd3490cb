"""Ground-station files (``…/Files(<id>)/$value``, ``…/Products(<id>)/$value``): a streamed proxy.

The station is the registry entry whose ``root_url`` the href lies under once normalised (``..``
segments removed: an href that climbs out of the root is not fetched at all); the bytes are
fetched with :class:`rs_stac_ext.stations.client.StationClient`, which sends the station's
credentials from the registry (and only to the station's own origin), retries, and follows the
station's redirects. Clients never see the station's address or credentials.

The first chunk is fetched before answering, so a station that is down gives 503 and a file it
does not have gives 404. Stations do not announce a length the proxy could forward reliably, so
the answer is streamed without ``Content-Length`` and ``Range`` is ignored
(``Accept-Ranges: none``); HEAD fetches the first chunk only. When the client disconnects the
station download is closed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from rs_stac_ext.server.backends import AssetTarget, Backend
from rs_stac_ext.server.backends._stream import send_until_disconnect
from rs_stac_ext.server.backends._urls import normalised_under
from rs_stac_ext.server.config import ConfigError, ServerConfig
from rs_stac_ext.server.errors import ApiError
from rs_stac_ext.server.headers import content_disposition, safe_media_type

if TYPE_CHECKING:
    from rs_stac_ext.stations.client import StationClient
    from rs_stac_ext.stations.registry import Registry, Station

__all__ = ["StationBackend", "StationStreamResponse", "station_backend"]

_LOG = logging.getLogger(__name__)
_DONE = object()


def _next(chunks: Iterator[bytes]) -> Any:
    return next(chunks, _DONE)


class StationStreamResponse(Response):
    """Streams the rest of a station download after its first chunk, then closes it.

    Args:
        first: The chunk already fetched.
        chunks: The station download, positioned after ``first``.
        headers: Response headers.
    """

    def __init__(self, first: bytes, chunks: Iterator[bytes], headers: dict[str, str]) -> None:
        self.first = first
        self.chunks = chunks
        self.status_code = 200
        self.background: BackgroundTask | None = None
        self.init_headers(headers)

    async def _stream(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.first, "more_body": True})
        while (chunk := await anyio.to_thread.run_sync(_next, self.chunks)) is not _DONE:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the download; close it when done or when the client disconnects."""
        try:
            await send_until_disconnect(receive, lambda: self._stream(send))
        finally:
            close = getattr(self.chunks, "close", None)
            if close is not None:
                await anyio.to_thread.run_sync(close)


class StationBackend:
    """Proxies downloads from the stations of a registry.

    Args:
        registry: The station registry (``rs_stac_ext.stations.registry.Registry``).
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._clients: dict[tuple[str, str], StationClient] = {}
        self._lock = threading.Lock()

    def station_for(self, href: str) -> Station | None:
        """Return the station whose root URL the href lies under (the longest match).

        The href is normalised first (see :func:`._urls.normalised_under`): one that leaves
        the root through ``..`` segments belongs to no station.
        """
        found = [
            station
            for station in self.registry.stations()
            if normalised_under(href, station.root_url) is not None
        ]
        return max(found, key=lambda s: len(s.root_url), default=None)

    def close(self) -> None:
        """Close the HTTP clients opened for the stations."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def serves(self, href: str) -> bool:
        """Tell whether the href lies under a station of the registry."""
        return self.station_for(href) is not None

    def _client(self, station: Station) -> StationClient:
        from rs_stac_ext.stations.client import StationClient

        with self._lock:
            key = (station.service, station.id)
            if key not in self._clients:
                self._clients[key] = StationClient(station, retries=1, backoff=0.2)
            return self._clients[key]

    def _start(self, station: Station, target: AssetTarget) -> tuple[bytes, Iterator[bytes]]:
        from rs_stac_ext.stations.client import StationAuthError, StationRequestError
        from rs_stac_ext.stations.client import StationUnavailable as Unavailable

        url = normalised_under(target.href, station.root_url)
        if url is None:  # station_for chose this station, so this is a second line of defence
            raise ApiError(404, "the asset's address is not served by its station")
        chunks = self._client(station).download(url)
        try:
            first = next(chunks, b"")
        except StationAuthError as exc:
            _LOG.error("station %s refused the server's credentials: %s", station.id, exc)
            raise ApiError(500, "the ground station refused the server's credentials") from None
        except StationRequestError as exc:
            if exc.station_status in (404, 410):
                raise ApiError(
                    404,
                    f"the data of asset {target.asset_key!r} of item {target.item_id!r} is not "
                    "at the ground station",
                ) from None
            _LOG.error("station %s refused %s: %s", station.id, target.href, exc)
            raise ApiError(500, "the ground station refused the request") from None
        except Unavailable as exc:
            _LOG.warning("station %s unavailable: %s", station.id, exc)
            raise ApiError(
                503,
                "the ground station holding this asset is unreachable; try again later",
                headers={"retry-after": "10"},
            ) from None
        except ValueError:
            raise ApiError(404, "the asset's address is not served by its station") from None
        return first, chunks

    async def respond(self, target: AssetTarget, request: Request) -> Response:
        """Answer a GET or HEAD for a ground-station asset.

        Args:
            target: The asset (``href`` under a station's root URL).
            request: The request.

        Returns:
            200, streamed without ``Content-Length`` (headers only for HEAD).

        Raises:
            ApiError: 404 (no such station or file), 503 (station unreachable), 500 (the
                station refused the server).
        """
        station = self.station_for(target.href)
        if station is None:
            raise ApiError(404, f"asset {target.asset_key!r} is not at a known ground station")
        first, chunks = await anyio.to_thread.run_sync(self._start, station, target)
        headers = {
            "content-type": safe_media_type(target.media_type),
            "content-disposition": content_disposition(target.filename),
            "accept-ranges": "none",
        }
        if request.method == "HEAD":
            close = getattr(chunks, "close", None)
            if close is not None:
                await anyio.to_thread.run_sync(close)
            response = Response(status_code=200, headers=headers)
            del response.headers["content-length"]
            return response
        return StationStreamResponse(first, chunks, headers)


def station_backend(config: ServerConfig) -> Backend | None:
    """Build the ground-station proxy the configuration asks for, if any.

    Args:
        config: The configuration (its ``stations`` section).

    Returns:
        The backend, or ``None`` when ``stations`` is absent.

    Raises:
        ConfigError: The station modules are not installed.
        RegistryError: The registry file is not valid.
    """
    if config.stations is None:
        return None
    try:
        from rs_stac_ext.stations.registry import Registry
    except ImportError as exc:  # pragma: no cover - the stations package ships with us
        raise ConfigError(f"stations: the station modules are not available ({exc})") from None
    return StationBackend(Registry.load(config.stations.registry))
