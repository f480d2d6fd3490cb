"""The download endpoint as a stac-fastapi extension, for any backend (pgstac included).

::

    core = CoreCrudClient(...)                      # any stac-fastapi core client
    api = StacApi(
        settings=settings,
        client=core,
        extensions=[DownloadExtension(client=core, config=load_config(path))],
    )
    exclude_downloads_from_compression(api.app)

The extension reads Collections and Items through the core client (``get_collection``,
``get_item``; sync or async), applies the same access control and backends as
``rs-stac serve``, routes on the raw path (asset keys with ``%2F`` work), lists the download
conformance classes, and adds the download path of the newest download-extension OpenAPI
document, unchanged, to the application's OpenAPI document. Relative and local hrefs are
served only below ``local_root``; S3 hrefs are redirected to presigned URLs.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import anyio.to_thread
import attr
from fastapi import FastAPI
from stac_fastapi.types.errors import NotFoundError
from stac_fastapi.types.extension import ApiExtension
from starlette.requests import Request
from starlette.responses import Response

from rs_stac_ext import download
from rs_stac_ext.download import DOWNLOAD_PATH, DownloadConformance
from rs_stac_ext.server.access import Authenticator
from rs_stac_ext.server.backends import Backends
from rs_stac_ext.server.backends.local import LocalBackend
from rs_stac_ext.server.backends.s3 import S3Backend
from rs_stac_ext.server.backends.station import station_backend
from rs_stac_ext.server.config import ServerConfig
from rs_stac_ext.server.endpoint import AssetSource, DownloadEndpoint, ItemRecord
from rs_stac_ext.server.errors import ApiError
from rs_stac_ext.server.routing import RawPathRoute

__all__ = [
    "COMPRESSION_EXCLUDED",
    "CoreClientSource",
    "DownloadExtension",
    "exclude_downloads_from_compression",
    "merge_download_openapi",
]

COMPRESSION_EXCLUDED = r"/collections/.+/items/.+/download/.+$"
"""Pattern (on the decoded path) of the download endpoint, for compression middlewares."""

_LOG = logging.getLogger(__name__)


def _default_conformance() -> list[str]:
    return [DownloadConformance.V2.value, DownloadConformance.V1.value]


def _as_document(value: Any) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, Response):
        loaded = json.loads(bytes(value.body))
        if isinstance(loaded, dict):
            return loaded
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        dumped = dump(mode="json", by_alias=True, exclude_unset=True)
        if isinstance(dumped, dict):
            return dumped
    raise ApiError(500, "the catalog backend returned something that is not a STAC document")


async def _call(function: Callable[..., Any], **kwargs: Any) -> Any:
    if inspect.iscoroutinefunction(function):
        return await function(**kwargs)
    result = await anyio.to_thread.run_sync(functools.partial(function, **kwargs))
    return await result if inspect.isawaitable(result) else result


class CoreClientSource:
    """Collections and Items for the download endpoint, from a stac-fastapi core client.

    Args:
        client: A ``BaseCoreClient`` or ``AsyncBaseCoreClient`` (anything with
            ``get_collection(collection_id, request=...)`` and
            ``get_item(item_id, collection_id, request=...)``).
        local_root: Folder relative asset hrefs start from, and outside which no local file
            is served; ``None`` to serve no local file.
    """

    def __init__(self, client: Any, local_root: Path | None = None) -> None:
        self.client = client
        self.local_root = local_root

    async def get_collection(
        self, collection_id: str, request: Request
    ) -> Mapping[str, Any] | None:
        """Return the Collection, or ``None`` when the client raises ``NotFoundError``."""
        try:
            found = await _call(
                self.client.get_collection, collection_id=collection_id, request=request
            )
        except NotFoundError:
            return None
        return _as_document(found)

    async def get_item(
        self, collection_id: str, item_id: str, request: Request
    ) -> ItemRecord | None:
        """Return the Item, or ``None`` when the client raises ``NotFoundError``."""
        try:
            found = await _call(
                self.client.get_item,
                item_id=item_id,
                collection_id=collection_id,
                request=request,
            )
        except NotFoundError:
            return None
        return ItemRecord(_as_document(found), self.local_root)


def merge_download_openapi(document: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Add the download path and its components to an OpenAPI document, in place.

    The path item is the newest download-extension document's, unchanged. A component whose
    name is already taken by something different is left alone (and logged).

    Args:
        document: The application's document.
        prefix: The router prefix the path is served under.

    Returns:
        ``document``.
    """
    published = download.openapi()
    document.setdefault("paths", {})[prefix + DOWNLOAD_PATH] = published["paths"][DOWNLOAD_PATH]
    components = document.setdefault("components", {})
    for section, entries in published["components"].items():
        target = components.setdefault(section, {})
        for name, value in entries.items():
            if name in target and target[name] != value:
                _LOG.warning("OpenAPI component %s/%s already defined; kept", section, name)
                continue
            target[name] = value
    tags = document.setdefault("tags", [])
    if not any(tag.get("name") == "Download" for tag in tags):
        tags.extend(published.get("tags", []))
    return document


