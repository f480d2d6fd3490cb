"""The STAC API subset served over a static catalog.

Landing page, conformance, collections, items (paged with ``limit`` and ``token``) and one
item, plus the OpenAPI document at ``/api``.

Served documents get API links (``self``, ``root``, ``parent``, ``collection``, ``items``,
``next``) instead of the catalog's file links, and every asset this server can deliver gets
its download URL as ``href``, as the download extension recommends; the original local path
is never shown. A local asset whose file is missing or lies outside the catalog folder is left
out of the served Item (a download URL would only answer 404); every such asset is named, with
the reason, in a warning at start-up (:meth:`StacHandlers.report_left_out_assets`).
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from rs_stac_ext.download import DownloadConformance, download_path
from rs_stac_ext.server.backends import Backends
from rs_stac_ext.server.catalog import (
    CatalogItem,
    HrefKind,
    StaticCatalog,
    find_local_file,
    href_kind,
)
from rs_stac_ext.server.errors import ApiError, from_error
from rs_stac_ext.server.openapi import MAX_LIMIT, OPENAPI_MEDIA_TYPE
from rs_stac_ext.server.routing import BAD_SEGMENT_KEY, Endpoint

__all__ = ["CONFORMS_TO", "StacHandlers"]

STAC_VERSION = "1.1.0"
CONFORMS_TO: tuple[str, ...] = (
    "https://api.stacspec.org/v1.0.0/core",
    "https://api.stacspec.org/v1.0.0/collections",
    "https://api.stacspec.org/v1.0.0/ogcapi-features",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    DownloadConformance.V2.value,
    DownloadConformance.V1.value,
)
"""What the landing page and ``/conformance`` list."""

_JSON = "application/json"
_GEOJSON = "application/geo+json"
_STRUCTURAL = frozenset({"self", "root", "parent", "child", "item", "items", "collection", "next"})
_TOKEN = re.compile(r"^[0-9]{1,9}$")
_LOG = logging.getLogger(__name__)


def _quote(segment: str) -> str:
    return quote(segment, safe="")


def _link(rel: str, href: str, media_type: str = _JSON, **extra: str) -> dict[str, str]:
    return {"rel": rel, "href": href, "type": media_type, **extra}


def _external_links(document: Mapping[str, Any]) -> list[Any]:
    links = document.get("links")
    return [
        link
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, dict)
        and link.get("rel") not in _STRUCTURAL
        and href_kind(str(link.get("href", ""))) == HrefKind.HTTP
    ]


class StacHandlers:
    """Endpoints of the STAC API subset over one catalog.

    Args:
        catalog: The catalog.
        openapi: The document served at ``/api``.
        backends: The download backends (assets they serve get the download URL as href).
    """

    def __init__(
        self, catalog: StaticCatalog, openapi: Mapping[str, Any], backends: Backends
    ) -> None:
        self.catalog = catalog
        self.openapi = openapi
        self.backends = backends
        self._reported: set[tuple[str, str, str]] = set()

    @staticmethod
    def _base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    @staticmethod
    def _json(
        request: Request, content: Any, media_type: str = _JSON, status_code: int = 200
    ) -> Response:
        response = JSONResponse(content, status_code=status_code, media_type=media_type)
        if request.method == "HEAD":
            length = response.headers["content-length"]
            response.body = b""
            response.headers["content-length"] = length
        return response

    @staticmethod
    def guarded(handler: Endpoint) -> Endpoint:
        """Wrap an endpoint so that :class:`ApiError` becomes its JSON response."""

        async def endpoint(request: Request) -> Response:
            try:
                bad = request.scope.get(BAD_SEGMENT_KEY)
                if bad:
                    raise ApiError(
                        400, f"the {bad} path segment is not valid percent-encoded UTF-8"
                    )
                return await handler(request)
            except ApiError as error:
                return from_error(error, head=request.method == "HEAD")

        endpoint.__name__ = getattr(handler, "__name__", "endpoint")
        return endpoint

    async def landing_page(self, request: Request) -> Response:
        """``GET /``: the landing page."""
        base = self._base(request)
        root = self.catalog.document
        links = [
            _link("self", f"{base}/"),
            _link("root", f"{base}/"),
            _link("conformance", f"{base}/conformance"),
            _link("data", f"{base}/collections"),
            _link("service-desc", f"{base}/api", OPENAPI_MEDIA_TYPE),
            *(
                _link("child", f"{base}/collections/{_quote(c.id)}", title=c.id)
                for c in self.catalog.collections()
            ),
        ]
        page = {
            "type": "Catalog",
            "id": str(root.get("id", "rs-stac")),
            "title": str(root.get("title", root.get("id", "rs-stac"))),
            "description": str(root.get("description", "A static STAC catalog")),
            "stac_version": STAC_VERSION,
            "conformsTo": list(CONFORMS_TO),
            "links": links,
        }
        return self._json(request, page)

    async def conformance(self, request: Request) -> Response:
        """``GET /conformance``: the conformance classes."""
        return self._json(request, {"conformsTo": list(CONFORMS_TO)})

    async def service_desc(self, request: Request) -> Response:
        """``GET /api``: the OpenAPI document."""
        return self._json(request, self.openapi, OPENAPI_MEDIA_TYPE)

    def _collection(self, collection_id: str, base: str) -> dict[str, Any]:
        entry = self.catalog.collection(collection_id)
        if entry is None:
            raise ApiError(404, f"collection {collection_id!r} not found")
        document = copy.deepcopy(dict(entry.document))
        url = f"{base}/collections/{_quote(entry.id)}"
        document["links"] = [
            _link("self", url),
            _link("root", f"{base}/"),
            _link("parent", f"{base}/"),
            _link("items", f"{url}/items", _GEOJSON),
            *_external_links(entry.document),
        ]
        return document

    async def collections(self, request: Request) -> Response:
        """``GET /collections``: every Collection."""
        base = self._base(request)
        found = [self._collection(c.id, base) for c in self.catalog.collections()]
        links = [
            _link("self", f"{base}/collections"),
            _link("root", f"{base}/"),
            _link("parent", f"{base}/"),
        ]
        return self._json(request, {"collections": found, "links": links})

    async def collection(self, request: Request) -> Response:
        """``GET /collections/{collectionId}``: one Collection."""
        document = self._collection(request.path_params["collectionId"], self._base(request))
        return self._json(request, document)

    def _item(self, item: CatalogItem, base: str) -> dict[str, Any]:
        document = copy.deepcopy(dict(item.document))
        cid, iid = item.collection_id, item.id
        document["collection"] = cid
        assets = document.get("assets")
        assets = assets if isinstance(assets, dict) else {}
        for key, asset in list(assets.items()):
            href = asset.get("href") if isinstance(asset, dict) else None
            if not isinstance(href, str) or self.backends.for_href(href) is None:
                continue
            if href_kind(href) == HrefKind.LOCAL and not self._local_file_found(item, key, href):
                del assets[key]
                continue
            asset["href"] = base + download_path(cid, iid, key)
        collection_url = f"{base}/collections/{_quote(cid)}"
        document["links"] = [
            _link("self", f"{collection_url}/items/{_quote(iid)}", _GEOJSON),
            _link("parent", collection_url),
            _link("collection", collection_url),
            _link("root", f"{base}/"),
            *_external_links(item.document),
        ]
        return document

    def _local_file_found(self, item: CatalogItem, key: str, href: str) -> bool:
        found, reason = find_local_file(self.catalog.root, href, item.path.parent)
        if found is None and (item.collection_id, item.id, key) not in self._reported:
            self._reported.add((item.collection_id, item.id, key))
            _LOG.warning(_left_out(item, key, href, reason))
        return found is not None

    def report_left_out_assets(self) -> int:
        """Log every local asset the served Items leave out, with the reason; count them.

        Run at start-up, so that a file outside the catalog folder (or missing) is said before
        the first request rather than when its Item is first served.

        Returns:
            How many assets are left out.
        """
        count = 0
        for collection in self.catalog.collections():
            for item in self.catalog.items(collection.id):
                assets = item.document.get("assets")
                if not isinstance(assets, Mapping):
                    continue
                for key, asset in assets.items():
                    href = asset.get("href") if isinstance(asset, Mapping) else None
                    if (
                        isinstance(href, str)
                        and href_kind(href) == HrefKind.LOCAL
                        and self.backends.for_href(href) is not None
                        and not self._local_file_found(item, key, href)
                    ):
                        count += 1
        return count

    async def items(self, request: Request) -> Response:
        """``GET /collections/{collectionId}/items``: a page of Items."""
        cid = request.path_params["collectionId"]
        base = self._base(request)
        if self.catalog.collection(cid) is None:
            raise ApiError(404, f"collection {cid!r} not found")
        limit = _limit(request.query_params.get("limit"))
        token = request.query_params.get("token", "0")
        if not _TOKEN.match(token):
            raise ApiError(400, "token must be the value given in a 'next' link")
        start = int(token)
        every = self.catalog.items(cid)
        page = every[start : start + limit]
        url = f"{base}/collections/{_quote(cid)}/items"
        links = [
            _link("self", str(request.url), _GEOJSON),
            _link("collection", f"{base}/collections/{_quote(cid)}"),
            _link("parent", f"{base}/collections/{_quote(cid)}"),
            _link("root", f"{base}/"),
        ]
        if start + limit < len(every):
            links.append(_link("next", f"{url}?limit={limit}&token={start + limit}", _GEOJSON))
        body = {
            "type": "FeatureCollection",
            "features": [self._item(item, base) for item in page],
            "numberReturned": len(page),
            "links": links,
        }
        return self._json(request, body, _GEOJSON)

    async def item(self, request: Request) -> Response:
        """``GET /collections/{collectionId}/items/{itemId}``: one Item."""
        cid, iid = request.path_params["collectionId"], request.path_params["itemId"]
        if self.catalog.collection(cid) is None:
            raise ApiError(404, f"collection {cid!r} not found")
        item = self.catalog.item(cid, iid)
        if item is None:
            raise ApiError(404, f"item {iid!r} not found in collection {cid!r}")
        return self._json(request, self._item(item, self._base(request)), _GEOJSON)


def _left_out(item: CatalogItem, key: str, href: str, reason: str) -> str:
    return (
        f"asset {key!r} of item {item.id!r} in collection {item.collection_id!r} is not "
        f"served (left out of the Item): {href} is {reason} ({item.path})"
    )


def _limit(value: str | None) -> int:
    if value is None:
        return 10
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ApiError(400, f"limit must be an integer from 1 to {MAX_LIMIT}")
    return int(value)
