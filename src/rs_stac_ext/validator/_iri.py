r"""The ``iri`` and ``iri-reference`` format checks, in linear time.

python-jsonschema decides these two formats with rfc3987-syntax, a lark Earley parser of RFC 3987's
grammar: building its parsers takes seconds when python-jsonschema is imported, and each string
then costs up to a fifth of a second. The grammar is regular, so the same language is written
here as one regular expression (``iri`` is an ``iri-reference`` that begins with a scheme), rule
by rule from the grammar rfc3987-syntax ships (``syntax_rfc3987.lark``), including where that
grammar departs from RFC 3987:

* ``ucschar`` and ``iprivate`` cover the Basic Multilingual Plane only (RFC 3987 also allows
  planes 1 to 14 and 15 to 16): any character above U+FFFF is refused;
* in an IPv6 literal, ``::`` always stands for exactly one 16-bit group (every form has seven
  groups around it), so ``[::1]`` and ``[2001:db8::]`` are refused and ``[1:2:3:4:5:6:7::]``
  is accepted;
* the ``v`` opening an IPvFuture literal is lower case only.

``tests/test_iri.py`` compares both checks with rfc3987-syntax on generated strings biased to the
grammar's edges and on every link of the outside documents.

Every repetition is possessive (``*+``, ``++``) and repeats a set of characters (or a percent
escape) that cannot also begin what follows it, so no repetition ever gives a character back:
a string is read once per alternative of a fixed, small set, in time proportional to its length.
The alternatives inside an IP literal read at most a few dozen characters each. Non-ASCII
characters are first replaced by one stand-in per class (see ``_with_stand_ins``), a single
pass over the string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

__all__ = ["OWN_CHECKS", "is_iri", "is_iri_reference"]

# ucschar and iprivate as rfc3987-syntax has them (BMP only). Before matching, every ucschar
# is written as U+00A0 and every iprivate as U+E000 (both allowed exactly where the characters
# they stand for are): the patterns then hold one character of each, not their many ranges,
# which keeps compiling them quick.
_ANY_UCSCHAR = r"[\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef]"
_ANY_IPRIVATE = r"[\ue000-\uf8ff]"
_UCSCHAR = r"\u00a0"
_IPRIVATE = r"\ue000"
_UNRESERVED = r"A-Za-z0-9\-._~"
_IUNRESERVED = _UNRESERVED + _UCSCHAR
_SUB_DELIMS = r"!$&'()*+,;="
_PCT_ENCODED = r"%[0-9A-Fa-f]{2}"


def _run(characters: str, at_least_one: bool = False) -> str:
    """Return a possessive run of ``characters`` (a class body) or percent escapes."""
    return rf"(?:[{characters}]|{_PCT_ENCODED})" + ("++" if at_least_one else "*+")


_IPCHAR = _IUNRESERVED + _SUB_DELIMS + ":@"
_ISEGMENT = _run(_IPCHAR)
_ISEGMENT_NZ = _run(_IPCHAR, at_least_one=True)
_ISEGMENT_NZ_NC = _run(_IUNRESERVED + _SUB_DELIMS + "@", at_least_one=True)
_MORE_SEGMENTS = rf"(?:/{_ISEGMENT})*+"

_IPATH_ABEMPTY = _MORE_SEGMENTS
_IPATH_ABSOLUTE = rf"/(?:{_ISEGMENT_NZ}{_MORE_SEGMENTS})?+"
_IPATH_ROOTLESS = _ISEGMENT_NZ + _MORE_SEGMENTS
_IPATH_NOSCHEME = _ISEGMENT_NZ_NC + _MORE_SEGMENTS

_IQUERY = _run(_IPCHAR + _IPRIVATE + "/?")
_IFRAGMENT = _run(_IPCHAR + "/?")

_SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*+"

_DEC_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IPV4ADDRESS = rf"{_DEC_OCTET}\.{_DEC_OCTET}\.{_DEC_OCTET}\.{_DEC_OCTET}"
_H16 = r"[0-9A-Fa-f]{1,4}"
_LS32 = rf"(?:{_H16}:{_H16}|{_IPV4ADDRESS})"


def _groups(count: int) -> str:
    """Return ``count`` h16 groups, each followed by ``:``."""
    return f"(?:{_H16}:){{{count}}}" if count else ""


# rfc3987-syntax's nine IPv6 forms: six groups and ls32; or one group left out as "::" at any
# place ("::" then five groups and ls32, ..., seven groups then "::").
_IPV6ADDRESS = (
    "(?:"
    + "|".join(
        [
            _groups(6) + _LS32,
            "::" + _groups(5) + _LS32,
            *(
                _groups(before - 1) + _H16 + "::" + _groups(5 - before) + _LS32
                for before in range(1, 6)
            ),
            _groups(5) + _H16 + "::" + _H16,
            _groups(6) + _H16 + "::",
        ]
    )
    + ")"
)
_IPVFUTURE = rf"v[0-9A-Fa-f]++\.[{_UNRESERVED}{_SUB_DELIMS}:]++"
_IP_LITERAL = rf"\[(?:{_IPV6ADDRESS}|{_IPVFUTURE})\]"

# ipv4address needs no place of its own: every IPv4 address is also an ireg_name.
_IHOST = rf"(?:{_IP_LITERAL}|{_run(_IUNRESERVED + _SUB_DELIMS)})"
_IAUTHORITY = rf"(?:{_run(_IUNRESERVED + _SUB_DELIMS + ':')}@)?+{_IHOST}(?::[0-9]*+)?+"

_QUERY_AND_FRAGMENT = rf"(?:\?{_IQUERY})?+(?:#{_IFRAGMENT})?+"

# iri-reference is iri | irelative-ref, and iri is scheme ":" ihier-part with the same ending.
# ihier-part and irelative-part differ in one alternative only: a path after a scheme may begin
# with ":" (ipath-rootless), one without may not (ipath-noscheme). A string that begins with a
# scheme and ":" is never a relative reference (its first segment would hold the ":"), so the
# scheme is taken whenever it is there (group 1) and decides between the two paths.
_FIRST_SEGMENT_PATH = rf"(?(1){_IPATH_ROOTLESS}|{_IPATH_NOSCHEME})"
_IRI_REFERENCE = (
    rf"({_SCHEME}:)?+"
    rf"(?://{_IAUTHORITY}{_IPATH_ABEMPTY}|{_IPATH_ABSOLUTE}|{_FIRST_SEGMENT_PATH}|)"
    + _QUERY_AND_FRAGMENT
)


@cache
def _iri_reference() -> re.Pattern[str]:
    """Return the compiled pattern (compiled when first needed: it takes a few milliseconds)."""
    return re.compile(_IRI_REFERENCE)


@cache
def _non_ascii() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return the patterns of a ucschar and of an iprivate character, compiled when needed."""
    return re.compile(_ANY_UCSCHAR), re.compile(_ANY_IPRIVATE)


