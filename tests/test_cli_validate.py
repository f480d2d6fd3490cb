"""rs-stac validate, run as a real process: exit codes, JSON lines, published verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import load_json
from rs_stac_ext import schemas
from rs_stac_ext.schemas._resources import extensions_root

CADIP_V14 = "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json"


def run(*args: str, stdin: str | None = None, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RS_STAC_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", "validate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def records(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


def test_all_valid_exits_0(cache: Path) -> None:
    result = run(str(extensions_root() / "ownership" / "examples" / "item.json"), cache=cache)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": valid" in result.stdout
    assert "1 document(s): 1 valid, 0 invalid" in result.stderr


def test_invalid_exits_1_with_json_records_in_input_order(tmp_path: Path, cache: Path) -> None:
    invalid = extensions_root() / "cadip" / "examples" / "invalid" / "fractional-channel.json"
    valid = extensions_root() / "cadip" / "examples" / "item.json"
    result = run("--format", "json", str(valid), str(invalid), str(valid), cache=cache)
    assert result.returncode == 1
    found = records(result.stdout)
    assert [r["source"] for r in found] == [str(valid), str(invalid), str(valid)]
    # The session declares external-ids: checked by the schema written from its README.
    assert [r["verdict"] for r in found] == ["valid", "invalid", "valid"]
    assert [r["valid"] for r in found] == [True, False, True]
    assert (
        found[0]["origins"]["https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"]
        == "readme"
    )
    assert {"source", "id", "valid", "errors", "warnings", "not_checked", "line"} <= set(found[1])
    error = next(e for e in found[1]["errors"] if e["keyword"] == "type")
    assert error["schema"] == schemas.newest("cadip").identifier
    assert error["path"].endswith("/cadip:channel")
    assert error["message"] == "expected an integer, got a number (1.5)"


def test_missing_file_is_an_input_error_not_a_document(cache: Path) -> None:
    valid = extensions_root() / "ownership" / "examples" / "item.json"
    result = run("missing.json", str(valid), cache=cache)
    assert result.returncode == 2
    assert "missing.json" not in result.stdout
    assert f"{valid} [" in result.stdout  # the rest is still checked
    lines = result.stderr.splitlines()
    assert lines[0] == "error: missing.json: no such file or folder"
    assert lines[-1].startswith(
        "1 document(s): 1 valid, 0 invalid, 0 incomplete, 0 warning(s), 1 input(s) not found in "
    )


def test_missing_file_with_json_output_is_a_record_on_stderr(cache: Path) -> None:
    valid = extensions_root() / "ownership" / "examples" / "item.json"
    result = run("--format", "json", "missing.json", str(valid), "gone/", cache=cache)
    assert result.returncode == 2
    assert [r["source"] for r in records(result.stdout)] == [str(valid)]
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert events == [
        {
            "event": "input-error",
            "source": source,
            "kind": "not-found",
            "message": f"{source}: no such file or folder",
        }
        for source in ("missing.json", "gone/")
    ]
    assert "1 document(s): 1 valid" in result.stderr


def test_only_missing_inputs_exit_2_with_no_document(cache: Path) -> None:
    result = run("missing.json", cache=cache)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "0 document(s): 0 valid, 0 invalid, 0 incomplete" in result.stderr


def folder_with_other_files(tmp_path: Path) -> Path:
    folder = tmp_path / "dir"
    (folder / "sub").mkdir(parents=True)
    item = extensions_root() / "ownership" / "examples" / "item.json"
    (folder / "item.json").write_bytes(item.read_bytes())
    (folder / "ITEM2.JSON").write_bytes(item.read_bytes())  # the case of a suffix is ignored
    for name in ("README.md", "sub/meta.xml", "sub/a.txt", "sub/b.txt", "sub/c.txt", "z.yaml"):
        (folder / name).write_text("not JSON\n", encoding="utf-8")
    return folder


def test_a_folder_walk_says_which_files_it_passed_over(tmp_path: Path, cache: Path) -> None:
    folder = folder_with_other_files(tmp_path)
    result = run(str(folder), cache=cache)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"skipped 6 non-JSON file(s) in {folder}: README.md, sub/a.txt, sub/b.txt, sub/c.txt, "
        "sub/meta.xml, … (1 more) (a folder walk reads only .json, .geojson, .ndjson, .jsonl, "
        ".geojsonl and .ndgeojson files; name a file on the command line to check it anyway)"
    )
    assert "2 document(s): 2 valid" in result.stderr


def test_skipped_files_with_json_output_are_a_record_listing_them_all(
    tmp_path: Path, cache: Path
) -> None:
    folder = folder_with_other_files(tmp_path)
    result = run("--format", "json", str(folder), cache=cache)
    assert result.returncode == 0, result.stderr
    assert len(records(result.stdout)) == 2
    (event,) = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert event["event"] == "skipped-files"
    assert event["source"] == str(folder)
    assert event["count"] == 6
    assert event["files"] == [
        "README.md",
        "sub/a.txt",
        "sub/b.txt",
        "sub/c.txt",
        "sub/meta.xml",
        "z.yaml",
    ]
    assert event["message"].startswith("skipped 6 non-JSON file(s) in ")


def test_a_folder_of_json_files_only_says_nothing_of_skipping(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "clean"
    folder.mkdir()
    item = extensions_root() / "ownership" / "examples" / "item.json"
    (folder / "item.json").write_bytes(item.read_bytes())
    result = run(str(folder), cache=cache)
    assert result.returncode == 0
    assert "skipped" not in result.stderr
    assert "error:" not in result.stderr


def test_malformed_json_reports_line_and_column(tmp_path: Path, cache: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "type": "Feature",\n  "id": oops\n}\n', encoding="utf-8")
    result = run(str(broken), cache=cache)
    assert result.returncode == 2  # an input error
    assert f"{broken}: invalid JSON at line 3, column 9" in result.stdout


def test_named_schema_gives_the_published_verdict(tmp_path: Path, cache: Path) -> None:
    item: dict[str, Any] = {
        "type": "Feature",
        "stac_extensions": [
            CADIP_V14,
            "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json",
            "https://stac-extensions.github.io/file/v2.1.0/schema.json",
            "https://stac-extensions.github.io/timestamps/v1.1.0/schema.json",
        ],
        "properties": {
            "externalIds": [{"scheme": "cadip", "value": "not-a-uuid"}],
            "cadip:acquisition_id": 5,
            "cadip:num_channels": 2.5,
        },
        "assets": {},
    }
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(item), encoding="utf-8")
    result = run("--schema", CADIP_V14, "--format", "json", str(path), cache=cache)
    assert result.returncode == 0, result.stdout
    (record,) = records(result.stdout)
    assert record["valid"] is True
    assert record["checked"] == [CADIP_V14]
    item["properties"]["cadip:num_channels"] = 5
    path.write_text(json.dumps(item), encoding="utf-8")
    result = run("--schema", CADIP_V14, "--format", "json", str(path), cache=cache)
    assert result.returncode == 1
    (record,) = records(result.stdout)
    assert [e["path"] for e in record["errors"]] == ["/properties/cadip:num_channels"]


def test_unknown_named_schema_is_reported_not_passed(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_text("{}", encoding="utf-8")
    result = run(
        "--schema", "https://example.com/x/schema.json", "--format", "json", str(path), cache=cache
    )
    (record,) = records(result.stdout)
    assert record["checked"] == []
    assert record["not_checked"][0]["schema"] == "https://example.com/x/schema.json"
    assert record["verdict"] == "incomplete"
    assert result.returncode == 3
    strict = run(
        "--strict", "--schema", "https://example.com/x/schema.json", str(path), cache=cache
    )
    assert strict.returncode == 1


def test_stdin_ndjson(cache: Path) -> None:
    item = load_json(extensions_root() / "ownership" / "examples" / "item.json")
    bad = dict(item, properties={"owner": 5})
    text = json.dumps(item) + "\n" + json.dumps(bad) + "\n"
    result = run("--format", "json", "-", stdin=text, cache=cache)
    assert result.returncode == 1
    assert [(r["line"], r["valid"]) for r in records(result.stdout)] == [(1, True), (2, False)]


def test_jobs_give_the_same_output(tmp_path: Path, cache: Path) -> None:
    folder = extensions_root() / "cadip" / "examples"
    serial = run("--format", "json", str(folder), cache=cache)
    parallel = run("--format", "json", "-j", "2", str(folder), cache=cache)
    assert serial.stdout == parallel.stdout
    assert serial.returncode == parallel.returncode == 1


def test_help_lists_every_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", "validate", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in ("--schema", "--format", "--jobs", "--schema-dir", "--allow-host", "--strict"):
        assert option in result.stdout


def test_strict_and_allow_incomplete_together_are_a_usage_error(cache: Path) -> None:
    item = str(extensions_root() / "ownership" / "examples" / "item.json")
    result = run("--strict", "--allow-incomplete", item, cache=cache)
    assert result.returncode == 2
    assert "--strict" in result.stderr
    assert "contradict each other" in result.stderr
    assert result.stdout == ""
