"""The field tables of the specification READMEs agree with the schemas they document.

Each ``Field Name | Type | Description`` table of ``extensions/<name>/README.md`` documents the
newest version; its names, types and **REQUIRED** marks must be those the schema defines at
the same location (:func:`rs_stac_ext.schemas._fieldtables.field_rows`), and every location
where the schema defines fields must have its table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rs_stac_ext import schemas
from rs_stac_ext.schemas._fieldtables import (
    LOCATIONS,
    FieldRow,
    LocationError,
    field_rows,
    locations,
    readme_tables,
)

EXTENSIONS = Path(__file__).resolve().parents[1] / "extensions"
DOCUMENTED = ("auxip", "cadip", "ownership")


def differences(schema: list[FieldRow], readme: list[FieldRow]) -> list[str]:
    """Every disagreement between the schema's rows and a README table, in words."""
    found = []
    names = [row.name for row in readme]
    found += [
        f"{name} is listed twice" for name in sorted({n for n in names if names.count(n) > 1})
    ]
    expected = {row.name: row for row in schema}
    written = {row.name: row for row in readme}
    found += [f"{name} is missing" for name in expected if name not in written]
    found += [f"{name} is not in the schema" for name in written if name not in expected]
    for name in expected.keys() & written.keys():
        want, have = expected[name], written[name]
        if want.type != have.type:
            found.append(f"{name}: type {have.type!r}, the schema says {want.type!r}")
        if want.required != have.required:
            state = "required" if want.required else "optional"
            found.append(f"{name}: the schema makes it {state}")
    return sorted(found)


def readme_text(extension: str) -> str:
    return (EXTENSIONS / extension / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("extension", DOCUMENTED)
def test_every_readme_table_agrees_with_the_newest_schema(extension: str) -> None:
    identifier = schemas.newest(extension).identifier
    tables = readme_tables(readme_text(extension))
    assert set(tables) == set(locations(identifier)), "a location without a table, or one too many"
    for location, rows in tables.items():
        assert differences(field_rows(identifier, location), rows) == [], (extension, location)


def test_a_wrong_type_or_required_mark_is_reported() -> None:
    text = readme_text("cadip")
    wrong_type = text.replace(
        "| cadip:channel | integer | **REQUIRED** for DSDB",
        "| cadip:channel | number | **REQUIRED** for DSDB",
    )
    assert wrong_type != text
    rows = readme_tables(wrong_type)["item_assets"]
    assert differences(field_rows(schemas.newest("cadip").identifier, "item_assets"), rows) == [
        "cadip:channel: type 'number', the schema says 'integer'"
    ]
    text = readme_text("ownership")
    optional = text.replace("**REQUIRED**. User name of the Item's", "User name of the Item's")
    assert optional != text
    rows = readme_tables(optional)["item_properties"]
    identifier = schemas.newest("ownership").identifier
    assert differences(field_rows(identifier, "item_properties"), rows) == [
        "owner: the schema makes it required"
    ]


def test_a_missing_or_extra_row_is_reported() -> None:
    identifier = schemas.newest("cadip").identifier
    schema_rows = field_rows(identifier, "collection_assets")
    extra = [*schema_rows[1:], FieldRow("cadip:colour", "string", False)]
    assert differences(schema_rows, extra) == [
        "cadip:channel is missing",
        "cadip:colour is not in the schema",
    ]
    assert differences(schema_rows, [*schema_rows, schema_rows[0]]) == [
        "cadip:channel is listed twice"
    ]


def test_readme_tables_reads_names_types_and_required_marks() -> None:
    text = "\n".join(
        [
            "### Item Assets",
            "",
            "| Field Name | Type | Description |",
            "| --- | --- | --- |",
            "| `x:a` | `string \\| integer` | **REQUIRED**. A. |",
            "| x:b | [object] | B, with a \\| pipe. |",
            "",
            "### Collection Summaries",
            "| Field Name | Type | Description |",
            "| --- | --- | --- |",
        ]
    )
    tables = readme_tables(text)
    assert tables == {
        "item_assets": [
            FieldRow("x:a", "string | integer", True, "**REQUIRED**. A."),
            FieldRow("x:b", "[object]", False, "B, with a | pipe."),
        ],
        "collection_summaries": [],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("## Fields\n| Field Name | Type | Description |\n|---|---|---|\n", "not a location"),
        (
            "### Item Properties\n| Field Name | Type | Description |\n|-|-|-|\n"
            "### Item Properties\n| Field Name | Type | Description |\n|-|-|-|\n",
            "a second table",
        ),
        (
            "### Item Properties\n| Field Name | Type | Description |\n|-|-|-|\n| a | b |\n",
            "3 cells",
        ),
    ],
)
def test_readme_tables_refuses_what_it_cannot_place(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        readme_tables(text)


def test_field_rows_of_a_published_v1_schema() -> None:
    v1_3 = field_rows(schemas.identifiers("cadip")[3], "item_properties")
    by_name = {row.name: row for row in v1_3}
    assert schemas.identifiers("cadip")[3].endswith("/v1.3.0/schema.json")
    assert by_name["cadip:acquisition_id"].type == "string | integer"
    assert by_name["cadip:acquisition_id"].required
    assert by_name["cadip:id"].required
    assert by_name["cadip:channel"].type == "number"  # one field list for both levels in v1
    assert "externalIds" not in by_name  # not required before v1.4.0, and not a cadip: field
    v1_4 = {row.name: row for row in field_rows(schemas.identifiers("cadip")[4], "item_assets")}
    assert v1_4["externalIds"].type == "[object]"
    assert v1_4["externalIds"].required


def test_field_rows_conditions_rules_and_summaries_of_v2() -> None:
    cadip = schemas.newest("cadip").identifier
    assets = {row.name: row for row in field_rows(cadip, "item_assets")}
    assert assets["cadip:channel"].required
    assert assets["cadip:channel"].condition is not None
    assert "`cadip:block_number`" in assets["cadip:channel"].condition
    assert assets["cadip:channel"].rules == ("from 1 to 4",)
    assert not assets["cadip:retransfer"].required
    summaries = {row.name: row for row in field_rows(cadip, "collection_summaries")}
    assert summaries["cadip:planned_data_start"].type == "string"
    assert "a `minimum`/`maximum` range" in summaries["cadip:planned_data_start"].rules[0]
    owner = field_rows(schemas.newest("ownership").identifier, "collection_summaries")
    assert [(row.name, row.type, row.required) for row in owner] == [("owner", "string", False)]
    assert owner[0].rules[0] == "summarised as a non-empty list of distinct values or a JSON Schema"
    assert field_rows(schemas.newest("auxip").identifier, "collection_summaries") == []


@pytest.mark.parametrize(
    ("identifier", "location"),
    [
        ("https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json", "collection_assets"),
        ("https://home.rs-python.eu/ownership-stac-extension/v2.0.0/schema.json", "item_assets"),
        ("https://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json", "catalog"),
        ("https://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json", "nowhere"),
    ],
)
def test_field_rows_refuses_a_location_the_schema_does_not_describe(
    identifier: str, location: str
) -> None:
    with pytest.raises(LocationError):
        field_rows(identifier, location)


def test_every_packaged_json_schema_has_fields_somewhere() -> None:
    for entry in schemas.versions(kind=schemas.DocumentKind.JSON_SCHEMA):
        found = locations(entry.identifier)
        assert found, entry.identifier
        assert set(found) <= set(LOCATIONS)
