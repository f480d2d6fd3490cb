"""Make text from a document safe to write to a terminal."""

from __future__ import annotations

import re

__all__ = ["printable"]

# C0 and C1 controls (ESC, BEL, CR...), DEL, the Unicode line breaks, and the marks that
# reorder text on screen (a right-to-left override can make a line read otherwise).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""Escape control characters, so a value cannot rewrite the terminal or forge lines.

    Args:
        text: Text that may come from a document (an id, a file name, a key, a value).

    Returns:
        The text with each control character written as a Python escape (``\x1b``).
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
