"""The download API extension: both OpenAPI documents and the path helpers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import OpenAPIV31SpecValidator

from rs_stac_ext import download, schemas
from rs_stac_ext.errors import UnknownIdentifierError
from rs_stac_ext.schemas._catalog import DocumentKind

EXTENSIONS = Path(__file__).resolve().parents[1] / "extensions" / "download"
V1_ID = "https://home.rs-python.eu/download-stac-api-extension/v1.0.0/openapi.yaml"
V2_ID = "https://home.rs-python.eu/download-stac-api-extension/v2.0.0/openapi.yaml"
PATH = "/collections/{collectionId}/items/{itemId}/download/{assetId}"
REDIRECTS_TO_FOLLOW = ("301", "302", "303", "307", "308")


def _resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref`` chains inside ``doc``."""
    while "$ref" in node:
        ref: str = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def _response(doc: dict[str, Any], method: str, status: str) -> dict[str, Any]:
    return _resolve(doc, doc["paths"][PATH][method]["responses"][status])


def _headers(doc: dict[str, Any], response: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: _resolve(doc, h) for name, h in response.get("headers", {}).items()}


def _error_schema(doc: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    assert set(response["content"]) == {"application/json"}
    return _resolve(doc, response["content"]["application/json"]["schema"])


def _assert_exception_schema(schema: dict[str, Any]) -> None:
    assert schema["type"] == "object"
    assert schema["required"] == ["code"]
    assert schema["properties"] == {"code": {"type": "string"}, "description": {"type": "string"}}


@pytest.fixture(scope="module")
def v1() -> dict[str, Any]:
    return download.openapi("v1.0.0")


@pytest.fixture(scope="module")
def v2() -> dict[str, Any]:
    return download.openapi("v2.0.0")


# --- both documents -------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1.0.0", "v2.0.0"])
def test_document_is_valid_openapi_3_1(version: str) -> None:
    doc = download.openapi(version)
    assert doc["openapi"] == "3.1.1"
    OpenAPIV31SpecValidator(doc).validate()


@pytest.mark.parametrize("version", ["v1.0.0", "v2.0.0"])
def test_document_is_plain_json_data(version: str) -> None:
    # YAML would turn unquoted status codes into ints and dates into date objects.
    doc = download.openapi(version)
    assert json.loads(json.dumps(doc)) == doc


def test_a_broken_reference_is_caught_by_the_validator() -> None:
    broken = download.openapi("v2.0.0")
    broken["paths"][PATH]["get"]["responses"]["307"] = {"$ref": "#/components/responses/Nope"}
    with pytest.raises(Exception, match="Nope"):
        OpenAPIV31SpecValidator(broken).validate()


def test_schema_store_lists_and_reads_both_documents() -> None:
    assert schemas.identifiers(kind=DocumentKind.OPENAPI) == [V1_ID, V2_ID]
    assert schemas.identifiers("download") == [V1_ID, V2_ID]
    for identifier, version in ((V1_ID, "v1.0.0"), (V2_ID, "v2.0.0")):
        expected = (EXTENSIONS / version / "openapi.yaml").read_bytes()
        assert schemas.read_bytes(identifier) == expected
        assert schemas.get_openapi(identifier)["info"]["version"] == version[1:]


def test_openapi_defaults_to_newest_and_accepts_bare_numbers(v2: dict[str, Any]) -> None:
    assert download.openapi() == v2
    assert download.openapi("2.0.0") == v2
    assert download.openapi("1.0.0")["info"]["version"] == "1.0.0"
    with pytest.raises(UnknownIdentifierError, match=r"v1\.0\.0, v2\.0\.0"):
        download.openapi("v9.9.9")


def test_openapi_returns_a_fresh_copy() -> None:
    first = download.openapi()
    first["info"]["title"] = "changed"
    assert download.openapi()["info"]["title"] == "STAC API - Download"


# --- v1.0.0 as published --------------------------------------------------------------------


def test_v1_identity(v1: dict[str, Any]) -> None:
    assert v1["info"]["title"] == "STAC API - Download"
    assert v1["info"]["version"] == "1.0.0"
    assert "servers" not in v1
    assert "security" not in v1
    assert "securitySchemes" not in v1.get("components", {})
    assert list(v1["paths"]) == [PATH]


def test_v1_get_only_with_three_required_string_path_parameters(v1: dict[str, Any]) -> None:
    path_item = v1["paths"][PATH]
    assert set(path_item) == {"get"}
    get = path_item["get"]
    assert get["operationId"] == "getDownload"
    assert get["tags"] == ["Download"]
    params = [_resolve(v1, p) for p in get["parameters"]]
    assert [(p["name"], p["in"], p["required"], p["schema"]) for p in params] == [
        ("collectionId", "path", True, {"type": "string"}),
        ("itemId", "path", True, {"type": "string"}),
        ("assetId", "path", True, {"type": "string"}),
    ]
    assert "requestBody" not in get


def test_v1_responses(v1: dict[str, Any]) -> None:
    assert set(v1["paths"][PATH]["get"]["responses"]) == {"200", "307", "404", "500"}
    for status in ("200", "307"):
        response = _response(v1, "get", status)
        # The published flaw: 307 carries a body and declares no Location header.
        assert response["content"] == {"application/octet-stream": {}}
        assert "headers" not in response
    for status in ("404", "500"):
        _assert_exception_schema(_error_schema(v1, _response(v1, "get", status)))


# --- v2.0.0 ---------------------------------------------------------------------------------


def test_v2_identity_and_conformance(v2: dict[str, Any]) -> None:
    assert v2["info"]["title"] == "STAC API - Download"
    assert v2["info"]["version"] == "2.0.0"
    description = v2["info"]["description"]
    assert download.DownloadConformance.V2 in description
    assert download.DownloadConformance.V1 in description
    assert "servers" not in v2
    for code in REDIRECTS_TO_FOLLOW:
        assert code in description


def test_v2_get_and_head_share_percent_encoded_path_parameters(v2: dict[str, Any]) -> None:
    path_item = v2["paths"][PATH]
    assert set(path_item) == {"parameters", "get", "head"}
    assert path_item["get"]["operationId"] == "getDownload"
    assert path_item["head"]["operationId"] == "headDownload"
    params = [_resolve(v2, p) for p in path_item["parameters"]]
    assert [p["name"] for p in params] == ["collectionId", "itemId", "assetId"]
    for param in params:
        assert param["in"] == "path"
        assert param["required"] is True
        assert param["schema"]["type"] == "string"
        assert "percent-encoded" in param["description"]


def test_v2_request_headers(v2: dict[str, Any]) -> None:
    get = v2["paths"][PATH]["get"]
    head = v2["paths"][PATH]["head"]
    get_headers = {p["name"]: p for p in (_resolve(v2, x) for x in get["parameters"])}
    head_headers = {p["name"] for p in (_resolve(v2, x) for x in head["parameters"])}
    assert set(get_headers) == {"Range", "If-None-Match"}
    assert head_headers == {"If-None-Match"}
    assert all(p["in"] == "header" and not p["required"] for p in get_headers.values())


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("bytes=0-1023", True),
        ("bytes=100-", True),
        ("bytes=-500", True),
        ("bytes=0-1,5-9", False),
        ("items=0-1", False),
        ("bytes=-", False),
    ],
)
def test_v2_range_parameter_is_one_byte_range(
    v2: dict[str, Any], value: str, matches: bool
) -> None:
    pattern = v2["components"]["parameters"]["Range"]["schema"]["pattern"]
    assert (re.search(pattern, value) is not None) is matches


