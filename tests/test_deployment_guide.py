"""The deployment guide (docs/deployment.md) works when pasted.

Every ``sh`` block of the page is run, in order, in one bash session (``set -euo pipefail``)
against a fresh database of the test cluster, except a block preceded by a ``not run by the
tests`` comment (the ``pip install`` line: ``./scripts/test`` installs the same extras). Every
YAML block with a ``title`` is a configuration file: it is written where the commands expect
it and must be a valid server configuration.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import yaml

from rs_stac_ext.server.config import parse_config
from server_support import free_port
from services_support import Postgres

pytestmark = pytest.mark.pgstac

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "deployment.md"
BLOCK = re.compile(
    r"(?P<skip><!-- not run by the tests[^>]*-->\n)?```(?P<lang>\w+)(?P<info>[^\n]*)\n"
    r"(?P<body>.*?)\n```",
    re.S,
)
ITEM_ID = "S1A_OPER_AUX_RESORB_OPOD_20251012T061530_V20251012T022010_20251012T053740"


def _blocks() -> list[re.Match[str]]:
    return list(BLOCK.finditer(GUIDE.read_text(encoding="utf-8")))


def test_every_configuration_in_the_guide_is_valid() -> None:
    titled = [b for b in _blocks() if b["lang"] == "yaml" and "title=" in b["info"]]
    assert len(titled) >= 2
    for block in titled:
        parse_config(yaml.safe_load(block["body"]), source=block["info"])


def test_the_quick_start_runs_as_written(pgstac_db: Postgres, tmp_path: Path) -> None:
    with psycopg.connect(pgstac_db.dsn, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS guide")
        conn.execute("CREATE DATABASE guide")
    dsn = pgstac_db.dsn.rsplit("/", 1)[0] + "/guide"
    blocks = _blocks()
    commands = [b["body"] for b in blocks if b["lang"] == "sh" and not b["skip"]]
    skipped = [b["body"] for b in blocks if b["lang"] == "sh" and b["skip"]]
    assert skipped == ["pip install --quiet -e '.[pgstac]'"]
    for block in blocks:
        if block["lang"] == "yaml" and "title=" in block["info"]:
            name = block["info"].split("title=", 1)[1].strip().strip('"')
            (tmp_path / name).write_text(block["body"] + "\n", encoding="utf-8")
    (tmp_path / "extensions").symlink_to(ROOT / "extensions")
    script = "set -euo pipefail\n" + "\n".join(commands) + "\n"
    environment = os.environ | {
        "PGSTAC_DSN": dsn,
        "PORT": str(free_port()),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    process = subprocess.Popen(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=300)
    finally:
        # Whatever happened, nothing the script started outlives the test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.communicate()
    assert process.returncode == 0, out + err
    assert "loaded 1 collections and 1 items (1 without geometry); 0 refused" in out
    assert f"{ITEM_ID} None" in out  # the Item, served with "geometry": null
    assert f"['{ITEM_ID}']" in out
    assert "\n401\n" in out  # a download without a token
    assert out.rstrip().endswith("gunicorn serves 1 item")  # the application factory
    assert "Traceback" not in err
