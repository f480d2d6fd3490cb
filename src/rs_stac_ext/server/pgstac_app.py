r"""The reference deployment: stac-fastapi-pgstac with the download extension wired in.

:func:`create_pgstac_app` builds a stac-fastapi-pgstac application over one pgstac database and
adds, correctly wired:

- the database lifespan (connection pool opened at start-up, closed at shut-down) and the
  download endpoint's clients closed with it;
- the download endpoint (``GET``/``HEAD .../items/{itemId}/download/{assetId}``), reading
  Collections and Items from the database, with the access control, S3, station and local-file
  backends of the configuration;
- every Item the API returns (``/collections/{id}/items``, ``/items/{id}``, ``/search``) with
  each asset the deployment delivers rewritten to its download URL; the original ``s3://``
  href is kept under ``alternate.s3`` (the alternate-assets convention stac-server uses), while
  local paths and ground-station addresses are never shown;
- the Brotli/gzip middleware kept off downloads, and the ``{"code", "description"}`` JSON
  error body for every failure (unknown routes, invalid parameters, unexpected errors).

Nothing is kept in a process between requests but caches (API-key hashes, the OIDC provider's
public keys): any number of replicas can serve one database behind a load balancer.

For uvicorn or gunicorn with several workers, :func:`app_from_env` is an application factory
reading ``RS_STAC_PGSTAC_DSN``, ``RS_STAC_CONFIG`` and ``RS_STAC_ASSETS_ROOT``::

    RS_STAC_PGSTAC_DSN=postgresql://... uvicorn --factory \
        rs_stac_ext.server.pgstac_app:app_from_env --workers 4
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attr
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from stac_fastapi.pgstac.app import instantiate_api
from stac_fastapi.pgstac.config import PostgresSettings, Settings
from stac_fastapi.pgstac.core import CoreCrudClient
from stac_fastapi.pgstac.db import close_db_connection, connect_to_db
from stac_fastapi.pgstac.models.extensions import Extensions
from stac_fastapi.types.errors import NotFoundError
from stac_fastapi.types.requests import get_base_url
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from rs_stac_ext import __version__
from rs_stac_ext.download import download_path
from rs_stac_ext.server.app import LOCAL_MODE_WARNING
from rs_stac_ext.server.backends import Backends
from rs_stac_ext.server.catalog import HrefKind, href_kind
from rs_stac_ext.server.config import ServerConfig, load_config
from rs_stac_ext.server.endpoint import ItemRecord
from rs_stac_ext.server.errors import error_response
from rs_stac_ext.server.pgstac_db import PgstacError, check_database
from rs_stac_ext.server.stac_fastapi import DownloadExtension, exclude_downloads_from_compression

__all__ = [
    "ALTERNATE_ASSETS_SCHEMA",
    "DSN_ENV",
    "AssetPublisher",
    "PgstacError",
    "PgstacSource",
    "PublishingCoreClient",
    "app_from_env",
    "asyncpg_dsn",
    "check_database",
    "create_pgstac_app",
    "default_settings",
]

DSN_ENV = "RS_STAC_PGSTAC_DSN"
CONFIG_ENV = "RS_STAC_CONFIG"
ASSETS_ROOT_ENV = "RS_STAC_ASSETS_ROOT"
ALTERNATE_ASSETS_SCHEMA = "https://stac-extensions.github.io/alternate-assets/v1.2.0/schema.json"

_LOG = logging.getLogger("rs_stac_ext.server")


def asyncpg_dsn(dsn: str) -> str:
    """Write a libpq connection string as the URL asyncpg needs.

    Args:
        dsn: A ``postgresql://`` URL or a ``key=value`` connection string.

    Returns:
        A ``postgresql://`` URL.

    Raises:
        PgstacError: The string is neither.
    """
    if dsn.startswith(("postgresql://", "postgres://")):
        return dsn
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(dsn)
    except Exception as exc:  # psycopg raises its ProgrammingError on bad syntax
        raise PgstacError(f"not a PostgreSQL connection string: {exc}") from None
    user = quote(str(parts.get("user", "")), safe="")
    password = parts.get("password")
    auth = f"{user}:{quote(str(password), safe='')}@" if password else (f"{user}@" if user else "")
    host = str(parts.get("host", "127.0.0.1"))
    port = str(parts.get("port", "5432"))
    database = quote(str(parts.get("dbname", "")), safe="")
    return f"postgresql://{auth}{host}:{port}/{database}"


class _DsnPostgresSettings(PostgresSettings):  # type: ignore[misc]
    """stac-fastapi-pgstac's pool settings, connecting to one DSN as given."""

    dsn: str = ""

    @property
    def connection_string(self) -> str:
        """The DSN."""
        return self.dsn


