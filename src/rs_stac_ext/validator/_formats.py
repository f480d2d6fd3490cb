"""The asserted ``format`` checks that jsonschema-rs calls back into Python for.

jsonschema-rs calls these for strings that miss the fast subset patterns of the engine. Each one
gives python-jsonschema's verdict for its format, so both engines assert exactly the same thing:

* the formats STAC documents carry most (``date-time``, ``date``, ``email``, ``ipv4``,
  ``ipv6``, ``regex``, ``uuid``) are answered here without importing python-jsonschema (the
  tests compare both on generated and hand-picked strings), so a run that meets a malformed
  timestamp does not pay for that import;
* ``iri`` and ``iri-reference`` are answered by :mod:`rs_stac_ext.validator._iri`, which gives
  the verdicts of rfc3987-syntax (what python-jsonschema asks) without its Earley parser;
* every other asserted format (``uri``, ``json-pointer``, ``hostname``, ...) is handed to
  python-jsonschema's own checker, imported on first use: its verdict is the reference by
  definition.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import uuid
from collections.abc import Callable
from functools import partial

from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

from rs_stac_ext.schemas import ALL_ASSERTED_FORMATS
from rs_stac_ext.validator._iri import OWN_CHECKS

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


class _ReferenceCheck:
    """python-jsonschema's checker of one format, imported when first called.

    Args:
        name: The format name.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._conforms: Callable[[str], bool] | None = None

    def __call__(self, value: str) -> bool:
        if self._conforms is None:
            from rs_stac_ext.schemas import FormatMode, format_checker

            checker = format_checker(FormatMode.ALL)
            assert checker is not None
            self._conforms = partial(checker.conforms, format=self.name)
        return self._conforms(value)


_NATIVE: dict[str, Callable[[str], bool]] = {
    "date-time": _date_time,
    "date": _date,
    "email": _email,
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "regex": _regex,
    "uuid": _uuid,
    **OWN_CHECKS,
}

FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    name: _NATIVE.get(name) or _ReferenceCheck(name) for name in sorted(ALL_ASSERTED_FORMATS)
}
