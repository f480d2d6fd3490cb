"""Rewrite a set of schemas into an equivalent form that jsonschema-rs checks faster.

jsonschema-rs pays for every subschema it enters. STAC's common metadata (``common.json``) is an
``allOf`` of seven referenced schemas that each hold a few ``properties``, and it applies to an
Item's properties and to every one of its assets; one schema holding the same properties costs
a fraction of that. This module inlines the targets of ``allOf`` references and merges the
branches that only hold ``type``, ``properties``, ``required`` and ``dependencies`` into one.

Every step keeps the set of valid instances exactly:

* ``allOf: [A, {"allOf": [B, C]}]`` accepts what ``allOf: [A, B, C]`` accepts;
* a ``$ref`` branch accepts what its target accepts, wherever the target is copied, once every
  reference inside the copy is made absolute (a copy holding an ``$id`` below its root is
  not made, as it would change how references resolve);
* ``properties`` of two branches check each member against both schemas: one ``properties``
  holding both (as ``allOf`` where a member is named twice) checks the same, as long as no
  merged branch has ``additionalProperties`` or ``patternProperties``, which read the
  ``properties`` next to them; ``required`` lists join; ``dependencies`` join when no member is
  named twice; ``type`` merges when both branches name the same one.

Extension schemas forbid unknown fields of their own prefix with ``additionalProperties: false``
next to ``properties`` and ``patternProperties: {"^(?!view:)": {}}``, which jsonschema-rs answers
by running a look-ahead pattern over every member of the Item's properties and of every asset.
A member that is neither named in ``properties`` nor matched by that pattern is one that starts
with the prefix and is not a known field, so the three keywords accept what ``properties`` and
``patternProperties: {"^view:<any text but a known field's rest>": false}`` accept; the new
pattern has no look-ahead and starts with a literal, which jsonschema-rs checks about twice as fast.

Extension schemas are a ``oneOf`` of an Item branch and a Collection branch, each an ``allOf``
whose first piece requires ``type`` to be ``Feature`` or ``Collection``. jsonschema-rs checks a
branch's other pieces before it finds the wrong ``type``, so every Item pays for the Collection
branch's checks of all its assets. A branch whose conjunct holds ``properties.type.const``
implies ``{"properties": {"type": {"const": ...}}}``; adding that at the branch's top, where
jsonschema-rs looks first, changes no verdict and stops the wrong branch at once.

The rewritten schemas answer valid or invalid and nothing else: their error locations no longer
match the published schemas, so errors are looked for with the faithful form.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any
from urllib.parse import unquote, urljoin

__all__ = ["for_verdicts"]

# Draft 7 keywords whose value is a schema, a list of schemas, or a map of names to schemas.
_ONE_SCHEMA = frozenset(
    {"not", "if", "then", "else", "additionalProperties", "additionalItems", "contains"}
    | {"propertyNames"}
)
_SCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf"})
_SCHEMA_MAP = frozenset({"properties", "patternProperties", "definitions"})
# Keywords that never change a verdict.
_ANNOTATIONS = frozenset(
    {"title", "description", "$comment", "$schema", "examples", "default", "readOnly"}
    | {"writeOnly", "definitions"}
)
_MERGEABLE = frozenset({"type", "properties", "required", "dependencies"})


def for_verdicts(resources: Mapping[str, Any]) -> dict[str, Any]:
    """Return the schemas rewritten to be checked faster, with the same valid instances.

    Args:
        resources: Every schema a validation can reach, by URI (as the registry holds them).

    Returns:
        The rewritten schemas, by the same URIs.
    """
    if not _rewritable(resources):
        return dict(resources)
    rewriter = _Rewriter(resources)
    return {uri: rewriter.resource(uri, schema) for uri, schema in resources.items()}


_DRAFT7 = frozenset(
    {"http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema"}
)
# Copies of copies stop here: schemas referring to each other would grow without end.
_MAX_CHAIN = 3


def _rewritable(resources: Mapping[str, Any]) -> bool:
    """Tell whether the rules above hold for these schemas.

    They are draft 7 rules, and ``allOf`` lists change shape, so a reference whose JSON pointer
    runs through an ``allOf`` would no longer find its target.
    """
    for schema in resources.values():
        if not isinstance(schema, dict):
            continue
        if schema.get("$schema", next(iter(_DRAFT7))) not in _DRAFT7:
            return False
        for node in _subschemas(schema):
            reference = node.get("$ref")
            if isinstance(reference, str) and "allOf" in reference.partition("#")[2].split("/"):
                return False
    return True


class _Rewriter:
    def __init__(self, resources: Mapping[str, Any]) -> None:
        self.resources = {uri.rstrip("#"): schema for uri, schema in resources.items()}
        self.chain: list[str] = []  # targets being copied, so recursive schemas stop

    def resource(self, uri: str, schema: Any) -> Any:
        base = _base_of(schema, uri.rstrip("#"))
        self.chain = [base.partition("#")[0]]  # a schema is not copied into itself
        return self.node(schema, base)

    def node(self, schema: Any, base: str) -> Any:
        """Rewrite one schema and everything below it."""
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema:  # draft 7: every other keyword next to $ref is ignored
            return schema
        if isinstance(schema.get("$id"), str):
            base = urljoin(base, schema["$id"])
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _ONE_SCHEMA or (key == "items" and isinstance(value, dict | bool)):
                out[key] = self.node(value, base)
            elif key in _SCHEMA_LIST or (key == "items" and isinstance(value, list)):
                out[key] = [self.node(item, base) for item in value]
            elif key in _SCHEMA_MAP and isinstance(value, dict):
                out[key] = {name: self.node(item, base) for name, item in value.items()}
            elif key == "dependencies" and isinstance(value, dict):
                out[key] = {
                    name: self.node(item, base) if isinstance(item, dict) else item
                    for name, item in value.items()
                }
            else:
                out[key] = value
        branches = out.get("allOf")
        if isinstance(branches, list):
            flat = [piece for branch in branches for piece in self.flatten(branch, base)]
            out["allOf"] = _merge(flat)
        for keyword in ("oneOf", "anyOf"):
            alternatives = out.get(keyword)
            if isinstance(alternatives, list):
                out[keyword] = [_type_checked_first(branch) for branch in alternatives]
        return _without_prefix_lookahead(out)

    def flatten(self, branch: Any, base: str) -> list[Any]:
        """Return the pieces whose conjunction accepts what ``branch`` accepts."""
        if branch is True:
            return []
        if not isinstance(branch, dict):
            return [branch]
        if "$ref" in branch:
            copied = self.copied_pieces(branch["$ref"], base)
            return [branch] if copied is None else copied
        if set(branch) - _ANNOTATIONS <= {"allOf", "type"} and isinstance(
            branch.get("allOf"), list
        ):
            pieces = [{"type": branch["type"]}] if "type" in branch else []
            for inner in branch["allOf"]:
                pieces.extend(self.flatten(inner, base))
            return pieces
        return [branch]

    def copied_pieces(self, reference: Any, base: str) -> list[Any] | None:
        """Return the pieces of a rewritten copy of a reference's target, or None.

        The copy can stand anywhere: its references are absolute.
        """
        if not isinstance(reference, str):
            return None
        uri = urljoin(base, reference)
        if uri.partition("#")[0] in self.chain or len(self.chain) > _MAX_CHAIN:
            return None
        found = self.target(uri)
        if found is None:
            return None
        target, target_base = found
        absolute = _absolute_copy(target, target_base, set(self.resources))
        if absolute is None:
            return None
        self.chain.append(uri.partition("#")[0])
        try:
            return self.flatten(self.node(absolute, target_base), target_base)
        finally:
            self.chain.pop()

    def target(self, uri: str) -> tuple[Any, str] | None:
        """Find a reference's target and the base URI its own references resolve against."""
        document_uri, _, fragment = uri.partition("#")
        document = self.resources.get(document_uri)
        if document is None:
            return None
        base = _base_of(document, document_uri)
        node = document
        if fragment:
            if not fragment.startswith("/"):
                return None  # a plain-name anchor: left to the engine
            for token in fragment[1:].split("/"):
                name = unquote(token).replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and name in node:
                    node = node[name]
                elif isinstance(node, list) and name.isdigit() and int(name) < len(node):
                    node = node[int(name)]
                else:
                    return None
                if isinstance(node, dict) and "$id" in node:
                    return None  # a nested base: not followed here
        return node, base


