"""Find keys that appear more than once in one JSON object.

JSON parsers disagree on such a document: most keep the last value (orjson, Python's json),
some keep the first, some refuse it. The validator reads the last one, so it reports every
repeated key instead of vouching for a document other readers see differently.

Looking costs almost nothing for the common document: :func:`may_repeat_keys` compares two
counts made in native code, and only a document it cannot clear is parsed again, slowly, by
:func:`repeated_keys` to name each repeated key and the object holding it.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["may_repeat_keys", "repeated_keys"]


def may_repeat_keys(data: bytes, document: Any, colons: int) -> bool:
    r"""Tell cheaply whether a parsed document's text may repeat a key in one object.

    Every key of the text is followed by a colon, and every other colon of the text is inside
    a string; orjson writes the parsed document back with one colon per key it kept and the
    same strings. More colons in the text than in the rewrite means a key was dropped. A colon
    written as an escape (``\u003a``) in the text would make the count unsure, so it sends the
    document to the exact search too.

    Args:
        data: The JSON text.
        document: What orjson parsed from it.
        colons: How many colons the text holds (the reader counts them with the brackets).

    Returns:
        ``False`` when no object of the text repeats a key; ``True`` when one may.
    """
    if not colons or not isinstance(document, dict | list):
        return False
    if b"\\" in data and (b"\\u003a" in data or b"\\u003A" in data):
        return True
    try:
        kept = orjson.dumps(document).count(b":")
    except TypeError:  # a value orjson cannot write (an integer beyond 64 bits): look closely
        return True
    return colons > kept


def repeated_keys(data: bytes) -> list[tuple[str, str]]:
    """Return each repeated key of a JSON text with the JSON pointer of its object.

    Args:
        data: A JSON text that parses.

    Returns:
        ``(pointer, key)`` pairs in document order, each repeated key once per object; empty
        when the text cannot be parsed here (too deep for Python's parser).
    """
    repeated: dict[int, list[str]] = {}

    def keep_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built: dict[str, Any] = {}
        seen_twice: list[str] = []
        for key, value in pairs:
            if key in built and key not in seen_twice:
                seen_twice.append(key)
            built[key] = value
        if seen_twice:
            repeated[id(built)] = seen_twice
        return built

    try:
        parsed = json.loads(data.decode("utf-8-sig"), object_pairs_hook=keep_pairs)
    except (ValueError, RecursionError):
        return []
    if not repeated:
        return []
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str]] = [(parsed, "")]
    while stack:
        value, pointer = stack.pop()
        if isinstance(value, dict):
            found.extend((pointer, key) for key in repeated.get(id(value), ()))
            children = [(child, f"{pointer}/{_escape(key)}") for key, child in value.items()]
        elif isinstance(value, list):
            children = [(child, f"{pointer}/{index}") for index, child in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))
    return found


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
