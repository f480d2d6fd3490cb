"""Every shipped example gets its expected verdict; upstream examples pass what they declare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import load_json, upstream_examples
from rs_stac_ext import ExtensionName, schemas
from rs_stac_ext.schemas._resources import extensions_root
from rs_stac_ext.schemas.examples import ExampleVerdict, check_examples, example_files
from rs_stac_ext.validator.problems import check

VERDICTS = check_examples()


def _id(verdict: ExampleVerdict) -> str:
    return f"{verdict.extension.value}/{verdict.path.parent.name}/{verdict.path.name}"


@pytest.mark.parametrize("verdict", VERDICTS, ids=_id)
def test_example_gets_expected_verdict(verdict: ExampleVerdict) -> None:
    assert verdict.error is None, verdict.error
    if verdict.expected_valid:
        assert verdict.problems == (), [p.to_dict() for p in verdict.problems]
    else:
        where = [p.path for p in verdict.problems]
        assert verdict.expected_path in where, (verdict.reason, where)


@pytest.mark.parametrize("extension", ["auxip", "cadip", "ownership"])
def test_each_extension_ships_item_collection_and_negatives(extension: str) -> None:
    files = [(path, valid) for ext, path, valid in example_files() if ext.value == extension]
    names = {path.name for path, valid in files if valid}
    assert {"item.json", "collection.json"} <= names
    assert sum(1 for _, valid in files if not valid) >= 6


@pytest.mark.parametrize("extension", ["auxip", "cadip", "ownership"])
def test_positive_examples_declare_the_newest_version(extension: str) -> None:
    newest = schemas.newest(extension).identifier
    for ext, path, valid in example_files():
        if ext.value == extension and valid:
            assert newest in load_json(path)["stac_extensions"], path


def test_every_expectation_has_a_file_and_every_file_an_expectation() -> None:
    for extension in ("auxip", "cadip", "ownership"):
        folder = extensions_root() / extension / "examples" / "invalid"
        expectations = load_json(folder / "expectations.json")
        files = {p.name for p in folder.glob("*.json")} - {"expectations.json"}
        assert set(expectations) == files, extension


def test_negative_examples_break_only_their_rule() -> None:
    """No negative example fails for a second, unrelated reason elsewhere in the document."""
    for verdict in VERDICTS:
        if verdict.expected_valid:
            continue
        expected = verdict.expected_path or ""
        stray = [
            p
            for p in verdict.problems
            if not (p.path.startswith(expected) or expected.startswith(p.path))
        ]
        assert stray == [], (_id(verdict), [p.to_dict() for p in stray])


def test_broken_example_folder_is_reported_not_skipped(tmp_path: Path) -> None:
    examples = tmp_path / "cadip" / "examples"
    (examples / "invalid").mkdir(parents=True)
    (examples / "item.json").write_text('{"type": "Feature",', encoding="utf-8")
    (examples / "invalid" / "orphan.json").write_text("{}", encoding="utf-8")
    (examples / "invalid" / "expectations.json").write_text("{}", encoding="utf-8")
    verdicts = check_examples(tmp_path)
    assert [v.extension for v in verdicts] == [ExtensionName.CADIP, ExtensionName.CADIP]
    assert verdicts[0].error is not None
    assert "invalid JSON at line 1" in verdicts[0].error
    assert verdicts[1].error == "no expectation for orphan.json in expectations.json"
    assert not any(v.as_expected for v in verdicts)


@pytest.mark.parametrize(
    "path", upstream_examples(), ids=lambda p: f"{p.parent.parent.name}/{p.name}"
)
def test_upstream_example_is_valid_under_the_version_it_declares(path: Path) -> None:
    document: Any = load_json(path)
    declared = schemas.declared_versions(document["stac_extensions"])
    assert declared
    for version in declared:
        assert version.identifier in document["stac_extensions"]
        assert check(document, version.identifier) == []
