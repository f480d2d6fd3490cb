"""``rs-stac serve CATALOG`` names, at start-up, every asset it leaves out of a served Item."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from server_support import ESCAPING, free_port, make_catalog

RS_STAC = str(Path(sys.executable).with_name("rs-stac"))


def test_start_up_lists_every_asset_left_out_with_the_reason(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [RS_STAC, "serve", str(catalog.root), "--port", str(port), "--log-level", "error"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # only /conformance is asked: no Item is served before the listing
            assert process.poll() is None, process.communicate()[1]
            try:
                httpx.get(f"http://127.0.0.1:{port}/conformance", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    owned = catalog.root / "alice-col" / "owned" / "owned.json"
    lines = [line for line in stderr.splitlines() if "is not served (left out of the Item)" in line]
    left_out = {line.split("asset ", 1)[1].split(" of item", 1)[0].strip("'") for line in lines}
    assert left_out == {*ESCAPING, "missing"}
    for line in lines:
        assert "of item 'owned' in collection 'alice-col'" in line
        assert str(owned) in line
    reasons = {line.split("'", 2)[1]: line.rsplit(" is ", 1)[1] for line in lines}
    assert reasons["missing"].startswith("no such file")
    assert reasons["dotdot"].startswith("outside the catalog folder")
    assert reasons["absolute"].startswith("outside the catalog folder")
    assert f"{len(lines)} asset(s) left out of the served Items (listed above)" in stderr
