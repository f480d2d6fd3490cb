"""Problems name the JSON pointer and say what was expected."""

from __future__ import annotations

from typing import Any

import pytest

from rs_stac_ext import schemas
from rs_stac_ext.validator.problems import Problem, check, pointer

CADIP_V2 = schemas.newest("cadip").identifier
AUXIP_V2 = schemas.newest("auxip").identifier
AUXIP_V11 = "https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json"
UUID = "6894eb36-416e-469e-8788-9a0a2b8f3a8d"


def session(**properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_extensions": [
            CADIP_V2,
            "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json",
        ],
        "properties": {
            "externalIds": [{"scheme": "cadip", "value": UUID}],
            "cadip:acquisition_id": "565521",
            **properties,
        },
        "assets": {},
    }


def messages(problems: list[Problem]) -> dict[str, str]:
    return {p.path: p.message for p in problems}


def test_valid_document_has_no_problem() -> None:
    assert check(session(), CADIP_V2) == []


def test_type_error_names_pointer_and_expectation() -> None:
    problems = check(session(**{"cadip:num_channels": 2.5}), CADIP_V2)
    assert messages(problems) == {
        "/properties/cadip:num_channels": "expected an integer, got a number (2.5)"
    }
    assert problems[0].keyword == "type"
    assert problems[0].schema == CADIP_V2


def test_all_problems_are_reported_not_only_the_first() -> None:
    document = session(**{"cadip:num_channels": 9, "cadip:station_unit_id": "4A"})
    document["assets"]["f/1"] = {"cadip:channel": 0}
    found = messages(check(document, CADIP_V2))
    assert found["/properties/cadip:num_channels"] == "expected a value <= 4, got 9"
    assert "does not match the pattern" in found["/properties/cadip:station_unit_id"]
    assert found["/assets/f~11/cadip:channel"] == "expected a value >= 1, got 0"
    assert found["/assets/f~11"].startswith("missing required field 'externalIds'")


def test_unknown_prefixed_key_is_named() -> None:
    found = messages(check(session(**{"cadip:session_id": "x"}), CADIP_V2))
    assert found == {"/properties": "unexpected field 'cadip:session_id' (not defined here)"}


def test_forbidden_field_points_at_the_key() -> None:
    item = {
        "type": "Feature",
        "stac_extensions": [AUXIP_V2],
        "properties": {"auxip:id": UUID},
        "assets": {"file": {"href": "x", "auxip:id": UUID}},
    }
    assert messages(check(item, AUXIP_V2)) == {
        "/assets/file/auxip:id": "field 'auxip:id' is not allowed here"
    }


def test_missing_declaration_says_which_identifier() -> None:
    document = session()
    document["stac_extensions"] = []
    found = [p.message for p in check(document, CADIP_V2) if p.path == "/stac_extensions"]
    assert f'expected the array to contain "{CADIP_V2}"' in found
    assert any("external-ids" in message for message in found)


def test_wrong_document_type_is_one_clear_problem() -> None:
    problems = check({"type": "Catalog", "stac_extensions": [AUXIP_V11]}, AUXIP_V11)
    assert len(problems) == 1
    assert problems[0].path == "/type"
    assert problems[0].message == (
        'expected a STAC object of type "Feature", "Collection", got type "Catalog"'
    )


@pytest.mark.parametrize("document", [[], "text", 5, None])
def test_non_object_is_one_clear_problem(document: Any) -> None:
    problems = check(document, AUXIP_V11)
    assert len(problems) == 1
    assert problems[0].message.startswith('expected a STAC object of type "Feature", "Collection"')


def test_collection_without_any_field_lists_the_alternatives() -> None:
    collection = {"type": "Collection", "stac_extensions": [AUXIP_V11], "summaries": {}}
    (problem,) = check(collection, AUXIP_V11)
    assert problem.keyword == "anyOf"
    assert problem.message == (
        "expected one of: the field 'assets'; the field 'item_assets'; "
        "or the field 'auxip:id' in `summaries`"
    )


def test_date_time_format_and_pattern_both_reported() -> None:
    found = check(session(**{"cadip:planned_data_start": "2024-01-30 00:00:00Z"}), CADIP_V2)
    keywords = {p.keyword for p in found if p.path == "/properties/cadip:planned_data_start"}
    assert keywords == {"format", "pattern", "not"}


def test_problem_to_dict_is_stable() -> None:
    (problem,) = check(session(**{"cadip:retransfer": "no"}), CADIP_V2)
    assert problem.to_dict() == {
        "schema": CADIP_V2,
        "path": "/properties/cadip:retransfer",
        "message": 'expected a boolean, got a string ("no")',
        "keyword": "type",
        "schema_path": problem.schema_path,
        "severity": "error",
        "expected": None,
    }
    assert problem.schema_path.endswith("/type")


def test_pointer_escapes_rfc6901() -> None:
    assert pointer(["assets", "a/b~c", 0]) == "/assets/a~1b~0c/0"
    assert pointer([]) == ""
