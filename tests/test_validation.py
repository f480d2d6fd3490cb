"""The validation API: what is checked, every problem reported, inputs of every shape."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import UPSTREAM, load_json
from rs_stac_ext import schemas
from rs_stac_ext.schemas._resources import extensions_root
from rs_stac_ext.schemas.resolver import ResolverSettings
from rs_stac_ext.validator.engine import Engine
from rs_stac_ext.validator.readers import ReaderSettings
from rs_stac_ext.validator.validation import DocumentReport, ValidationOptions, validate

CADIP_V2 = schemas.newest("cadip").identifier
CADIP_V14 = "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json"
OWNERSHIP_V11 = "https://home.rs-python.eu/ownership-stac-extension/v1.1.0/schema.json"
CORE_ITEM = "https://schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json"


def options(tmp_path: Path, **changes: Any) -> ValidationOptions:
    resolver = ResolverSettings(cache_dir=tmp_path / "cache", use_cache=False)
    return ValidationOptions(resolver=resolver, **changes)


def run(inputs: list[Any], tmp_path: Path, **changes: Any) -> list[DocumentReport]:
    return list(validate(inputs, options(tmp_path, **changes)))


def cadip_item() -> dict[str, Any]:
    document: dict[str, Any] = load_json(extensions_root() / "cadip" / "examples" / "item.json")
    return document


def test_shipped_cadip_item_is_valid_offline_with_the_origin_of_each_schema(tmp_path: Path) -> None:
    (report,) = run([extensions_root() / "cadip" / "examples" / "item.json"], tmp_path)
    assert not report.errors, [p.to_dict() for p in report.errors]
    # Every companion is built in; external-ids from the schema written from its README.
    assert report.verdict == "valid"
    assert report.valid
    assert report.checked[:2] == [CORE_ITEM, CADIP_V2]
    assert report.not_checked == []
    assert report.origins["https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"] == (
        "readme"
    )
    assert report.origins[CADIP_V2] == "packaged"


def test_every_problem_is_reported_with_its_schema(tmp_path: Path) -> None:
    item = cadip_item()
    item["properties"]["datetime"] = "yesterday"
    item["properties"]["cadip:num_channels"] = 2.5
    first = next(iter(item["assets"].values()))
    first["cadip:channel"] = 9
    (report,) = run([item], tmp_path, rules=False, lint=False)
    where = {(p.schema, p.path) for p in report.errors}
    assert (CORE_ITEM, "/properties/datetime") in where
    assert (CADIP_V2, "/properties/cadip:num_channels") in where
    key = next(iter(item["assets"]))
    assert (CADIP_V2, f"/assets/{key}/cadip:channel") in where
    assert not report.valid


def test_named_schema_only(tmp_path: Path) -> None:
    document = {"type": "Feature", "stac_extensions": [OWNERSHIP_V11], "properties": {"owner": ""}}
    (report,) = run([document], tmp_path, schema=OWNERSHIP_V11 + "#")
    assert report.checked == [OWNERSHIP_V11]
    # Published v1.1.0 requires assets on an Item; an empty owner is fine for it.
    assert [p.message for p in report.errors] == ["missing required field 'assets'"]
    document["assets"] = {}
    (report,) = run([document], tmp_path, schema=OWNERSHIP_V11)
    assert report.valid
    assert report.warnings == []


def test_not_a_stac_document(tmp_path: Path) -> None:
    reports = run([[1, 2], {"type": "Thing"}, {"type": "Feature"}], tmp_path)
    messages = [[p.message for p in r.errors] for r in reports]
    assert messages[0] == ["expected a JSON object (a STAC document)"]
    assert "got 'Thing'" in messages[1][0]
    assert messages[2] == ["missing stac_version: the core schema to check against is unknown"]


def test_ndjson_bad_line_is_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    item = cadip_item()
    stream = tmp_path / "items.ndjson"
    stream.write_text(
        json.dumps(item) + "\n" + '{"type": "Feature", oops}\n' + "\n" + json.dumps(item) + "\n",
        encoding="utf-8",
    )
    reports = run([stream], tmp_path)
    assert [r.line for r in reports] == [1, 2, 4]
    assert [not r.errors for r in reports] == [True, False, True]
    (problem,) = reports[1].errors
    assert problem.keyword == "read/json"
    assert f"{stream}:2: invalid JSON at line 1, column 21" in problem.message


def test_feature_collection_is_split_unless_one_schema_is_named(tmp_path: Path) -> None:
    collection = {"type": "FeatureCollection", "features": [cadip_item(), {"type": "Feature"}]}
    path = tmp_path / "fc.json"
    path.write_text(json.dumps(collection), encoding="utf-8")
    reports = run([path], tmp_path)
    assert [r.pointer for r in reports] == ["/features/0", "/features/1"]
    assert [not r.errors for r in reports] == [True, False]
    (whole,) = run([path], tmp_path, schema=CADIP_V14)
    assert whole.pointer == ""
    assert not whole.valid


def test_static_catalog_links_are_followed_inside_its_folder_only(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    (root / "items").mkdir(parents=True)
    item = cadip_item()
    (root / "items" / "a.json").write_text(json.dumps(item), encoding="utf-8")
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(item), encoding="utf-8")
    catalog = {
        "type": "Catalog",
        "stac_version": "1.1.0",
        "id": "root",
        "description": "test",
        "links": [
            {"rel": "item", "href": "./items/a.json"},
            {"rel": "child", "href": "../outside.json"},
            {"rel": "child", "href": "missing.json"},
        ],
    }
    (root / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    reports = run([root / "catalog.json"], tmp_path)
    assert reports[0].valid
    assert reports[0].id == "root"
    assert reports[1].source == str((root / "items" / "a.json").resolve())
    assert not reports[1].errors
    assert "leaves the catalog folder" in reports[2].errors[0].message
    assert "linked file 'missing.json' not found" in reports[3].errors[0].message
    assert len(reports) == 4


def test_mirror_folder_makes_a_schema_checkable(tmp_path: Path) -> None:
    uri = "https://example.org/demo/v1.0.0/schema.json"
    mirror = tmp_path / "mirror" / "example.org" / "demo" / "v1.0.0"
    mirror.mkdir(parents=True)
    (mirror / "schema.json").write_text(
        json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "required": ["demo"]}),
        encoding="utf-8",
    )
    item = cadip_item()
    item["stac_extensions"] = [CADIP_V2, uri, *item["stac_extensions"][1:]]
    settings = ResolverSettings(schema_dirs=(tmp_path / "mirror",), use_cache=False)
    (report,) = validate([item], ValidationOptions(resolver=settings))
    assert uri in report.checked
    assert [(p.schema, p.message) for p in report.errors] == [
        (uri, "missing required field 'demo'")
    ]


def test_rules_catch_what_the_schema_cannot(tmp_path: Path) -> None:
    item = cadip_item()
    dsdb = [a for a in item["assets"].values() if "cadip:channel" in a]
    dsdb[0]["cadip:block_number"] = 7
    item["properties"]["cadip:planned_data_stop"] = "2000-01-01T00:00:00Z"
    item["properties"]["start_datetime"] = "2100-01-01T00:00:00Z"
    (report,) = run([item], tmp_path)
    rules = {p.keyword for p in report.errors}
    assert {"cadip/blocks-contiguous", "cadip/planned-window", "stac/datetime-range"} <= rules
    assert all(p.severity == "error" for p in report.errors)


def cadip_stream(tmp_path: Path, count: int, broken_every: int, tail: str = "") -> Path:
    """Write ``count`` CADIP items as NDJSON, item ``i`` broken when ``i % broken_every == 2``."""
    item = cadip_item()
    broken = cadip_item()
    broken["properties"]["cadip:num_channels"] = "two"
    stream = tmp_path / "many.ndjson"
    lines = [json.dumps(broken if i % broken_every == 2 else item) for i in range(count)]
    stream.write_text("\n".join(lines) + "\n" + tail, encoding="utf-8")
    return stream


def test_parallel_jobs_keep_input_order(tmp_path: Path) -> None:
    stream = cadip_stream(tmp_path, 60, 7)
    serial = [r.to_dict() for r in validate([stream], options(tmp_path))]
    parallel = [r.to_dict() for r in validate([stream], options(tmp_path), jobs=2, batch_size=5)]
    assert parallel == serial
    assert [not r["errors"] for r in serial] == [i % 7 != 2 for i in range(60)]


def test_limits_give_clear_errors(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50 + "]" * 50, encoding="utf-8")
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"pad": "x" * 5000}), encoding="utf-8")
    reader = ReaderSettings(max_depth=20, max_bytes=4000)
    reports = run([deep, big], tmp_path, reader=reader)
    assert reports[0].errors[0].message == f"{deep}: nested more than 20 levels deep"
    size = big.stat().st_size
    assert (
        reports[1].errors[0].message == f"{big}: {size} bytes is more than the limit of 4000 bytes"
    )


def test_stdin_single_document_and_ndjson(tmp_path: Path) -> None:
    pretty = json.dumps(cadip_item(), indent=2).encode()
    (report,) = validate(["-"], options(tmp_path), stdin=io.BytesIO(pretty))
    assert report.source == "-"
    assert not report.errors
    lines = (json.dumps(cadip_item()) + "\n" + json.dumps({"type": 1}) + "\n").encode()
    reports = list(validate(["-"], options(tmp_path), stdin=io.BytesIO(lines)))
    assert [(r.line, not r.errors) for r in reports] == [(1, True), (2, False)]


@pytest.mark.skipif(not UPSTREAM.is_dir(), reason="upstream documents absent")
def test_upstream_documents_declaring_our_extensions_have_no_false_error(tmp_path: Path) -> None:
    # Published STAC schemas (stac-schemas/) are schemas, not STAC documents, and some of them
    # are not even well-formed JSON.
    paths = sorted(p for p in UPSTREAM.rglob("*.json") if "stac-schemas" not in p.parts)
    for report in validate(paths, options(tmp_path, core=False, rules=False, lint=False)):
        if any(w.keyword == "read/not-followed" for w in report.warnings):
            continue  # an https link of an upstream catalog: reported, not read
        ours = [p for p in report.errors if schemas.is_known(p.schema)]
        document = load_json(Path(report.source))
        if report.pointer:
            continue
        declared = schemas.declared_versions(
            document.get("stac_extensions", []) if isinstance(document, dict) else []
        )
        expected_valid = all(
            schemas.validator_for(v.identifier).is_valid(document)
            for v in declared
            if v.kind is schemas.DocumentKind.JSON_SCHEMA
        )
        assert (not ours) == expected_valid, (report.source, [p.to_dict() for p in ours])


def test_workers_read_their_share_of_an_ndjson_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks cut at line ends keep line numbers, blank lines and broken lines in order."""
    from rs_stac_ext.validator import validation

    monkeypatch.setattr(validation, "_CHUNK_BYTES", 3000)
    item = load_json(extensions_root() / "ownership" / "examples" / "item.json")
    lines = []
    for index in range(120):
        if index % 11 == 5:
            lines.append("")
        elif index % 13 == 7:
            lines.append('{"broken": ')
        else:
            lines.append(json.dumps(dict(item, id=f"item-{index}")))
    stream = tmp_path / "many.ndjson"
    stream.write_text("\n".join(lines) + "\n", encoding="utf-8")
    serial = [r.to_dict() for r in validate([stream], options(tmp_path))]
    parallel = [r.to_dict() for r in validate([stream], options(tmp_path), jobs=2)]
    assert parallel == serial
    assert [r["line"] for r in serial] == [i + 1 for i, text in enumerate(lines) if text]
    assert sum(not r["valid"] for r in serial) == sum(text == '{"broken": ' for text in lines)


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_overlong_ndjson_line_is_refused_and_the_next_keeps_its_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    from rs_stac_ext.validator import readers, validation

    # Small blocks and chunks, so that the long line spans several of each.
    monkeypatch.setattr(readers, "_BLOCK", 512)
    monkeypatch.setattr(validation, "_CHUNK_BYTES", 700)
    item = load_json(extensions_root() / "ownership" / "examples" / "item.json")
    short = json.dumps(item)
    long = json.dumps(dict(item, padding="x" * 5000))
    lines = [short, long, short, "", long, short]
    stream = tmp_path / "mixed.ndjson"
    stream.write_text("\n".join(lines), encoding="utf-8")  # no final line feed
    reader = ReaderSettings(max_bytes=len(short) + 10)
    reports = list(validate([stream], options(tmp_path, reader=reader), jobs=jobs))
    assert [(r.line, r.valid) for r in reports] == [
        (1, True),
        (2, False),
        (3, True),
        (5, False),
        (6, True),
    ]
    refused = reports[1].errors[0]
    assert refused.keyword == "read/limit"
    assert f"line 2 is longer than the limit of {len(short) + 10} bytes" in refused.message


