"""The scripts of ``examples/`` run as they are, offline, and say what they showed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import offline_environment

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Each script, and lines its output must contain.
EXPECTED = {
    "pystac_usage.py": [
        "session S1A_20251012061530061394: acquisition 613941, station MTI_",
        "pystac read it as https://home.rs-python.eu/cadip-stac-extension/v2.0.0/schema.json",
        "problems against cadip v2.0.0 after reading: 0",
    ],
    "validate_documents.py": [
        "  invalid/fractional-channel.json: /assets/DCS_01_S1A_20251012061530061394_ch1_DSDB_00001"
        ".raw/cadip:channel: expected an integer, got a number (1.5)",
        "every verdict as expected",
    ],
    "map_station.py": [
        "station mti (MTI_) -> Item S1A_20251103054512061976",
        "validation: valid",
        "  checked against the schema written from its README: "
        "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json",
    ],
    "serve_catalog.py": [
        "GET /collections/s2-toulouse/items/T31TCJ/download/quicklook with mrossi's key: 200 a"
        " tiny quicklook",
        "every answer as expected",
    ],
}


def test_every_example_script_is_tested() -> None:
    assert sorted(path.name for path in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_script_runs_offline(script: str, tmp_path: Path) -> None:
    ran = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        cwd=tmp_path,
        env=offline_environment(tmp_path / "cache"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    lines = ran.stdout.splitlines()
    for expected in EXPECTED[script]:
        assert expected in lines, f"{script} did not print {expected!r}"
