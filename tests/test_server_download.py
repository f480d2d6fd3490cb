"""The download server in local mode, over real loopback HTTP.

STAC routes, odd asset keys, escaping hrefs, ranges, conditional requests, HEAD, error bodies.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from rs_stac_ext.download import DownloadConformance, download_path, parse_download_path
from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.catalog import StaticCatalog, confine, local_candidates
from server_support import (
    ESCAPING,
    ODD_ITEM,
    ODD_KEYS,
    SECRET,
    CatalogFixture,
    live_server,
    make_catalog,
    raw_request,
)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CatalogFixture:
    return make_catalog(tmp_path_factory.mktemp("local"))


@pytest.fixture(scope="module")
def base(catalog: CatalogFixture) -> Iterator[str]:
    with live_server(create_app(catalog.root)) as url:
        yield url


@pytest.fixture
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as http:
        yield http


def _assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["description"], str)
    assert body["description"]


def test_catalog_skips_links_leaving_the_folder(catalog: CatalogFixture) -> None:
    index = StaticCatalog.load(catalog.root)
    assert [c.id for c in index.collections()] == ["alice-col", "nobody"]
    assert [i.id for i in index.items("alice-col")] == ["owned", "bobs", ODD_ITEM]
    assert any("secret.txt" in problem for problem in index.problems)


def test_landing_page_and_conformance(client: httpx.Client) -> None:
    landing = client.get("/").json()
    for classes in (landing["conformsTo"], client.get("/conformance").json()["conformsTo"]):
        assert DownloadConformance.V2.value in classes
        assert DownloadConformance.V1.value in classes
    rels = {link["rel"]: link["href"] for link in landing["links"]}
    assert rels["service-desc"].endswith("/api")
    assert client.get("/api").headers["content-type"].startswith("application/vnd.oai.openapi")


@pytest.mark.parametrize("key", ODD_KEYS)
def test_odd_asset_keys_download(client: httpx.Client, catalog: CatalogFixture, key: str) -> None:
    response = client.get(download_path("alice-col", "owned", key))
    assert response.status_code == 200
    assert response.content == catalog.data["alice-col", "owned", key]
    assert response.headers["content-length"] == str(len(response.content))
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"].startswith('"')
    disposition = response.headers["content-disposition"]
    expected_name = quote(f"{key.replace('/', '_')}.bin", safe="")
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith(f"filename*=UTF-8''{expected_name}")


def test_item_id_needing_encoding(client: httpx.Client, catalog: CatalogFixture) -> None:
    item = client.get(f"/collections/alice-col/items/{quote(ODD_ITEM, safe='')}")
    assert item.status_code == 200
    assert item.json()["id"] == ODD_ITEM
    response = client.get(download_path("alice-col", ODD_ITEM, "o"))
    assert response.content == catalog.data["alice-col", ODD_ITEM, "o"]


def test_served_items_point_at_the_download_endpoint(
    client: httpx.Client, catalog: CatalogFixture
) -> None:
    page = client.get("/collections/alice-col/items", params={"limit": 2})
    assert page.headers["content-type"] == "application/geo+json"
    body = page.json()
    assert [f["id"] for f in body["features"]] == ["owned", "bobs"]
    assert str(catalog.outside) not in page.text
    owned = body["features"][0]
    for key in ODD_KEYS:
        href = owned["assets"][key]["href"]
        assert parse_download_path(href) == ("alice-col", "owned", key)
        assert client.get(href).content == catalog.data["alice-col", "owned", key]
    assert owned["assets"]["remote"]["href"] == "https://example.invalid/data.bin"
    next_link = next(link for link in body["links"] if link["rel"] == "next")
    rest = client.get(next_link["href"]).json()
    assert [f["id"] for f in rest["features"]] == [ODD_ITEM]
    assert not any(link["rel"] == "next" for link in rest["links"])


def test_assets_that_would_not_be_found_are_not_advertised(
    catalog: CatalogFixture, caplog: pytest.LogCaptureFixture
) -> None:
    # A server of its own: each unserved asset is logged once per server.
    with (
        caplog.at_level(logging.WARNING, logger="rs_stac_ext.server"),
        live_server(create_app(catalog.root)) as url,
    ):
        first = httpx.get(f"{url}/collections/alice-col/items/owned").json()
        again = httpx.get(f"{url}/collections/alice-col/items", params={"limit": 1}).json()
    assert again["features"][0]["assets"] == first["assets"]
    assert not {*ESCAPING, "missing"} & set(first["assets"])
    assert {"big", "remote", *ODD_KEYS} == set(first["assets"])
    said = [r.getMessage() for r in caplog.records if "is not served" in r.getMessage()]
    assert len(said) == len(ESCAPING) + 1
    assert any("'missing'" in line and "not-there.bin is no such file" in line for line in said)
    for key in ESCAPING:
        assert any(f"'{key}'" in line and "outside the catalog folder" in line for line in said)


def test_a_refused_download_says_why_in_the_log(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="rs_stac_ext.server"):
        outside = client.get(download_path("alice-col", "owned", "dotdot"))
        missing = client.get(download_path("alice-col", "owned", "missing"))
    assert (outside.status_code, missing.status_code) == (404, 404)
    # The client learns nothing about what lies outside the folder; the operator does.
    assert outside.json()["description"] == missing.json()["description"].replace(
        "'missing'", "'dotdot'"
    )
    said = [r.getMessage() for r in caplog.records if "download refused (404)" in r.getMessage()]
    assert any("'dotdot'" in line and "outside the catalog folder" in line for line in said)
    assert any("'missing'" in line and "no such file" in line for line in said)


@pytest.mark.parametrize("key", [*ESCAPING, "missing"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_escaping_and_missing_files_are_not_found(
    client: httpx.Client, key: str, method: str
) -> None:
    response = client.request(method, download_path("alice-col", "owned", key))
    assert response.status_code == 404
    assert SECRET not in response.content
    if method == "GET":
        _assert_error(response, 404, "NotFound")
    else:
        assert response.content == b""


def test_unserved_scheme_is_not_found(client: httpx.Client) -> None:
    _assert_error(client.get(download_path("alice-col", "owned", "remote")), 404, "NotFound")


@pytest.mark.parametrize(
    ("collection", "item", "asset"),
    [("nope", "owned", "big"), ("alice-col", "nope", "big"), ("alice-col", "owned", "nope")],
)
def test_unknown_collection_item_or_asset(
    client: httpx.Client, collection: str, item: str, asset: str
) -> None:
    _assert_error(client.get(download_path(collection, item, asset)), 404, "NotFound")


def test_unknown_routes_and_methods_answer_json(client: httpx.Client) -> None:
    _assert_error(client.get("/nowhere"), 404, "NotFound")
    _assert_error(client.get("/collections/nope"), 404, "NotFound")
    _assert_error(client.get("/collections/nope/items"), 404, "NotFound")
    response = client.delete(download_path("alice-col", "owned", "big"))
    _assert_error(response, 405, "MethodNotAllowed")
    assert response.headers["allow"] == "GET, HEAD"
    _assert_error(
        client.get("/collections/alice-col/items", params={"limit": 0}), 400, "BadRequest"
    )
    _assert_error(
        client.get("/collections/alice-col/items", params={"token": "x"}), 400, "BadRequest"
    )


@pytest.mark.parametrize("segment", ["%ZZ", "%FF", "%C3", "abc%"])
def test_malformed_segments_are_bad_requests(base: str, segment: str) -> None:
    status, body = raw_request(base, f"/collections/alice-col/items/owned/download/{segment}")
    assert status == 400
    assert b'"BadRequest"' in body


def test_percent_encoded_slash_is_one_segment(client: httpx.Client) -> None:
    # a%2Fb is the key "a/b"; a/b (two segments) matches no route.
    assert client.get("/collections/alice-col/items/owned/download/a%2Fb").status_code == 200
    _assert_error(client.get("/collections/alice-col/items/owned/download/a/b"), 404, "NotFound")


def test_head_describes_get(client: httpx.Client, catalog: CatalogFixture) -> None:
    path = download_path("alice-col", "owned", "big")
    head = client.head(path, headers={"range": "bytes=0-9"})
    get = client.get(path)
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-length", "content-type", "etag", "content-disposition", "last-modified"):
        assert head.headers[name] == get.headers[name]
    assert head.headers["content-length"] == str(len(catalog.data["alice-col", "owned", "big"]))


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-0", 0, 1),
        ("bytes=10-19", 10, 20),
        ("bytes=299990-", 299990, 300000),
        ("bytes=-25", 299975, 300000),
        ("bytes=299999-400000", 299999, 300000),
        ("bytes=-400000", 0, 300000),
    ],
)
def test_ranges(
    client: httpx.Client, catalog: CatalogFixture, header: str, start: int, stop: int
) -> None:
    data = catalog.data["alice-col", "owned", "big"]
    response = client.get(download_path("alice-col", "owned", "big"), headers={"range": header})
    assert response.status_code == 206
    assert response.content == data[start:stop]
    assert response.headers["content-range"] == f"bytes {start}-{stop - 1}/{len(data)}"
    assert response.headers["content-length"] == str(stop - start)


@pytest.mark.parametrize("header", ["bytes=300000-", "bytes=-0", "bytes=999999-1000000"])
def test_unsatisfiable_ranges(client: httpx.Client, header: str) -> None:
    response = client.get(download_path("alice-col", "owned", "big"), headers={"range": header})
    _assert_error(response, 416, "RangeNotSatisfiable")
    assert response.headers["content-range"] == "bytes */300000"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-1", "bytes=9-2", "bytes=abc"])
def test_unsupported_ranges_send_everything(client: httpx.Client, header: str) -> None:
    response = client.get(download_path("alice-col", "owned", "big"), headers={"range": header})
    assert response.status_code == 200
    assert len(response.content) == 300000


def test_conditional_requests(client: httpx.Client) -> None:
    path = download_path("alice-col", "owned", "big")
    etag = client.head(path).headers["etag"]
    for header in (etag, f'"other", W/{etag}', "*"):
        response = client.get(path, headers={"if-none-match": header})
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag
    assert client.get(path, headers={"if-none-match": '"other"'}).status_code == 200
    stale = client.get(path, headers={"range": "bytes=0-9", "if-range": '"stale"'})
    assert stale.status_code == 200
    fresh = client.get(path, headers={"range": "bytes=0-9", "if-range": etag})
    assert fresh.status_code == 206


def test_unicode_file_name_fallback(tmp_path: Path) -> None:
    from rs_stac_ext.server.headers import content_disposition

    value = content_disposition('ünï "x".nc')
    assert value == (
        "attachment; filename=\"uni _x_.nc\"; filename*=UTF-8''%C3%BCn%C3%AF%20%22x%22.nc"
    )


def test_confine_resolves_before_judging(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "in.bin").write_bytes(b"x")
    (tmp_path / "out.bin").write_bytes(b"y")
    (root / "up").symlink_to(tmp_path, target_is_directory=True)
    (root / "inner-link").symlink_to(root / "sub" / "in.bin")
    real = root.resolve()
    assert confine(real, root / "sub" / "in.bin") == real / "sub" / "in.bin"
    assert confine(real, root / "sub" / ".." / "sub" / "in.bin") == real / "sub" / "in.bin"
    assert confine(real, root / "inner-link") == real / "sub" / "in.bin"
    assert confine(real, root / ".." / "out.bin") is None
    assert confine(real, tmp_path / "out.bin") is None
    assert confine(real, root / "up" / "out.bin") is None
    assert confine(real, root / "up" / "root" / "sub" / "in.bin") == real / "sub" / "in.bin"


def test_local_candidates() -> None:
    base = Path("/base")
    assert local_candidates("a b.bin", base) == [base / "a b.bin"]
    assert local_candidates("a%20b.bin", base) == [base / "a%20b.bin", base / "a b.bin"]
    assert local_candidates("file:///x/y%20z", base) == [Path("/x/y z")]
    assert local_candidates("file://elsewhere/x", base) == []
