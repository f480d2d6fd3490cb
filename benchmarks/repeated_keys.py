"""What finding repeated keys costs the reader: parsing N NDJSON Items with and without it.

    .venv/bin/python benchmarks/repeated_keys.py [--items 50000] [--repeat 7]

Each Item is the shipped CADIP example with its own id, written by Python's json module. The
reader's parse step runs over every line, alternately with the repeated-key test and with it
switched off; the CPU time of the fastest run of each is printed, in total and per Item.
"""

from __future__ import annotations

import argparse
import json
import time

import rs_stac_ext.validator.readers as readers
from rs_stac_ext.schemas._resources import extensions_root


def main() -> None:
    """Run the measurement and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    arguments = parser.parse_args()
    item = json.loads((extensions_root() / "cadip" / "examples" / "item.json").read_bytes())
    lines = [json.dumps(dict(item, id=f"S1A_{n:08d}")).encode() for n in range(arguments.items)]
    reader = readers._Reader(readers.ReaderSettings())
    namespace = vars(readers)  # the reader looks the test up here at each parse
    real_test = namespace["may_repeat_keys"]

    def parse_all() -> float:
        started = time.process_time()
        for number, line in enumerate(lines, start=1):
            reader.parse(line, "items.ndjson", number)
        return time.process_time() - started

    timings: dict[str, list[float]] = {"with the test": [], "without it": []}
    for _ in range(arguments.repeat):
        namespace["may_repeat_keys"] = real_test
        timings["with the test"].append(parse_all())
        namespace["may_repeat_keys"] = lambda *_: False
        timings["without it"].append(parse_all())
    namespace["may_repeat_keys"] = real_test
    size = sum(map(len, lines)) / len(lines)
    print(f"{arguments.items} Items of {size:,.0f} bytes, fastest of {arguments.repeat} runs:")
    for name, runs in timings.items():
        best = min(runs)
        print(f"  {name:<14} {best:6.3f} s CPU  ({best / arguments.items * 1e6:5.1f} us per Item)")


if __name__ == "__main__":
    main()
