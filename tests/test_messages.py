"""Messages a person reads once: whole values in cut lists, one sentence for alternatives.

Each wording is checked with both engines (jsonschema-rs errors are worded like
python-jsonschema's), on STAC's published schemas and on real upstream documents.
"""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from community_documents import (
    FIELDS,
    extension_collection,
    extension_item,
    single_field_mutations,
)
from conftest import UPSTREAM, load_json
from rs_stac_ext.schemas.resolver import ResolverSettings
from rs_stac_ext.validator.engine import Engine
from rs_stac_ext.validator.problems import Problem, collect, cut_list
from rs_stac_ext.validator.validation import DocumentReport, ValidationOptions, validate

MIRROR = UPSTREAM / "stac-schemas"
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason="stac-schemas mirror absent")
EXT = "https://stac-extensions.github.io"
ENGINES = pytest.mark.parametrize("engine", [Engine.AUTO, Engine.PYTHON])


def item(version: str = "1.1.0", *extensions: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": version,
        "stac_extensions": list(extensions),
        "id": "x",
        "bbox": [0.5, 43.2, 1.9, 44.2],
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[0.5, 43.2], [1.9, 43.2], [1.9, 44.2], [0.5, 44.2], [0.5, 43.2]]],
        },
        "properties": {"datetime": "2025-10-11T10:40:19Z"},
        "links": [{"rel": "self", "href": "https://example.com/x.json"}],
        "assets": {"data": {"href": "https://example.com/x.tif"}},
    }


def report_of(document: Any, tmp_path: Path, engine: Engine, *mirrors: Path) -> DocumentReport:
    settings = ValidationOptions(
        engine=engine,
        lint=False,
        resolver=ResolverSettings(schema_dirs=mirrors, cache_dir=tmp_path / "cache"),
    )
    (report,) = validate([document], settings)
    return report


def errors(report: DocumentReport) -> dict[str, str]:
    return {p.path: p.message for p in report.errors}


# --- lists cut at a whole item -------------------------------------------------------------


def test_a_short_list_is_not_cut() -> None:
    assert cut_list(['"a"', '"b"', '"c"']) == '"a", "b", "c"'


def test_a_list_is_cut_after_five_items_with_the_number_left() -> None:
    items = [f'"v{n}"' for n in range(40)]
    assert cut_list(items) == '"v0", "v1", "v2", "v3", "v4", … (35 more)'


def test_a_list_is_cut_before_the_item_that_passes_120_characters() -> None:
    items = ['"' + "a" * 50 + '"', '"' + "b" * 50 + '"', '"' + "c" * 50 + '"']
    assert cut_list(items) == f"{items[0]}, {items[1]}, … (1 more)"


def test_a_long_first_item_is_shown_whole_never_cut_inside() -> None:
    long = '"' + "x" * 300 + '"'
    assert cut_list([long, '"y"']) == f"{long}, … (1 more)"


def enum_problem(values: list[Any], instance: Any) -> Problem:
    schema = {"properties": {"kind": {"enum": values}}}
    (problem,) = collect(Draft7Validator(schema), {"kind": instance}, "urn:test")
    return problem


def test_a_long_enum_is_cut_in_the_message_and_whole_in_expected() -> None:
    values = [f"value-{n:02d}" for n in range(40)]
    problem = enum_problem(values, "nope")
    assert problem.message == (
        'expected one of ["value-00", "value-01", "value-02", "value-03", "value-04", '
        '… (35 more)], got "nope"'
    )
    assert problem.expected == values
    assert problem.to_dict()["expected"] == values


def test_an_enum_value_of_another_case_or_a_near_spelling_is_suggested() -> None:
    assert enum_problem(["pan", "red", "green"], "Red").message == (
        'expected one of ["pan", "red", "green"], got "Red"; did you mean "red"?'
    )
    assert enum_problem(["pan", "red", "green"], "gren").message.endswith('; did you mean "green"?')
    assert "did you mean" not in enum_problem(["pan", "red", "green"], "blue").message


