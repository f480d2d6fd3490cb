"""The schema resolver: every source, their order, path safety, the network rules, fetch/export."""

from __future__ import annotations

import json
import os
import pickle
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing.exceptions

from rs_stac_ext.cli._schema_commands import export_schemas, fetch_schemas, list_schemas
from rs_stac_ext.errors import RsStacExtError
from rs_stac_ext.schemas import find_version, get_schema, newest
from rs_stac_ext.schemas.resolver import (
    SCHEMA_MAP_NAME,
    STAC_VALIDATOR_ARGS_NAME,
    ResolvedSchema,
    ResolverSettings,
    SchemaResolver,
    SchemaUnavailableError,
    default_cache_dir,
)

ITEM_URI = "https://schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json"
COLLECTION_URI = "https://schemas.stacspec.org/v1.1.0/collection-spec/json-schema/collection.json"
# An extension version no one published: never built in, so mirrors, cache and network decide.
FILE_EXT_URI = "https://stac-extensions.github.io/raster/v9.1.0/schema.json"
CADIP_V14 = find_version("https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json")
UPSTREAM = Path(__file__).resolve().parents[1].parent / "shared" / "upstream"


# --- helpers ----------------------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b"{}"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_length: bool = True


class Loopback:
    """A real HTTP server on 127.0.0.1 that records every request it receives."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.stop = threading.Event()

    def serve(self, path: str, body: Any = None, **kwargs: Any) -> str:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.routes[path] = Route(body=data, **kwargs)
        return self.base + path


class _Server(ThreadingHTTPServer):
    owner: Loopback


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.requests.append(self.path)
        route = owner.routes.get(self.path, Route(body=b"not found", status=404))
        if route.delay:
            owner.stop.wait(route.delay)
        try:
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.content_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)
        except OSError:
            pass  # the client gave up (size or time limit): expected

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Loopback]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    owner = Loopback(httpd.server_address[1])
    httpd.owner = owner
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield owner
    owner.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def _isolated_default_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Even a resolver built with default settings must never touch the user's home.
    monkeypatch.setenv("RS_STAC_CACHE", str(tmp_path / "default-cache"))


def settings(tmp_path: Path, **kwargs: Any) -> ResolverSettings:
    kwargs.setdefault("cache_dir", tmp_path / "cache")
    return ResolverSettings(**kwargs)


def write_json(path: Path, value: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def unavailable(resolver: SchemaResolver, uri: str) -> SchemaUnavailableError:
    with pytest.raises(SchemaUnavailableError) as caught:
        resolver.resolve(uri)
    return caught.value


def all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


STAC_ITEM: dict[str, Any] = {
    "type": "Feature",
    "stac_version": "1.1.0",
    "stac_extensions": [],
    "id": "S1A_20250101T000000",
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[10.0, 45.0], [11.0, 45.0], [11.0, 46.0], [10.0, 46.0], [10.0, 45.0]]],
    },
    "bbox": [10.0, 45.0, 11.0, 46.0],
    "properties": {
        "datetime": "2025-01-01T00:00:00Z",
        "platform": "sentinel-1a",
        "instruments": ["sar"],
        "providers": [{"name": "ESA", "roles": ["producer"]}],
    },
    "links": [{"rel": "self", "href": "https://example.com/items/S1A.json"}],
    "assets": {"data": {"href": "https://example.com/S1A.zip", "roles": ["data"]}},
}


# --- packaged and pystac ----------------------------------------------------------------------


def test_packaged_schema_resolves_offline(tmp_path: Path) -> None:
    resolver = SchemaResolver(settings(tmp_path))
    found = resolver.resolve(CADIP_V14.identifier)
    assert found.origin == "packaged"
    assert found.contents == get_schema(CADIP_V14.identifier)
    assert found.location.endswith(str(Path(CADIP_V14.resource_path)))
    assert resolver.resolve(CADIP_V14.identifier + "#") is found


def test_alias_resolves_to_the_canonical_schema(tmp_path: Path) -> None:
    alias = CADIP_V14.aliases[0]
    found = SchemaResolver(settings(tmp_path)).resolve(alias + "#")
    assert found.uri == alias
    assert found.origin == "packaged"
    assert found.contents == get_schema(CADIP_V14.identifier)


def test_openapi_identifier_is_not_a_schema(tmp_path: Path) -> None:
    download = newest("download").identifier
    error = unavailable(SchemaResolver(settings(tmp_path)), download)
    assert "OpenAPI" in error.reasons[0]


def test_pystac_bundle_holds_core_1_1_0_which_the_built_in_set_answers_first(
    tmp_path: Path,
) -> None:
    resolver = SchemaResolver(settings(tmp_path))
    for uri in (ITEM_URI, COLLECTION_URI, "https://geojson.org/schema/Feature.json"):
        found = resolver.resolve(uri)
        assert found.origin == "community"
        in_bundle = resolver._pystac(uri, [])
        assert in_bundle is not None
        assert Path(in_bundle.location).is_file()
        assert json.loads(Path(in_bundle.location).read_bytes()) == in_bundle.contents
    error = unavailable(
        resolver, "https://schemas.stacspec.org/v0.9.0/item-spec/json-schema/item.json"
    )
    assert "not in pystac's bundle" in error.reasons
    assert "not built in" in error.reasons


def test_pystac_layout_change_empties_only_that_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rs_stac_ext.schemas.resolver as resolver_module

    # pystac installed, but without its schema files where the bundle expects them.
    monkeypatch.setattr(resolver_module, "_pystac_schema_folder", lambda: tmp_path / "moved")
    resolver = SchemaResolver(settings(tmp_path))
    reasons: list[str] = []
    assert resolver._pystac(ITEM_URI, reasons) is None
    assert any("pystac's bundle is unavailable" in r and "moved" in r for r in reasons)
    assert resolver.resolve(ITEM_URI).origin == "community"
    assert resolver.resolve(CADIP_V14.identifier).origin == "packaged"
    assert all(origin != "pystac" for _, origin, _ in resolver.known())


# --- mirror and cache -------------------------------------------------------------------------


def test_mirror_layout_and_schema_map(tmp_path: Path) -> None:
    layout = tmp_path / "layout"
    write_json(layout / "stac-extensions.github.io/raster/v9.1.0/schema.json", {"title": "file"})
    mapped = tmp_path / "mapped"
    write_json(mapped / "schemas/ts.json", {"title": "timestamps"})
    write_json(
        mapped / SCHEMA_MAP_NAME,
        {"https://stac-extensions.github.io/classification/v9.1.0/schema.json#": "schemas/ts.json"},
    )
    resolver = SchemaResolver(settings(tmp_path, schema_dirs=(layout, mapped)))
    found = resolver.resolve(FILE_EXT_URI)
    assert (found.origin, found.contents) == ("mirror", {"title": "file"})
    assert found.location == str(
        (layout / "stac-extensions.github.io/raster/v9.1.0/schema.json").resolve()
    )
    ts = resolver.resolve("https://stac-extensions.github.io/classification/v9.1.0/schema.json")
    assert (ts.origin, ts.contents) == ("mirror", {"title": "timestamps"})


def test_first_mirror_wins_and_map_beats_layout(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_json(first / "stac-extensions.github.io/raster/v9.1.0/schema.json", {"from": "layout"})
    write_json(first / "other.json", {"from": "map"})
    write_json(first / SCHEMA_MAP_NAME, {FILE_EXT_URI: "other.json"})
    write_json(second / "stac-extensions.github.io/raster/v9.1.0/schema.json", {"from": "second"})
    resolver = SchemaResolver(settings(tmp_path, schema_dirs=(first, second)))
    assert resolver.resolve(FILE_EXT_URI).contents == {"from": "map"}


def test_cache_source_and_disabled_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    write_json(cache / "stac-extensions.github.io/raster/v9.1.0/schema.json", {"cached": True})
    found = SchemaResolver(settings(tmp_path, cache_dir=cache)).resolve(FILE_EXT_URI)
    assert (found.origin, found.contents) == ("cache", {"cached": True})
    error = unavailable(SchemaResolver(settings(tmp_path, use_cache=False)), FILE_EXT_URI)
    assert "cache disabled" in error.reasons


def test_broken_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    broken = mirror / "stac-extensions.github.io/raster/v9.1.0/schema.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("[1, 2]", encoding="utf-8")
    (mirror / SCHEMA_MAP_NAME).write_text("not json", encoding="utf-8")
    error = unavailable(SchemaResolver(settings(tmp_path, schema_dirs=(mirror,))), FILE_EXT_URI)
    mirror_reason = next(r for r in error.reasons if r.startswith("not in mirror"))
    assert "is not a JSON object" in mirror_reason
    assert f"{SCHEMA_MAP_NAME} is unreadable" in mirror_reason


def test_order_of_precedence(tmp_path: Path, server: Loopback) -> None:
    uri = server.serve("/ext/schema.json", {"from": "network"})
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    host_dir = f"127.0.0.1_{server.port}"
    for folder, label in ((mirror, "mirror"), (cache, "cache")):
        write_json(folder / host_dir / "ext/schema.json", {"from": label})
        write_json(folder / "schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json", {})
        write_json(folder / "home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json", {})
    allow = (server.base,)

    full = SchemaResolver(settings(tmp_path, schema_dirs=(mirror,), allow_hosts=allow))
    assert full.resolve(CADIP_V14.identifier).origin == "packaged"
    assert full.resolve(ITEM_URI).origin == "community"
    assert full.resolve(uri).contents == {"from": "mirror"}

    no_mirror = SchemaResolver(settings(tmp_path, allow_hosts=allow))
    assert no_mirror.resolve(uri).contents == {"from": "cache"}
    assert server.requests == []

    no_cache = SchemaResolver(settings(tmp_path, use_cache=False, allow_hosts=allow))
    assert no_cache.resolve(uri).contents == {"from": "network"}
    assert server.requests == ["/ext/schema.json"]


def test_unavailable_lists_every_reason(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    resolver = SchemaResolver(settings(tmp_path, schema_dirs=(mirror,)))
    error = unavailable(resolver, FILE_EXT_URI + "#")
    assert error.uri == FILE_EXT_URI
    assert error.reasons == [
        "not packaged",
        "not built in",
        "not in pystac's bundle",
        f"not in mirror {mirror}",
        f"not cached in {tmp_path / 'cache'}",
        "host stac-extensions.github.io is not allowed (use --allow-host)",
    ]
    assert str(error) == f"schema {FILE_EXT_URI} is unavailable: " + "; ".join(error.reasons)
    assert isinstance(error, LookupError)
    assert isinstance(error, RsStacExtError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.uri, copy.reasons, str(copy)) == (error.uri, error.reasons, str(error))
    # Failures are memoised but every call raises a fresh exception.
    assert unavailable(resolver, FILE_EXT_URI) is not error


@pytest.mark.parametrize(
    "uri",
    ["file:///etc/passwd", "schema.json", "/etc/passwd", "../x.json", "ftp://example.com/x.json"],
)
def test_local_and_relative_identifiers_are_refused(tmp_path: Path, uri: str) -> None:
    error = unavailable(SchemaResolver(settings(tmp_path)), uri)
    assert len(error.reasons) == 1
    assert "refused" in error.reasons[0]


def test_mirror_refuses_every_path_escape(tmp_path: Path) -> None:
    outside = write_json(tmp_path / "outside" / "secret.json", {"secret": True})
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    write_json(
        mirror / SCHEMA_MAP_NAME,
        {
            "https://a.example/dotdot.json": "../outside/secret.json",
            "https://a.example/absolute.json": str(outside),
            "https://a.example/nested.json": "sub/../../outside/secret.json",
            "https://a.example/backslash.json": "..\\outside\\secret.json",
        },
    )
    (mirror / "b.example").mkdir()
    (mirror / "b.example" / "link.json").symlink_to(outside)
    (mirror / "c.example").symlink_to(outside.parent, target_is_directory=True)
    (mirror / "etc.example").symlink_to("/etc", target_is_directory=True)
    resolver = SchemaResolver(settings(tmp_path, schema_dirs=(mirror,), use_cache=False))
    for uri in (
        "https://a.example/dotdot.json",
        "https://a.example/absolute.json",
        "https://a.example/nested.json",
        "https://a.example/backslash.json",
        "https://b.example/link.json",
        "https://c.example/secret.json",
        "https://etc.example/passwd",
        "https://etc.example/hostname",
    ):
        error = unavailable(resolver, uri)
        mirror_reason = next(r for r in error.reasons if r.startswith("not in mirror"))
        assert "outside the folder (refused)" in mirror_reason, uri
    for uri in ("https://c.example/%2e%2e/secret.json", "https://c.example/../secret.json"):
        unavailable(resolver, uri)
    listed = {uri for uri, origin, _ in resolver.known() if origin == "mirror"}
    assert not listed & {"https://b.example/link.json", "https://c.example/secret.json"}


def test_known_lists_each_identifier_once_with_its_source(tmp_path: Path) -> None:
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    write_json(mirror / "stac-extensions.github.io/raster/v9.1.0/schema.json", {})
    write_json(mirror / "schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json", {})
    write_json(cache / "stac-extensions.github.io/raster/v9.1.0/schema.json", {})
    write_json(cache / "example.com_8443/a/b.json", {})
    resolver = SchemaResolver(settings(tmp_path, schema_dirs=(mirror,), cache_dir=cache))
    known = resolver.known()
    uris = [uri for uri, _, _ in known]
    assert len(uris) == len(set(uris))
    origins = {uri: origin for uri, origin, _ in known}
    assert origins[CADIP_V14.identifier] == origins[CADIP_V14.aliases[0]] == "packaged"
    assert origins[ITEM_URI] == "community"
    assert origins[FILE_EXT_URI] == "mirror"
    assert origins["https://example.com:8443/a/b.json"] == "cache"
    for uri, origin, location in known:
        assert Path(location).is_file()
        assert resolver.resolve(uri).origin == origin


def test_default_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RS_STAC_CACHE", str(tmp_path / "elsewhere"))
    assert default_cache_dir() == tmp_path / "elsewhere"
    assert ResolverSettings().cache_dir == tmp_path / "elsewhere"
    monkeypatch.delenv("RS_STAC_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "rs-stac-ext" / "schemas"


@pytest.mark.parametrize(
    "entry", ["ftp://example.com", "https://example.com/path", "https://user@example.com", ""]
)
def test_malformed_allow_host_is_rejected(entry: str) -> None:
    with pytest.raises(ValueError, match="allowed host"):
        ResolverSettings(allow_hosts=(entry,), cache_dir=None)


# --- network ----------------------------------------------------------------------------------


def test_network_fetch_is_cached_atomically(tmp_path: Path, server: Loopback) -> None:
    body = b'{"title": "remote",\n  "type": "object"}'
    uri = server.serve("/schemas/remote.json", body)
    cache = tmp_path / "cache"
    found = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,))).resolve(uri)
    assert (found.origin, found.location) == ("network", uri)
    assert found.contents == {"title": "remote", "type": "object"}
    target = cache / f"127.0.0.1_{server.port}" / "schemas" / "remote.json"
    assert all_files(cache) == [target]
    assert target.read_bytes() == body
    again = SchemaResolver(settings(tmp_path)).resolve(uri)
    assert (again.origin, again.contents) == ("cache", found.contents)
    assert server.requests == ["/schemas/remote.json"]


def test_failed_cache_write_leaves_nothing_behind(
    tmp_path: Path, server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = server.serve("/x.json", {"a": 1})

    def crash(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    resolver = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,)))
    with pytest.warns(RuntimeWarning, match="disk full"):
        found = resolver.resolve(uri)
    assert found.origin == "network"
    assert all_files(tmp_path / "cache") == []


def test_host_not_allowed_is_never_contacted(tmp_path: Path, server: Loopback) -> None:
    uri = server.serve("/x.json", {"a": 1})
    cases = {
        (): f"host 127.0.0.1:{server.port} is not allowed (use --allow-host)",
        (f"127.0.0.1:{server.port}",): "plain http to 127.0.0.1 is not allowed",
        ("http://127.0.0.1:1",): "is not allowed (use --allow-host)",
        (f"http://localhost:{server.port}",): "is not allowed (use --allow-host)",
    }
    for allow, expected in cases.items():
        error = unavailable(SchemaResolver(settings(tmp_path, allow_hosts=allow)), uri)
        assert expected in error.reasons[-1], allow
    error = unavailable(
        SchemaResolver(settings(tmp_path, allow_hosts=(server.base,))),
        f"http://user@127.0.0.1:{server.port}/x.json",
    )
    assert "user information" in error.reasons[-1]
    assert server.requests == []


@pytest.mark.parametrize("content_length", [True, False])
def test_size_limit(tmp_path: Path, server: Loopback, content_length: bool) -> None:
    big = json.dumps({"padding": "x" * 5000}).encode()
    uri = server.serve("/big.json", big, content_length=content_length)
    resolver = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,), max_bytes=1000))
    error = unavailable(resolver, uri)
    assert "1000-byte limit" in error.reasons[-1]
    assert all_files(tmp_path / "cache") == []
    roomy = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,), max_bytes=len(big)))
    assert roomy.resolve(uri).origin == "network"


def test_time_limit(tmp_path: Path, server: Loopback) -> None:
    uri = server.serve("/slow.json", {"a": 1}, delay=10)
    resolver = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,), timeout=0.3))
    started = time.monotonic()
    error = unavailable(resolver, uri)
    assert time.monotonic() - started < 3
    assert "timed out after 0.3 s" in error.reasons[-1]


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (b"<html>not json</html>", 200, "not a JSON object"),
        (b"[1, 2, 3]", 200, "not a JSON object"),
        (b"{}", 404, "HTTP 404"),
    ],
)
def test_bad_responses(
    tmp_path: Path, server: Loopback, body: bytes, status: int, expected: str
) -> None:
    uri = server.serve("/bad.json", body, status=status)
    error = unavailable(SchemaResolver(settings(tmp_path, allow_hosts=(server.base,))), uri)
    assert expected in error.reasons[-1]
    assert all_files(tmp_path / "cache") == []


def test_redirects_stay_on_the_same_host(tmp_path: Path, server: Loopback) -> None:
    target = server.serve("/real.json", {"real": True})
    server.serve("/same.json", status=302, headers={"Location": "/real.json"})
    server.serve(
        "/away.json",
        status=302,
        headers={"Location": f"http://localhost:{server.port}/real.json"},
    )
    resolver = SchemaResolver(
        settings(tmp_path, allow_hosts=(server.base, f"http://localhost:{server.port}"))
    )
    error = unavailable(resolver, server.base + "/away.json")
    assert "redirect to" in error.reasons[-1]
    assert server.requests == ["/away.json"]
    found = resolver.resolve(server.base + "/same.json")
    assert (found.contents, found.location) == ({"real": True}, target)


def test_concurrent_resolves_fetch_once(tmp_path: Path, server: Loopback) -> None:
    uri = server.serve("/shared.json", {"shared": True}, delay=0.2)
    resolver = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,)))
    results: list[ResolvedSchema] = []
    threads = [
        threading.Thread(target=lambda: results.append(resolver.resolve(uri))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(results) == 8
    assert all(result is results[0] for result in results)
    assert server.requests == ["/shared.json"]


# --- fetch and export -------------------------------------------------------------------------


def _remote_tree(server: Loopback) -> str:
    server.serve("/b/other.json", {"definitions": {"code": {"type": "string"}}})
    server.serve("/b/deep.json", {"type": "object", "required": ["code"]})
    server.serve("/a/child.json", {"$ref": "../b/deep.json"})
    return server.serve(
        "/a/root.json",
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "allOf": [
                {"$ref": "child.json"},
                {"$ref": "#/definitions/local"},
                {"$ref": ITEM_URI},
                {"properties": {"code": {"$ref": f"{server.base}/b/other.json#/definitions/code"}}},
            ],
            "definitions": {
                "local": {"type": "object"},
                "unused": {"$ref": "http://json-schema.org/draft-07/schema#"},
            },
        },
    )


def test_fetch_follows_references_then_everything_resolves_offline(
    tmp_path: Path, server: Loopback
) -> None:
    root = _remote_tree(server)
    seen: list[str] = []
    online = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,)))
    results = online.fetch([root, FILE_EXT_URI], progress=seen.append)
    remote = [root, f"{server.base}/a/child.json", f"{server.base}/b/other.json"]
    remote.append(f"{server.base}/b/deep.json")
    resolved = {r.uri: r.origin for r in results if isinstance(r, ResolvedSchema)}
    assert all(resolved[uri] == "network" for uri in remote)
    assert (
        resolved[ITEM_URI]
        == resolved[ITEM_URI.replace("item.json", "basics.json")]
        == ("community")
    )
    assert "https://geojson.org/schema/Feature.json" in resolved
    assert not any("json-schema.org" in uri for uri in seen)
    failures = [r for r in results if isinstance(r, SchemaUnavailableError)]
    assert [f.uri for f in failures] == [FILE_EXT_URI]
    assert seen[:2] == [root, FILE_EXT_URI]
    assert sorted(server.requests) == sorted(u.removeprefix(server.base) for u in remote)

    offline = SchemaResolver(settings(tmp_path))
    assert all(offline.resolve(uri).origin == "cache" for uri in remote)
    validator = jsonschema.Draft7Validator({"$ref": root}, registry=offline.registry())
    assert validator.is_valid({**STAC_ITEM, "code": "abc"})
    assert not validator.is_valid({**STAC_ITEM, "code": 1})
    assert len(server.requests) == 4


def test_export_round_trips_through_a_fresh_resolver(tmp_path: Path, server: Loopback) -> None:
    uri = server.serve("/remote/schema.json", {"title": "remote"})
    source = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,)))
    source.resolve(uri)  # now in the cache, so known() lists it
    folder = tmp_path / "export"
    map_path = source.export(folder)
    assert map_path == folder / SCHEMA_MAP_NAME
    schema_map = json.loads(map_path.read_text(encoding="utf-8"))
    assert set(schema_map) == {uri for uri, _, _ in source.known()}
    for mapped_uri, relative in schema_map.items():
        assert json.loads((folder / relative).read_bytes()) == source.resolve(mapped_uri).contents
    packaged = schema_map[CADIP_V14.identifier]
    assert (folder / packaged).read_bytes() == Path(
        source.resolve(CADIP_V14.identifier).location
    ).read_bytes()

    fresh = SchemaResolver(settings(tmp_path, schema_dirs=(folder,), use_cache=False))
    for mapped_uri in schema_map:
        assert fresh.resolve(mapped_uri).contents == source.resolve(mapped_uri).contents
    assert fresh.resolve(uri).origin == "mirror"

    lines = (folder / STAC_VALIDATOR_ARGS_NAME).read_text(encoding="utf-8").splitlines()
    pairs = [line.split(" ") for line in lines if not line.startswith("#")]
    assert len(pairs) == len(schema_map)
    for flag, mapped_uri, path in pairs:
        assert flag == "--schema-map"
        assert Path(path).is_absolute()
        assert Path(path) == (folder / schema_map[mapped_uri]).resolve()
    assert any("--schemaMap URI=PATH" in line for line in lines if line.startswith("#"))


def test_export_of_given_schemas_includes_their_references(
    tmp_path: Path, server: Loopback
) -> None:
    root = _remote_tree(server)
    online = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,), use_cache=False))
    folder = tmp_path / "export"
    schema_map = json.loads(online.export(folder, [root]).read_text(encoding="utf-8"))
    assert root in schema_map
    assert f"{server.base}/b/deep.json" in schema_map
    assert ITEM_URI in schema_map
    assert CADIP_V14.identifier not in schema_map
    offline = SchemaResolver(settings(tmp_path, schema_dirs=(folder,), use_cache=False))
    validator = jsonschema.Draft7Validator({"$ref": root}, registry=offline.registry())
    assert validator.is_valid({**STAC_ITEM, "code": "abc"})

    with pytest.raises(SchemaUnavailableError):
        online.export(tmp_path / "nothing", [root, FILE_EXT_URI])
    assert not (tmp_path / "nothing").exists()


# --- the registry -----------------------------------------------------------------------------


def test_registry_validates_a_stac_1_1_0_item_with_pystac_schemas(tmp_path: Path) -> None:
    resolver = SchemaResolver(settings(tmp_path))
    validator = jsonschema.Draft7Validator(
        {"$ref": ITEM_URI},
        registry=resolver.registry(),
        format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
    )
    assert list(validator.iter_errors(STAC_ITEM)) == []
    broken = {**STAC_ITEM, "properties": {**STAC_ITEM["properties"], "datetime": None}}
    assert not validator.is_valid(broken)
    assert not validator.is_valid({**STAC_ITEM, "geometry": {"type": "Point"}})
    if UPSTREAM.is_dir():
        for example in sorted(UPSTREAM.glob("*/examples/item*.json")):
            document = json.loads(example.read_bytes())
            if document.get("stac_version") == "1.1.0":
                assert validator.is_valid(document), example
    retrieved = resolver.registry().get_or_retrieve(ITEM_URI.replace("item.json", "common.json"))
    assert (
        retrieved.value.contents
        == resolver.resolve(ITEM_URI.replace("item.json", "common.json")).contents
    )


def test_registry_validates_a_collection_and_refuses_the_unknown(tmp_path: Path) -> None:
    resolver = SchemaResolver(settings(tmp_path))
    collection = {
        "type": "Collection",
        "stac_version": "1.1.0",
        "id": "s1",
        "description": "Sentinel-1",
        "license": "other",
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {"interval": [["2025-01-01T00:00:00Z", None]]},
        },
        "links": [],
        "summaries": {"platform": ["sentinel-1a"]},
    }
    validator = jsonschema.Draft7Validator({"$ref": COLLECTION_URI}, registry=resolver.registry())
    assert validator.is_valid(collection)
    assert not validator.is_valid({**collection, "extent": {}})
    with pytest.raises(referencing.exceptions.NoSuchResource):
        resolver.registry().get_or_retrieve(FILE_EXT_URI)
    local = jsonschema.Draft7Validator({"$ref": "file:///etc/passwd"}, registry=resolver.registry())
    with pytest.raises(referencing.exceptions.Unresolvable):
        local.is_valid({})


def test_registry_retrieves_community_schemas_on_demand_only(tmp_path: Path) -> None:
    # Reading every community file up front doubled the first call's cost (issue 19): the
    # registry holds the packaged and pystac schemas, and gets the others when referenced.
    resolver = SchemaResolver(settings(tmp_path))
    raster = "https://stac-extensions.github.io/raster/v1.1.0/schema.json"
    assert resolver.resolve(raster).origin == "community"
    fresh = SchemaResolver(settings(tmp_path))
    registry = fresh.registry()
    assert raster not in registry
    assert ITEM_URI in registry
    assert registry.get_or_retrieve(raster).value.contents == resolver.resolve(raster).contents
    validator = jsonschema.Draft7Validator({"$ref": raster}, registry=fresh.registry())
    item = {
        **STAC_ITEM,
        "stac_extensions": [raster],
        "assets": {"data": {"href": "a.tif", "raster:bands": [{"data_type": "uint15"}]}},
    }
    assert not validator.is_valid(item)
    item["assets"]["data"]["raster:bands"][0]["data_type"] = "uint16"
    assert validator.is_valid(item)


# --- command helpers --------------------------------------------------------------------------


def test_list_schemas_marks_our_versions(tmp_path: Path) -> None:
    rows = {row["uri"]: row for row in list_schemas(SchemaResolver(settings(tmp_path)))}
    cadip_new = newest("cadip")
    assert rows[cadip_new.identifier] == {
        "uri": cadip_new.identifier,
        "origin": "packaged",
        "location": rows[cadip_new.identifier]["location"],
        "extension": "cadip",
        "version": cadip_new.version,
        "alias_of": None,
        "newest": True,
        "upstream": None,
    }
    assert rows[CADIP_V14.aliases[0]]["alias_of"] == CADIP_V14.identifier
    assert rows[CADIP_V14.identifier]["newest"] is False
    assert (rows[ITEM_URI]["extension"], rows[ITEM_URI]["version"]) == ("stac-core", "v1.1.0")
    assert rows[ITEM_URI]["origin"] == "community"
    assert rows[ITEM_URI]["newest"] is False


def test_fetch_and_export_commands(tmp_path: Path, server: Loopback) -> None:
    uri = server.serve("/one.json", {"$ref": "two.json"})
    server.serve("/two.json", {"type": "object"})
    resolver = SchemaResolver(settings(tmp_path, allow_hosts=(server.base,)))
    lines: list[str] = []
    assert fetch_schemas(resolver, [uri], lines.append) == 0
    assert lines[-1].startswith("2 schemas available offline, 0 unavailable")
    lines.clear()
    assert fetch_schemas(resolver, [uri, FILE_EXT_URI], lines.append) == 1
    assert any(line.startswith("missing") and FILE_EXT_URI in line for line in lines)
    assert fetch_schemas(resolver, [], lines.append) == 1

    lines.clear()
    assert export_schemas(resolver, tmp_path / "out", lines.append) == 0
    assert (tmp_path / "out" / SCHEMA_MAP_NAME).is_file()
    assert lines[0].startswith("exported ")
    assert export_schemas(resolver, tmp_path / "bad", lines.append, uris=[FILE_EXT_URI]) == 1
    assert lines[-1].startswith("nothing exported")
