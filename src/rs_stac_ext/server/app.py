"""The ASGI application: :func:`create_app` over a static catalog folder."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from rs_stac_ext.download import DOWNLOAD_PATH
from rs_stac_ext.server.access import Authenticator
from rs_stac_ext.server.backends import Backends
from rs_stac_ext.server.backends.local import LocalBackend
from rs_stac_ext.server.backends.s3 import S3Backend
from rs_stac_ext.server.backends.station import station_backend
from rs_stac_ext.server.catalog import StaticCatalog
from rs_stac_ext.server.config import ServerConfig
from rs_stac_ext.server.endpoint import DownloadEndpoint, ItemRecord
from rs_stac_ext.server.errors import error_response
from rs_stac_ext.server.openapi import build_openapi
from rs_stac_ext.server.routing import RawPathRoute
from rs_stac_ext.server.stac_routes import StacHandlers

__all__ = ["LOCAL_MODE_WARNING", "StaticCatalogSource", "create_app"]

LOCAL_MODE_WARNING = (
    "LOCAL MODE: no access control. Everyone who can reach this server may read and download "
    "every asset. Start it with --config to require API keys or bearer tokens."
)

_LOG = logging.getLogger("rs_stac_ext.server")


class StaticCatalogSource:
    """Collections and Items for the download endpoint, from a static catalog.

    Args:
        catalog: The catalog.
    """

    def __init__(self, catalog: StaticCatalog) -> None:
        self.catalog = catalog

    async def get_collection(
        self, collection_id: str, request: Request
    ) -> Mapping[str, Any] | None:
        """Return the Collection document, or ``None``."""
        entry = self.catalog.collection(collection_id)
        return None if entry is None else entry.document

    async def get_item(
        self, collection_id: str, item_id: str, request: Request
    ) -> ItemRecord | None:
        """Return the Item and the folder of its file, or ``None``."""
        entry = self.catalog.item(collection_id, item_id)
        return None if entry is None else ItemRecord(entry.document, entry.path.parent)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "the server failed"
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else None
    if status == 404:
        detail = f"no resource at {request.url.path}"
    return error_response(status, str(detail), headers=headers, head=request.method == "HEAD")


async def _server_error(request: Request, exc: Exception) -> Response:
    _LOG.exception("unexpected failure on %s %s", request.method, request.url.path)
    return error_response(500, "the server failed", head=request.method == "HEAD")


def create_app(
    catalog_dir: Path,
    config: ServerConfig | None = None,
    *,
    s3_client: Any = None,
    environ: Mapping[str, str] | None = None,
) -> Starlette:
    """Build the server for a static catalog folder.

    Args:
        catalog_dir: The folder holding ``catalog.json`` (or that file).
        config: Access control, redirect and S3 settings; ``None`` for local mode.
        s3_client: A ready botocore (or boto3) S3 client (one is made from ``config.s3``
            when ``None``).
        environ: Environment the bearer secret is read from (``os.environ`` when ``None``).

    Returns:
        The Starlette application. ``app.state`` holds ``catalog``, ``config`` and
        ``openapi`` and ``download_authenticator``.

    Raises:
        CatalogError: There is no readable ``catalog.json``.
        ConfigError: Bearer tokens are configured and their secret is missing.
        RegistryError: The station registry named in the configuration is not valid.
    """
    catalog = StaticCatalog.load(catalog_dir)
    settings = config or ServerConfig()
    authenticator = Authenticator(settings, environ=environ)
    backends = Backends(
        local=LocalBackend(catalog.root),
        s3=S3Backend(settings.s3, settings.download, client=s3_client),
        station=station_backend(settings),
    )
    download = DownloadEndpoint(StaticCatalogSource(catalog), authenticator, backends)
    openapi = build_openapi()
    stac = StacHandlers(catalog, openapi, backends)
    guarded = StacHandlers.guarded
    routes = [
        RawPathRoute("/", guarded(stac.landing_page), name="landing_page"),
        RawPathRoute("/conformance", guarded(stac.conformance), name="conformance"),
        RawPathRoute("/api", guarded(stac.service_desc), name="service_desc"),
        RawPathRoute("/collections", guarded(stac.collections), name="collections"),
        RawPathRoute("/collections/{collectionId}", guarded(stac.collection), name="collection"),
        RawPathRoute("/collections/{collectionId}/items", guarded(stac.items), name="items"),
        RawPathRoute("/collections/{collectionId}/items/{itemId}", guarded(stac.item), name="item"),
        RawPathRoute(DOWNLOAD_PATH, download, name="download"),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        collections = catalog.collections()
        items = sum(len(c.item_ids) for c in collections)
        _LOG.info("serving %s: %d collections, %d items", catalog.root, len(collections), items)
        if catalog.problems:
            _LOG.warning("%d catalog entries skipped (see earlier warnings)", len(catalog.problems))
        left_out = stac.report_left_out_assets()
        if left_out:
            _LOG.warning("%d asset(s) left out of the served Items (listed above)", left_out)
        if authenticator.local_mode:
            _LOG.warning(LOCAL_MODE_WARNING)
        else:
            _LOG.info(
                "access control on: %d API-key users, bearer tokens %s",
                len(settings.users),
                "accepted" if settings.bearer else "not accepted",
            )
        yield
        download.close()

    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.catalog = catalog
    app.state.config = settings
    app.state.openapi = openapi
    app.state.download_authenticator = authenticator
    return app
