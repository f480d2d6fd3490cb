"""Our own identifiers are known exactly; the origin of every schema checked is reported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rs_stac_ext.schemas.resolver import ResolverSettings
from rs_stac_ext.validator._own_identifiers import own_identifier_problem
from rs_stac_ext.validator.readers import InputDocument
from rs_stac_ext.validator.validation import ValidationOptions, Validator, Verdict

ROOT = Path(__file__).resolve().parents[1]
CADIP_EXAMPLE = ROOT / "extensions" / "cadip" / "examples" / "item.json"
AUXIP_V2 = "https://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json"
EXTERNAL_IDS = "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"


def _offline() -> Validator:
    return Validator(ValidationOptions(resolver=ResolverSettings(cache_dir=None, use_cache=False)))


def _auxip_item(declared: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": ["https://stac-extensions.github.io/file/v2.1.0/schema.json", declared],
        "id": "S1A_AUX_PP1",
        "geometry": None,
        "properties": {
            "datetime": "2025-01-02T03:04:05Z",
            "auxip:id": "2f1c0c0e-27a2-4a6b-9d3f-61f1f7f6a001",
        },
        "links": [],
        "assets": {},
    }


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (
            "https://home.rs-python.eu/auxip-stac-extension/v2.1.0/schema.json",
            "auxip has no version v2.1.0; its versions are v1.0.0, v1.1.0, v2.0.0",
        ),
        (
            "https://home.rs-python.eu/cadip-stac-extension/v9.9.9/schema.json",
            "cadip has no version v9.9.9; its versions are v1.0.0, v1.1.0, v1.2.0, v1.3.0, "
            "v1.4.0, v2.0.0",
        ),
        (
            "http://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json",
            "'http://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json' is a wrong "
            f"spelling of the identifier {AUXIP_V2!r}",
        ),
        (
            "https://home.rs-python.eu/prip-stac-extension/v1.0.0/schema.json",
            "names no schema published on home.rs-python.eu: its STAC extensions are auxip, "
            "cadip, ownership",
        ),
        (
            "https://home.rs-python.eu/download-stac-api-extension/v2.0.0/schema.json",
            "download is a STAC API extension",
        ),
    ],
)
def test_an_identifier_on_our_hosts_that_names_nothing_is_an_error(uri: str, expected: str) -> None:
    problem = own_identifier_problem(uri)
    assert problem is not None
    assert expected in problem
    report = _offline().check(InputDocument("item.json", document=_auxip_item(uri)))
    assert report.verdict is Verdict.INVALID
    assert [(p.path, p.keyword) for p in report.errors] == [
        ("/stac_extensions/1", "stac/unknown-identifier")
    ]
    assert expected in report.errors[0].message
    assert uri not in report.checked
    assert report.not_checked == []


@pytest.mark.parametrize(
    "uri",
    [
        AUXIP_V2,
        "https://rs-python.github.io/auxip-stac-extension/v1.0.0/schema.json",
        "https://stac-extensions.github.io/file/v2.1.0/schema.json",
        "https://example.com/home.rs-python.eu/x/v1.0.0/schema.json",
    ],
)
def test_published_identifiers_and_other_hosts_are_left_alone(uri: str) -> None:
    assert own_identifier_problem(uri) is None


def test_the_shipped_cadip_example_is_valid_offline_and_says_which_origin_decided() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", "validate", "--no-cache", str(CADIP_EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(": valid (readme)")
    assert "not checked" not in result.stderr
    as_json = subprocess.run(
        [
            sys.executable,
            "-m",
            "rs_stac_ext",
            "validate",
            "--no-cache",
            "--format",
            "json",
            str(CADIP_EXAMPLE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    record = json.loads(as_json.stdout)
    assert record["verdict"] == "valid"
    assert set(record["origins"]) == set(record["checked"])
    assert record["origins"][EXTERNAL_IDS] == "readme"
    assert record["origins"][
        "https://home.rs-python.eu/cadip-stac-extension/v2.0.0/schema.json"
    ] == ("packaged")
    assert record["origins"][
        "https://schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json"
    ] == ("community")


def test_a_verdict_on_published_texts_only_carries_no_mark(tmp_path: Path) -> None:
    item = tmp_path / "item.json"
    item.write_text(json.dumps(_auxip_item(AUXIP_V2)), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", "validate", "--no-cache", str(item)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("[S1A_AUX_PP1]: valid")
