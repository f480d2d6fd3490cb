r"""Schema patterns with Python's meaning, matched in time linear in the text.

python-jsonschema checks ``pattern`` and ``patternProperties`` with Python's ``re``, which
backtracks: ``^(\w+)+$`` takes seconds on 25 characters and twice as long for each one more.
A schema supplier (a mirror, a pack, a cache, an allowed host) must not be able to stall a
check that way, so every pattern is matched here instead:

* :func:`linear_pattern` writes a Python pattern out for the ``regex`` crate that jsonschema-rs
  uses, which runs in time linear in the text, with the same answer to "does it match
  somewhere?" as ``re.search``. The pattern is read by Python's own parser, so nothing is
  guessed about its syntax; ``\d``, ``\s``, ``\w`` and their negations become the exact sets
  of characters Python gives them (taken from the ``str`` predicates ``re`` itself uses, and
  compared with ``re`` character by character in the tests), every character is written as a
  ``\u{…}`` escape, ``.`` is "anything but a line feed", ``^``/``\A`` the start and ``\Z`` the
  end of the text.
* Python's ``$`` (the end, or before a final line feed) and look-aheads have no counterpart in
  the linear engine. Where nothing follows them in the pattern they can be written to *consume*
  what they look at, which changes no "matches somewhere?" answer: ``$`` becomes "end, or a
  final line feed then the end", ``(?=x)`` becomes ``x``, and ``(?!abc)`` becomes "the end, or
  a character other than ``a``, or ``a`` then (the end, or not ``b``, …)". That covers every
  pattern of the published schemas (``^(?!eo:)``, ``^…$``).
* Anything else (back-references, look-behinds, ``\b``, flags such as ``(?i)``, a ``$`` with
  more pattern after it, a text holding a lone surrogate, which the engine cannot take) is not
  written out: :func:`search` then runs Python's ``re`` in a helper process under a time limit
  (:mod:`rs_stac_ext.validator._bounded_regex`) and raises :class:`PatternTooSlow` past it.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import jsonschema_rs

from rs_stac_ext.validator._bounded_regex import PatternTooSlow, bounded_search

__all__ = ["PatternTooSlow", "for_jsonschema_rs", "linear_pattern", "matcher", "search"]

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_MAX_CODE = sys.maxunicode
_SURROGATES = (0xD800, 0xDFFF)
_LINE_FEED = 0x0A
_LARGEST_COUNT = 1000  # larger counted repeats are left to the bounded check
# Flags a parsed pattern may carry and keep Python's plain meaning: UNICODE is implied for
# text patterns, VERBOSE only changes how the pattern is written, which the parser has read.
_HARMLESS_FLAGS = _c.SRE_FLAG_UNICODE | _c.SRE_FLAG_VERBOSE


class _Untranslatable(Exception):  # noqa: N818 - a signal inside this module, never raised out
    """The pattern uses something the linear engine cannot mean the same way."""


Ranges = list[tuple[int, int]]


@functools.cache
def python_class(category: str) -> tuple[tuple[int, int], ...]:
    r"""Return, as code point ranges, the characters a Python ``\d``, ``\s`` or ``\w`` matches.

    Args:
        category: ``digit``, ``space`` or ``word``.

    These are the predicates of CPython's ``_sre`` for text patterns: ``Py_UNICODE_ISDECIMAL``,
    ``Py_UNICODE_ISSPACE``, and ``Py_UNICODE_ISALNUM`` or ``_``.
    """
    tests: dict[str, Callable[[str], bool]] = {
        "digit": str.isdecimal,
        "space": str.isspace,
        "word": lambda char: char.isalnum() or char == "_",
    }
    test = tests[category]
    return tuple(_runs(code for code in range(_MAX_CODE + 1) if test(chr(code))))


def _runs(codes: Iterable[int]) -> Ranges:
    found: Ranges = []
    for code in codes:
        if found and found[-1][1] == code - 1:
            found[-1] = (found[-1][0], code)
        else:
            found.append((code, code))
    return found


def _merge(ranges: Iterable[tuple[int, int]]) -> Ranges:
    merged: Ranges = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged


def _complement(ranges: Sequence[tuple[int, int]]) -> Ranges:
    out: Ranges = []
    start = 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= _MAX_CODE:
        out.append((start, _MAX_CODE))
    return out


def _category(name: Any) -> Ranges:
    chosen = {
        _c.CATEGORY_DIGIT: ("digit", False),
        _c.CATEGORY_NOT_DIGIT: ("digit", True),
        _c.CATEGORY_SPACE: ("space", False),
        _c.CATEGORY_NOT_SPACE: ("space", True),
        _c.CATEGORY_WORD: ("word", False),
        _c.CATEGORY_NOT_WORD: ("word", True),
    }.get(name)
    if chosen is None:
        raise _Untranslatable(str(name))
    ranges = list(python_class(chosen[0]))
    return _complement(ranges) if chosen[1] else ranges


def _class_ranges(items: Sequence[tuple[Any, Any]]) -> Ranges:
    negate = False
    ranges: Ranges = []
    for op, value in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            ranges.append((value, value))
        elif op is _c.RANGE:
            ranges.append((value[0], value[1]))
        elif op is _c.CATEGORY:
            ranges.extend(_category(value))
        else:
            raise _Untranslatable(str(op))
    merged = _merge(ranges)
    return _complement(merged) if negate else merged


def _char(code: int) -> str:
    return f"\\u{{{code:X}}}"


def _class(ranges: Ranges) -> str:
    # Texts given to the engine hold no surrogates (they cannot be), so leaving them out of
    # a class changes no answer; the engine refuses them as class members.
    kept: Ranges = []
    for low, high in ranges:
        if high < _SURROGATES[0] or low > _SURROGATES[1]:
            kept.append((low, high))
            continue
        if low < _SURROGATES[0]:
            kept.append((low, _SURROGATES[0] - 1))
        if high > _SURROGATES[1]:
            kept.append((_SURROGATES[1] + 1, high))
    if not kept:
        return f"[^{_char(0)}-{_char(_MAX_CODE)}]"  # matches nothing
    body = "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in kept)
    return f"[{body}]"


def _literal(code: int) -> str:
    if _SURROGATES[0] <= code <= _SURROGATES[1]:
        raise _Untranslatable("a surrogate in the pattern")
    return _char(code)


def _sequence(items: Sequence[tuple[Any, Any]], tail: bool) -> str:
    """Write out a parsed sequence; ``tail`` tells that nothing of the pattern follows it."""
    last = len(items) - 1
    return "".join(
        _item(op, value, tail and index == last) for index, (op, value) in enumerate(items)
    )


def _item(op: Any, value: Any, tail: bool) -> str:
    if op is _c.LITERAL:
        return _literal(value)
    if op is _c.NOT_LITERAL:
        return _class(_complement([(value, value)]))
    if op is _c.ANY:
        return _class(_complement([(_LINE_FEED, _LINE_FEED)]))
    if op is _c.IN:
        return _class(_class_ranges(value))
    if op is _c.BRANCH:
        return "(?:" + "|".join(_sequence(list(branch), tail) for branch in value[1]) + ")"
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, body = value
        if (add_flags | del_flags) & ~_c.SRE_FLAG_VERBOSE:
            raise _Untranslatable("inline flags")
        return "(?:" + _sequence(list(body), tail) + ")"
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):  # lazy or greedy: the same "matches somewhere?"
        low, high, body = value
        unbounded = high is _c.MAXREPEAT or high == _c.MAXREPEAT
        if low > _LARGEST_COUNT or (not unbounded and high > _LARGEST_COUNT):
            raise _Untranslatable("a large counted repeat")
        inner = "(?:" + _sequence(list(body), tail and not unbounded and high <= 1) + ")"
        return inner + (f"{{{low},}}" if unbounded else f"{{{low},{high}}}")
    if op is _c.AT:
        return _anchor(value, tail)
    if op is _c.ASSERT and value[0] == 1 and tail:
        return "(?:" + _sequence(list(value[1]), True) + ")"
    if op is _c.ASSERT_NOT and value[0] == 1 and tail:
        return _not_followed_by(list(value[1]))
    raise _Untranslatable(str(op))


def _anchor(where: Any, tail: bool) -> str:
    if where in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING):
        return "^"  # no MULTILINE flag is let through: the start of the text
    if where is _c.AT_END_STRING:
        return "$"  # the engine's $ is the end of the text, as Python's \Z
    if where is _c.AT_END and tail:
        return f"(?:$|{_char(_LINE_FEED)}$)"
    raise _Untranslatable(str(where))


def _not_followed_by(items: Sequence[tuple[Any, Any]]) -> str:
    """Write ``(?!abc)`` with nothing after it as "end, or not a, or a then (end, or not b…)"."""
    if not items or any(op is not _c.LITERAL for op, _ in items):
        raise _Untranslatable("a negative look-ahead of more than a literal text")
    written = ""
    for op_value in reversed(items):
        code = op_value[1]
        other = _class(_complement([(code, code)]))
        deeper = f"|{_literal(code)}{written}" if written else ""
        written = f"(?:$|{other}{deeper})"
    return written


def translate(pattern: str) -> str | None:
    """Return the pattern written for the linear engine, or ``None`` when it cannot be.

    Only the translation: :func:`linear_pattern` also makes sure the engine accepts it.
    """
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # not a Python pattern: python-jsonschema reports it its own way
        return None
    if parsed.state.flags & ~_HARMLESS_FLAGS:
        return None
    try:
        return _sequence(list(parsed), True)
    except (_Untranslatable, RecursionError):
        return None


@functools.lru_cache(maxsize=4096)
def linear_pattern(pattern: str) -> str | None:
    """Return the pattern as the linear engine must read it, or ``None`` when it cannot.

    Args:
        pattern: A pattern as a schema publishes it (Python's meaning, as python-jsonschema).

    Returns:
        A pattern for jsonschema-rs (checked to compile there), matching somewhere in exactly
        the texts where ``re.search(pattern, text)`` finds a match.
    """
    written = translate(pattern)
    if written is None:
        return None
    try:
        _engine(written)
    except Exception:  # too large for the engine, say: left to the bounded check
        return None
    return written


def _engine(written: str) -> Callable[[str], bool]:
    validator = jsonschema_rs.Draft7Validator(
        {"pattern": written}, pattern_options=jsonschema_rs.RegexOptions()
    )
    is_valid: Callable[[str], bool] = validator.is_valid
    return is_valid


@functools.lru_cache(maxsize=4096)
def matcher(pattern: str) -> Callable[[str], bool]:
    """Return a function telling whether ``pattern`` matches somewhere in a text.

    It answers as ``re.search(pattern, text) is not None``, in linear time where the pattern
    could be written out (see the module text), else within the bounded check's time limit.

    Raises:
        PatternTooSlow: From the returned function, when the bounded check runs out of time.
    """
    written = linear_pattern(pattern)
    if written is None:
        return functools.partial(bounded_search, pattern)
    fast = _engine(written)

    def search_text(text: str) -> bool:
        try:
            return fast(text)
        except UnicodeEncodeError:  # a lone surrogate: the engine takes only real characters
            return bounded_search(pattern, text)

    return search_text


def search(pattern: str, text: str) -> bool:
    """Tell whether ``pattern`` matches somewhere in ``text`` (as ``re.search``), in bounded time.

    Raises:
        PatternTooSlow: The pattern could not be written for the linear engine and Python's
            ``re`` did not answer within the time limit.
    """
    return matcher(pattern)(text)


# "^(?!eo:)": how STAC extension schemas admit only the fields of their prefix. The verdict
# rewrite (:mod:`rs_stac_ext.validator._verdict_schema`) recognises it in this spelling.
_PREFIX_LOOKAHEAD = re.compile(r"\^\(\?!([A-Za-z0-9_:]+)\)")


def for_jsonschema_rs(pattern: str) -> str | None:
    """Return a pattern as jsonschema-rs must be given it, or ``None`` when only Python can read it.

    jsonschema-rs hands a pattern without look-around to the ``regex`` crate (linear time),
    so the written-out form of :func:`linear_pattern` is given. ``^(?!literal)`` is given as
    published: its look-ahead reads a fixed text at the start only, which takes no longer
    than that text, and both engines mean the same by it.
    """
    if _PREFIX_LOOKAHEAD.fullmatch(pattern):
        return pattern
    return linear_pattern(pattern)
