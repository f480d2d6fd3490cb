"""The asserted ``format`` checks, answered without importing python-jsonschema.

jsonschema-rs calls these for strings that miss the fast subset patterns of the engine. Each one
gives python-jsonschema's verdict for its format (the tests compare both on generated and
hand-picked strings), so both engines keep asserting exactly the same thing, while a run that
meets a malformed timestamp does not pay for importing python-jsonschema.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import uuid
from collections.abc import Callable

from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

__all__ = ["FORMAT_CHECKS"]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_time(value: str) -> bool:
    # RFC 3339 allows a lower-case "t" and "z"; the validator only reads upper case.
    return bool(validate_rfc3339(value.upper()))


def _date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _email(value: str) -> bool:
    return "@" in value


def _ipv4(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def _ipv6(value: str) -> bool:
    try:
        address = ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return not address.scope_id


def _regex(value: str) -> bool:
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def _uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return all(value[index] == "-" for index in (8, 13, 18, 23))


FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    "date-time": _date_time,
    "date": _date,
    "email": _email,
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "regex": _regex,
    "uuid": _uuid,
}
