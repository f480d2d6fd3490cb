"""Turn JSON Schema errors into problems a person can act on.

python-jsonschema reports a failed ``oneOf`` as "is not valid under any of the given schemas".
Our schemas switch on the document's ``type`` with a ``oneOf``, so we pick the branch the document
meant (the one whose ``type`` constant matches), descend into its errors, and word each leaf
error as what was expected at which JSON pointer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rs_stac_ext.schemas import FormatMode, find_version, validator_for

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

    from rs_stac_ext.validator._rs_errors import SchemaError

    # python-jsonschema's errors, or the same shape built from jsonschema-rs's.
    AnyError = ValidationError | SchemaError

__all__ = ["Problem", "check", "collect", "describe", "from_errors", "pointer"]

_JSON_TYPES = {
    "NoneType": "null",
    "bool": "a boolean",
    "int": "an integer",
    "float": "a number",
    "str": "a string",
    "list": "an array",
    "dict": "an object",
}
_EXPECTED_TYPES = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "array": "an array",
    "object": "an object",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a document fails a schema.

    Attributes:
        schema: Identifier of the schema that reported it.
        path: JSON pointer (RFC 6901) of the offending location in the document; ``""`` is the root.
        message: What was expected, in words.
        keyword: The JSON Schema keyword that failed (``type``, ``required``, ...), or the name
            of the rule for checks a schema cannot express.
        schema_path: JSON pointer of the failing rule inside the schema (empty for rules).
        severity: ``error`` makes the document invalid; ``warning`` does not.
    """

    schema: str
    path: str
    message: str
    keyword: str
    schema_path: str
    severity: str = "error"

    def to_dict(self) -> dict[str, str]:
        """Return the problem as a JSON-ready dict (the stable ``--format json`` shape)."""
        return {
            "schema": self.schema,
            "path": self.path,
            "message": self.message,
            "keyword": self.keyword,
            "schema_path": self.schema_path,
            "severity": self.severity,
        }


