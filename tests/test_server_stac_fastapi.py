"""The download endpoint as a stac-fastapi extension, in a real StacApi served by uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from stac_fastapi.api.app import StacApi
from stac_fastapi.types.config import ApiSettings
from stac_fastapi.types.core import AsyncBaseCoreClient, BaseCoreClient
from stac_fastapi.types.errors import NotFoundError

from rs_stac_ext import download
from rs_stac_ext.download import DOWNLOAD_PATH, DownloadConformance, download_path
from rs_stac_ext.server.catalog import StaticCatalog
from rs_stac_ext.server.config import parse_config
from rs_stac_ext.server.keys import hash_key
from rs_stac_ext.server.stac_fastapi import DownloadExtension, exclude_downloads_from_compression
from server_support import ESCAPING, ODD_ITEM, ODD_KEYS, CatalogFixture, live_server, make_catalog


class _Lookup:
    """Collections and Items of a static catalog, the way a database backend returns them."""

    def __init__(self, catalog: StaticCatalog) -> None:
        self.catalog = catalog

    def collection(self, collection_id: str) -> dict[str, Any]:
        entry = self.catalog.collection(collection_id)
        if entry is None:
            raise NotFoundError(f"collection {collection_id} not found")
        return dict(entry.document)

    def item(self, item_id: str, collection_id: str) -> dict[str, Any]:
        entry = self.catalog.item(collection_id, item_id)
        if entry is None:
            raise NotFoundError(f"item {item_id} not found")
        document = dict(entry.document)
        # A database stores absolute hrefs: resolve them against the item's folder.
        assets = {}
        for key, asset in document["assets"].items():
            href = asset["href"]
            if "://" not in href and not href.startswith("/"):
                href = str(entry.path.parent / href)
            assets[key] = {**asset, "href": href}
        document["assets"] = assets
        return document


class AsyncClient(AsyncBaseCoreClient):
    """An async core client over the lookup (search is not needed here)."""

    lookup: _Lookup

    async def get_collection(self, collection_id: str, **kwargs: Any) -> Any:
        return self.lookup.collection(collection_id)

    async def get_item(self, item_id: str, collection_id: str, **kwargs: Any) -> Any:
        return self.lookup.item(item_id, collection_id)

    async def all_collections(self, **kwargs: Any) -> Any:
        collections = [dict(c.document) for c in self.lookup.catalog.collections()]
        return {"collections": collections, "links": []}

    async def item_collection(self, collection_id: str, **kwargs: Any) -> Any:  # type: ignore[override]
        return {"type": "FeatureCollection", "features": [], "links": []}

    async def post_search(self, search_request: Any, **kwargs: Any) -> Any:
        return {"type": "FeatureCollection", "features": [], "links": []}

    async def get_search(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return {"type": "FeatureCollection", "features": [], "links": []}


class SyncClient(BaseCoreClient):
    """The same, as a sync core client."""

    lookup: _Lookup

    def get_collection(self, collection_id: str, **kwargs: Any) -> Any:
        return self.lookup.collection(collection_id)

    def get_item(self, item_id: str, collection_id: str, **kwargs: Any) -> Any:
        return self.lookup.item(item_id, collection_id)

    def all_collections(self, **kwargs: Any) -> Any:
        return {"collections": [], "links": []}

    def item_collection(self, collection_id: str, **kwargs: Any) -> Any:  # type: ignore[override]
        return {"type": "FeatureCollection", "features": [], "links": []}

    def post_search(self, search_request: Any, **kwargs: Any) -> Any:
        return {"type": "FeatureCollection", "features": [], "links": []}

    def get_search(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return {"type": "FeatureCollection", "features": [], "links": []}


def _api(catalog: CatalogFixture, client_class: type, **extension: Any) -> StacApi:
    client = client_class()
    client.lookup = _Lookup(StaticCatalog.load(catalog.root))
    ext = DownloadExtension(client=client, local_root=catalog.root, **extension)
    api = StacApi(settings=ApiSettings(), client=client, extensions=[ext])
    assert exclude_downloads_from_compression(api.app) == 1
    return api


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CatalogFixture:
    return make_catalog(tmp_path_factory.mktemp("stac-fastapi"))


@pytest.fixture(scope="module", params=[AsyncClient, SyncClient], ids=["async", "sync"])
def base(request: pytest.FixtureRequest, catalog: CatalogFixture) -> Iterator[str]:
    with live_server(_api(catalog, request.param).app) as url:
        yield url


@pytest.fixture
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as http:
        yield http


def test_conformance_lists_the_download_classes(client: httpx.Client) -> None:
    classes = client.get("/conformance").json()["conformsTo"]
    assert DownloadConformance.V2.value in classes
    assert DownloadConformance.V1.value in classes


def test_openapi_holds_the_contract_path(client: httpx.Client) -> None:
    document = client.get("/api").json()
    assert document["paths"][DOWNLOAD_PATH] == download.openapi()["paths"][DOWNLOAD_PATH]
    assert document["components"]["schemas"]["Exception"]["required"] == ["code"]
    assert "Range" in document["components"]["parameters"]
    assert "/collections/{collection_id}/items/{item_id}" in document["paths"]


@pytest.mark.parametrize("key", [*ODD_KEYS, "big"])
def test_download_through_stac_fastapi(
    client: httpx.Client, catalog: CatalogFixture, key: str
) -> None:
    response = client.get(
        download_path("alice-col", "owned", key), headers={"accept-encoding": "br, gzip"}
    )
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.content == catalog.data["alice-col", "owned", key]
    assert response.headers["content-length"] == str(len(response.content))


def test_ranges_and_odd_item_ids(client: httpx.Client, catalog: CatalogFixture) -> None:
    ranged = client.get(download_path("alice-col", "owned", "big"), headers={"range": "bytes=5-9"})
    assert ranged.status_code == 206
    assert ranged.content == catalog.data["alice-col", "owned", "big"][5:10]
    odd = client.get(download_path("alice-col", ODD_ITEM, "o"))
    assert odd.content == catalog.data["alice-col", ODD_ITEM, "o"]


@pytest.mark.parametrize("key", ESCAPING)
def test_escaping_hrefs_are_not_served(client: httpx.Client, key: str) -> None:
    response = client.get(download_path("alice-col", "owned", key))
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


@pytest.mark.parametrize(("collection", "item"), [("nope", "owned"), ("alice-col", "nope")])
def test_not_found_from_the_core_client(client: httpx.Client, collection: str, item: str) -> None:
    response = client.get(download_path(collection, item, "big"))
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_access_control_in_stac_fastapi(catalog: CatalogFixture) -> None:
    config = parse_config({"users": {"bob": {"api_keys": [hash_key("bob-key")]}}})
    key = {"x-api-key": "bob-key"}
    app = _api(catalog, AsyncClient, config=config).app
    with live_server(app) as base, httpx.Client(base_url=base) as http:
        anonymous = http.get(download_path("alice-col", "bobs", "b"))
        owner = http.get(download_path("alice-col", "bobs", "b"), headers=key)
        other = http.get(download_path("alice-col", "owned", "big"), headers=key)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'ApiKey header="x-api-key"'
    assert owner.content == catalog.data["alice-col", "bobs", "b"]
    assert other.status_code == 403
    assert other.json()["code"] == "Forbidden"


def test_extension_needs_a_client() -> None:
    with pytest.raises(ValueError, match="client"):
        DownloadExtension().endpoint()
