"""``rs-stac map`` on saved product answers fetched with and without their Attributes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import REPO_ROOT


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    from rs_stac_ext.stations import simulator

    with simulator.serve(simulator.create_app()) as url:
        yield url


def map_file(service: str, path: Path) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", "map", service, "--from-file", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def fetch(url: str, target: Path) -> Path:
    response = httpx.get(url, timeout=30)
    response.raise_for_status()
    target.write_bytes(response.content)
    return target


def test_the_readme_asks_adgs_for_the_attributes() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    [command] = re.findall(r"^curl .*/auxip/adgs/odata/v1/Products\S*", readme, re.MULTILINE)
    assert "$expand=Attributes" in command


def test_records_without_attributes_are_warned_about(simulator: str, tmp_path: Path) -> None:
    products = f"{simulator}/auxip/adgs/odata/v1/Products"
    thin = fetch(f"{products}?$top=5", tmp_path / "thin.json")
    result = map_file("auxip", thin)
    assert result.returncode == 0, result.stderr
    assert f"warning: 5 of 5 record(s) in {thin} have no Attributes" in result.stderr
    assert "$expand=Attributes" in result.stderr
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert all("product:type" not in item["properties"] for item in items)

    full = fetch(f"{products}?$expand=Attributes&$top=5", tmp_path / "full.json")
    result = map_file("adgs", full)
    assert result.returncode == 0, result.stderr
    assert "Attributes" not in result.stderr
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(items) == 5
    assert all("product:type" in item["properties"] for item in items)


def test_cadip_sessions_are_not_warned_about(simulator: str, tmp_path: Path) -> None:
    sessions = fetch(f"{simulator}/cadip/mti/odata/v1/Sessions?$top=2", tmp_path / "s.json")
    result = map_file("cadip", sessions)
    assert result.stdout.count("\n") == 2, result.stderr
    assert "Attributes" not in result.stderr