def _base_of(schema: Any, uri: str) -> str:
    identifier = schema.get("$id") if isinstance(schema, dict) else None
    return urljoin(uri, identifier) if isinstance(identifier, str) else uri


def _absolute_copy(schema: Any, base: str, known: set[str]) -> Any:
    """Copy a schema with every reference made absolute, or None if that is not safe.

    Not safe: an ``$id`` below the root, or a reference to a document outside ``known``.
    """
    copied = copy.deepcopy(schema)
    if isinstance(copied, dict):
        copied.pop("$id", None)
    for node in _subschemas(copied, root=True):
        if "$id" in node:
            return None
        reference = node.get("$ref")
        if reference is None:
            continue
        if not isinstance(reference, str):
            return None
        absolute = urljoin(base, reference)
        if absolute.partition("#")[0] not in known:
            return None
        node["$ref"] = absolute
    return copied


def _subschemas(schema: Any, *, root: bool = False) -> Iterator[dict[str, Any]]:
    """Yield every schema object below ``schema`` (and itself unless ``root``)."""
    if not isinstance(schema, dict):
        return
    if not root:
        yield schema
    for key, value in schema.items():
        if key in _ONE_SCHEMA or (key == "items" and isinstance(value, dict)):
            yield from _subschemas(value)
        elif key in _SCHEMA_LIST or (key == "items" and isinstance(value, list)):
            for item in value:
                yield from _subschemas(item)
        elif (key in _SCHEMA_MAP or key == "dependencies") and isinstance(value, dict):
            for item in value.values():
                yield from _subschemas(item)