def test_a_long_enum_among_alternatives_is_cut_and_kept_whole_in_expected() -> None:
    values = list(range(30))
    schema = {"anyOf": [{"properties": {"band": {"enum": values}}}, {"required": ["z"]}]}
    (problem,) = collect(Draft7Validator(schema), {"band": 99}, "urn:test")
    assert problem.message == (
        "expected either `band` to be one of [0, 1, 2, 3, 4, … (25 more)], or the field 'z'"
    )
    assert problem.expected == values


def test_alternatives_name_the_value_they_are_about() -> None:
    schema = {
        "properties": {
            "code": {"oneOf": [{"pattern": "^EPSG:"}, {"pattern": "^IAU:"}]},
            "step": {"anyOf": [{"minimum": 5}, {"multipleOf": 2}]},
        }
    }
    found = collect(Draft7Validator(schema), {"code": "X", "step": 3}, "urn:test")
    assert {p.path: p.message for p in found} == {
        "/code": "expected either `code` to match ^EPSG:, or `code` to match ^IAU:",
        "/step": "expected either `step` to be at least 5, or `step` to be a multiple of 2",
    }


@needs_mirror
@ENGINES
def test_eo_common_name_enum_from_the_published_schema(tmp_path: Path, engine: Engine) -> None:
    document = item("1.1.0", f"{EXT}/eo/v2.0.0/schema.json")
    document["properties"].update({"eo:cloud_cover": 5, "eo:common_name": "Red"})
    report = report_of(document, tmp_path, engine, MIRROR)
    (problem,) = report.errors
    assert problem.message == (
        'expected one of ["pan", "coastal", "blue", "green", "green05", … (15 more)], '
        'got "Red"; did you mean "red"?'
    )
    assert problem.expected is not None
    assert len(problem.expected) == 20
    assert problem.expected[-1] == "lwir12"
    assert report.to_dict()["errors"][0]["expected"] == problem.expected


# --- alternatives in one sentence ----------------------------------------------------------


@ENGINES
@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_null_geometry_with_bbox(tmp_path: Path, engine: Engine, version: str) -> None:
    document = item(version)
    document["geometry"] = None
    assert errors(report_of(document, tmp_path, engine)) == {
        "": "expected either `geometry` to be an object, or no `bbox`"
    }


@ENGINES
def test_the_alternative_needing_less_is_the_one_said(tmp_path: Path, engine: Engine) -> None:
    document = item()
    del document["geometry"]  # with a bbox: a geometry would do; no need to drop the bbox too
    assert errors(report_of(document, tmp_path, engine)) == {"": "expected the field 'geometry'"}


@ENGINES
def test_a_bbox_of_the_wrong_length(tmp_path: Path, engine: Engine) -> None:
    document = item()
    document["bbox"] = [0.5, 43.2, 1.9]
    found = errors(report_of(document, tmp_path, engine))
    assert found["/bbox"] == "expected `bbox` to have 4 or 6 items, got 3"


@ENGINES
def test_a_bbox_that_is_not_an_array(tmp_path: Path, engine: Engine) -> None:
    document = item()
    document["bbox"] = "0.5,43.2,1.9,44.2"
    found = errors(report_of(document, tmp_path, engine))
    # Not also "matches none of the allowed forms" for the lengths a string does not have.
    assert found[""] == (
        "expected either `bbox` to be an array, or no `bbox` and `geometry` to be null"
    )


@ENGINES
def test_null_datetime_without_a_range(tmp_path: Path, engine: Engine) -> None:
    document = item()
    document["properties"]["datetime"] = None
    assert errors(report_of(document, tmp_path, engine)) == {
        "/properties": "expected either `datetime` not to be null, "
        "or the fields 'start_datetime' and 'end_datetime'"
    }


@ENGINES
def test_an_extension_needing_one_of_its_fields_lists_them_all(
    tmp_path: Path, engine: Engine
) -> None:
    report = report_of(item("1.1.0", f"{EXT}/sat/v1.1.0/schema.json"), tmp_path, engine)
    fields = [
        "sat:platform_international_designator",
        "sat:orbit_state",
        "sat:absolute_orbit",
        "sat:relative_orbit",
        "sat:anx_datetime",
        "sat:orbit_cycle",
        "sat:orbit_state_vectors",
    ]
    (problem,) = report.errors
    assert problem.path == "/properties"
    # Not "missing required field" for the first of them: any one would do.
    assert problem.message == "expected at least one of the fields " + ", ".join(
        repr(name) for name in fields
    )
    assert problem.expected == fields


