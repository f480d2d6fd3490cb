"""``rs-stac validate`` starts without the heavy optional dependencies.

Run in a fresh interpreter: the test process itself has long imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import load_json
from rs_stac_ext.schemas._resources import extensions_root

HEAVY = ("pystac", "yaml", "httpx", "starlette", "uvicorn", "boto3", "urllib3", "jsonschema")

PROBE = """
import json, sys
import click
from rs_stac_ext.cli import main
with click.Context(main) as ctx:
    command = main.get_command(ctx, {name!r})
print(json.dumps({{
    "command": command.name if command is not None else None,
    "loaded": sorted(m for m in {heavy!r} if m in sys.modules),
}}))
"""


def probe(name: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(name=name, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


@pytest.mark.parametrize("name", ["validate", "schemas", "examples", "migrate"])
def test_command_resolves_without_heavy_imports(name: str) -> None:
    assert probe(name) == {"command": name, "loaded": []}


def test_package_import_is_light() -> None:
    code = (
        "import json, sys, rs_stac_ext, rs_stac_ext.cli;"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(result.stdout) == []


def test_probe_sees_a_command_s_own_imports() -> None:
    # `map` reads its station registry with yaml: the probe must notice that import.
    assert probe("map") == {"command": "map", "loaded": ["yaml"]}


def test_unknown_command_resolves_to_none() -> None:
    assert probe("no-such-command") == {"command": None, "loaded": []}


def test_invalid_documents_are_reported_without_the_reference_engine(tmp_path: Path) -> None:
    """jsonschema-rs answers and words them: python-jsonschema is never imported."""
    item = load_json(extensions_root() / "auxip" / "examples" / "item.json")
    broken_time = dict(item, properties=dict(item["properties"], created="2025-02-30T00:00:00Z"))
    no_id = {key: value for key, value in item.items() if key != "id"}
    source = tmp_path / "items.ndjson"
    source.write_text(
        "\n".join(json.dumps(doc) for doc in (item, broken_time, no_id)), encoding="utf-8"
    )
    code = (
        "import json, sys\n"
        "from rs_stac_ext.validator.validation import validate\n"
        f"reports = list(validate([{str(source)!r}]))\n"
        "print(json.dumps({'valid': [r.valid for r in reports],"
        " 'paths': [[p.path for p in r.errors] for r in reports],"
        f" 'loaded': sorted(m for m in {HEAVY!r} if m in sys.modules)}}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    outcome = json.loads(result.stdout)
    assert outcome["valid"] == [True, False, False]
    assert outcome["paths"][1] == ["/properties/created"]
    assert "" in outcome["paths"][2]
    assert outcome["loaded"] == []