def test_workers_render_the_same_output_as_one_process(tmp_path: Path) -> None:
    from rs_stac_ext.validator.report import Renderer, Tally
    from rs_stac_ext.validator.validation import validate_mapped

    stream = cadip_stream(tmp_path, 40, 5, tail="{oops\n")
    for output_format in ("json", "text"):
        renderer = Renderer(output_format)
        runs = {
            jobs: list(validate_mapped([stream], renderer, options(tmp_path), jobs=jobs))
            for jobs in (1, 2)
        }
        outputs = {jobs: b"".join(r.data for r in rendered) for jobs, rendered in runs.items()}
        assert outputs[1] == outputs[2]
        tallies = {}
        for jobs, rendered in runs.items():
            tally = Tally()
            for run_of_reports in rendered:
                tally.merge(run_of_reports.tally)
            tallies[jobs] = tally
        assert tallies[1] == tallies[2]
        assert (tallies[1].documents, tallies[1].invalid) == (41, 9)
        # Every companion extension is built in: nothing is left unchecked.
        assert tallies[1].unchecked == {}
        assert tallies[1].incomplete == 0
        if output_format == "json":
            json_lines = outputs[1].decode().splitlines()
            assert [json.loads(line)["line"] for line in json_lines] == list(range(1, 42))
        else:
            assert outputs[1].decode().count(": INVALID") == 9