def exclude_downloads_from_compression(app: FastAPI) -> int:
    """Keep the Brotli/gzip middleware of stac-fastapi away from downloads.

    stac-fastapi installs ``BrotliMiddleware`` (with a gzip fallback) by default; it would
    compress streamed asset data, dropping ``Content-Length`` and breaking ranges. Call this
    after building ``StacApi`` and before the first request.

    Args:
        app: The FastAPI application.

    Returns:
        How many middlewares were adjusted.
    """
    adjusted = 0
    for middleware in app.user_middleware:
        if getattr(middleware.cls, "__name__", "") == "BrotliMiddleware":
            given = middleware.kwargs.get("excluded_handlers")
            excluded = [str(p) for p in given] if isinstance(given, list | tuple) else []
            if COMPRESSION_EXCLUDED not in excluded:
                excluded.append(COMPRESSION_EXCLUDED)
            middleware.kwargs["excluded_handlers"] = excluded
            adjusted += 1
    return adjusted


@attr.s
class DownloadExtension(ApiExtension):
    """The download API extension for stac-fastapi.

    Attributes:
        client: The stac-fastapi core client Collections and Items are read from.
        source: Another source of Collections and Items, used instead of ``client``.
        config: Access control, redirect and S3 settings; ``None`` for local mode.
        local_root: Folder local asset files must lie in; ``None`` to serve none.
        s3_client: A ready botocore (or boto3) S3 client (made from ``config.s3`` when ``None``).
        conformance_classes: Listed in ``conformsTo``: the v2.0.0 and v1.0.0 classes.
    """

    client: Any = attr.ib(default=None, kw_only=True)
    source: AssetSource | None = attr.ib(default=None, kw_only=True)
    config: ServerConfig | None = attr.ib(default=None, kw_only=True)
    local_root: Path | None = attr.ib(default=None, kw_only=True)
    s3_client: Any = attr.ib(default=None, kw_only=True)
    conformance_classes: list[str] = attr.ib(factory=_default_conformance)
    registered: DownloadEndpoint | None = attr.ib(default=None, init=False)
    """The endpoint :meth:`register` added to the application (``None`` before)."""

    def endpoint(self) -> DownloadEndpoint:
        """Build the endpoint from the extension's settings.

        Raises:
            ValueError: Neither ``client`` nor ``source`` was given.
        """
        settings = self.config or ServerConfig()
        source = self.source
        if source is None:
            if self.client is None:
                raise ValueError("DownloadExtension needs client= (the core client) or source=")
            source = CoreClientSource(self.client, self.local_root)
        backends = Backends(
            local=LocalBackend(self.local_root) if self.local_root is not None else None,
            s3=S3Backend(settings.s3, settings.download, client=self.s3_client),
            station=station_backend(settings),
        )
        return DownloadEndpoint(source, Authenticator(settings), backends)

    def register(self, app: FastAPI) -> None:
        """Add the download route (GET and HEAD) and its OpenAPI description to the app.

        Args:
            app: The FastAPI application of a ``StacApi``.
        """
        prefix = str(getattr(app.state, "router_prefix", "") or "")
        endpoint = self.endpoint()
        self.registered = endpoint
        app.router.routes.append(RawPathRoute(prefix + DOWNLOAD_PATH, endpoint, name="getDownload"))
        app.router.on_shutdown.append(endpoint.close)
        if endpoint.authenticator.local_mode:
            _LOG.warning("download extension in LOCAL MODE: everyone may download every asset")
        original = app.openapi

        def openapi() -> dict[str, Any]:
            document = original()
            if prefix + DOWNLOAD_PATH not in document.get("paths", {}):
                merge_download_openapi(document, prefix)
            return document

        app.openapi = openapi  # type: ignore[method-assign]