@needs_mirror
@ENGINES
def test_fields_in_the_properties_or_in_an_asset(tmp_path: Path, engine: Engine) -> None:
    report = report_of(item("1.1.0", f"{EXT}/view/v1.1.0/schema.json"), tmp_path, engine, MIRROR)
    assert errors(report) == {
        "": "expected either at least one of the fields 'view:off_nadir', "
        "'view:incidence_angle', 'view:azimuth', 'view:sun_azimuth', 'view:sun_elevation', "
        "'view:moon_azimuth', 'view:moon_elevation' in `properties`, "
        "or the same in one of the `assets`"
    }


@needs_mirror
@ENGINES
def test_the_real_prip_template_bbox_and_null_geometry(tmp_path: Path, engine: Engine) -> None:
    template = UPSTREAM / "rs-server" / "mappers" / "2025" / "prip_ODataToSTAC_template.json"
    if not template.is_file():
        pytest.skip("the PRIP mapper template is not in this upstream copy")
    found = errors(report_of(load_json(template), tmp_path, engine, MIRROR))
    assert found[""] == (
        "expected either `bbox` to have 4 or 6 items and `geometry` to be an object, or no `bbox`"
    )


@needs_mirror
def test_no_upstream_message_puts_pointers_or_cut_values_in_a_sentence(tmp_path: Path) -> None:
    documents = sorted(p for p in UPSTREAM.rglob("*.json") if MIRROR not in p.parents)
    settings = ValidationOptions(
        resolver=ResolverSettings(schema_dirs=(MIRROR,), cache_dir=tmp_path / "cache")
    )
    messages = [
        problem.message
        for report in validate(documents, settings)
        for problem in report.errors
        if problem.keyword in {"anyOf", "oneOf", "enum"}
    ]
    assert messages  # the upstream documents do fail alternatives
    for message in messages:
        assert ": /" not in message
        assert "matches none of the allowed forms" not in message
        assert "...]" not in message


# --- collection and its link ---------------------------------------------------------------


@ENGINES
@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_collection_without_a_collection_link(tmp_path: Path, engine: Engine, version: str) -> None:
    document = item(version)
    document["collection"] = "sentinel-2-l1c"
    assert errors(report_of(document, tmp_path, engine)) == {
        "/collection": 'field \'collection\' is set, but no link has "rel": "collection"'
    }


@ENGINES
@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_collection_link_without_collection(tmp_path: Path, engine: Engine, version: str) -> None:
    document = copy.deepcopy(item(version))
    document["links"].append({"rel": "collection", "href": "https://example.com/c.json"})
    assert errors(report_of(document, tmp_path, engine)) == {
        "": 'missing required field \'collection\' (a link has "rel": "collection")'
    }


def test_the_json_form_of_a_problem_carries_expected(tmp_path: Path) -> None:
    document = item()
    document["collection"] = "c"
    (record,) = report_of(document, tmp_path, Engine.AUTO).to_dict()["errors"]
    assert record["expected"] is None
    assert json.loads(json.dumps(record)) == record


@needs_mirror
def test_both_engines_word_every_mutated_document_alike(tmp_path: Path) -> None:
    documents = [
        mutation[-1] if isinstance(mutation, tuple) else mutation
        for identifier in FIELDS
        for base in (extension_item(identifier), extension_collection(identifier))
        for mutation in itertools.islice(single_field_mutations(base), 0, 400, 8)
    ]

    def worded(engine: Engine) -> list[list[tuple[str, str, Any]]]:
        settings = ValidationOptions(
            engine=engine,
            lint=False,
            rules=False,
            resolver=ResolverSettings(schema_dirs=(MIRROR,), cache_dir=tmp_path / "cache"),
        )
        return [
            sorted((p.path, p.message, p.expected) for p in report.errors)
            for report in validate(documents, settings)
        ]

    native, reference = worded(Engine.AUTO), worded(Engine.PYTHON)
    alternatives = [
        problem for problems in reference for problem in problems if "either" in problem[1]
    ]
    assert len(alternatives) > 20  # the sample does reach the sentences of this module
    assert native == reference
