"""Building blocks shared by the field models: JSON-faithful scalar types and the base class.

Every check here mirrors a definition of the v2.0.0 schemas and is evaluated with Python's
``re``, the engine python-jsonschema uses, so a model and its schema reach the same verdict on
the same value. Strings keep their wire form: a timestamp is validated, never parsed into a
``datetime``, so ``to_stac`` gives back exactly the characters that came in.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.types import Strict

__all__ = [
    "DATETIME_PATTERN",
    "UUID_PATTERN",
    "ExternalId",
    "JsonInt",
    "Rfc3339String",
    "StacFields",
    "UuidString",
    "check_uuid",
    "fullmatch",
]

UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
"""The pattern of the schemas' ``uuid`` definition (which also fixes the length at 36)."""

DATETIME_PATTERN = (
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]"
    ":[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
"""The pattern of the schemas' ``datetime`` definition."""

_FROM_STAC = "rs_stac_ext.from_stac"
_UUID = re.compile(UUID_PATTERN)
_DATETIME = re.compile(DATETIME_PATTERN)


def check_uuid(value: str) -> str:
    """Return ``value`` if it satisfies the schemas' ``uuid`` definition.

    Raises:
        ValueError: It does not.
    """
    # fullmatch: the schema's `search` plus its 36-character length rule rejects the final
    # line feed that `$` would otherwise tolerate.
    if _UUID.fullmatch(value) is None:
        raise ValueError("expected a UUID in the canonical 8-4-4-4-12 hexadecimal form")
    return value


def _check_rfc3339(value: str) -> str:
    # fullmatch stands for the schema's pattern plus its "no white space" rule; the calendar
    # test is what the draft-07 `date-time` format checker (rfc3339-validator) adds.
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise ValueError(
            "expected an RFC 3339 timestamp such as 2025-01-31T12:00:00.5Z "
            "(seconds and an offset are mandatory)"
        )
    year, month, day = int(value[0:4]), int(value[5:7]), int(value[8:10])
    if year == 0 or day > calendar.monthrange(year, month)[1]:
        raise ValueError(f"{value[:10]} is not a calendar date")
    return value


def _check_json_integer(value: object) -> object:
    # Draft-07 `integer` is any number with a zero fraction (5.0 counts) but never a boolean;
    # integral floats are normalised to int, everything else is left for the strict int check.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fullmatch(pattern: str, expected: str) -> AfterValidator:
    """Build a string check equivalent to a schema ``pattern`` anchored with ``^`` and ``$``.

    Args:
        pattern: The schema's pattern, evaluated with Python's ``re`` over the whole string.
        expected: What a valid value looks like, for the error message.

    Returns:
        A validator to put in an ``Annotated`` string type.
    """
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise ValueError(f"expected {expected}")
        return value

    return AfterValidator(check)


UuidString = Annotated[StrictStr, AfterValidator(check_uuid)]
"""A string holding a UUID, as the schemas' ``uuid`` definition requires."""

Rfc3339String = Annotated[StrictStr, AfterValidator(_check_rfc3339)]
"""A string holding an RFC 3339 timestamp, as the schemas' ``datetime`` definition requires."""

JsonInt = Annotated[int, Strict(), BeforeValidator(_check_json_integer)]
"""A JSON Schema ``integer``: an int, or a float with a zero fraction (stored as int)."""


class StacFields(BaseModel):
    """Base of every field model: extension fields by their STAC names, other keys kept as-is.

    Subclasses declare their fields with the STAC name as alias. Keys that are not declared are
    kept untouched (a STAC object carries many other fields) unless they start with the class's
    :attr:`prefix`, which is closed: an undeclared prefixed key is a validation error.
    """

    model_config = ConfigDict(
        extra="allow",
        validate_by_alias=True,
        validate_by_name=True,
        validate_assignment=True,
    )

    prefix: ClassVar[str | None] = None
    """The closed field-name prefix (``"cadip:"``), or ``None`` when keys are not policed."""

    elsewhere: ClassVar[Mapping[str, str]] = {}
    """Prefixed keys that belong to another level, with the level they belong to."""

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object, info: ValidationInfo) -> object:
        # In Python, None means "absent" (to_stac leaves it out); in a STAC document an
        # explicit null is invalid in every schema, so from_stac refuses it.
        if value is None and isinstance(info.context, Mapping) and info.context.get(_FROM_STAC):
            raise ValueError("null is not allowed; leave the field out instead")
        return value

    @model_validator(mode="after")
    def _closed_prefix(self) -> Self:
        if self.prefix is None or not self.__pydantic_extra__:
            return self
        unknown = sorted(key for key in self.__pydantic_extra__ if key.startswith(self.prefix))
        if unknown:
            problems = []
            for key in unknown:
                if key in self.elsewhere:
                    problems.append(f"{key!r} belongs in {self.elsewhere[key]}, not here")
                else:
                    problems.append(f"{key!r} is not a field of this extension")
            raise ValueError("; ".join(problems))
        return self

    def to_stac(self) -> dict[str, Any]:
        """Return the fields as a STAC JSON object (STAC names; unset optional fields left out).

        Undeclared keys come back unchanged, ``null`` values included.

        Returns:
            A new dict, ready to be placed in a STAC document.
        """
        dumped = self.model_dump(by_alias=True)
        # Dropped by STAC name after dumping: `exclude` works on names and would also drop an
        # undeclared key that happens to equal an attribute name (`num_channels`).
        for name, info in type(self).model_fields.items():
            if getattr(self, name) is None:
                dumped.pop(info.alias or name, None)
        return dumped

    @classmethod
    def from_stac(cls, mapping: Mapping[str, Any]) -> Self:
        """Read the fields from a STAC JSON object (Item properties, an asset, ...).

        Only STAC names are recognised here: a key that happens to equal a Python attribute name
        (``acquisition_id``) is an ordinary foreign key and is kept as one. A declared field set
        to ``null`` is rejected, as the schema does (in Python, ``None`` means "absent").

        Args:
            mapping: The JSON object.

        Returns:
            The validated model.

        Raises:
            pydantic.ValidationError: A field is missing or invalid, or the object carries an
                undeclared prefixed key.
        """
        return cls.model_validate(
            dict(mapping), by_alias=True, by_name=False, context={_FROM_STAC: True}
        )


class ExternalId(BaseModel):
    """One entry of the external-ids extension's ``externalIds`` array.

    Members other than ``scheme`` and ``value`` are allowed and kept.
    """

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    scheme: StrictStr = Field(min_length=1, description="Who issued the identifier.")
    value: StrictStr = Field(description="The identifier within that scheme.")