def _with_stand_ins(value: str) -> str:
    """Write every ucschar as U+00A0 and every iprivate as U+E000 (see above)."""
    if value.isascii():
        return value
    ucschar, iprivate = _non_ascii()
    return iprivate.sub("\ue000", ucschar.sub("\u00a0", value))


def _match(value: str) -> re.Match[str] | None:
    return _iri_reference().fullmatch(_with_stand_ins(value))


def is_iri(instance: object) -> bool:
    """Tell whether a string is an ``iri`` as rfc3987-syntax reads RFC 3987.

    Args:
        instance: The value; anything but a string conforms (as in python-jsonschema).

    Returns:
        ``False`` only for a string that is not an IRI.
    """
    if not isinstance(instance, str):
        return True
    found = _match(instance)
    return found is not None and found.group(1) is not None


def is_iri_reference(instance: object) -> bool:
    """Tell whether a string is an ``iri-reference`` as rfc3987-syntax reads RFC 3987.

    Args:
        instance: The value; anything but a string conforms (as in python-jsonschema).

    Returns:
        ``False`` only for a string that is neither an IRI nor a relative reference.
    """
    return not isinstance(instance, str) or _match(instance) is not None


OWN_CHECKS: dict[str, Callable[[object], bool]] = {
    "iri": is_iri,
    "iri-reference": is_iri_reference,
}
"""Format name -> our check, used in place of python-jsonschema's in every format mode."""
