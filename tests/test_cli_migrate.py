"""``rs-stac migrate`` on files, folders, NDJSON and stdin, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rs_stac_ext import schemas

CADIP_V13 = "https://home.rs-python.eu/cadip-stac-extension/v1.3.0/schema.json"
NEWEST = schemas.newest("cadip").identifier
EXAMPLES = Path(__file__).resolve().parent.parent / "extensions"


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", "migrate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=cwd,
    )


def old_session(identifier: str = "S1A_1") -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": [CADIP_V13],
        "id": identifier,
        "geometry": None,
        "properties": {
            "datetime": "2024-11-14T14:30:38Z",
            "cadip:id": "2f1c0c0e-27a2-4a6b-9d3f-61f1f7f6a001",
            "cadip:acquisition_id": 56552,
        },
        "links": [],
        "assets": {},
    }


def is_newest(document: dict[str, Any]) -> bool:
    return NEWEST in document["stac_extensions"] and schemas.validator_for(NEWEST).is_valid(
        document
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """in/a.json (old), in/sub/b.ndjson (three old), in/new.json (already newest)."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.json").write_text(json.dumps(old_session()), encoding="utf-8")
    lines = "".join(json.dumps(old_session(f"S1A_{n}")) + "\n" for n in range(3))
    (root / "sub" / "b.ndjson").write_text(lines, encoding="utf-8")
    (root / "new.json").write_bytes((EXAMPLES / "cadip" / "examples" / "item.json").read_bytes())
    return root


def test_a_folder_goes_to_an_output_folder_with_the_same_layout(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(tree), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "a.json",
        "new.json",
        "sub/b.ndjson",
    ]
    assert is_newest(json.loads((out / "a.json").read_text(encoding="utf-8")))
    lines = (out / "sub" / "b.ndjson").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["S1A_0", "S1A_1", "S1A_2"]
    assert all(is_newest(json.loads(line)) for line in lines)
    assert f"{tree / 'sub' / 'b.ndjson'}:2: /properties/cadip:id: " in result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("migrated 5 document(s) from 3 input(s): 4 changed (")
    assert "1 already at the newest versions" in summary
    assert f"3 file(s) written under {out}" in summary


def test_ndjson_on_stdin_gives_ndjson_on_stdout() -> None:
    stdin = "".join(json.dumps(old_session(f"S1A_{n}")) + "\n" for n in range(2))
    result = run("-", "--quiet", stdin=stdin)
    assert result.returncode == 0, result.stderr
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"] for d in documents] == ["S1A_0", "S1A_1"]
    assert all(is_newest(d) for d in documents)
    assert "/properties/cadip:id" not in result.stderr  # --quiet: the summary only
    assert result.stderr.startswith("migrated 2 document(s) from 1 input(s): 2 changed")


def test_one_json_file_to_stdout_stays_one_json_document(tree: Path) -> None:
    result = run(str(tree / "a.json"), "--indent", "4")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('{\n    "type"')
    assert is_newest(json.loads(result.stdout))


def test_several_inputs_to_one_file_are_ndjson(tree: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.ndjson"
    result = run(str(tree / "a.json"), str(tree / "sub" / "b.ndjson"), "-o", f"{tmp_path}/x/")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x" / "a.json").is_file()
    result = run(str(tree / "a.json"), str(tree / "sub" / "b.ndjson"), "-o", str(target))
    assert result.returncode == 0, result.stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["S1A_1", "S1A_0", "S1A_1", "S1A_2"]
    assert f"written to {target}" in result.stderr


def test_a_folder_input_cannot_go_to_an_existing_file(tree: Path, tmp_path: Path) -> None:
    existing = tmp_path / "existing.json"
    existing.write_text("{}", encoding="utf-8")
    result = run(str(tree), "-o", str(existing))
    assert result.returncode == 2
    assert "a folder input needs -o DIR" in result.stderr
    assert existing.read_text(encoding="utf-8") == "{}"


def test_in_place_rewrites_only_the_files_that_change(tree: Path) -> None:
    untouched = (tree / "new.json").read_bytes()
    result = run(str(tree), "--in-place")
    assert result.returncode == 0, result.stderr
    assert "2 file(s) rewritten in place" in result.stderr
    assert (tree / "new.json").read_bytes() == untouched
    assert is_newest(json.loads((tree / "a.json").read_text(encoding="utf-8")))
    again = run(str(tree), "--in-place")
    assert "0 changed" in again.stderr
    assert "0 file(s) rewritten in place" in again.stderr


def test_a_feature_collection_is_migrated_feature_by_feature(tmp_path: Path) -> None:
    collection = {"type": "FeatureCollection", "features": [old_session(), old_session("S1A_2")]}
    path = tmp_path / "fc.json"
    path.write_text(json.dumps(collection), encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 0, result.stderr
    assert all(is_newest(f) for f in json.loads(result.stdout)["features"])
    assert f"{path}#/features/1: /properties/cadip:id" in result.stderr
    assert "migrated 2 document(s)" in result.stderr


def test_a_bad_input_is_named_and_the_others_are_migrated(tree: Path, tmp_path: Path) -> None:
    (tree / "sub" / "b.ndjson").write_text(
        json.dumps(old_session()) + "\n{oops\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run(str(tree), "-o", str(out))
    assert result.returncode == 2
    assert f"error: {tree / 'sub' / 'b.ndjson'}:2: invalid JSON at column 2" in result.stderr
    assert (out / "a.json").is_file()
    assert not (out / "sub" / "b.ndjson").exists()
    assert "1 input(s) could not be read" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "--in-place"], "--in-place cannot rewrite standard input"),
        (["a.json", "--in-place", "-o", "x.json"], "--in-place and -o/--output cannot"),
        (["-", "a.json", "-o", "out/"], "standard input goes to stdout or to -o FILE"),
        ([], "name the INPUTS to migrate"),
    ],
)
def test_usage_errors(args: list[str], message: str, tree: Path) -> None:
    result = run(*args, cwd=tree, stdin="")
    assert result.returncode == 2
    assert message in result.stderr


def test_two_inputs_of_one_name_are_refused_for_a_folder(tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.json").write_text(json.dumps(old_session()), encoding="utf-8")
    result = run(str(tree / "a.json"), str(other / "a.json"), "-o", f"{tmp_path}/out/")
    assert result.returncode == 2
    assert "would both be written to a.json" in result.stderr