def _pool_settings(dsn: str) -> PostgresSettings:
    return _DsnPostgresSettings(
        dsn=asyncpg_dsn(dsn), pguser="", pgpassword="", pghost="", pgport=0, pgdatabase=""
    )


class AssetPublisher:
    """Rewrites asset hrefs of served Items to their download URLs.

    Args:
        backends: The download endpoint's backends: an asset is rewritten when one of them
            delivers its href.
        keep_s3_alternate: Keep each ``s3://`` original under ``alternate.s3``.
    """

    def __init__(self, backends: Backends, *, keep_s3_alternate: bool = True) -> None:
        self.backends = backends
        self.keep_s3_alternate = keep_s3_alternate

    def publish(self, item: dict[str, Any], base_url: str) -> None:
        """Rewrite the assets of one Item, in place.

        Args:
            item: The Item as the API is about to send it.
            base_url: The API's base URL (with its prefix), ending in ``/``.
        """
        assets = item.get("assets")
        collection_id, item_id = item.get("collection"), item.get("id")
        if not isinstance(assets, dict) or not isinstance(collection_id, str):
            return
        if not isinstance(item_id, str):
            return
        alternates = False
        for key, asset in assets.items():
            href = asset.get("href") if isinstance(asset, dict) else None
            if not isinstance(href, str) or self.backends.for_href(href) is None:
                continue
            assert isinstance(asset, dict)
            asset["href"] = base_url.rstrip("/") + download_path(collection_id, item_id, key)
            if self.keep_s3_alternate and href_kind(href) == HrefKind.S3:
                alternate = asset.setdefault("alternate", {})
                if isinstance(alternate, dict):
                    alternate["s3"] = {"href": href}
                    alternates = True
        if alternates:
            extensions = item.setdefault("stac_extensions", [])
            if isinstance(extensions, list) and ALTERNATE_ASSETS_SCHEMA not in extensions:
                extensions.append(ALTERNATE_ASSETS_SCHEMA)


@attr.s
class PublishingCoreClient(CoreCrudClient):  # type: ignore[misc]
    """stac-fastapi-pgstac's core client, with download URLs as asset hrefs.

    Attributes:
        publisher: Rewrites the assets of every Item the searches return (set after the
            application is built; ``None`` leaves them as stored).
    """

    publisher: AssetPublisher | None = attr.ib(default=None, kw_only=True)

    async def _search_base(self, search_request: Any, request: Request) -> Any:
        found = await super()._search_base(search_request, request=request)
        base_url = get_base_url(request)
        fields = getattr(search_request, "fields", None)
        for feature in found.get("features", []):
            if not isinstance(feature, dict):
                continue
            if "geometry" not in feature and _geometry_asked(fields):
                # pgstac drops a NULL geometry; a STAC Item states it ("geometry": null).
                feature["geometry"] = None
            _restore_null_datetime(feature, fields)
            if self.publisher is not None:
                self.publisher.publish(feature, base_url)
        return found

    # stac-fastapi serialises with exclude_none, which would drop "geometry": null and
    # "datetime": null again: an answer holding such an Item is sent as it is.
    async def get_item(self, item_id: str, collection_id: str, request: Request, **kw: Any) -> Any:
        """Get one Item (``GET /collections/{collectionId}/items/{itemId}``)."""
        found = await super().get_item(item_id, collection_id, request, **kw)
        return _keep_null_members(found)

    async def item_collection(self, collection_id: str, request: Request, **kw: Any) -> Any:
        """Get a page of a Collection's Items."""
        return _keep_null_members(await super().item_collection(collection_id, request, **kw))

    async def get_search(self, request: Request, **kw: Any) -> Any:
        """Search with GET."""
        return _keep_null_members(await super().get_search(request, **kw))

    async def post_search(self, search_request: Any, request: Request, **kw: Any) -> Any:
        """Search with POST."""
        return _keep_null_members(await super().post_search(search_request, request, **kw))