def test_v2_get_statuses(v2: dict[str, Any]) -> None:
    assert set(v2["paths"][PATH]["get"]["responses"]) == {
        "200", "206", "302", "304", "307", "400", "401", "403", "404", "416", "500", "503",
    }  # fmt: skip
    assert set(v2["paths"][PATH]["head"]["responses"]) == {
        "200", "302", "304", "307", "400", "401", "403", "404", "500", "503",
    }  # fmt: skip


def test_v2_success_responses(v2: dict[str, Any]) -> None:
    ok = _response(v2, "get", "200")
    assert ok["content"] == {"*/*": {}}
    assert set(_headers(v2, ok)) == {
        "Content-Length", "Content-Disposition", "ETag", "Accept-Ranges", "Last-Modified",
    }  # fmt: skip
    partial = _response(v2, "get", "206")
    assert partial["content"] == {"*/*": {}}
    partial_headers = _headers(v2, partial)
    assert partial_headers["Content-Range"]["required"] is True
    assert "Content-Length" in partial_headers
    not_modified = _response(v2, "get", "304")
    assert "content" not in not_modified
    assert "ETag" in _headers(v2, not_modified)


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("status", ["302", "307"])
def test_v2_redirects_declare_location_and_no_body(
    v2: dict[str, Any], method: str, status: str
) -> None:
    response = _response(v2, method, status)
    assert "content" not in response
    location = _headers(v2, response)["Location"]
    assert location["required"] is True
    assert location["schema"] == {"type": "string", "format": "uri"}


@pytest.mark.parametrize("method", ["get", "head"])
def test_v2_unauthorized_requires_www_authenticate(v2: dict[str, Any], method: str) -> None:
    header = _headers(v2, _response(v2, method, "401"))["WWW-Authenticate"]
    assert header["required"] is True


