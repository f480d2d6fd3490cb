"""Hypothesis strategies that bend real documents at random places, for engine comparisons."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

AWKWARD_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    1,
    1.0,
    2.5,
    -1,
    5,
    10**20,
    "",
    " ",
    "x",
    "ab",
    "abcd",
    "é",
    "😀😀",
    "2025-01-01T00:00:00Z",
    "2025-01-01T00:00:00Z\n",
    "2025-01-01t00:00:00z",
    "2025-02-29T00:00:00Z",
    "2024-02-29T00:00:00+01:00",
    "2025-01-01 00:00:00Z",
    "2025-01-01T00:00:60Z",
    "0000-01-01T00:00:00Z",
    "\uff12\uff10\uff12\uff15-01-01T00:00:00Z",
    "6894eb36-416e-469e-8788-9a0a2b8f3a8d",
    "6894EB36-416E-469E-8788-9A0A2B8F3A8D\n",
    "{6894eb36-416e-469e-8788-9a0a2b8f3a8d}",
    "INS_",
    "04",
    "0\uff14",
    "4A",
    "MIT",
    "MIT\u0301",
    "CC-BY-4.0",
    "a b",
    [],
    [1],
    ["a", "a"],
    {},
    {"scheme": "cadip", "value": "6894eb36-416e-469e-8788-9a0a2b8f3a8d"},
    [{"scheme": "cadip", "value": "6894eb36-416e-469e-8788-9a0a2b8f3a8d"}],
    [{"scheme": "doi", "value": "10.1/x"}],
    {"minimum": 1, "maximum": 2},
    {"type": "string"},
)

EXTRA_KEYS: tuple[str, ...] = (
    "cadip:channel",
    "cadip:num_channels",
    "cadip:unknown",
    "cadip:",
    "CADIP:id",
    "auxip:id",
    "auxip:other",
    "owner",
    "externalIds",
    "sat:absolute_orbit",
    "created",
    "datetime",
    "license",
)


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    node = document
    for part in path[:-1]:
        node = node[part]
    return node


@st.composite
def bent(draw: st.DrawFn, base: Any, steps: int = 3) -> Any:
    """Return a copy of ``base`` with up to ``steps`` random edits (set, delete, add a key)."""
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, steps))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["set", "delete", "add"]))
        value = draw(st.sampled_from(AWKWARD_VALUES))
        if not path:
            if action == "set":
                document = copy.deepcopy(value)
            continue
        parent = _parent(document, path)
        key = path[-1]
        if action == "set":
            parent[key] = copy.deepcopy(value)
        elif action == "delete":
            del parent[key]
        else:
            target = parent[key]
            if isinstance(target, dict):
                target[draw(st.sampled_from(EXTRA_KEYS))] = copy.deepcopy(value)
            elif isinstance(target, list):
                target.append(copy.deepcopy(value))
    return document
