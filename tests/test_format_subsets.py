"""The engine's fast format patterns only match strings python-jsonschema accepts.

jsonschema-rs accepts a string that matches ``FAST_SUBSETS[name]`` without asking Python, so
each pattern must match a subset of what python-jsonschema's own checker for the format accepts
(the rest is still decided in Python). Generated strings come from the patterns themselves
(everything they match must pass the reference) and from pieces of URLs and timestamps (where
the pattern matches, the reference must accept; the pattern must also read alike in both regex
engines).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rs_stac_ext.validator._format_subsets import FAST_SUBSETS

jsonschema_rs = pytest.importorskip("jsonschema_rs")

NAMES = sorted(FAST_SUBSETS)

HAND_PICKED = [
    "",
    "2025-01-01T00:00:00Z",
    "2025-01-01t00:00:00.123456+02:00",
    "2024-02-29T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2025-04-31T00:00:00Z",
    "2025-01-01T24:00:00Z",
    "2025-01-01T23:59:60Z",
    "2025-01-01T00:00:00Z\n",
    "0000-01-01T00:00:00Z",
    "c67eb9f6-f790-4643-b509-61b5e973a359",
    "C67EB9F6-F790-4643-B509-61B5E973A359",
    "c67eb9f6f7904643b50961b5e973a359",
    "https://stac-extensions.github.io/eo/v1.1.0/schema.json",
    "https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/item.json#",
    "https://data.example.com/sentinel-2-l2a/31TCJ/2025/01/S2A_31TCJ_20250101_0_L2A/B02.tif",
    "https://cadip.example.com/odata/v1/Files(3f2a)/$value",
    "https://x.example:8443/a/b?c=d&e=f;g#h/i?j",
    "https://x.example:/a",
    "https://x.example/%41%2f",
    "https://x.example/%zz",
    "https://x.example/a b",
    "https://x.example/é",
    "https://user:secret@x.example/",
    "http://[::1]/",
    "http://192.168.0.1/x",
    "s3://sentinel-cogs/sentinel-s2-l2a-cogs/39/Q/TA/2023/6/item.json",
    "urn:ogc:def:crs:EPSG::4326",
    "mailto:someone@example.com",
    "file:///tmp/x.json",
    "a:",
    "a:/",
    "a://",
    "1a:b",
    "-a:b",
    "a+b.c-d:x",
    "C:/windows",
    "./item.json",
    "../collection.json",
    "item.json",
    "items/a:b.json",
    "a:b/c.json",
    "/absolute/path?q#f",
    "//network/path",
    "?query-only",
    "#fragment-only",
    "#a#b",
    "https://x.example/c\n",
    "https://x.example/\\",
    'https://x.example/"q"',
    "https://x.example/<a>",
    "https://x.example/{a}",
    "https://x.example/a|b",
    "https://x.example/^",
    "https://x.example/`",
]


@cache
def _reference_checker() -> jsonschema.FormatChecker:
    """python-jsonschema's Draft-07 checker, plus its generic one for formats draft-07 lacks."""
    draft7 = jsonschema.Draft7Validator.FORMAT_CHECKER
    generic = jsonschema.FormatChecker()
    checker = jsonschema.FormatChecker(formats=())
    checker.checkers = {**generic.checkers, **draft7.checkers}
    return checker


def _reference(name: str, value: str) -> bool:
    return bool(_reference_checker().conforms(value, name))


@cache
def _native(name: str) -> Any:
    return jsonschema_rs.validator_for({"type": "string", "pattern": FAST_SUBSETS[name]})


def _matches(name: str, value: str) -> bool:
    """Whether jsonschema-rs lets the string through without calling Python."""
    return bool(_native(name).is_valid(value))


def _python_matches(name: str, value: str) -> bool:
    pattern = FAST_SUBSETS[name]
    assert pattern.startswith("^")
    assert pattern.endswith("$")
    return re.fullmatch(pattern[1:-1], value) is not None


def test_every_subset_names_a_format_python_jsonschema_checks() -> None:
    assert set(FAST_SUBSETS) <= set(_reference_checker().checkers)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("value", HAND_PICKED)
def test_hand_picked_strings(name: str, value: str) -> None:
    matched = _matches(name, value)
    assert matched == _python_matches(name, value)
    if matched:
        assert _reference(name, value), f"{value!r} matches the {name} subset but is refused"


def test_the_subsets_cover_what_stac_documents_carry() -> None:
    """The common spellings must not need Python (the point of the subsets)."""
    common = {
        "date-time": [
            "2025-01-01T00:00:00Z",
            "2023-06-28T07:24:41.632000Z",
            "2025-01-01T10:00:00+01:00",
        ],
        "uuid": ["c67eb9f6-f790-4643-b509-61b5e973a359"],
        "iri": [
            "https://stac-extensions.github.io/eo/v1.1.0/schema.json",
            "https://sentinel.esa.int",
        ],
        "uri": ["https://stac-extensions.github.io/eo/v1.1.0/schema.json"],
        "iri-reference": [
            "https://data.example.com/a/B02.tif",
            "./item.json",
            "../collection.json",
        ],
        "uri-reference": ["https://data.example.com/a/B02.tif", "./item.json"],
    }
    for name, values in common.items():
        for value in values:
            assert _matches(name, value), (name, value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_string_a_subset_matches_is_accepted(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(NAMES))
    value = data.draw(st.from_regex(FAST_SUBSETS[name][1:-1], fullmatch=True))
    assert _matches(name, value)
    assert _reference(name, value), f"{value!r} matches the {name} subset but is refused"


_PIECES = st.sampled_from(
    [
        *"0123456789-:.TtZz+/?#@%[]()!$&'*,;=~_ \n\\\"<>{}|^`éabcxAF",
        "https://",
        "s3://",
        "x.example",
        ":8080",
        "%2F",
        "2025-01-01",
        "T12:30:00",
        "c67eb9f6-f790",
        "..",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), pieces=st.lists(_PIECES, max_size=12))
def test_generated_strings(name: str, pieces: list[str]) -> None:
    value = "".join(pieces)
    matched = _matches(name, value)
    assert matched == _python_matches(name, value)
    if matched:
        assert _reference(name, value), f"{value!r} matches the {name} subset but is refused"
