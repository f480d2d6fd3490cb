"""The rs-stac command, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rs_stac_ext import __version__, schemas

CADIP_V10 = "https://rs-python.github.io/cadip-stac-extension/v1.0.0/schema.json"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"rs-stac, version {__version__}"


def test_examples_text_reports_every_example_as_expected() -> None:
    result = run("examples")
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.endswith(", 0 not as expected")
    assert "FAIL" not in result.stdout


def test_examples_json_is_one_object_per_line() -> None:
    result = run("examples", "--format", "json")
    assert result.returncode == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    assert all(r["as_expected"] for r in records)
    assert {"extension", "source", "schema", "expected", "verdict", "problems"} <= set(records[0])
    assert {r["expected"] for r in records} == {"valid", "invalid"}


def test_examples_exit_1_when_an_example_fails(tmp_path: Path) -> None:
    examples = tmp_path / "ownership" / "examples"
    examples.mkdir(parents=True)
    item = {
        "type": "Feature",
        "stac_extensions": [schemas.newest("ownership").identifier],
        "properties": {"owner": ""},
        "assets": {},
    }
    (examples / "item.json").write_text(json.dumps(item), encoding="utf-8")
    result = run("examples", "--root", str(tmp_path))
    assert result.returncode == 1
    assert "/properties/owner: expected at least 1 characters" in result.stdout


def test_schemas_list_json_covers_every_identifier() -> None:
    result = run("schemas", "list", "--format", "json")
    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    canonical = [r["uri"] for r in rows if r["origin"] == "packaged" and r["alias_of"] is None]
    assert canonical == schemas.identifiers(kind=schemas.DocumentKind.JSON_SCHEMA)
    aliases = {r["uri"]: r["alias_of"] for r in rows if r["alias_of"]}
    assert aliases["https://rs-python.github.io/cadip-stac-extension/v1.4.0/schema.json"] == (
        "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json"
    )
    built_in = {r["uri"]: r for r in rows if r["origin"] == "community"}
    core = built_in["https://schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json"]
    assert (core["extension"], core["version"]) == ("stac-core", "v1.1.0")
    eopf = built_in["https://cs-si.github.io/eopf-stac-extension/v1.2.0/schema.json"]
    assert (eopf["extension"], eopf["version"]) == ("eopf", "v1.2.0")
    readme = [r for r in rows if r["origin"] == "readme"]
    assert [(r["uri"], r["extension"], r["version"]) for r in readme] == [
        (
            "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json",
            "external-ids",
            "v1.0.0",
        )
    ]


def test_schemas_show_prints_the_published_bytes() -> None:
    result = run("schemas", "show", CADIP_V10 + "#")
    assert result.returncode == 0
    assert result.stdout.encode("utf-8") == schemas.read_bytes(CADIP_V10)


@pytest.mark.parametrize(
    "words", [("cadip",), ("cadip", "v2.0.0"), ("cadip@v2.0.0",), ("cadip", "2.0.0")]
)
def test_schemas_show_takes_short_names(words: tuple[str, ...]) -> None:
    result = run("schemas", "show", *words)
    assert result.returncode == 0, result.stderr
    assert result.stdout.encode("utf-8") == schemas.read_bytes(schemas.newest("cadip").identifier)


def test_schemas_show_an_unknown_version_is_a_usage_error() -> None:
    result = run("schemas", "show", "cadip", "v3.0.0")
    assert result.returncode == 2
    assert "cadip has no version v3.0.0: its published versions are v1.0.0" in result.stderr


def test_schemas_show_unknown_identifier_is_a_usage_error() -> None:
    result = run("schemas", "show", "https://example.com/x.json")
    assert result.returncode == 2
    assert "no packaged schema has the identifier" in result.stderr


def test_migrate_reads_stdin_and_reports_changes() -> None:
    document: dict[str, Any] = {
        "type": "Feature",
        "stac_extensions": [CADIP_V10],
        "properties": {
            "cadip:id": "6894eb36-416e-469e-8788-9a0a2b8f3a8d",
            "cadip:acquisition_id": 565521,
        },
        "assets": {},
    }
    result = run("migrate", "-", stdin=json.dumps(document))
    assert result.returncode == 0, result.stderr
    upgraded = json.loads(result.stdout)
    assert upgraded["properties"]["cadip:acquisition_id"] == "565521"
    assert schemas.validator_for(schemas.newest("cadip").identifier).is_valid(upgraded)
    assert "<stdin>: /properties/cadip:id: cadip:id moved to an externalIds entry" in result.stderr


def test_migrate_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "type": "Feature",\n  oops\n}', encoding="utf-8")
    result = run("migrate", str(broken))
    assert result.returncode == 2
    assert f"{broken}: invalid JSON at line 3, column 3" in result.stderr