def _geometry_asked(fields: Any) -> bool:
    return _member_asked(fields, "geometry")


def _restore_null_datetime(feature: dict[str, Any], fields: Any) -> None:
    """Put back ``"datetime": null`` next to a time range (pgstac drops null members too).

    STAC requires ``datetime`` in an Item's properties, ``null`` when ``start_datetime`` and
    ``end_datetime`` give the time instead: AUXIP and CADIP Items are stored that way.
    """
    properties = feature.get("properties")
    if (
        isinstance(properties, dict)
        and "datetime" not in properties
        and "start_datetime" in properties
        and "end_datetime" in properties
        and _member_asked(fields, "properties.datetime")
    ):
        properties["datetime"] = None


def _member_asked(fields: Any, name: str) -> bool:
    include = getattr(fields, "include", None) or set()
    exclude = getattr(fields, "exclude", None) or set()
    parent = name.partition(".")[0]
    if name in exclude or parent in exclude:
        return False
    return not include or name in include or parent in include


def _has_null_member(feature: Any) -> bool:
    """Tell whether an Item holds a ``null`` that stac-fastapi's serialiser would drop."""
    if not isinstance(feature, dict):
        return False
    if "geometry" in feature and feature["geometry"] is None:
        return True
    properties = feature.get("properties")
    return isinstance(properties, dict) and properties.get("datetime", 0) is None


def _keep_null_members(found: Any) -> Any:
    if not isinstance(found, dict):
        return found
    features = found.get("features") if found.get("type") == "FeatureCollection" else [found]
    if not isinstance(features, list) or not any(_has_null_member(f) for f in features):
        return found
    return JSONResponse(content=found, media_type="application/geo+json")


class PgstacSource:
    """Collections and Items for the download endpoint, as stored in pgstac.

    Items are read with the core client's unmodified search, so the endpoint sees the stored
    hrefs, not the published ones.

    Args:
        local_root: Folder relative and local asset hrefs start from (``None``: none served).
    """

    def __init__(self, local_root: Path | None = None) -> None:
        self.client: CoreCrudClient | None = None
        self.local_root = local_root

    def _client(self) -> CoreCrudClient:
        if self.client is None:
            raise RuntimeError("PgstacSource used before its application was built")
        return self.client

    async def get_collection(
        self, collection_id: str, request: Request
    ) -> Mapping[str, Any] | None:
        """Return the Collection, or ``None``."""
        try:
            found = await self._client().get_collection(collection_id, request=request)
        except NotFoundError:
            return None
        return dict(found)

    async def get_item(
        self, collection_id: str, item_id: str, request: Request
    ) -> ItemRecord | None:
        """Return the Item as stored, or ``None``."""
        client = self._client()
        search = client.pgstac_search_model(ids=[item_id], collections=[collection_id], limit=1)
        found = await CoreCrudClient._search_base(client, search, request=request)
        features = found.get("features", [])
        if not features:
            return None
        return ItemRecord(dict(features[0]), self.local_root)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = str(exc.detail) if isinstance(exc, HTTPException) else "the server failed"
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else None
    if status == 404:
        detail = f"no resource at {request.url.path}"
    return error_response(status, detail, headers=headers, head=request.method == "HEAD")


async def _invalid_request(request: Request, exc: Exception) -> Response:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    described = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors
    )
    return error_response(400, described or "invalid request", head=request.method == "HEAD")


