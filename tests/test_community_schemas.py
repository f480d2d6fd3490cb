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
    community_file,
    community_root,
    find_community,
    missing_text_reason,
)
from rs_stac_ext.schemas._community_writer import (
    ANNOTATIONS,
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
    assert {entry.path for entry in COMMUNITY} == set(locked)
    for relative, digest in locked.items():
        assert hashlib.sha256((community_root() / relative).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("entry", COMMUNITY, ids=lambda e: e.identifier)
def test_each_file_carries_its_published_identifier(entry: Any) -> None:
    schema = json.loads(community_file(entry).read_bytes())
    assert schema["$id"].removesuffix("#") == entry.identifier
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert entry.identifier in schema["$comment"]
    assert find_community(entry.identifier + "#") == entry


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
    assert published_prose, "the published schema has titles or descriptions"
    text = ours_bytes.decode("utf-8")
    assert not [p for p in published_prose if len(p) > 25 and json.dumps(p)[1:-1] in text]


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


@pytest.mark.parametrize("entry", COMMUNITY, ids=lambda e: e.identifier)
def test_resolver_serves_them_offline(entry: Any) -> None:
    found = _offline().resolve(entry.identifier + "#")
    assert found.origin == "community"
    assert found.location == str(community_file(entry))


def test_our_packaged_schemas_still_come_first() -> None:
    resolver = _offline()
    origins = {uri: origin for uri, origin, _ in resolver.known()}
    assert list(dict.fromkeys(origins.values()))[:3] == ["packaged", "community", "pystac"]


@pytest.mark.parametrize("uri", [EXTERNAL_IDS, EOPF])
def test_schemas_with_no_published_text_say_how_to_supply_one(uri: str) -> None:
    with pytest.raises(SchemaUnavailableError) as raised:
        _offline().resolve(uri)
    message = str(raised.value)
    assert "no published text" in message
    assert "--schema-dir" in message
    assert "--schema-pack" in message
    assert missing_text_reason("https://stac-extensions.github.io/file/v2.1.0/schema.json") is None


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


def test_a_stac_100_item_is_fully_checked_offline_but_for_external_ids() -> None:
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
    assert [n.schema for n in report.not_checked] == [EXTERNAL_IDS]
    assert "no published text" in report.not_checked[0].reason

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


def test_the_mapper_declares_only_built_in_versions_or_those_without_text() -> None:
    from rs_stac_ext.stations.mapping._common import THIRD_PARTY

    for name, uri in THIRD_PARTY.items():
        built_in = find_community(uri) is not None
        assert built_in or missing_text_reason(uri) is not None, name
        assert built_in == (name not in ("external-ids", "eopf")), name


def test_count_verdicts_counts_each_set_and_flags_other_incomplete_schemas(tmp_path: Path) -> None:
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
    assert counted.returncode == 0, counted.stdout + counted.stderr
    lines = counted.stdout.splitlines()
    assert lines[0].split() == ["mapped", "1", "valid", "1", "invalid", "1", "incomplete"]
    assert f"1 not checked against {EXTERNAL_IDS} (no published text)" in counted.stdout

    other = tmp_path / "other.report.ndjson"
    raster = "https://stac-extensions.github.io/raster/v1.1.0/schema.json"
    line = {"valid": True, "not_checked": [{"schema": raster, "reason": "not built in"}]}
    other.write_text(json.dumps(line) + "\n", encoding="utf-8")
    counted = subprocess.run(
        [sys.executable, str(script), str(other)], capture_output=True, text=True, check=False
    )
    assert counted.returncode == 1
    assert "UNEXPECTED" in counted.stdout
