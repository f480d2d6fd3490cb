"""``rs-stac validate -o FILE``, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent.parent / "extensions"


def validate(*args: str) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", "validate", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_validate_writes_the_reports_to_the_output_file(tmp_path: Path) -> None:
    invalid = EXAMPLES / "cadip" / "examples" / "invalid" / "fractional-channel.json"
    valid = EXAMPLES / "cadip" / "examples" / "item.json"
    target = tmp_path / "reports.ndjson"
    result = validate("--format", "json", "-o", str(target), str(valid), str(invalid))
    assert result.returncode == 1
    assert result.stdout == ""
    reports = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["verdict"] for r in reports] == ["valid", "invalid"]
    assert "1 invalid" in result.stderr  # the summary stays on stderr
    same = validate("--format", "json", str(valid), str(invalid))
    assert [json.loads(line) for line in same.stdout.splitlines()] == reports


def test_validate_output_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    valid = EXAMPLES / "cadip" / "examples" / "item.json"
    result = validate("-o", str(tmp_path / "no-such-folder" / "r.txt"), str(valid))
    assert result.returncode == 2
    assert "r.txt: cannot be written" in result.stderr
    assert "Traceback" not in result.stderr