async def _server_error(request: Request, exc: Exception) -> Response:
    _LOG.error("unexpected failure on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "the server failed", head=request.method == "HEAD")


def default_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """stac-fastapi-pgstac settings from the environment, with this server's names by default.

    Args:
        environ: The environment (``os.environ`` when ``None``); ``STAC_FASTAPI_TITLE`` and
            the like still win over these defaults.

    Returns:
        The settings.
    """
    env = os.environ if environ is None else environ
    defaults = {
        "stac_fastapi_title": "rs-stac-ext",
        "stac_fastapi_description": "STAC API with the download extension (pgstac)",
        "stac_fastapi_landing_id": "rs-stac",
        "stac_fastapi_version": __version__,
    }
    return Settings(**{k: v for k, v in defaults.items() if k.upper() not in env})


def create_pgstac_app(
    dsn: str,
    config: ServerConfig | None = None,
    *,
    assets_root: Path | None = None,
    settings: Settings | None = None,
    s3_client: Any = None,
    keep_s3_alternate: bool = True,
    pool_size: int | None = None,
) -> FastAPI:
    """Build the stac-fastapi-pgstac application with the download extension.

    Args:
        dsn: The pgstac database (``postgresql://user:password@host:port/db``).
        config: Access control, S3, station and redirect settings; ``None`` for local mode.
        assets_root: Folder local asset files must lie in (relative hrefs start there);
            ``None`` to serve no local file.
        settings: stac-fastapi-pgstac settings (read from the environment when ``None``).
        s3_client: A ready botocore (or boto3) S3 client (made from ``config.s3`` when ``None``).
        keep_s3_alternate: Keep the original ``s3://`` href under ``alternate.s3``.
        pool_size: Largest number of database connections of this process (default 10).

    Returns:
        The FastAPI application; the database is connected by its lifespan.
    """
    settings = settings or default_settings()
    if settings.enabled_extensions is not None and "download" not in settings.enabled_extensions:
        settings = settings.model_copy(
            update={"enabled_extensions": [*settings.enabled_extensions, "download"]}
        )
    source = PgstacSource(assets_root)
    download = DownloadExtension(
        source=source, config=config, local_root=assets_root, s3_client=s3_client
    )
    pool = _pool_settings(dsn)
    if pool_size is not None:
        pool = pool.model_copy(update={"db_max_conn_size": pool_size})

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await connect_to_db(app, postgres_settings=pool)
        if download.registered is not None and download.registered.authenticator.local_mode:
            _LOG.warning(LOCAL_MODE_WARNING)
        try:
            yield
        finally:
            await close_db_connection(app)
            if download.registered is not None:
                download.registered.close()

    api = instantiate_api(
        client=PublishingCoreClient,
        extensions=Extensions(settings=settings, extra_map={"download": download}),
        lifespan=lifespan,
        settings=settings,
    )
    client = api.client
    assert isinstance(client, PublishingCoreClient)
    source.client = client
    if download.registered is not None:
        client.publisher = AssetPublisher(
            download.registered.backends, keep_s3_alternate=keep_s3_alternate
        )
    app: FastAPI = api.app
    exclude_downloads_from_compression(app)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _server_error)
    return app


def app_from_env(environ: Mapping[str, str] | None = None) -> FastAPI:
    """Application factory for uvicorn/gunicorn workers, configured by the environment.

    ``RS_STAC_PGSTAC_DSN`` (required) names the database, ``RS_STAC_CONFIG`` the configuration
    file, ``RS_STAC_ASSETS_ROOT`` the folder of local asset files.

    Args:
        environ: The environment (``os.environ`` when ``None``).

    Returns:
        The application.

    Raises:
        PgstacError: ``RS_STAC_PGSTAC_DSN`` is not set.
        ConfigError: The configuration file cannot be used.
    """
    env = os.environ if environ is None else environ
    dsn = env.get(DSN_ENV)
    if not dsn:
        raise PgstacError(f"set {DSN_ENV} to the pgstac database's connection string")
    config_path = env.get(CONFIG_ENV)
    config = load_config(Path(config_path)) if config_path else None
    root = env.get(ASSETS_ROOT_ENV)
    return create_pgstac_app(dsn, config, assets_root=Path(root) if root else None)
