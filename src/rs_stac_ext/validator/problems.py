"""Turn JSON Schema errors into problems a person can act on.

python-jsonschema reports a failed ``oneOf`` as "is not valid under any of the given schemas".
Our schemas switch on the document's ``type`` with a ``oneOf``, so we pick the branch the document
meant (the one whose ``type`` constant matches), descend into its errors, and word each leaf
error as what was expected at which JSON pointer.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rs_stac_ext.schemas import FormatMode, validator_for
from rs_stac_ext.validator._linear_regex import search

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

    from rs_stac_ext.validator._rs_errors import SchemaError

    # python-jsonschema's errors, or the same shape built from jsonschema-rs's.
    AnyError = ValidationError | SchemaError

__all__ = ["Problem", "check", "collect", "cut_list", "describe", "from_errors", "pointer"]

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
        expected: The whole list a message may shorten: the values an ``enum`` allows (for
            alternatives, of their only ``enum``), or the field names of which at least one
            is expected; ``None`` otherwise.
    """

    schema: str
    path: str
    message: str
    keyword: str
    schema_path: str
    severity: str = "error"
    expected: list[Any] | None = field(default=None, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as a JSON-ready dict (the stable ``--format json`` shape)."""
        return {
            "schema": self.schema,
            "path": self.path,
            "message": self.message,
            "keyword": self.keyword,
            "schema_path": self.schema_path,
            "severity": self.severity,
            "expected": self.expected,
        }


def pointer(parts: Iterable[str | int]) -> str:
    """Build an RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


# A list in a message stops at a whole item, after this many items or characters.
_LIST_ITEMS = 5
_LIST_CHARS = 120


def cut_list(items: Sequence[str]) -> str:
    """Join items with commas; past five items or 120 characters, end with "… (N more)".

    The cut falls between items, never inside one: the first item is always shown whole.
    """
    shown: list[str] = []
    length = 0
    for item in items:
        if shown and (len(shown) == _LIST_ITEMS or length + len(item) > _LIST_CHARS):
            break
        shown.append(item)
        length += len(item) + 2
    rest = len(items) - len(shown)
    return ", ".join(shown) + (f", … ({rest} more)" if rest else "")


def _allowed_values(value: Any, instance: Any) -> str:
    """Word what an ``enum`` allows, cut at a whole value, with the value meant if one is close."""
    allowed = value if isinstance(value, list) else [value]
    text = f"expected one of [{cut_list([json.dumps(v, ensure_ascii=False) for v in allowed])}]"
    text += f", got {_show(instance)}"
    if isinstance(instance, str):
        names = [v for v in allowed if isinstance(v, str)]
        same_but_case = [v for v in names if v.casefold() == instance.casefold()]
        close = same_but_case or difflib.get_close_matches(instance, names, n=1, cutoff=0.85)
        if close:
            text += f"; did you mean {json.dumps(close[0], ensure_ascii=False)}?"
    return text


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
        key for key in instance if key not in declared and not any(search(p, key) for p in patterns)
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
        return _allowed_values(value, instance)
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
    fields = _any_of_fields(error)
    if fields is not None:
        return "expected at least one of the fields " + ", ".join(map(repr, fields))
    if keyword == "oneOf" and not error.context:
        return f"{_show(instance)} matches more than one of the allowed forms"
    if keyword in {"anyOf", "oneOf"}:
        return f"{_show(instance)} matches none of the allowed forms"
    return error.message


def _alternatives_message(error: AnyError) -> str:
    """Say in one sentence what would satisfy a failed ``anyOf``/``oneOf``, branch by branch."""
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
    place = list(error.absolute_path)
    # The value's own name: `bbox`, or `bbox[0]` for an item of an array.
    here = _field(place[-2:] if place and isinstance(place[-1], int) else place[-1:])
    if not place:
        here = "the document"
    counts = _item_counts(branches)
    if counts is not None and isinstance(error.instance, list):
        return f"expected {here} to have {counts} items, got {len(error.instance)}"
    return "expected " + _either(_alternatives(error, [], here, 0))


# How deep alternatives inside alternatives are spelt out before "one of its allowed forms".
_MAX_NESTING = 2


def _either(phrases: list[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    if len(phrases) == 2:
        return f"either {phrases[0]}, or {phrases[1]}"
    return "one of: " + "; ".join(phrases[:-1]) + f"; or {phrases[-1]}"


def _alternatives(error: AnyError, base: list[str | int], here: str, depth: int) -> list[str]:
    """Return what each failed alternative lacks, one phrase each.

    Places are named relative to the place of the outermost ``anyOf``/``oneOf`` (``base`` is
    the way from there to this one), which itself is called ``here``.
    An alternative that is itself an open choice contributes its own alternatives.
    """
    fields = _any_of_fields(error)
    if fields is not None:
        return ["at least one of the fields " + ", ".join(map(repr, fields)) + _in(base)]
    siblings: Any = error.validator_value
    options: list[list[str]] = []
    for errors in _by_branch(error).values():
        only = errors[0]
        if len(errors) == 1 and _is_open_choice(only) and depth < _MAX_NESTING:
            nested = _alternatives(only, [*base, *only.relative_path], here, depth + 1)
            options.extend([phrase] for phrase in nested)
        else:
            # In document order, whichever order an engine reported them in.
            said = sorted(
                (pointer(e.relative_path), _requirement(e, base, here, siblings, depth))
                for e in errors
                if not _follows_from_type(e, errors)
            )
            options.append(_unique(words for _, words in said))
    # An alternative that asks all another asks and more is never the easier fix: leave it out.
    kept = [
        words
        for index, words in enumerate(options)
        if not any(
            set(other) < set(words) or (set(other) == set(words) and other_index < index)
            for other_index, other in enumerate(options)
        )
    ]
    return [" and ".join(words) for words in kept]


def _follows_from_type(error: AnyError, errors: list[AnyError]) -> bool:
    """A ``oneOf`` that every branch passed, beside a type error at the same place.

    Length alternatives (a ``bbox`` of 4 or 6 items) all pass for a value that is not an
    array; the type error says what is wrong.
    """
    return (
        error.validator in {"anyOf", "oneOf"}
        and not error.context
        and any(
            other.validator == "type" and list(other.relative_path) == list(error.relative_path)
            for other in errors
        )
    )


def _is_open_choice(error: AnyError) -> bool:
    """An ``anyOf``/``oneOf`` whose failed alternatives are all worth listing."""
    return (
        error.validator in {"anyOf", "oneOf"}
        and bool(error.context)
        and _chosen_branch(error) is None
        and _only_type_alternatives(error) is None
        and _item_counts(error.validator_value) is None
    )


def _unique(phrases: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(phrases))


def _field(parts: Iterable[str | int]) -> str:
    """Name a place inside a value for people: `properties.datetime`, `links[0].rel`."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return f"`{text}`"


def _in(parts: list[str | int]) -> str:
    return f" in {_field(parts)}" if parts else ""


def _and(names: list[str]) -> str:
    quoted = [repr(name) for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


_RELATIONS = {
    "minimum": "at least",
    "maximum": "at most",
    "exclusiveMinimum": "more than",
    "exclusiveMaximum": "less than",
}


def _requirement(
    error: AnyError, base: list[str | int], here: str, siblings: Any, depth: int
) -> str:
    """Say what one error of an alternative asks for, as words that follow "expected"."""
    parts = [*base, *error.relative_path]
    subject = _field(parts) if parts else here
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    if keyword == "oneOf" and not error.context:
        return f"{subject} to match exactly one of its allowed forms"
    if keyword in {"anyOf", "oneOf"} and error.context:
        chosen = _chosen_branch(error)
        if chosen is not None:
            said = sorted(
                (pointer(e.relative_path), _requirement(e, parts, here, value, depth))
                for e in chosen
            )
            return " and ".join(_unique(words for _, words in said))
        types = _only_type_alternatives(error)
        if types is not None:
            return f"{subject} to be {' or '.join(types)}"
        counts = _item_counts(value)
        if counts is not None:
            return f"{subject} to have {counts} items"
        if depth < _MAX_NESTING:
            inner = _alternatives(error, parts, here, depth + 1)
            return inner[0] if len(inner) == 1 else "(" + " or ".join(inner) + ")"
        return f"{subject} to take one of its allowed forms"
    if keyword == "required":
        missing = [k for k in _names(value) if isinstance(instance, dict) and k not in instance]
        names = missing or _names(value)
        return f"the field{'s' if len(names) > 1 else ''} {_and(names)}{_in(parts)}"
    if keyword in {"false", "None"} or (keyword == "not" and value in ({}, True)):
        return f"no {subject}" if parts else "nothing here"
    if keyword == "not":
        return _not_requirement(subject, value, siblings)
    if keyword == "type":
        return f"{subject} to be {_expected_type(value)}"
    if keyword == "const":
        return f"{subject} to be {_show(value)}"
    if keyword == "enum":
        allowed = value if isinstance(value, list) else [value]
        shown = cut_list([json.dumps(v, ensure_ascii=False) for v in allowed])
        return f"{subject} to be one of [{shown}]"
    if keyword == "pattern":
        return f"{subject} to match {value}"
    if keyword == "format":
        return f"{subject} to be a valid {value}"
    if keyword in _RELATIONS:
        return f"{subject} to be {_RELATIONS[keyword]} {value}"
    if keyword in {"minItems", "maxItems", "minLength", "maxLength"}:
        relation = "at least" if keyword.startswith("min") else "at most"
        unit = "items" if keyword.endswith("Items") else "characters"
        return f"{subject} to have {relation} {value} {unit}"
    if keyword == "additionalProperties":
        return f"no field {_and(_unexpected_keys(error))}{_in(parts)}"
    if keyword == "uniqueItems":
        return f"{subject} to have unique items"
    if keyword == "multipleOf":
        return f"{subject} to be a multiple of {value}"
    return f"{subject}: {describe(error)}"


def _not_requirement(subject: str, value: Any, siblings: Any) -> str:
    """Word a ``not``: "no X", or the idiom "some member matches".

    That idiom (``not`` of ``additionalProperties`` of ``not``) is how extensions ask for
    their fields in at least one asset.
    """
    if isinstance(value, Mapping) and set(value) == {"type"}:
        return f"{subject} not to be {_expected_type(value['type'])}"
    inner = value.get("additionalProperties") if isinstance(value, Mapping) else None
    if isinstance(inner, Mapping) and set(value) == {"additionalProperties"} and "not" in inner:
        wanted = inner["not"]
        for branch in siblings if isinstance(siblings, list) else []:
            members = branch.get("properties") if isinstance(branch, Mapping) else None
            if isinstance(members, Mapping) and wanted in members.values():
                return f"the same in one of the {subject}"
        return f"one of the {subject} to match its schema"
    return f"{subject} not to match the schema its `not` names"


def _item_counts(branches: Any) -> str | None:
    """Return "4 or 6" for alternatives that only fix an array's length (a ``bbox``)."""
    if not isinstance(branches, list) or not branches:
        return None
    counts: list[str] = []
    for branch in branches:
        if not isinstance(branch, Mapping) or set(branch) != {"minItems", "maxItems"}:
            return None
        low, high = branch["minItems"], branch["maxItems"]
        counts.append(str(low) if low == high else f"{low} to {high}")
    return " or ".join(counts)


def _any_of_fields(error: AnyError) -> list[str] | None:
    """Return the field names of an ``anyOf`` whose alternatives each require one field."""
    if error.validator != "anyOf" or not error.context:
        return None
    fields = [
        name
        for sub in error.context
        if sub.validator == "required" and not sub.relative_path
        for name in _names(sub.validator_value)
    ]
    return fields if len(fields) == len(error.context) else None


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
        const = _type_const(branch)
        if const is not None and const == document.get("type"):
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


def _collection_link(error: AnyError, document: Any) -> str | None:
    """Word STAC's rule that ``collection`` and a ``rel: collection`` link go together.

    The core Item schema says it with ``if``/``then``/``else``: the field is then "not allowed"
    or "missing", which does not say why.
    """
    if not isinstance(document, dict):
        return None
    links = document.get("links")
    linked = isinstance(links, list) and any(
        isinstance(link, dict) and link.get("rel") == "collection" for link in links
    )
    path = list(error.absolute_path)
    value: Any = error.validator_value
    forbidden = error.validator in {"false", None} or (
        error.validator == "not" and value in ({}, True)
    )
    if forbidden and path == ["collection"] and not linked:
        return 'field \'collection\' is set, but no link has "rel": "collection"'
    if error.validator == "required" and not path and linked and _names(value) == ["collection"]:
        return 'missing required field \'collection\' (a link has "rel": "collection")'
    return None


def _problem(error: AnyError, identifier: str, document: Any) -> Problem:
    linked = _collection_link(error, document)
    if linked is not None:
        return Problem(
            schema=identifier,
            path=pointer(error.absolute_path),
            message=linked,
            keyword=str(error.validator),
            schema_path=pointer(error.absolute_schema_path),
        )
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
        expected=_expected_list(error),
    )


def _expected_list(error: AnyError) -> list[Any] | None:
    """The whole list a message may shorten, for programs (``Problem.expected``)."""
    value: Any = error.validator_value
    if error.validator == "enum":
        return list(value) if isinstance(value, list) else [value]
    if error.validator in {"anyOf", "oneOf"} and _any_of_fields(error) is None:
        # An enum of one of the alternatives: its values, when it is the only one.
        lists = {json.dumps(found, sort_keys=True): found for found in _enum_lists(error)}
        return next(iter(lists.values())) if len(lists) == 1 else None
    return _any_of_fields(error)


def _enum_lists(error: AnyError) -> Iterator[list[Any]]:
    for sub in error.context:
        value: Any = sub.validator_value
        if sub.validator == "enum":
            yield list(value) if isinstance(value, list) else [value]
        yield from _enum_lists(sub)


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
        identifier: Any spelling of a packaged schema's identifier, or a short name as the
            command line takes it (``auxip``, ``cadip v1.4.0``, ``cadip@1.4.0``).
        formats: The format policy.

    Returns:
        The problems, in document order; empty when the document is valid.
    """
    from rs_stac_ext.schemas._short_names import find_by_name

    canonical = find_by_name(identifier).identifier
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
