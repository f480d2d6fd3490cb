"""Schema packs and ``schemas fetch --for``, against real HTTPS servers on loopback.

Two HTTPS servers with a certificate authority made by the test stand for two schema hosts:
``127.0.0.1`` publishes a projection-like extension whose schema references a PROJJSON-like
schema on ``localhost`` (which references a third schema relatively), as projection v2.0.0
references https://proj.org. The client trusts them only through the CA file.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from rs_stac_ext.cli import main
from rs_stac_ext.schemas.closure import schema_closure
from rs_stac_ext.schemas.pack import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    SCHEMA_PACK_ENV,
    PackedSchema,
    SchemaPackError,
    open_pack,
    write_pack,
)
from rs_stac_ext.schemas.resolver import ResolverSettings, SchemaResolver, SchemaUnavailableError
from rs_stac_ext.validator.validation import ValidationOptions, validate
from tls_support import Authority, HttpsHost, https_host, make_authority

CADIP_V20 = "https://home.rs-python.eu/cadip-stac-extension/v2.0.0/schema.json"


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_authority(tmp_path_factory.mktemp("tls"))


@dataclass
class Hosts:
    """The two schema hosts and what they publish."""

    extension: HttpsHost
    crs: HttpsHost
    authority: Authority

    @property
    def extension_uri(self) -> str:
        return self.extension.url("/projection/v2.0.0/schema.json")

    @property
    def crs_uri(self) -> str:
        return self.crs.url("/schemas/v0.7/projjson.schema.json")

    @property
    def id_uri(self) -> str:
        return self.crs.url("/schemas/v0.7/id.schema.json")

    def all_requests(self) -> list[str]:
        return self.extension.requests + self.crs.requests


@pytest.fixture
def hosts(authority: Authority) -> Iterator[Hosts]:
    with https_host(authority, "127.0.0.1") as first, https_host(authority, "localhost") as second:
        found = Hosts(first, second, authority)
        second.serve(
            "/schemas/v0.7/projjson.schema.json",
            {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "title": "A coordinate reference system",
                "type": "object",
                "required": ["type", "name"],
                "properties": {
                    "type": {"enum": ["GeographicCRS", "ProjectedCRS"]},
                    "name": {"type": "string"},
                    "id": {"$ref": "id.schema.json"},
                },
            },
        )
        second.serve(
            "/schemas/v0.7/id.schema.json",
            {
                "type": "object",
                "required": ["authority", "code"],
                "properties": {"authority": {"type": "string"}, "code": {"type": "integer"}},
            },
        )
        first.serve(
            "/projection/v2.0.0/schema.json",
            {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "title": "Projection-like test extension",
                "type": "object",
                "required": ["properties"],
                "properties": {
                    "properties": {
                        "type": "object",
                        "properties": {
                            "proj:code": {"type": ["string", "null"]},
                            "proj:projjson": {"$ref": found.crs_uri},
                        },
                    }
                },
            },
        )
        yield found


def item(identifier: str, extensions: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": extensions,
        "id": identifier,
        "geometry": {"type": "Point", "coordinates": [10.0, 45.0]},
        "bbox": [10.0, 45.0, 10.0, 45.0],
        "properties": {"datetime": "2025-01-01T00:00:00Z", **properties},
        "links": [],
        "assets": {},
    }


GOOD_CRS = {"type": "GeographicCRS", "name": "WGS 84", "id": {"authority": "EPSG", "code": 4326}}


def write_items(folder: Path, hosts: Hosts) -> Path:
    """Three items: valid, invalid by the referenced PROJJSON-like schema, one of ours."""
    folder.mkdir(parents=True, exist_ok=True)
    documents = {
        "good.json": item("good", [hosts.extension_uri], **{"proj:projjson": GOOD_CRS}),
        # Only the schema two references away (id.schema.json, on the other host) rejects it.
        "bad-id.json": item(
            "bad-id",
            [hosts.extension_uri],
            **{"proj:projjson": {**GOOD_CRS, "id": {"authority": "EPSG", "code": "4326"}}},
        ),
        "ours.json": item("ours", [CADIP_V20]),
    }
    for name, document in documents.items():
        (folder / name).write_text(json.dumps(document), encoding="utf-8")
    return folder


def rs_stac(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    environment = {"RS_STAC_CA_BUNDLE": "", SCHEMA_PACK_ENV: "", **(env or {})}
    return CliRunner().invoke(main, [str(a) for a in args], env=environment)


def net(hosts: Hosts, *allowed: str) -> list[str]:
    """Options to reach the given hosts, trusting the test CA."""
    options = ["--ca-bundle", str(hosts.authority.ca_file)]
    for host in allowed:
        options += ["--allow-host", host]
    return options


def reports(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RS_STAC_CACHE", str(tmp_path / "default-cache"))
    monkeypatch.delenv(SCHEMA_PACK_ENV, raising=False)
    monkeypatch.delenv("RS_STAC_CA_BUNDLE", raising=False)


# --- fetch ------------------------------------------------------------------------------------


def test_fetch_for_documents_follows_references_across_two_allowed_hosts(
    tmp_path: Path, hosts: Hosts
) -> None:
    items = write_items(tmp_path / "items", hosts)
    cache = tmp_path / "cache"
    both = (hosts.extension.netloc, hosts.crs.netloc)
    result = rs_stac("schemas", "fetch", "--for", items, "--cache-dir", cache, *net(hosts, *both))
    assert result.exit_code == 0, result.stderr
    assert "3 document(s) name 3 schema(s)" in result.stderr
    assert f"network  {hosts.crs_uri}" in result.stderr
    assert f"network  {hosts.id_uri}" in result.stderr
    assert hosts.extension.requests == ["/projection/v2.0.0/schema.json"]
    assert sorted(hosts.crs.requests) == [
        "/schemas/v0.7/id.schema.json",
        "/schemas/v0.7/projjson.schema.json",
    ]
    cached = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*.json"))
    assert cached == [
        f"127.0.0.1_{hosts.extension.port}/projection/v2.0.0/schema.json",
        f"localhost_{hosts.crs.port}/schemas/v0.7/id.schema.json",
        f"localhost_{hosts.crs.port}/schemas/v0.7/projjson.schema.json",
    ]

    # Offline now: the schema two hosts and two references away decides the verdict.
    checked = rs_stac("validate", "--format", "json", "--cache-dir", cache, items)
    by_id = {r["id"]: r for r in reports(checked)}
    assert by_id["good"]["valid"] is True
    assert by_id["good"]["not_checked"] == []
    assert hosts.extension_uri in by_id["good"]["checked"]
    assert by_id["bad-id"]["valid"] is False
    paths = [e["path"] for e in by_id["bad-id"]["errors"]]
    assert "/properties/proj:projjson/id/code" in paths
    assert len(hosts.all_requests()) == 3


def test_fetch_names_the_host_to_allow_and_never_contacts_it(tmp_path: Path, hosts: Hosts) -> None:
    items = write_items(tmp_path / "items", hosts)
    result = rs_stac(
        "schemas",
        "fetch",
        "--for",
        items,
        "--cache-dir",
        tmp_path / "cache",
        *net(hosts, hosts.extension.netloc),
    )
    assert result.exit_code == 1
    assert f"missing  {hosts.crs_uri} (referenced by {hosts.extension_uri})" in result.stderr
    assert f"host not allowed: add --allow-host {hosts.crs.netloc}" in result.stderr
    assert f"add: --allow-host {hosts.crs.netloc}" in result.stderr.splitlines()[-1]
    assert hosts.crs.requests == []
    assert hosts.extension.requests == ["/projection/v2.0.0/schema.json"]


def test_fetch_of_uris_reports_the_same_way_and_reads_the_ca_from_the_environment(
    tmp_path: Path, hosts: Hosts
) -> None:
    result = rs_stac(
        "schemas",
        "fetch",
        hosts.extension_uri,
        "--cache-dir",
        tmp_path / "cache",
        "--allow-host",
        hosts.extension.netloc,
        env={"RS_STAC_CA_BUNDLE": str(hosts.authority.ca_file)},
    )
    assert result.exit_code == 1
    assert f"network  {hosts.extension_uri}" in result.stderr
    assert f"add --allow-host {hosts.crs.netloc}" in result.stderr


def test_fetch_for_a_document_read_over_https(tmp_path: Path, hosts: Hosts) -> None:
    document = item("remote", [hosts.extension_uri], **{"proj:projjson": GOOD_CRS})
    url = hosts.extension.serve("/items/remote.json", document)
    cache = tmp_path / "cache"
    online = net(hosts, hosts.extension.netloc, hosts.crs.netloc)
    result = rs_stac("schemas", "fetch", "--for", url, "--cache-dir", cache, *online)
    assert result.exit_code == 0, result.stderr
    assert "1 document(s) name 2 schema(s)" in result.stderr
    assert hosts.extension.requests[0] == "/items/remote.json"
    checked = rs_stac("validate", "--format", "json", "--cache-dir", cache, *online, url)
    (report,) = reports(checked)
    assert report["source"] == url
    assert report["valid"] is True
    assert hosts.extension_uri in report["checked"]


def test_a_server_the_ca_bundle_does_not_vouch_for_is_refused(tmp_path: Path, hosts: Hosts) -> None:
    other = make_authority(tmp_path / "other-ca")
    cache = tmp_path / "cache"
    result = rs_stac(
        "schemas",
        "fetch",
        hosts.extension_uri,
        "--cache-dir",
        cache,
        "--ca-bundle",
        other.ca_file,
        "--allow-host",
        hosts.extension.netloc,
    )
    assert result.exit_code == 1
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr
    assert not cache.exists() or not any(cache.rglob("*.json"))
    assert hosts.extension.requests == []  # the handshake failed: no request was made


def test_size_and_time_limits_over_https(tmp_path: Path, hosts: Hosts) -> None:
    big = hosts.extension.serve("/big.json", {"description": "x" * 5000})
    slow = hosts.crs.serve("/slow.json", {"type": "object"}, delay=5.0)
    resolver = SchemaResolver(
        ResolverSettings(
            cache_dir=tmp_path / "cache",
            allow_hosts=(hosts.extension.netloc, hosts.crs.netloc),
            max_bytes=2000,
            timeout=0.5,
            ca_bundle=hosts.authority.ca_file,
        )
    )
    entries = {e.uri: e for e in schema_closure(resolver, [big, slow, hosts.extension_uri])}
    too_big = entries[big].result
    too_slow = entries[slow].result
    assert isinstance(too_big, SchemaUnavailableError)
    assert any("exceeds the 2000-byte limit" in reason for reason in too_big.reasons)
    assert isinstance(too_slow, SchemaUnavailableError)
    assert any("timed out after 0.5 s" in reason for reason in too_slow.reasons)
    assert entries[big].host_to_allow is None  # allowed: the limit, not the host, refused it
    assert all(entries[u].available for u in (hosts.extension_uri, hosts.crs_uri, hosts.id_uri))
    assert entries[hosts.id_uri].referenced_by == (hosts.crs_uri,)
    assert not (tmp_path / "cache" / f"127.0.0.1_{hosts.extension.port}" / "big.json").exists()


# --- pack -------------------------------------------------------------------------------------


def manifest_of(pack: Path) -> dict[str, Any]:
    with zipfile.ZipFile(pack) as archive:
        loaded: dict[str, Any] = json.loads(archive.read(MANIFEST_NAME))
    return loaded


def test_pack_round_trip_gives_the_same_reports_without_cache_or_network(
    tmp_path: Path, hosts: Hosts
) -> None:
    items = write_items(tmp_path / "items", hosts)
    cache = tmp_path / "cache"
    both = net(hosts, hosts.extension.netloc, hosts.crs.netloc)
    assert rs_stac("schemas", "fetch", "--for", items, "--cache-dir", cache, *both).exit_code == 0
    served = {
        hosts.extension_uri: hosts.extension.routes["/projection/v2.0.0/schema.json"].body,
        hosts.crs_uri: hosts.crs.routes["/schemas/v0.7/projjson.schema.json"].body,
        hosts.id_uri: hosts.crs.routes["/schemas/v0.7/id.schema.json"].body,
    }
    requests_before = len(hosts.all_requests())

    pack = tmp_path / "air-gap.zip"
    packed = rs_stac("schemas", "pack", pack, "--for", items, "--cache-dir", cache)
    assert packed.exit_code == 0, packed.stderr
    digest = hashlib.sha256(pack.read_bytes()).hexdigest()
    manifest = manifest_of(pack)
    count = len(manifest["schemas"])
    assert f"packed {count} schemas into {pack} (sha256 {digest})" in packed.stderr
    assert manifest["format"] == FORMAT_NAME
    assert manifest["format_version"] == FORMAT_VERSION
    entries = {e["identifier"]: e for e in manifest["schemas"]}
    for uri, body in served.items():
        assert entries[uri]["sha256"] == hashlib.sha256(body).hexdigest()
        assert entries[uri]["size"] == len(body)
        assert entries[uri]["source"] == uri
        assert entries[uri]["origin"] == "cache"
        assert entries[uri]["fetched"].endswith("Z")
    assert entries[CADIP_V20]["origin"] == "packaged"
    assert entries[CADIP_V20]["fetched"] is None
    with zipfile.ZipFile(pack) as archive:
        member = entries[hosts.crs_uri]["path"]
        assert member == f"schemas/localhost_{hosts.crs.port}/schemas/v0.7/projjson.schema.json"
        assert archive.read(member) == served[hosts.crs_uri]

    with_cache = rs_stac("validate", "--format", "json", "--cache-dir", cache, items)
    from_pack = rs_stac("validate", "--format", "json", "--no-cache", "--schema-pack", pack, items)
    nothing = rs_stac("validate", "--format", "json", "--no-cache", items)
    # The same reports, but for where each schema came from.
    packed_reports, cached_reports = reports(from_pack), reports(with_cache)
    packed_origins = [r.pop("origins") for r in packed_reports]
    cached_origins = [r.pop("origins") for r in cached_reports]
    assert packed_reports == cached_reports
    assert packed_origins[0][hosts.extension_uri] == "pack"
    assert cached_origins[0][hosts.extension_uri] == "cache"
    assert from_pack.exit_code == with_cache.exit_code
    assert reports(from_pack)[0]["checked"]  # the reports are not empty ...
    assert nothing.stdout != with_cache.stdout  # ... and the schemas made the difference
    assert len(hosts.all_requests()) == requests_before

    listed = rs_stac("schemas", "list", "--format", "json", "--no-cache", "--schema-pack", pack)
    origins = {row["uri"]: row for row in reports(listed)}
    for uri in served:
        assert origins[uri]["origin"] == "pack"
        assert origins[uri]["location"] == f"{pack}!{entries[uri]['path']}"


def test_pack_straight_from_the_network_records_where_and_when(
    tmp_path: Path, hosts: Hosts
) -> None:
    pack = tmp_path / "net.zip"
    result = rs_stac(
        "schemas",
        "pack",
        pack,
        hosts.extension_uri,
        "--no-cache",
        *net(hosts, hosts.extension.netloc, hosts.crs.netloc),
    )
    assert result.exit_code == 0, result.stderr
    entries = {e["identifier"]: e for e in manifest_of(pack)["schemas"]}
    assert set(entries) == {hosts.extension_uri, hosts.crs_uri, hosts.id_uri}
    assert {e["origin"] for e in entries.values()} == {"network"}
    assert all(e["fetched"] and e["source"] == uri for uri, e in entries.items())

    # A pack made from a pack keeps the first pack's records.
    again = tmp_path / "again.zip"
    copy = rs_stac("schemas", "pack", again, "--no-cache", "--schema-pack", pack)
    assert copy.exit_code == 0, copy.stderr
    assert manifest_of(again)["schemas"] == manifest_of(pack)["schemas"]

    # Exported from the pack, a schema keeps the bytes it was published with.
    mirror = tmp_path / "mirror"
    exported = rs_stac("schemas", "export", mirror, "--no-cache", "--schema-pack", pack)
    assert exported.exit_code == 0, exported.stderr
    relative = f"localhost_{hosts.crs.port}/schemas/v0.7/projjson.schema.json"
    served = hosts.crs.routes["/schemas/v0.7/projjson.schema.json"].body
    assert (mirror / relative).read_bytes() == served


def test_pack_refuses_to_leave_out_a_missing_schema_unless_asked(
    tmp_path: Path, hosts: Hosts
) -> None:
    items = write_items(tmp_path / "items", hosts)
    pack = tmp_path / "partial.zip"
    only_first = net(hosts, hosts.extension.netloc)
    refused = rs_stac("schemas", "pack", pack, "--for", items, "--no-cache", *only_first)
    assert refused.exit_code == 1
    assert "nothing packed: 1 schemas are unavailable" in refused.stderr
    assert not pack.exists()
    partial = rs_stac(
        "schemas", "pack", pack, "--for", items, "--no-cache", "--allow-missing", *only_first
    )
    assert partial.exit_code == 0, partial.stderr
    identifiers = {e["identifier"] for e in manifest_of(pack)["schemas"]}
    assert hosts.extension_uri in identifiers
    assert hosts.crs_uri not in identifiers


def test_packs_from_the_environment_variable(tmp_path: Path, hosts: Hosts) -> None:
    items = write_items(tmp_path / "items", hosts)
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    online = ["--no-cache", *net(hosts, hosts.extension.netloc, hosts.crs.netloc)]
    assert rs_stac("schemas", "pack", first, hosts.extension_uri, *online).exit_code == 0
    assert rs_stac("schemas", "pack", second, CADIP_V20, "--no-cache").exit_code == 0
    given = rs_stac(
        "validate",
        "--format",
        "json",
        "--no-cache",
        "--schema-pack",
        first,
        "--schema-pack",
        second,
        items,
    )
    from_env = rs_stac(
        "validate",
        "--format",
        "json",
        "--no-cache",
        items,
        env={SCHEMA_PACK_ENV: f"{first}{os.pathsep}{os.pathsep}{second}"},
    )
    assert from_env.stdout == given.stdout
    assert all(not r["not_checked"] for r in reports(from_env))


def test_python_api_validates_from_a_pack(tmp_path: Path, hosts: Hosts) -> None:
    items = write_items(tmp_path / "items", hosts)
    pack = tmp_path / "api.zip"
    online = ["--no-cache", *net(hosts, hosts.extension.netloc, hosts.crs.netloc)]
    assert rs_stac("schemas", "pack", pack, "--for", items, *online).exit_code == 0
    settings = ResolverSettings(schema_packs=(pack,), use_cache=False)
    assert SchemaResolver(settings).resolve(hosts.id_uri).origin == "pack"
    found = {r.id: r for r in validate([items], ValidationOptions(resolver=settings))}
    assert found["good"].valid
    assert not found["good"].not_checked
    assert not found["bad-id"].valid


# --- refused and malformed packs ---------------------------------------------------------------

ONE = "https://schemas.example.org/one/v1.0.0/schema.json"
TWO = "https://schemas.example.org/two/v1.0.0/schema.json"
MEMBER_ONE = "schemas/schemas.example.org/one/v1.0.0/schema.json"


def small_pack(path: Path, *extra: PackedSchema) -> Path:
    schemas = [
        PackedSchema(ONE, b'{"type": "object"}', ONE, "2026-12-03T10:00:00Z", "network"),
        *extra,
    ]
    write_pack(path, schemas)
    return path


def rewrite(pack: Path, change: Any) -> None:
    """Rewrite a pack's members through ``change(members) -> members``."""
    with zipfile.ZipFile(pack) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members = change(members)
    with zipfile.ZipFile(pack, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def edit_manifest(members: dict[str, bytes], edit: Any) -> dict[str, bytes]:
    manifest = json.loads(members[MANIFEST_NAME])
    edit(manifest)
    return {**members, MANIFEST_NAME: json.dumps(manifest).encode()}


TAMPERINGS: dict[str, tuple[Any, str, bool]] = {
    "member changed": (
        lambda m: {**m, MEMBER_ONE: b'{"type": "array"}'},
        "does not match the manifest's SHA-256 and size",
        True,
    ),
    "member removed": (
        lambda m: {k: v for k, v in m.items() if k != MEMBER_ONE},
        "named by the manifest is missing",
        True,
    ),
    "member added": (
        lambda m: {**m, "schemas/extra.json": b"{}"},
        "the manifest does not list member(s) 'schemas/extra.json'",
        False,
    ),
    "digest edited": (
        lambda m: edit_manifest(m, lambda d: d["schemas"][0].update(sha256="0" * 64)),
        "does not match the manifest's SHA-256 and size",
        True,
    ),
    "manifest malformed": (
        lambda m: edit_manifest(m, lambda d: d["schemas"][0].update(sha256="not hex")),
        "manifest.json at /schemas/0/sha256 is malformed",
        False,
    ),
    "newer format": (
        lambda m: edit_manifest(m, lambda d: d.update(format_version=FORMAT_VERSION + 1)),
        f"format version {FORMAT_VERSION + 1} is newer",
        False,
    ),
    "no manifest": (
        lambda m: {k: v for k, v in m.items() if k != MANIFEST_NAME},
        "has no manifest.json",
        False,
    ),
    "listed twice": (
        lambda m: edit_manifest(m, lambda d: d["schemas"].append(d["schemas"][0])),
        "the manifest lists it twice",
        True,
    ),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_a_pack_not_matching_its_manifest_is_refused(tmp_path: Path, tampering: str) -> None:
    change, expected, names_identifier = TAMPERINGS[tampering]
    pack = small_pack(tmp_path / "pack.zip")
    rewrite(pack, change)
    document = tmp_path / "item.json"
    document.write_text(json.dumps(item("x", [ONE])), encoding="utf-8")

    result = rs_stac("validate", "--no-cache", "--schema-pack", pack, document)
    assert result.exit_code == 2
    assert f"schema pack {pack}: " in result.stderr
    assert expected in result.stderr
    assert (f"({ONE})" in result.stderr) is names_identifier
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # refused before any document is checked
    assert rs_stac("schemas", "list", "--schema-pack", pack).exit_code == 2
    with pytest.raises(SchemaPackError) as caught:
        SchemaResolver(ResolverSettings(schema_packs=(pack,), use_cache=False))
    assert caught.value.path == str(pack)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"not a zip at all", "is not a zip archive"), (None, "cannot be read")],
)
def test_a_file_that_is_no_pack_is_refused(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    pack = tmp_path / "pack.zip"
    if content is not None:
        pack.write_bytes(content)
    result = rs_stac("validate", "--no-cache", "--schema-pack", pack, tmp_path)
    assert result.exit_code == 2
    assert f"schema pack {pack}: {expected}" in result.stderr


def test_a_member_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = PackedSchema(TWO, b'{"description": "' + b"x" * 3000 + b'"}', TWO, None, "mirror")
    pack = small_pack(tmp_path / "pack.zip", big)
    with pytest.raises(SchemaPackError, match="exceeds the 2000-byte limit") as caught:
        open_pack(pack, max_bytes=2000)
    assert caught.value.identifier == TWO


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"type": "object", ', "holds it but not as a JSON object"),
        (b"[1, 2]", "holds it but not as a JSON object"),
        (b'{"type": 12}', ""),  # JSON, but no valid draft-07 schema
    ],
)
def test_a_malformed_schema_in_a_pack_is_reported_not_checked(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    broken = PackedSchema(TWO, content, TWO, None, "mirror")
    pack = small_pack(tmp_path / "pack.zip", broken)
    document = tmp_path / "item.json"
    document.write_text(json.dumps(item("x", [ONE, TWO])), encoding="utf-8")

    result = rs_stac("validate", "--format", "json", "--no-cache", "--schema-pack", pack, document)
    assert "Traceback" not in result.stderr
    (report,) = reports(result)
    assert ONE in report["checked"]
    assert [n["schema"] for n in report["not_checked"]] == [TWO]
    assert report["not_checked"][0]["reason"]
    if reason:
        assert f"schema pack {pack} {reason}" in report["not_checked"][0]["reason"]
    assert report["verdict"] == "incomplete"
    assert report["valid"] is False
    assert result.exit_code == 3


def test_a_pack_answers_after_the_packaged_schemas_and_before_mirrors(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror" / "schemas.example.org" / "one" / "v1.0.0"
    mirror.mkdir(parents=True)
    (mirror / "schema.json").write_text('{"title": "from the mirror"}', encoding="utf-8")
    ours = PackedSchema(CADIP_V20, b'{"title": "not ours"}', CADIP_V20, None, "mirror")
    pack = small_pack(tmp_path / "pack.zip", ours)
    resolver = SchemaResolver(
        ResolverSettings(schema_dirs=(tmp_path / "mirror",), schema_packs=(pack,), use_cache=False)
    )
    one = resolver.resolve(ONE)
    assert (one.origin, one.contents) == ("pack", {"type": "object"})
    assert one.location == f"{pack}!{MEMBER_ONE}"
    assert resolver.resolve(CADIP_V20).origin == "packaged"
    listed = {uri: origin for uri, origin, _ in resolver.known()}
    assert listed[ONE] == "pack"
    assert listed[CADIP_V20] == "packaged"