def test_json_lines_are_the_reports_as_dicts(tmp_path: Path) -> None:
    from rs_stac_ext.validator.report import json_line

    broken = cadip_item()
    broken["properties"]["cadip:num_channels"] = "two"
    broken["stac_extensions"].append("https://stac-extensions.github.io/raster/v9.1.0/schema.json")
    (report,) = run([broken], tmp_path)
    assert report.errors
    assert report.not_checked
    line = json_line(report)
    assert json.loads(line) == report.to_dict()
    assert list(json.loads(line)) == list(report.to_dict())
    assert list(json.loads(line)["errors"][0]) == list(report.errors[0].to_dict())


def test_lint_names_each_undeclared_prefix_once_in_every_document(tmp_path: Path) -> None:
    item = load_json(extensions_root() / "ownership" / "examples" / "item.json")
    item["properties"]["sat:orbit_state"] = "ascending"
    item["properties"]["sat:relative_orbit"] = 7
    item["properties"]["gsd"] = 10
    assets = item.setdefault("assets", {})
    assets["data"] = {"href": "data.tif", "proj:code": "EPSG:4326"}
    assets["odd"] = ["not:an-asset"]  # not an object: its strings are no field names
    declared = dict(item, stac_extensions=[*item["stac_extensions"], _PROJECTION])
    reports = run([item, item, declared], tmp_path)
    lint = [
        [(p.path, p.severity) for p in r.warnings if p.keyword == "lint/undeclared-extension"]
        for r in reports
    ]
    expected = [
        ("/properties/sat:orbit_state", "warning"),
        ("/assets/data/proj:code", "warning"),
    ]
    assert lint[0] == lint[1] == expected  # the second document of a kind is checked as fully
    assert lint[2] == [("/properties/sat:orbit_state", "warning")]


