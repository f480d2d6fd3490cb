"""The quick text comparison of two timestamps answers what parsing them answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rs_stac_ext.validator.rules import _reversed, _time


def _parsed_reversed(start: Any, end: Any) -> bool:
    """The rule as it reads without the shortcut: parse both, compare."""
    first, last = _time(start), _time(end)
    return first is not None and last is not None and first > last


_moments = st.datetimes(
    min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)
)


def _spellings(moment: dt.datetime) -> st.SearchStrategy[str]:
    base = moment.strftime("%Y-%m-%dT%H:%M:%S")
    micro = f"{moment.microsecond:06d}"
    return st.sampled_from(
        [
            base + "Z",
            f"{base}.{micro[:3]}Z",
            f"{base}.{micro}Z",
            f"{base}.{micro[:1]}Z",
            f"{base}.{micro}1Z",  # seven digits: Python reads six
            f"{base}+00:00",
            f"{base}z",
            base,
        ]
    )


_odd = st.sampled_from(
    [
        "2025-13-01T00:00:00Z",
        "2025-02-30T00:00:00Z",
        "2025-01-01T24:00:00Z",
        "2025-01-01T23:59:60Z",
        "0000-01-01T00:00:00Z",
        "2025-01-01T00:00:00.Z",
        "",
        "not a time",
    ]
)
_values = st.one_of(_moments.flatmap(_spellings), _odd, st.none(), st.integers())


@settings(max_examples=1000)
@given(_values, _values)
def test_same_answer_as_parsing(start: Any, end: Any) -> None:
    properties = {"start_datetime": start, "end_datetime": end}
    assert _reversed(properties, "start_datetime", "end_datetime") == _parsed_reversed(start, end)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-01-01T00:00:01.000Z", "2025-01-01T00:00:00.999Z", True),
        ("2025-01-01T00:00:00.999Z", "2025-01-01T00:00:01.000Z", False),
        ("2025-01-01T00:00:00.1234561Z", "2025-01-01T00:00:00.1234560Z", False),  # equal to Python
        ("2025-02-30T00:00:00Z", "2025-01-01T00:00:00Z", False),  # unreadable: the schema's job
        ("2025-01-01T10:00:00Z", "2025-01-01T11:00:00+02:00", True),
    ],
)
def test_known_orders(start: str, end: str, expected: bool) -> None:
    properties = {"start_datetime": start, "end_datetime": end}
    assert _reversed(properties, "start_datetime", "end_datetime") is expected