def _merge(pieces: list[Any]) -> list[Any]:
    """Merge the pieces that only hold mergeable keywords; keep the others as they are."""
    merged: dict[str, Any] = {}
    count = 0
    rest: list[Any] = []
    for piece in pieces:
        if _mergeable(piece) and _merge_into(merged, piece):
            count += 1
        else:
            rest.append(piece)
    if count < 2:
        return pieces
    return [merged, *rest]


def _mergeable(piece: Any) -> bool:
    if not isinstance(piece, dict) or not set(piece) - _ANNOTATIONS <= _MERGEABLE:
        return False
    return (
        isinstance(piece.get("properties", {}), dict)
        and isinstance(piece.get("dependencies", {}), dict)
        and isinstance(piece.get("required", []), list)
        and all(isinstance(name, str) for name in piece.get("required", []))
    )


def _merge_into(merged: dict[str, Any], piece: dict[str, Any]) -> bool:
    """Add a piece to the merged schema; return False (changing nothing) if it cannot be."""
    if "type" in piece and "type" in merged and piece["type"] != merged["type"]:
        return False
    dependencies = piece.get("dependencies", {})
    if set(dependencies) & set(merged.get("dependencies", {})):
        return False
    if "type" in piece:
        merged["type"] = piece["type"]
    if dependencies:
        merged.setdefault("dependencies", {}).update(dependencies)
    for name in piece.get("required", []):
        required = merged.setdefault("required", [])
        if name not in required:
            required.append(name)
    properties = merged.setdefault("properties", {}) if "properties" in piece else None
    for name, schema in piece.get("properties", {}).items():
        assert properties is not None
        if name not in properties:
            properties[name] = schema
        elif properties[name] != schema:
            properties[name] = {"allOf": [properties[name], schema]}
    return True


# "^(?!view:)" and the like: the prefix is made of characters that stand for themselves.
_NOT_PREFIXED = re.compile(r"\^\(\?!([A-Za-z0-9_:]+)\)")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_:.-]*")


def _without_prefix_lookahead(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace "only known fields of this prefix" by a pattern without look-ahead (see above)."""
    patterns = schema.get("patternProperties")
    properties = schema.get("properties", {})
    if (
        schema.get("additionalProperties") is not False
        or not isinstance(patterns, dict)
        or len(patterns) != 1
        or not isinstance(properties, dict)
    ):
        return schema
    ((pattern, allowed),) = patterns.items()
    found = _NOT_PREFIXED.fullmatch(pattern)
    if found is None or allowed not in ({}, True):
        return schema
    prefix = found.group(1)
    rests = {name[len(prefix) :] for name in properties if name.startswith(prefix)}
    if not all(_PLAIN_NAME.fullmatch(rest) for rest in rests):
        return schema
    rewritten = {k: v for k, v in schema.items() if k != "additionalProperties"}
    rewritten["patternProperties"] = {"^" + prefix + _none_of(rests): False}
    return rewritten


def _none_of(names: Collection[str]) -> str:
    """Return a pattern matching, at the start of a text, exactly the texts not in ``names``.

    A text is not a name when it ends before any name does (``w$`` for a proper beginning ``w``
    of a name that is no name itself), or goes on with a character no name has at that place
    (``w[^...]``). The pattern is one flat alternation of such branches, each starting with a
    literal: deep nesting is refused by jsonschema-rs. ``names`` hold only characters of
    ``_PLAIN_NAME``; the pattern is read by jsonschema-rs, whose ``$`` is the end of the text.
    """
    if not names:
        return ""
    beginnings = sorted({name[:end] for name in names for end in range(len(name) + 1)})
    branches: list[str] = []
    for beginning in beginnings:
        literal = "".join(_escaped(char) for char in beginning)
        if beginning not in names:
            branches.append(literal + "$")
        following = sorted(
            {
                name[len(beginning)]
                for name in names
                if len(name) > len(beginning) and name.startswith(beginning)
            }
        )
        if following:
            branches.append(literal + "[^" + "".join(_escaped(c) for c in following) + "]")
        else:
            branches.append(literal + r"[\s\S]")
    return "(?:" + "|".join(branches) + ")"


def _escaped(char: str) -> str:
    return "\\" + char if char in ".-" else char


def _type_checked_first(branch: Any) -> Any:
    """Add a branch's ``type`` constant at its top, where jsonschema-rs checks first (see above)."""
    if not isinstance(branch, dict) or "properties" in branch:
        return branch
    pieces = branch.get("allOf")
    if not isinstance(pieces, list):
        return branch
    for piece in pieces:
        properties = piece.get("properties") if isinstance(piece, dict) else None
        kind = properties.get("type") if isinstance(properties, dict) else None
        if isinstance(kind, dict) and "const" in kind and "$ref" not in piece:
            return {"properties": {"type": {"const": kind["const"]}}, **branch}
    return branch