_PROJECTION = "https://stac-extensions.github.io/projection/v2.0.0/schema.json"


@pytest.mark.parametrize("line_length", [0, 1, 10, 900, 5000, 70_000])
def test_line_feeds_are_counted_for_long_and_short_lines(line_length: int) -> None:
    from rs_stac_ext.validator.validation import _count_lines

    block = (b"x" * line_length + b"\n") * 50 + b"tail without line feed"
    assert _count_lines(block) == block.count(b"\n") == 50


def test_a_root_one_of_not_about_type_is_not_reported_as_a_wrong_type(tmp_path: Path) -> None:
    """STAC's Item schema picks geometry forms with a root ``oneOf``: no branch names a type."""
    item = load_json(extensions_root() / "auxip" / "examples" / "item.json")
    item["geometry"] = {"type": "Polygon", "coordinates": [[[[]]]]}
    for engine in ("auto", "python"):
        (report,) = run([item], tmp_path, engine=Engine(engine))
        assert not report.valid
        assert not [p for p in report.errors if "expected a STAC object of type" in p.message]
        # The form meant is the Polygon one, with a bounding box: its own errors are reported.
        assert [(p.path, p.message) for p in report.errors] == [
            ("", "missing required field 'bbox'"),
            ("/geometry/coordinates/0", "expected at least 4 items, got 1"),
            ("/geometry/coordinates/0/0", "expected at least 2 items, got 1"),
            ("/geometry/coordinates/0/0/0", "expected a number, got an array ([])"),
        ]


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        (
            {"type": "Blob", "coordinates": []},
            'expected a type of "Point", "LineString", "Polygon", "MultiPoint", '
            '"MultiLineString", "MultiPolygon", "GeometryCollection", got "Blob"',
        ),
        (
            5,
            "expected null or an object, got an integer (5)",
        ),
    ],
)
def test_a_geometry_of_no_known_form_says_which_forms_there_are(
    tmp_path: Path, geometry: Any, expected: str
) -> None:
    item = load_json(extensions_root() / "ownership" / "examples" / "item.json")
    item["geometry"] = geometry
    for engine in ("auto", "python"):
        (report,) = run([item], tmp_path, engine=Engine(engine))
        messages = [p.message for p in report.errors if p.path == "/geometry"]
        assert expected in messages, messages
        assert not [m for m in messages if "matches none of the allowed forms" in m]