def test_v2_range_not_satisfiable_gives_the_size(v2: dict[str, Any]) -> None:
    header = _headers(v2, _response(v2, "get", "416"))["Content-Range"]
    assert header["required"] is True
    assert re.search(header["schema"]["pattern"], "bytes */1048576")
    assert not re.search(header["schema"]["pattern"], "bytes 0-9/1048576")


def test_v2_every_get_error_uses_the_exception_schema(v2: dict[str, Any]) -> None:
    _assert_exception_schema(v2["components"]["schemas"]["Exception"])
    for status in ("400", "401", "403", "404", "416", "500", "503"):
        schema = _error_schema(v2, _response(v2, "get", status))
        assert schema is v2["components"]["schemas"]["Exception"]


def test_v2_head_responses_have_no_body(v2: dict[str, Any]) -> None:
    for status, response in v2["paths"][PATH]["head"]["responses"].items():
        assert "content" not in _resolve(v2, response), status


def test_v2_credentials_are_optional(v2: dict[str, Any]) -> None:
    assert v2["security"] == [{}, {"apiKey": []}, {"bearer": []}]
    api_key = v2["components"]["securitySchemes"]["apiKey"]
    assert (api_key["type"], api_key["in"], api_key["name"]) == ("apiKey", "header", "x-api-key")
    bearer = v2["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")


# --- module constants -----------------------------------------------------------------------


def test_constants_match_the_version_table_and_documents(v1: dict[str, Any]) -> None:
    assert download.DOWNLOAD_PATH == PATH
    assert list(v1["paths"]) == [download.DOWNLOAD_PATH]
    newest = schemas.newest("download")
    assert newest.version == "v2.0.0"
    assert newest.conformance_classes == download.CONFORMANCE_CLASSES
    oldest = schemas.versions("download")[0]
    assert oldest.conformance_classes == (download.DownloadConformance.V1,)


def test_error_body() -> None:
    assert download.error_body("NotFound") == {"code": "NotFound"}
    assert download.error_body("NotFound", "Item 'x' not found.") == {
        "code": "NotFound",
        "description": "Item 'x' not found.",
    }


# --- path encoding --------------------------------------------------------------------------

_TRICKY = st.sampled_from(["/", "%", " ", ":", "%2F", "?", "#", "é", "..", "+", "\x00"])
_IDS = st.lists(st.one_of(st.text(), _TRICKY), min_size=1, max_size=4).map("".join).filter(bool)


@settings(max_examples=300, deadline=None)
@given(collection_id=_IDS, item_id=_IDS, asset_id=_IDS)
def test_path_round_trip(collection_id: str, item_id: str, asset_id: str) -> None:
    path = download.download_path(collection_id, item_id, asset_id)
    assert path.startswith("/collections/")
    assert path.count("/") == 6
    assert download.parse_download_path(path) == (collection_id, item_id, asset_id)
    assert download.parse_download_path("https://example.com/catalog" + path + "?x=1#f") == (
        collection_id,
        item_id,
        asset_id,
    )


def test_download_path_examples() -> None:
    assert (
        download.download_path("s1_aux", "S1A:2020/01", "data/a b%.nc")
        == "/collections/s1_aux/items/S1A%3A2020%2F01/download/data%2Fa%20b%25.nc"
    )
    assert download.download_path("c", "i", "é") == "/collections/c/items/i/download/%C3%A9"


@pytest.mark.parametrize(
    ("ids", "message"),
    [(("", "i", "a"), "collection id must not be empty"), (("c", "i", "\ud800"), "asset id")],
)
def test_download_path_rejects(ids: tuple[str, str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        download.download_path(*ids)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/collections/c/items/i/download", "not a download path"),
        ("/collections/c/items/i/download/a/", "not a download path"),
        ("/collections/c/items/i/assets/a", "not a download path"),
        ("/collections/c/items/i/download/a/b", "not a download path"),
        ("/collections//items/i/download/a", "empty collection id"),
        ("/collections/c/items/i/download/%zz", "not followed by two hexadecimal"),
        ("/collections/c/items/%FF/download/a", "item id segment '%FF' does not decode"),
    ],
)
def test_parse_download_path_rejects(path: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        download.parse_download_path(path)


def test_parse_download_path_keeps_owner_prefix_and_api_root() -> None:
    # The previous reference server put `<owner>:` in front of the collection id.
    assert download.parse_download_path(
        "/catalog/collections/alice:s1_aux/items/S1A_X/download/S1A_X.EOF"
    ) == ("alice:s1_aux", "S1A_X", "S1A_X.EOF")


def test_changelog_has_every_packaged_version_with_its_date() -> None:
    changelog = (EXTENSIONS / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    for entry in schemas.versions("download"):
        assert f"## [{entry.version}] - {entry.released.isoformat()}" in changelog
