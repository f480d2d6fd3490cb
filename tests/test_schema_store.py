"""The schema store: identifiers, lookup, immutability of published files, offline registry."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing.exceptions

from rs_stac_ext import ExtensionName, FormatMode, UnknownIdentifierError, schemas
from rs_stac_ext.schemas._resources import extensions_root

LOCK_FILE = Path(__file__).parent / "data" / "published.sha256"

EXPECTED_IDENTIFIERS = {
    "auxip": [
        "https://rs-python.github.io/auxip-stac-extension/v1.0.0/schema.json",
        "https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json",
        "https://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json",
    ],
    "cadip": [
        "https://rs-python.github.io/cadip-stac-extension/v1.0.0/schema.json",
        "https://home.rs-python.eu/cadip-stac-extension/v1.1.0/schema.json",
        "https://home.rs-python.eu/cadip-stac-extension/v1.2.0/schema.json",
        "https://home.rs-python.eu/cadip-stac-extension/v1.3.0/schema.json",
        "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json",
        "https://home.rs-python.eu/cadip-stac-extension/v2.0.0/schema.json",
    ],
    "ownership": [
        "https://rs-python.github.io/ownership-stac-extension/v1.0.0/schema.json",
        "https://home.rs-python.eu/ownership-stac-extension/v1.1.0/schema.json",
        "https://home.rs-python.eu/ownership-stac-extension/v2.0.0/schema.json",
    ],
}
JSON_SCHEMA_IDS = [i for ids in EXPECTED_IDENTIFIERS.values() for i in ids]


@pytest.mark.parametrize(("extension", "expected"), EXPECTED_IDENTIFIERS.items())
def test_identifiers_per_extension(extension: str, expected: list[str]) -> None:
    assert schemas.identifiers(extension) == expected


def test_newest_versions() -> None:
    assert schemas.newest("auxip").version == "v2.0.0"
    assert schemas.newest(ExtensionName.CADIP).version == "v2.0.0"
    assert schemas.newest("ownership").version == "v2.0.0"
    assert schemas.newest("download").version == "v2.0.0"


@pytest.mark.parametrize("identifier", JSON_SCHEMA_IDS)
def test_schema_id_is_identifier_with_hash(identifier: str) -> None:
    schema = schemas.get_schema(identifier)
    assert schema["$id"] == identifier + "#"
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize("identifier", JSON_SCHEMA_IDS)
def test_every_schema_is_a_valid_draft7_schema(identifier: str) -> None:
    jsonschema.Draft7Validator.check_schema(schemas.get_schema(identifier))


@pytest.mark.parametrize("identifier", JSON_SCHEMA_IDS)
def test_lookup_accepts_hash_and_alias(identifier: str) -> None:
    entry = schemas.find_version(identifier)
    assert schemas.find_version(identifier + "#") == entry
    for alias in entry.aliases:
        assert schemas.find_version(alias) == entry
        assert schemas.find_version(alias + "#").identifier == identifier


def test_alias_is_recognised_but_not_a_valid_declaration() -> None:
    canonical = "https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json"
    alias = "https://rs-python.github.io/auxip-stac-extension/v1.1.0/schema.json"
    item: dict[str, Any] = {
        "type": "Feature",
        "stac_extensions": [alias],
        "properties": {"auxip:id": "2e25ea88-ab33-11ef-8630-fa163e75e309"},
        "assets": {},
    }
    validator = schemas.validator_for(alias)
    assert schemas.get_schema(alias)["$id"] == canonical + "#"
    assert not validator.is_valid(item)
    item["stac_extensions"] = [canonical]
    assert validator.is_valid(item)


def test_unknown_identifier_raises_a_lookup_error() -> None:
    with pytest.raises(UnknownIdentifierError, match="no packaged schema"):
        schemas.find_version("https://example.com/nope/v1.0.0/schema.json")
    with pytest.raises(LookupError):
        schemas.get_schema("https://home.rs-python.eu/cadip-stac-extension/v9.9.9/schema.json")


def test_openapi_identifier_is_not_a_json_schema() -> None:
    with pytest.raises(UnknownIdentifierError):
        schemas.get_schema(schemas.newest("download").identifier)


def test_get_schema_returns_an_independent_copy() -> None:
    identifier = JSON_SCHEMA_IDS[0]
    first = schemas.get_schema(identifier)
    first["title"] = "changed"
    assert schemas.get_schema(identifier)["title"] != "changed"


def test_published_files_are_byte_locked() -> None:
    """A published identifier is immutable: its file must never change."""
    root = extensions_root()
    lines = LOCK_FILE.read_text(encoding="utf-8").splitlines()
    locked: dict[str, str] = {}
    for line in lines:
        digest, relative = line.split(maxsplit=1)
        locked[relative] = digest
    assert set(locked) == {v.resource_path for v in schemas.versions()}
    for relative, digest in locked.items():
        assert hashlib.sha256((root / relative).read_bytes()).hexdigest() == digest, relative


def test_read_bytes_is_the_file() -> None:
    for entry in schemas.versions():
        path = extensions_root() / entry.resource_path
        assert schemas.read_bytes(entry.identifier) == path.read_bytes()


def test_registry_never_fetches() -> None:
    schema = {"$ref": "https://example.com/not-packaged.json"}
    validator = jsonschema.Draft7Validator(schema, registry=schemas.registry())
    with pytest.raises(referencing.exceptions.Unresolvable):
        validator.is_valid({})


def test_registry_resolves_every_spelling() -> None:
    registry = schemas.registry()
    for entry in schemas.versions(kind=schemas.DocumentKind.JSON_SCHEMA):
        for spelling in (entry.identifier, *entry.aliases):
            assert registry.contents(spelling)["$id"] == entry.identifier + "#"


def test_declared_versions_skips_unknown_and_duplicates() -> None:
    listed = [
        "https://stac-extensions.github.io/file/v2.1.0/schema.json",
        5,
        "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json",
        "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json#",
        "https://rs-python.github.io/auxip-stac-extension/v1.1.0/schema.json",
    ]
    found = schemas.declared_versions(listed)
    assert [(v.extension.value, v.version) for v in found] == [
        ("cadip", "v1.4.0"),
        ("auxip", "v1.1.0"),
    ]


class TestFormatModes:
    """SPEC §1.4: date-time is a draft-07 format, uuid is not."""

    cadip = "https://home.rs-python.eu/cadip-stac-extension/v1.3.0/schema.json"
    auxip = "https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json"

    def _cadip_item(self, planned_start: str) -> dict[str, Any]:
        return {
            "type": "Feature",
            "stac_extensions": [self.cadip],
            "properties": {
                "cadip:id": "6894eb36-416e-469e-8788-9a0a2b8f3a8d",
                "cadip:acquisition_id": "1",
                "cadip:planned_data_start": planned_start,
            },
            "assets": {},
        }

    def _auxip_item(self, uuid: str) -> dict[str, Any]:
        return {
            "type": "Feature",
            "stac_extensions": [self.auxip],
            "properties": {"auxip:id": uuid},
            "assets": {},
        }

    @pytest.mark.parametrize(
        ("mode", "feb30", "uuid"),
        [(FormatMode.DRAFT7, False, True), (FormatMode.ALL, False, False), ("none", True, True)],
    )
    def test_verdicts_per_mode(self, mode: FormatMode | str, feb30: bool, uuid: bool) -> None:
        cadip = schemas.validator_for(self.cadip, formats=mode)
        auxip = schemas.validator_for(self.auxip, formats=mode)
        assert cadip.is_valid(self._cadip_item("2024-11-14T14:30:38.477Z"))
        assert cadip.is_valid(self._cadip_item("2024-02-30T00:00:00Z")) is feb30
        assert auxip.is_valid(self._auxip_item("not-a-uuid")) is uuid
        assert auxip.is_valid(self._auxip_item("2e25ea88-ab33-11ef-8630-fa163e75e309"))

    def test_default_mode_is_draft7(self) -> None:
        assert schemas.validator_for(self.cadip) is schemas.validator_for(
            self.cadip, formats=FormatMode.DRAFT7
        )


def test_extension_folders_hold_one_folder_per_version() -> None:
    root = extensions_root()
    for entry in schemas.versions():
        assert (root / entry.resource_path).is_file(), entry.resource_path
    for schema_file in root.glob("*/v*/schema.json"):
        relative = schema_file.relative_to(root).as_posix()
        assert relative in {v.resource_path for v in schemas.versions()}, relative
        assert json.loads(schema_file.read_text(encoding="utf-8"))["$id"].endswith("#")