def test_one_problem_said_by_two_schemas_is_reported_once(tmp_path: Path) -> None:
    """GeoJSON's Feature and STAC's Item both check the geometry: one sentence per defect."""
    item = load_json(extensions_root() / "ownership" / "examples" / "item.json")
    item["geometry"] = {"type": "Polygon", "coordinates": "x"}
    for engine in ("auto", "python"):
        (report,) = run([item], tmp_path, engine=Engine(engine))
        assert [(p.path, p.message) for p in report.errors] == [
            ("/geometry/coordinates", 'expected an array, got a string ("x")')
        ]


@settings(max_examples=200, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 300), max_size=40),
    final_line_feed=st.booleans(),
    size=st.integers(1, 700),
)
def test_chunks_of_a_mapped_file_are_whole_lines_numbered_right(
    tmp_path_factory: pytest.TempPathFactory, lengths: list[int], final_line_feed: bool, size: int
) -> None:
    from rs_stac_ext.validator.validation import _ndjson_chunks

    data = b"\n".join(b"x" * n for n in lengths) + (b"\n" if final_line_feed and lengths else b"")
    path = tmp_path_factory.mktemp("chunks") / "lines.ndjson"
    path.write_bytes(data)
    chunks = list(_ndjson_chunks(str(path), size))
    assert b"".join(data[c.start : c.end] for c in chunks) == data
    for chunk, following in itertools.pairwise(chunks):
        assert data[chunk.end - 1 : chunk.end] == b"\n"
        assert following.start == chunk.end
        assert following.first_line == chunk.first_line + data[chunk.start : chunk.end].count(b"\n")
    assert all(c.first_line == data[: c.start].count(b"\n") + 1 for c in chunks)


def test_a_mistyped_geometry_type_is_not_read_as_another_form(tmp_path: Path) -> None:
    """A Polygon spelled "Polygone" is told the types there are, not MultiPolygon's rules."""
    item = load_json(extensions_root() / "ownership" / "examples" / "item.json")
    ring = [[0.5, 43.2], [1.8, 43.2], [1.8, 44.2], [0.5, 44.2], [0.5, 43.2]]
    item["geometry"] = {"type": "Polygone", "coordinates": [ring]}
    for engine in ("auto", "python"):
        (report,) = run([item], tmp_path, engine=Engine(engine))
        paths = {p.path for p in report.errors}
        assert paths == {"/geometry"}, report.errors
        assert all('got "Polygone"' in p.message for p in report.errors)


def test_a_parsed_document_too_deep_for_python_is_reported_not_raised(tmp_path: Path) -> None:
    """Bands inside bands 240 levels deep exhaust python-jsonschema's recursion."""
    item = load_json(extensions_root() / "ownership" / "examples" / "item.json")
    bands: dict[str, Any] = {"name": 5}
    for _ in range(120):
        bands = {"name": "x", "bands": [bands]}
    item["properties"]["bands"] = [bands]
    (report,) = run([item], tmp_path, engine=Engine.PYTHON)
    assert not report.valid
    assert [(p.keyword, p.path) for p in report.errors] == [("read/limit", "")]
    assert "nested too deeply to be checked" in report.errors[0].message


def test_the_reader_and_the_command_share_one_depth_limit() -> None:
    import click

    from rs_stac_ext.cli._validate import validate_command

    (option,) = [p for p in validate_command.params if p.name == "max_depth"]
    assert isinstance(option, click.Option)
    assert option.default == ReaderSettings().max_depth == 128
