"""Time the ``iri`` checks: ours (``rs_stac_ext.validator._iri``) against rfc3987-syntax (issue 23).

Two measures, each in a fresh interpreter: the first check (import included), and the mean cost
of one string over the link-like strings of ``../shared/upstream`` (every one for ours, every
eighth for rfc3987-syntax, which takes tens of milliseconds a string; under a minute in all).

Usage::

    python benchmarks/iri.py [--upstream ../shared/upstream]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

_FIRST = """
import json, time
start = time.perf_counter()
{load}
verdict = check("https://example.com/données/é.tif")
print(json.dumps({{"seconds": time.perf_counter() - start, "verdict": verdict}}))
"""
_EACH = """
import json, pathlib, time
{load}
def strings(node):
    if isinstance(node, dict):
        for value in node.values(): yield from strings(value)
    elif isinstance(node, list):
        for value in node: yield from strings(value)
    elif isinstance(node, str) and ("://" in node or node.startswith(("./", "../", "/", "#"))):
        yield node
found = set()
for path in pathlib.Path({upstream!r}).rglob("*.json"):
    try:
        found.update(strings(json.loads(path.read_text(encoding="utf-8"))))
    except ValueError:
        pass
links = sorted(found)[::{step}]
check("x:é")
start = time.perf_counter()
accepted = sum(bool(check(link)) for link in links)
seconds = time.perf_counter() - start
print(json.dumps({{"strings": len(links), "accepted": accepted, "mean": seconds / len(links)}}))
"""
_LOADS = {
    "ours": "from rs_stac_ext.validator._iri import is_iri as check",
    "rfc3987-syntax": (
        "from rfc3987_syntax import is_valid_syntax\ncheck = lambda v: is_valid_syntax('iri', v)"
    ),
}


def _run(code: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    measured: dict[str, float] = json.loads(result.stdout)
    return measured


def main() -> None:
    """Print one Markdown table row per checker."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    default = Path(__file__).resolve().parents[1].parent / "shared" / "upstream"
    parser.add_argument("--upstream", type=Path, default=default)
    upstream = parser.parse_args().upstream
    print("| Checker | First check, fresh process | Mean per string | Strings (accepted) |")
    print("| --- | --- | --- | --- |")
    for name, load in _LOADS.items():
        first = _run(_FIRST.format(load=load))
        step = 1 if name == "ours" else 8
        each = _run(_EACH.format(load=load, upstream=str(upstream), step=step))
        print(
            f"| {name} | {first['seconds'] * 1000:,.1f} ms | {each['mean'] * 1e6:,.1f} µs "
            f"| {each['strings']:.0f} ({each['accepted']:.0f}) |"
        )


if __name__ == "__main__":
    main()
