"""Built-in third-party schemas: locked, ours, faithful to the published facts, offline."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import UPSTREAM
from rs_stac_ext.schemas._community import (
    COMMUNITY,
    INDEX_NAME,
    README_WRITTEN,
    community_file,
    community_root,
    find_community,
    find_readme_written,
    unusable_reason,
)
from rs_stac_ext.schemas._community_writer import (
    ANNOTATIONS,
    MOVING,
    published_files,
    published_path,
    without_annotations,
    write_all,
)
from rs_stac_ext.schemas.resolver import ResolverSettings, SchemaResolver, SchemaUnavailableError
from rs_stac_ext.validator.readers import InputDocument
from rs_stac_ext.validator.validation import ValidationOptions, Validator

LOCK_FILE = Path(__file__).parent / "data" / "community.sha256"
MIRROR = UPSTREAM / "stac-schemas"
EXTERNAL_IDS = "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"
EOPF = "https://cs-si.github.io/eopf-stac-extension/v1.2.0/schema.json"
EOPF_V110 = (
    "https://github.com/CS-SI/eopf-stac-extension/raw/refs/tags/v1.1.0/json-schema/schema.json"
)

needs_published = pytest.mark.skipif(
    not MIRROR.is_dir(), reason=f"published STAC schemas not found at {MIRROR}"
)


def _offline() -> SchemaResolver:
    return SchemaResolver(ResolverSettings(cache_dir=None, use_cache=False))


def test_files_are_byte_locked() -> None:
    """Any edit of a built-in file, an added or a removed one, fails here."""
    locked: dict[str, str] = {}
    for line in LOCK_FILE.read_text(encoding="utf-8").splitlines():
        digest, relative = line.split(maxsplit=1)
        locked[relative] = digest
    on_disk = {p.relative_to(community_root()).as_posix() for p in community_root().rglob("*")}
    assert {p for p in on_disk if p.endswith(".json")} == set(locked)
    assert {entry.path for entry in COMMUNITY} | {INDEX_NAME} == set(locked)
    for relative, digest in locked.items():
        assert hashlib.sha256((community_root() / relative).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("entry", COMMUNITY, ids=lambda e: e.identifier)
def test_each_file_answers_to_its_published_identifier(entry: Any) -> None:
    schema = json.loads(community_file(entry).read_bytes())
    # The published $id is kept as published; where it is present it is draft-07's.
    assert schema.get("$schema", "http://json-schema.org/draft-07/schema#") == (
        "http://json-schema.org/draft-07/schema#"
    )
    assert entry.identifier in schema["$comment"]
    assert find_community(entry.identifier + "#") == entry
    assert entry.path == entry.identifier.removeprefix("https://")


def test_every_published_schema_but_the_moving_and_the_unusable_is_built_in() -> None:
    identifiers = {entry.identifier for entry in COMMUNITY}
    families = {entry.family for entry in COMMUNITY}
    assert len(COMMUNITY) >= 213
    assert {"stac-core", "geojson", "projjson", "eopf", "alternate-assets", "raster"} <= families
    for version in ("v1.0.0-beta.2", "v1.0.0-rc.1", "v1.0.0", "v1.1.0-beta.1", "v1.1.0"):
        assert f"https://schemas.stacspec.org/{version}/item-spec/json-schema/item.json" in (
            identifiers
        )
    assert not [uri for uri in identifiers if "/dev/" in uri]
    assert EOPF in identifiers
    assert EOPF_V110 not in identifiers
    assert "not valid JSON" in (unusable_reason(EOPF_V110) or "")
    assert unusable_reason(EOPF) is None


@needs_published
def test_the_built_in_set_is_the_whole_mirror() -> None:
    candidates = {f"https://{relative}" for relative in published_files(MIRROR)}
    unusable = {uri for uri in candidates if unusable_reason(uri) is not None}
    assert {entry.identifier for entry in COMMUNITY} == candidates - unusable
    assert unusable == {
        EOPF_V110,
        "https://schemas.stacspec.org/v1.0.0-beta.2/extensions/pointcloud/json-schema/schema.json",
    }
    assert MOVING == ("schemas.stacspec.org/dev/",)


@pytest.mark.parametrize("entry", COMMUNITY, ids=lambda e: e.identifier)
def test_files_hold_no_annotation_but_our_origin(entry: Any) -> None:
    schema = json.loads(community_file(entry).read_bytes())
    comment = schema.pop("$comment")
    assert comment.startswith("rs-stac-ext's rendering of")
    assert without_annotations(schema) == schema


@needs_published
@pytest.mark.parametrize("entry", COMMUNITY, ids=lambda e: e.identifier)
def test_files_hold_the_published_facts_and_are_not_copies(entry: Any) -> None:
    """Every keyword that decides a verdict is the published one; the text is ours."""
    published_bytes = published_path(MIRROR, entry).read_bytes()
    ours_bytes = community_file(entry).read_bytes()
    assert ours_bytes != published_bytes
    ours = json.loads(ours_bytes)
    ours.pop("$comment")
    assert ours == without_annotations(json.loads(published_bytes))
    # None of the published prose is in our file.
    published_prose = _prose(json.loads(published_bytes))
    text = ours_bytes.decode("utf-8")
    # A title that is also a name (a definition a $ref points at) is a fact, kept as a name;
    # so is a string given where a schema belongs (mlm names a property "$comment").
    facts = _names(ours) | _strings_as_schemas(ours)
    assert not [
        p for p in published_prose if len(p) > 25 and p not in facts and json.dumps(p)[1:-1] in text
    ]


def _names(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        found.update(schema)
        for value in schema.values():
            found |= _names(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _names(value)
    return found


def _strings_as_schemas(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("properties", "definitions", "$defs") and isinstance(value, dict):
                found.update(v for v in value.values() if isinstance(v, str))
            found |= _strings_as_schemas(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _strings_as_schemas(value)
    return found


def _prose(schema: Any) -> list[str]:
    found: list[str] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ANNOTATIONS - {"default", "examples"} and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_prose(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_prose(value))
    return found


@needs_published
def test_the_writer_reproduces_the_committed_files(tmp_path: Path) -> None:
    written = write_all(MIRROR, tmp_path)
    assert len(written) == len(COMMUNITY)
    for entry in COMMUNITY:
        assert (tmp_path / entry.path).read_bytes() == community_file(entry).read_bytes()
    assert (tmp_path / INDEX_NAME).read_bytes() == (community_root() / INDEX_NAME).read_bytes()


@pytest.mark.parametrize("entry", COMMUNITY, ids=lambda e: e.identifier)
def test_resolver_serves_them_offline(entry: Any) -> None:
    found = _offline().resolve(entry.identifier + "#")
    assert found.origin == "community"
    assert found.location == str(community_file(entry))


def test_our_packaged_schemas_still_come_first() -> None:
    resolver = _offline()
    origins = {uri: origin for uri, origin, _ in resolver.known()}
    assert list(dict.fromkeys(origins.values())) == ["packaged", "community", "readme"]
    # pystac's bundle (STAC 1.1.0, GeoJSON) is answered by the built-in renderings first.
    assert origins["https://geojson.org/schema/Feature.json"] == "community"


def test_a_published_text_that_is_not_json_is_said_to_be_so_whatever_the_source(
    tmp_path: Path,
) -> None:
    with pytest.raises(SchemaUnavailableError) as raised:
        _offline().resolve(EOPF_V110)
    assert "not valid JSON" in str(raised.value)
    # The same bytes from a mirror: still unusable, still said why.
    copy = tmp_path / "mirror" / EOPF_V110.removeprefix("https://")
    copy.parent.mkdir(parents=True)
    copy.write_text('{"type": "object", "properties": {,}}', encoding="utf-8")
    mirrored = SchemaResolver(
        ResolverSettings(schema_dirs=(tmp_path / "mirror",), cache_dir=None, use_cache=False)
    )
    with pytest.raises(SchemaUnavailableError) as raised:
        mirrored.resolve(EOPF_V110)
    assert "not valid JSON" in str(raised.value)
    item = _sentinel_item([EOPF_V110])
    report = Validator(
        ValidationOptions(resolver=ResolverSettings(cache_dir=None, use_cache=False))
    ).check(InputDocument("item.json", document=item))
    assert report.verdict.value == "incomplete"
    assert "not valid JSON" in report.not_checked[0].reason


def test_external_ids_comes_from_its_readme_written_schema_last_of_all(tmp_path: Path) -> None:
    found = _offline().resolve(EXTERNAL_IDS)
    assert found.origin == "readme"
    assert find_readme_written(EXTERNAL_IDS) in README_WRITTEN
    assert "README" in found.contents["$comment"]
    # A published text the user supplies wins over ours.
    supplied = tmp_path / "mirror" / EXTERNAL_IDS.removeprefix("https://")
    supplied.parent.mkdir(parents=True)
    supplied.write_text('{"$schema": "http://json-schema.org/draft-07/schema#"}', encoding="utf-8")
    mirrored = SchemaResolver(
        ResolverSettings(schema_dirs=(tmp_path / "mirror",), cache_dir=None, use_cache=False)
    )
    assert mirrored.resolve(EXTERNAL_IDS).origin == "mirror"
    listed = {uri: origin for uri, origin, _ in _offline().known()}
    assert listed[EXTERNAL_IDS] == "readme"
    assert {uri: origin for uri, origin, _ in mirrored.known()}[EXTERNAL_IDS] == "mirror"


def _sentinel_item(extensions: list[str]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": extensions,
        "id": "S1A_IW_GRDH",
        "geometry": None,
        "properties": {
            "datetime": "2025-01-02T03:04:05Z",
            "sat:absolute_orbit": 56829,
            "sar:instrument_mode": "IW",
            "sar:polarizations": ["VV"],
            "product:type": "GRD",
            "processing:level": "L1",
            "published": "2025-01-02T04:00:00Z",
            "externalIds": [{"scheme": "prip", "value": "x"}],
        },
        "links": [],
        "assets": {"data": {"href": "d.SAFE", "file:size": 12}},
    }


def test_a_stac_100_item_is_fully_checked_offline_external_ids_from_its_readme() -> None:
    extensions = [
        "https://stac-extensions.github.io/sat/v1.1.0/schema.json",
        "https://stac-extensions.github.io/sar/v1.3.0/schema.json",
        "https://stac-extensions.github.io/product/v1.0.0/schema.json",
        "https://stac-extensions.github.io/processing/v1.2.0/schema.json",
        "https://stac-extensions.github.io/timestamps/v1.1.0/schema.json",
        "https://stac-extensions.github.io/file/v2.1.0/schema.json",
    ]
    validator = Validator(
        ValidationOptions(resolver=ResolverSettings(cache_dir=None, use_cache=False))
    )
    report = validator.check(InputDocument("item.json", document=_sentinel_item(extensions)))
    assert report.valid, report.errors
    assert report.not_checked == []
    assert len(report.checked) == 7

    with_ids = _sentinel_item([*extensions, EXTERNAL_IDS])
    report = validator.check(InputDocument("item.json", document=with_ids))
    assert report.valid, report.errors
    assert report.origins[EXTERNAL_IDS] == "readme"
    assert set(report.origins) == set(report.checked)

    wrong_ids = _sentinel_item([*extensions, EXTERNAL_IDS])
    wrong_ids["properties"]["externalIds"] = [{"scheme": "prip"}]
    report = validator.check(InputDocument("item.json", document=wrong_ids))
    assert [(p.path, p.schema) for p in report.errors] == [
        ("/properties/externalIds/0", EXTERNAL_IDS)
    ]

    broken = _sentinel_item(extensions)
    broken["properties"]["sat:absolute_orbit"] = 0
    report = validator.check(InputDocument("item.json", document=broken))
    assert not report.valid
    assert any("sat:absolute_orbit" in problem.path for problem in report.errors)


def _rs_stac(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", *args, "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_schemas_list_shows_them_with_their_origin() -> None:
    result = _rs_stac("schemas", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {row["uri"]: row for row in map(json.loads, result.stdout.splitlines())}
    for entry in COMMUNITY:
        row = rows[entry.identifier]
        assert row["origin"] == "community"
        assert row["upstream"] == f"{entry.repository} {entry.version}"
        assert row["location"] == str(community_file(entry))
    text = _rs_stac("schemas", "list").stdout
    assert (
        "community https://stac-extensions.github.io/sat/v1.1.0/schema.json  "
        "[stac-extensions/sat v1.1.0, written by rs-stac-ext]"
    ) in text.splitlines()


def test_schemas_export_includes_them(tmp_path: Path) -> None:
    result = _rs_stac("schemas", "export", str(tmp_path / "mirror"))
    assert result.returncode == 0, result.stderr
    schema_map = json.loads((tmp_path / "mirror" / "schema-map.json").read_text())
    for entry in COMMUNITY:
        exported = tmp_path / "mirror" / schema_map[entry.identifier]
        assert exported.read_bytes() == community_file(entry).read_bytes()
    # The exported folder is a mirror that answers with the same files.
    mirror = SchemaResolver(
        ResolverSettings(schema_dirs=(tmp_path / "mirror",), cache_dir=None, use_cache=False)
    )
    for entry in COMMUNITY:
        assert mirror._mirrors(entry.identifier, []) is not None


def test_the_mapper_declares_only_built_in_versions() -> None:
    from rs_stac_ext.stations.mapping._common import THIRD_PARTY

    for name, uri in THIRD_PARTY.items():
        built_in = find_community(uri) is not None
        assert built_in == (name != "external-ids"), name
        assert built_in or find_readme_written(uri) is not None, name


def test_count_verdicts_counts_each_set_and_fails_unless_every_item_is_valid(
    tmp_path: Path,
) -> None:
    extensions = [
        "https://stac-extensions.github.io/sat/v1.1.0/schema.json",
        "https://stac-extensions.github.io/sar/v1.3.0/schema.json",
        "https://stac-extensions.github.io/product/v1.0.0/schema.json",
        "https://stac-extensions.github.io/processing/v1.2.0/schema.json",
        "https://stac-extensions.github.io/timestamps/v1.1.0/schema.json",
        "https://stac-extensions.github.io/file/v2.1.0/schema.json",
    ]
    invalid = _sentinel_item(extensions)
    invalid["properties"]["sar:polarizations"] = ["XX"]
    documents = [
        _sentinel_item(extensions),
        invalid,
        _sentinel_item([*extensions, EXTERNAL_IDS]),
    ]
    items = tmp_path / "mapped.ndjson"
    items.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    report = tmp_path / "mapped.report.ndjson"
    ran = _rs_stac("validate", "--format", "json", str(items))
    assert ran.returncode == 1, ran.stderr
    report.write_text(ran.stdout, encoding="utf-8")
    script = Path(__file__).resolve().parents[1] / "scripts" / "count_verdicts.py"
    counted = subprocess.run(
        [sys.executable, str(script), str(report)], capture_output=True, text=True, check=False
    )
    lines = counted.stdout.splitlines()
    assert lines[0].split() == ["mapped", "2", "valid", "1", "invalid", "0", "incomplete"]
    assert counted.returncode == 1
    assert lines[-1] == "NOT every Item valid: 2 of 3 valid, 1 invalid, 0 incomplete"

    other = tmp_path / "other.report.ndjson"
    raster = "https://stac-extensions.github.io/raster/v9.9.9/schema.json"
    line = {"valid": True, "not_checked": [{"schema": raster, "reason": "not built in"}]}
    other.write_text(json.dumps(line) + "\n", encoding="utf-8")
    counted = subprocess.run(
        [sys.executable, str(script), str(other)], capture_output=True, text=True, check=False
    )
    assert counted.returncode == 1
    assert f"1 not checked against {raster}" in counted.stdout

    valid = tmp_path / "valid.report.ndjson"
    valid.write_text(json.dumps({"verdict": "valid"}) + "\n", encoding="utf-8")
    counted = subprocess.run(
        [sys.executable, str(script), str(valid)], capture_output=True, text=True, check=False
    )
    assert counted.returncode == 0
    assert counted.stdout.splitlines()[-1] == "every Item valid: 1 of 1, each checked in full"
