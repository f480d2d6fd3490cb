"""Three outcomes per document: valid, invalid, incomplete — and no crash on any schema set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import UPSTREAM, offline_environment
from rs_stac_ext.schemas.resolver import ResolverSettings
from rs_stac_ext.validator.validation import (
    ValidationOptions,
    Verdict,
    declared_extensions,
    validate,
)

MIRROR = UPSTREAM / "stac-schemas"
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason="stac-schemas mirror absent")
PROJECTION_V2 = "https://stac-extensions.github.io/projection/v2.0.0/schema.json"
# A version no one published: never built in, so only a mirror, the cache or a host can give it.
RASTER = "https://stac-extensions.github.io/raster/v9.1.0/schema.json"


def item(*extensions: str, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": "1.1.0",
        "id": "x",
        "stac_extensions": list(extensions),
        "geometry": None,
        "properties": {"datetime": "2024-01-01T00:00:00Z", **properties},
        "links": [],
        "assets": {},
    }


def options(tmp_path: Path, *mirrors: Path) -> ValidationOptions:
    return ValidationOptions(
        resolver=ResolverSettings(schema_dirs=mirrors, cache_dir=tmp_path / "cache")
    )


def test_a_document_needing_an_unavailable_schema_is_incomplete_not_valid(tmp_path: Path) -> None:
    (report,) = validate([item(RASTER)], options(tmp_path))
    assert report.verdict is Verdict.INCOMPLETE
    assert report.valid is False
    assert [n.schema for n in report.not_checked] == [RASTER]
    assert report.to_dict()["verdict"] == "incomplete"


def test_an_error_wins_over_incomplete(tmp_path: Path) -> None:
    document = item(RASTER)
    document["properties"]["datetime"] = 5
    (report,) = validate([document], options(tmp_path))
    assert report.verdict is Verdict.INVALID
    assert report.errors


def test_a_fully_checked_document_is_valid(tmp_path: Path) -> None:
    (report,) = validate([item()], options(tmp_path))
    assert report.verdict is Verdict.VALID
    assert report.valid is True


def test_a_missing_reference_makes_the_schema_not_checked_not_a_crash(tmp_path: Path) -> None:
    missing_ref = "https://proj.org/schemas/v0.99/projjson.schema.json"
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"properties": {"properties": {"proj:projjson": {"$ref": missing_ref}}}},
    }
    mirror = _mirror_with(tmp_path, RASTER, json.dumps(schema).encode())
    document = item(RASTER, **{"proj:projjson": {}})
    (report,) = validate([document], options(tmp_path, mirror))
    assert report.verdict is Verdict.INCOMPLETE
    (missing,) = report.not_checked
    assert missing.schema == RASTER
    assert missing_ref in missing.reason


@needs_mirror
def test_the_full_mirror_checks_it(tmp_path: Path) -> None:
    document = item(PROJECTION_V2, **{"proj:code": "EPSG:4326"})
    (report,) = validate([document], options(tmp_path, MIRROR))
    assert report.verdict is Verdict.VALID, report.to_dict()


def _mirror_with(tmp_path: Path, uri: str, data: bytes) -> Path:
    root = tmp_path / "mirror"
    path = root / uri.removeprefix("https://")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return root


@pytest.mark.parametrize(
    ("contents", "said"),
    [
        (b"{not json", ""),
        (b"[1, 2]", ""),
        (json.dumps({"type": 5}).encode(), "not a valid draft-07 schema"),
        (json.dumps({"$ref": "#/definitions/nowhere"}).encode(), "reference"),
        (json.dumps({"$ref": "https://elsewhere.example/x.json"}).encode(), "elsewhere.example"),
        (json.dumps({"$ref": "#"}).encode(), ""),
        (
            json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema"}).encode(),
            "dialect",
        ),
    ],
)
def test_a_broken_schema_is_not_checked_and_the_run_goes_on(
    tmp_path: Path, contents: bytes, said: str
) -> None:
    mirror = _mirror_with(tmp_path, RASTER, contents)
    reports = list(validate([item(RASTER), item()], options(tmp_path, mirror)))
    assert [r.verdict for r in reports] in (
        [Verdict.INCOMPLETE, Verdict.VALID],
        [Verdict.VALID, Verdict.VALID],  # "#" alone accepts everything: it checks fine
    )
    if reports[0].verdict is Verdict.INCOMPLETE:
        assert said in reports[0].not_checked[0].reason


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_as_a_schema_never_crash(tmp_path_factory: Any, data: bytes) -> None:
    tmp_path = tmp_path_factory.mktemp("fuzz")
    mirror = _mirror_with(tmp_path, RASTER, data)
    (report,) = validate([item(RASTER)], options(tmp_path, mirror))
    assert report.verdict in (Verdict.INCOMPLETE, Verdict.VALID, Verdict.INVALID)
    if report.verdict is not Verdict.INCOMPLETE:
        assert report.checked


@needs_mirror
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.randoms(use_true_random=False))
def test_random_subsets_of_the_mirror_never_crash(tmp_path_factory: Any, seed: Any) -> None:
    tmp_path = tmp_path_factory.mktemp("subset")
    files = sorted(p for p in MIRROR.rglob("*.json"))
    chosen = seed.sample(files, k=len(files) // 3)
    for path in chosen:
        target = tmp_path / "mirror" / path.relative_to(MIRROR)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    uris = [
        "https://" + str(p.relative_to(MIRROR))
        for p in files
        if "stac-extensions.github.io" in p.parts
    ]
    documents = [item(*seed.sample(uris, k=3)) for _ in range(5)]
    reports = list(validate(documents, options(tmp_path, tmp_path / "mirror")))
    assert len(reports) == 5
    for report in reports:
        if report.verdict is Verdict.VALID:
            assert not report.not_checked


def test_a_pre_1_0_document_without_type_is_checked_as_its_kind(tmp_path: Path) -> None:
    catalog = {"stac_version": "0.9.0", "id": "c", "description": "d", "links": []}
    (report,) = validate([catalog], options(tmp_path))
    assert report.verdict is Verdict.INCOMPLETE  # STAC 0.9.0 schemas were never published here
    assert report.not_checked[0].schema == (
        "https://schemas.stacspec.org/v0.9.0/catalog-spec/json-schema/catalog.json"
    )
    assert not report.errors


@needs_mirror
def test_a_1_0_0_beta_collection_without_type_gets_the_published_verdict(tmp_path: Path) -> None:
    collection = {
        "stac_version": "1.0.0-beta.2",
        "id": "c",
        "description": "d",
        "license": "proprietary",
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {"interval": [["2020-01-01T00:00:00Z", None]]},
        },
        "links": [],
    }
    (report,) = validate([collection], options(tmp_path, MIRROR))
    assert report.checked == [
        "https://schemas.stacspec.org/v1.0.0-beta.2/collection-spec/json-schema/collection.json"
    ]
    import jsonschema
    from referencing import Registry, Resource

    schema_path = MIRROR / report.checked[0].removeprefix("https://")
    reference = jsonschema.Draft7Validator(
        json.loads(schema_path.read_text()),
        registry=Registry(  # type: ignore[call-arg]
            retrieve=lambda uri: Resource.from_contents(
                json.loads((MIRROR / uri.removeprefix("https://").split("#")[0]).read_text())
            )
        ),
        format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
    )
    assert report.valid == reference.is_valid(collection)


def test_short_extension_names_map_to_that_version_s_schemas() -> None:
    document = {"stac_version": "1.0.0-beta.2", "stac_extensions": ["eo", "proj", "sat"]}
    assert declared_extensions(document) == [
        "https://schemas.stacspec.org/v1.0.0-beta.2/extensions/eo/json-schema/schema.json",
        "https://schemas.stacspec.org/v1.0.0-beta.2/extensions/projection/json-schema/schema.json",
        "https://schemas.stacspec.org/v1.0.0-beta.2/extensions/sat/json-schema/schema.json",
    ]


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", "validate", *args],
        capture_output=True,
        text=True,
        env=offline_environment(tmp_path / "cache"),
        check=False,
    )


def test_exit_3_when_none_invalid_but_some_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "items.ndjson"
    path.write_text(json.dumps(item(RASTER)) + "\n" + json.dumps(item()) + "\n")
    result = _cli(tmp_path, str(path))
    assert result.returncode == 3, result.stderr
    assert f"{path}:1 [x]: INCOMPLETE (not checked: {RASTER})" in result.stdout
    notice = [line for line in result.stderr.splitlines() if line.startswith("not checked:")]
    assert notice == [
        f"not checked: {RASTER} (needed by 1 document(s)): not available offline; get it with: "
        f"rs-stac schemas fetch --allow-host stac-extensions.github.io {RASTER}"
    ]
    assert "2 document(s): 1 valid, 0 invalid, 1 incomplete" in result.stderr
    assert _cli(tmp_path, "--allow-incomplete", str(path)).returncode == 0
    assert _cli(tmp_path, "--strict", str(path)).returncode == 1
    found = [
        json.loads(line)
        for line in _cli(tmp_path, "--format", "json", str(path)).stdout.splitlines()
    ]
    assert [(r["verdict"], r["valid"]) for r in found] == [("incomplete", False), ("valid", True)]


def test_malformed_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{bad")
    assert _cli(tmp_path, str(path)).returncode == 2


def test_control_characters_are_escaped_in_text(tmp_path: Path) -> None:
    document = item()
    document["assets"]["a\x1b[31mb"] = {"title": 5}  # no href, a title that is no string
    path = tmp_path / "x.json"
    path.write_text(json.dumps(document))
    result = _cli(tmp_path, str(path))
    assert result.returncode == 1
    assert "\x1b" not in result.stdout
    assert "/assets/a\\x1b[31mb" in result.stdout