def pointer(parts: Iterable[str | int]) -> str:
    """Build an RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _got(instance: Any) -> str:
    return _JSON_TYPES.get(type(instance).__name__, type(instance).__name__)


def _expected_type(spec: Any) -> str:
    names = spec if isinstance(spec, list) else [spec]
    return " or ".join(_EXPECTED_TYPES.get(str(n), str(n)) for n in names)


def _unexpected_keys(error: AnyError) -> list[str]:
    instance: Any = error.instance
    schema: Any = error.schema
    if not isinstance(instance, dict) or not isinstance(schema, Mapping):
        return []
    declared = set(schema.get("properties", {}))
    patterns = list(schema.get("patternProperties", {}))
    return [
        key
        for key in instance
        if key not in declared and not any(re.search(p, key) for p in patterns)
    ]


def describe(error: AnyError) -> str:
    """Word one (leaf) validation error as an expectation.

    Args:
        error: A python-jsonschema error without useful sub-errors.

    Returns:
        A sentence such as ``expected an integer, got a number (2.5)``.
    """
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    if keyword == "type":
        return f"expected {_expected_type(value)}, got {_got(instance)} ({_show(instance)})"
    if keyword == "required":
        missing = [k for k in value if isinstance(instance, dict) and k not in instance]
        return "missing required field " + ", ".join(repr(k) for k in missing or value)
    if keyword == "const":
        return f"expected {_show(value)}, got {_show(instance)}"
    if keyword == "enum":
        return f"expected one of {_show(value)}, got {_show(instance)}"
    if keyword == "contains":
        wanted = value.get("const") if isinstance(value, Mapping) else None
        if wanted is not None:
            return f"expected the array to contain {_show(wanted)}"
        pattern = value.get("pattern") if isinstance(value, Mapping) else None
        if pattern is not None:
            return f"expected the array to contain a string matching {pattern}"
        return "expected the array to contain a matching element"
    if keyword == "additionalProperties":
        keys = _unexpected_keys(error)
        return "unexpected field " + ", ".join(repr(k) for k in keys) + " (not defined here)"
    if keyword == "pattern":
        return f"{_show(instance)} does not match the pattern {value}"
    if keyword == "format":
        return f"{_show(instance)} is not a valid {value}"
    if keyword in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        relation = {
            "minimum": ">=",
            "maximum": "<=",
            "exclusiveMinimum": ">",
            "exclusiveMaximum": "<",
        }[keyword]
        return f"expected a value {relation} {value}, got {_show(instance)}"
    if keyword in {"minLength", "maxLength"}:
        relation = "at least" if keyword == "minLength" else "at most"
        return f"expected {relation} {value} characters, got {_show(instance)}"
    if keyword in {"minItems", "maxItems"}:
        relation = "at least" if keyword == "minItems" else "at most"
        return f"expected {relation} {value} items, got {len(instance)}"
    if keyword == "uniqueItems":
        return "expected unique items"
    if keyword == "not":
        pattern = value.get("pattern") if isinstance(value, Mapping) else None
        if pattern is not None:
            return f"{_show(instance)} must not contain a match of {pattern}"
        return f"{_show(instance)} is not allowed here"
    if keyword in {"false", "None"}:
        return "this field is not allowed here"
    if keyword == "anyOf" and error.context:
        fields = [
            repr(name)
            for sub in error.context
            if sub.validator == "required"
            for name in _names(sub.validator_value)
        ]
        if len(fields) == len(error.context):
            return "expected at least one of the fields " + ", ".join(fields)
    if keyword in {"anyOf", "oneOf"}:
        return f"{_show(instance)} matches none of the allowed forms"
    return error.message


def _alternatives_message(error: AnyError) -> str:
    """List what each alternative of a failed ``anyOf``/``oneOf`` expected."""
    options: list[str] = []
    for sub in error.context:
        text = f"{pointer(sub.absolute_path) or '/'}: {describe(sub)}"
        if text not in options:
            options.append(text)
    branches: Any = error.validator_value
    every_branch_failed = len(_by_branch(error)) == (
        len(branches) if isinstance(branches, list) else 0
    )
    if error.validator == "oneOf" and not every_branch_failed:
        return f"{_show(error.instance)} matches more than one of the allowed forms"
    types = _only_type_alternatives(error)
    if types is not None:
        instance: Any = error.instance
        return f"expected {' or '.join(types)}, got {_got(instance)} ({_show(instance)})"
    return "expected at least one of: " + "; ".join(options)


def _only_type_alternatives(error: AnyError) -> list[str] | None:
    """Return the JSON types the alternatives expect, when each asks the value for one."""
    expected: list[str] = []
    for sub in error.context:
        if sub.validator != "type" or sub.relative_path:
            return None
        wanted = _expected_type(sub.validator_value)
        if wanted not in expected:
            expected.append(wanted)
    return expected or None


def _names(value: Any) -> list[str]:
    return [str(name) for name in value] if isinstance(value, list) else []


def _type_branch(schema: Any, document: Any) -> int | None:
    """Return the index of the ``oneOf`` branch whose ``type`` constant matches the document."""
    if not isinstance(schema, Mapping) or not isinstance(document, dict):
        return None
    branches = schema.get("oneOf")
    if not isinstance(branches, list):
        return None
    for index, branch in enumerate(branches):
        if _type_const(branch) == document.get("type"):
            return index
    return None


def _type_const(schema: Any) -> Any:
    if not isinstance(schema, Mapping):
        return None
    declared = schema.get("properties", {}).get("type", {})
    const = declared.get("const") if isinstance(declared, Mapping) else None
    if const is None and isinstance(declared, Mapping):
        named = declared.get("enum")
        if isinstance(named, list) and len(named) == 1:  # GeoJSON names types this way
            const = named[0]
    if const is not None:
        return const
    for sub in schema.get("allOf", []):
        const = _type_const(sub)
        if const is not None:
            return const
    return None


def _meant_branch(by_branch: dict[Any, list[AnyError]]) -> list[AnyError] | None:
    """Return the errors of the only alternative whose ``type`` fits the value, if there is one."""
    fitting = [
        errors
        for errors in by_branch.values()
        if not any(e.validator == "type" and not e.relative_path for e in errors)
    ]
    return fitting[0] if len(fitting) == 1 else None


def _by_branch(error: AnyError) -> dict[Any, list[AnyError]]:
    by_branch: dict[Any, list[AnyError]] = {}
    for sub in error.context:
        branch = sub.relative_schema_path[0] if sub.relative_schema_path else None
        by_branch.setdefault(branch, []).append(sub)
    return by_branch


def _chosen_branch(error: AnyError) -> list[AnyError] | None:
    """Return the errors of the alternative the value was meant to take, if it can be told.

    That is, in order: the alternative whose ``type`` constant names the value's own ``type``
    member (a GeoJSON geometry, a STAC object; none when that ``type`` names no alternative);
    the only one whose errors are not about the value's own JSON type; and for a ``oneOf``
    (one form out of several), the only one whose own errors are not JSON type errors (the
    others expect, say, ``null`` for a member).
    """
    by_branch = _by_branch(error)
    if _unmatched_member_type(error) is not None:
        return None
    branch = _type_branch({"oneOf": error.validator_value}, error.instance)
    if branch is not None:
        return by_branch.get(branch)  # None: that branch passed, so several did
    meant = _meant_branch(by_branch)
    if meant is not None or error.validator != "oneOf":
        return meant  # the alternatives of an anyOf are all worth listing
    untyped = [
        errors for errors in by_branch.values() if not any(e.validator == "type" for e in errors)
    ]
    return untyped[0] if len(untyped) == 1 else None


def _leaves(error: AnyError, document: Any) -> Iterator[AnyError]:
    if not error.context:
        yield error
        return
    if error.validator in {"anyOf", "oneOf"}:
        chosen = _chosen_branch(error)
        if chosen is not None:
            for sub in chosen:
                yield from _leaves(sub, document)
            return
        # No alternative stands out: any one of them would have been enough.
        yield error
        return
    for sub in error.context:
        yield from _leaves(sub, document)


def _false_schema_key(error: AnyError, document: Any) -> str | None:
    """Name the key a ``false`` sub-schema rejected.

    python-jsonschema does not add the property name to the path of an error raised by a
    ``false`` schema under ``patternProperties``; recover it from the pattern and the value.
    """
    parent: Any = document
    for part in error.absolute_path:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return None
    if not isinstance(parent, dict):
        return None
    candidates = [key for key, value in parent.items() if value is error.instance]
    if len(candidates) != 1:
        candidates = [key for key, value in parent.items() if value == error.instance]
    return str(candidates[0]) if len(candidates) == 1 else None


def _problem(error: AnyError, identifier: str, document: Any) -> Problem:
    if error.validator == "false" and error.absolute_path:
        key = error.absolute_path[-1]
        return Problem(
            schema=identifier,
            path=pointer(error.absolute_path),
            message=f"field {key!r} is not allowed here",
            keyword="false",
            schema_path=pointer(error.absolute_schema_path),
        )
    if error.validator in {"anyOf", "oneOf"} and error.context:
        type_problem = _unmatched_member_type(error)
        message = type_problem or _alternatives_message(error)
    elif error.validator is None:
        key = _false_schema_key(error, document)
        if key is not None:
            path = [*error.absolute_path, key]
            return Problem(
                schema=identifier,
                path=pointer(path),
                message=f"field {key!r} is not allowed here",
                keyword="false",
                schema_path=pointer(error.absolute_schema_path),
            )
        message = "this field is not allowed here"
    else:
        message = describe(error)
    return Problem(
        schema=identifier,
        path=pointer(error.absolute_path),
        message=message,
        keyword="false" if error.validator is None else str(error.validator),
        schema_path=pointer(error.absolute_schema_path),
    )


def _unmatched_member_type(error: AnyError) -> str | None:
    """Word an object whose ``type`` member names none of the alternatives (a GeoJSON type)."""
    instance: Any = error.instance
    branches: Any = error.validator_value
    if not isinstance(instance, dict) or not isinstance(branches, list):
        return None
    accepted = [name for name in (_type_const(b) for b in branches) if name is not None]
    if not accepted or instance.get("type") in accepted:
        return None
    names = ", ".join(_show(name) for name in accepted)
    return f"expected a type of {names}, got {_show(instance.get('type'))}"


def _unmatched_type(error: AnyError, document: Any, identifier: str) -> Problem | None:
    """Report a document whose ``type`` matches no branch, instead of every branch's errors."""
    if _type_branch({"oneOf": error.validator_value}, document) is not None:
        return None
    branches: Any = error.validator_value
    accepted = [_type_const(branch) for branch in branches]
    if all(name is None for name in accepted):
        return None  # the branches are not told apart by ``type``: report what failed in them
    names = ", ".join(_show(name) for name in accepted if name is not None)
    got = document.get("type") if isinstance(document, dict) else None
    if not isinstance(document, dict):
        message = f"expected a STAC object of type {names}, got {_got(document)}"
    else:
        message = f"expected a STAC object of type {names}, got type {_show(got)}"
    return Problem(
        schema=identifier,
        path="/type" if isinstance(document, dict) and "type" in document else "",
        message=message,
        keyword="oneOf",
        schema_path=pointer(error.absolute_schema_path),
    )


