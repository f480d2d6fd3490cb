r"""Patterns that let jsonschema-rs accept the common spellings of a format without Python.

jsonschema-rs asks Python (:mod:`rs_stac_ext.validator._formats`) about every string carrying an
asserted ``format``; that call costs more than checking the rest of a STAC Item. The engine
therefore checks ``{"format": F}`` as
``{"anyOf": [{"type": "string", "pattern": SUBSET[F]}, {"format": F}]}``.

Each pattern matches a *subset* of the strings python-jsonschema accepts for its format, so the
rewrite never changes a verdict: a string the pattern matches is accepted by both forms, any
other string is still decided by the Python check. The subsets keep to what STAC documents
carry: RFC 3339 timestamps with possible days only, lowercase or uppercase UUIDs, and
``http(s)``-like URLs and relative references spelt with unreserved ASCII characters,
sub-delimiters and percent escapes (no user info, no IP literals, no non-ASCII characters).

Every pattern is made of ASCII classes and literals only and is anchored with ``^`` and ``$``
(jsonschema-rs's ``$`` is the end of the string: a final line feed is never matched), so both
regex engines read it alike. ``tests/test_format_subsets.py`` checks each subset against the
reference checker on generated and hand-picked strings.
"""

from __future__ import annotations

__all__ = ["FAST_SUBSETS"]

# --- date-time: every month with its possible days; Feb 29 and leap seconds go to Python.
_DAYS = r"(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31"
_DATE_TIME = (
    r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(" + _DAYS + r")"
    r"[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)

_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

# --- URIs and IRIs (RFC 3986 / RFC 3987), ASCII only.
_PCT = r"%[0-9A-Fa-f]{2}"
# A path character: unreserved, sub-delimiters, ":" and "@", or a percent escape.
_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|" + _PCT + r")"
# The first segment of a relative path may not hold ":" (it would read as a scheme).
_PCHAR_NO_COLON = r"(?:[A-Za-z0-9._~!$&'()*+,;=@-]|" + _PCT + r")"
_QUERY = r"(?:\?(?:" + _PCHAR + r"|[/?])*)?"
_FRAGMENT = r"(?:#(?:" + _PCHAR + r"|[/?])*)?"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*"
# A registered host name and an optional port; no user info, no IP literal.
_AUTHORITY = r"[A-Za-z0-9._~-]*(?::[0-9]*)?"
_SEGMENTS = r"(?:/" + _PCHAR + r"*)*"
# hier-part: "//" authority path-abempty | path-absolute | path-rootless | path-empty.
_HIER_PART = r"(?://" + _AUTHORITY + _SEGMENTS + r"|/?(?:" + _PCHAR + r"+" + _SEGMENTS + r")?)"
_ABSOLUTE = _SCHEME + ":" + _HIER_PART + _QUERY + _FRAGMENT
# relative-part: path-absolute | path-noscheme | path-empty (network paths go to Python).
_RELATIVE = (
    r"(?:/(?:"
    + _PCHAR
    + r"+"
    + _SEGMENTS
    + r")?|"
    + _PCHAR_NO_COLON
    + r"+"
    + _SEGMENTS
    + r")?"
    + _QUERY
    + _FRAGMENT
)
_URI = "^" + _ABSOLUTE + "$"
_URI_REFERENCE = "^(?:" + _ABSOLUTE + "|" + _RELATIVE + ")$"

FAST_SUBSETS: dict[str, str] = {
    "date-time": _DATE_TIME,
    "uuid": _UUID,
    "uri": _URI,
    "iri": _URI,
    "uri-reference": _URI_REFERENCE,
    "iri-reference": _URI_REFERENCE,
}
"""Format name -> a pattern matching only strings python-jsonschema accepts for that format."""
