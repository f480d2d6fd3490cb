"""python-jsonschema with its pattern keywords matched in bounded time.

python-jsonschema's ``pattern``, ``patternProperties`` and ``additionalProperties`` (which
weeds out the keys ``patternProperties`` matches) call Python's backtracking ``re.search``.
:func:`bounded_patterns` gives a validator class whose three keywords ask
:func:`rs_stac_ext.validator._linear_regex.search` the same question instead: the same answer,
the same errors, worded the same, in time linear in the text (or a
:class:`~rs_stac_ext.validator._linear_regex.PatternTooSlow` when a pattern only Python can
read runs out of time).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import ValidationError, validators
from jsonschema.protocols import Validator

from rs_stac_ext.validator._linear_regex import search

__all__ = ["additional_keys", "bounded_patterns"]


def additional_keys(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """Return the keys of an object that neither ``properties`` nor ``patternProperties`` name.

    As python-jsonschema does, the ``patternProperties`` keys are joined with ``|`` into one
    pattern.
    """
    properties = schema.get("properties", {})
    patterns = "|".join(schema.get("patternProperties", {}))
    return [
        key
        for key in instance
        if key not in properties and not (patterns and search(patterns, key))
    ]


# The validators are typed ``Any``: the ``Validator`` protocol does not declare ``descend``.


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: Mapping[str, Any], instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(
    validator: Any, allowed: Any, instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    extras = set(additional_keys(instance, schema))
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif not allowed and extras:
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in sorted(extras))
            patterns = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
            yield ValidationError(f"{joined} {verb} not match any of the regexes: {patterns}")
        else:
            listed = sorted(extras, key=str)
            verb = "was" if len(listed) == 1 else "were"
            names = ", ".join(repr(extra) for extra in listed)
            yield ValidationError(
                f"Additional properties are not allowed ({names} {verb} unexpected)"
            )


@functools.cache
def bounded_patterns(cls: type[Validator]) -> type[Validator]:
    """Return ``cls`` with its pattern keywords matched in bounded time (see above)."""
    extended: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
        cls,
        {
            "pattern": _pattern,
            "patternProperties": _pattern_properties,
            "additionalProperties": _additional_properties,
        },
    )
    return extended