def check(
    document: Any, identifier: str, *, formats: FormatMode | str = FormatMode.DRAFT7
) -> list[Problem]:
    """Check a document against one packaged schema and return every problem.

    Args:
        document: The parsed JSON document.
        identifier: Any spelling of a packaged schema's identifier.
        formats: The format policy.

    Returns:
        The problems, in document order; empty when the document is valid.
    """
    canonical = find_version(identifier).identifier
    return collect(validator_for(canonical, formats=formats), document, canonical)


def collect(validator: Validator, document: Any, identifier: str) -> list[Problem]:
    """Run a python-jsonschema validator and return every problem, worded for people.

    Args:
        validator: Any python-jsonschema validator.
        document: The parsed JSON document.
        identifier: The schema identifier to name in each problem.

    Returns:
        The problems, sorted by JSON pointer; empty when the document is valid.
    """
    return from_errors(validator.iter_errors(document), document, identifier)


def from_errors(errors: Iterable[AnyError], document: Any, identifier: str) -> list[Problem]:
    """Word python-jsonschema errors (or errors shaped like them) as problems.

    Args:
        errors: Top-level errors, with ``context`` for ``oneOf``/``anyOf``.
        document: The document they are about.
        identifier: The schema identifier to name in each problem.

    Returns:
        The problems, sorted by JSON pointer, without duplicates.
    """
    canonical = identifier
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in errors:
        if error.validator == "oneOf" and not error.absolute_path:
            unmatched = _unmatched_type(error, document, canonical)
            if unmatched is not None:
                problems.append(unmatched)
                continue
        for leaf in _leaves(error, document):
            problem = _problem(leaf, canonical, document)
            # Two places of a schema may say the same about one value: say it once.
            if (problem.path, problem.message) not in seen:
                seen.add((problem.path, problem.message))
                problems.append(problem)
    problems.sort(key=lambda p: p.path)
    return problems
