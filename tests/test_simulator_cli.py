"""``python -m rs_stac_ext.stations.simulator``: a port in use is refused, port 0 picks one."""

from __future__ import annotations

import socket
import subprocess
import sys

import httpx

SIMULATOR = (sys.executable, "-m", "rs_stac_ext.stations.simulator")


def test_a_port_in_use_is_refused_with_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = subprocess.run(
            [*SIMULATOR, "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert ran.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in ran.stderr
    assert "another simulator" in ran.stderr
    assert "Traceback" not in ran.stderr


def test_port_zero_picks_a_free_port_and_says_which() -> None:
    process = subprocess.Popen(
        [*SIMULATOR, "--port", "0"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stderr is not None
        urls = []
        for line in process.stderr:
            if line.startswith("station simulator listening on "):
                base = line.split()[-1]
                break
            urls.append(line.strip())
        else:
            raise AssertionError("the simulator stopped before listening")
        assert not base.endswith(":0")
        assert f"{base}/cadip/mti/odata/v1" in urls
        answer = httpx.get(f"{base}/cadip/mti/odata/v1/Sessions?$top=1", timeout=10)
        assert answer.status_code == 200
        assert len(answer.json()["value"]) == 1
    finally:
        process.terminate()
        process.communicate(timeout=20)
