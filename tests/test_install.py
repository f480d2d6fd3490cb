"""``pip install rs-stac-ext`` in a fresh virtual environment, as a user does it.

The environment is made by the running Python's own ``venv``, so its pip is the one that
Python release ships (pip 23.2.1 for Python 3.11.7): the oldest pip a user meets. Only the
base install is tried here (it takes about a minute); docs/index.md gives the command that
tries every extra and every pair of extras (``scripts/install_matrix.sh``).
"""

from __future__ import annotations

import ensurepip
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from server_support import free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.install


def _venv_python(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    return venv / "bin" / "python"


def _write_catalog(root: Path) -> None:
    item_dir = root / "col" / "i1"
    item_dir.mkdir(parents=True)
    (item_dir / "data.bin").write_bytes(b"data\n")
    (root.parent / "outside.bin").write_bytes(b"not served\n")
    item: dict[str, Any] = {
        "type": "Feature",
        "stac_version": "1.1.0",
        "id": "i1",
        "geometry": None,
        "properties": {"datetime": "2024-01-01T00:00:00Z"},
        "links": [],
        "assets": {"data": {"href": "data.bin"}, "outside": {"href": "../../../outside.bin"}},
    }
    collection = {
        "type": "Collection",
        "stac_version": "1.1.0",
        "id": "col",
        "description": "one item",
        "license": "other",
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {"interval": [[None, None]]},
        },
        "links": [{"rel": "item", "href": "./i1/i1.json"}],
    }
    catalog = {
        "type": "Catalog",
        "stac_version": "1.1.0",
        "id": "cat",
        "description": "install test",
        "links": [{"rel": "child", "href": "./col/collection.json"}],
    }
    (item_dir / "i1.json").write_text(json.dumps(item), encoding="utf-8")
    (root / "col" / "collection.json").write_text(json.dumps(collection), encoding="utf-8")
    (root / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")


def test_base_install_with_the_shipped_pip_serves_a_catalog(tmp_path: Path) -> None:
    python = _venv_python(tmp_path)
    pip_version = subprocess.run(
        [str(python), "-m", "pip", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert pip_version.startswith(f"pip {ensurepip.version()} "), pip_version
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    check = subprocess.run(
        [str(python), "-m", "pip", "check"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout
    catalog = tmp_path / "catalog"
    _write_catalog(catalog)
    port = free_port()
    rs_stac = python.parent / "rs-stac"
    server = subprocess.Popen(
        [str(rs_stac), "serve", str(catalog), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                item = httpx.get(f"http://127.0.0.1:{port}/collections/col/items/i1", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.2)
        assert item.status_code == 200
        assert set(item.json()["assets"]) == {"data"}
        download = httpx.get(
            f"http://127.0.0.1:{port}/collections/col/items/i1/download/data", timeout=5
        )
        assert download.content == b"data\n"
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "No module named" not in stderr
