"""Turn jsonschema-rs errors into python-jsonschema-shaped errors, so both are worded alike.

jsonschema-rs finds every error about a hundred times faster than python-jsonschema. Each of
its errors carries the absolute location of the failing keyword; we read the keyword's value
from the *original* schema (not the copy rewritten for jsonschema-rs), so problems name the
published pattern or constant. Errors raised by our own rewrites (the fast date-time/uuid
subsets, Python-only patterns handed over as formats) are folded back into what the original
keyword said. When an error cannot be mapped back, :func:`convert` returns ``None`` and the
caller asks python-jsonschema instead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from rs_stac_ext.validator._linear_regex import for_jsonschema_rs

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["PYTHON_PATTERN_FORMAT", "SchemaError", "convert"]

PYTHON_PATTERN_FORMAT = "x-python-re:"


class SchemaError:
    """One schema violation, with what :mod:`~rs_stac_ext.validator.problems` reads.

    The same attributes as ``jsonschema.exceptions.SchemaError`` (relative and absolute
    paths, branch errors in ``context``), so that one wording serves both engines, without
    importing python-jsonschema for documents jsonschema-rs has already judged.
    """

    __slots__ = (
        "context",
        "instance",
        "keyword_location",
        "message",
        "parent",
        "path",
        "schema",
        "schema_path",
        "validator",
        "validator_value",
    )

    def __init__(
        self,
        message: str,
        *,
        validator: str,
        validator_value: Any,
        instance: Any,
        schema: Any,
        path: Iterable[str | int],
        schema_path: Iterable[str | int],
        context: Sequence[SchemaError] = (),
        keyword_location: Iterable[str | int] | None = None,
    ) -> None:
        self.message = message
        self.keyword_location = None if keyword_location is None else deque(keyword_location)
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema
        self.path: deque[str | int] = deque(path)
        self.schema_path: deque[str | int] = deque(schema_path)
        self.context: list[SchemaError] = list(context)
        self.parent: SchemaError | None = None
        for error in self.context:
            error.parent = self

    @property
    def relative_path(self) -> deque[str | int]:
        """The instance path, from the parent error's instance (or the document)."""
        return self.path

    @property
    def relative_schema_path(self) -> deque[str | int]:
        """The keyword path, from the parent error's schema (or the root schema)."""
        return self.schema_path

    @property
    def absolute_path(self) -> deque[str | int]:
        """The instance path from the document root."""
        if self.parent is None:
            return self.path
        return deque([*self.parent.absolute_path, *self.path])

    @property
    def absolute_schema_path(self) -> deque[str | int]:
        """The keyword path from the root schema.

        For an error jsonschema-rs located, the keyword's place in the schema document that
        holds it (a branch's own path would repeat its parent's).
        """
        if self.keyword_location is not None:
            return self.keyword_location
        if self.parent is None:
            return self.schema_path
        return deque([*self.parent.absolute_schema_path, *self.schema_path])


class _UnmappedError(Exception):
    """An error whose keyword cannot be found in the original schemas."""


def _walk(document: Any, fragment: str) -> tuple[Any, Any, str]:
    """Return (parent schema object, keyword value, keyword) at a JSON pointer fragment.

    Results are remembered per schema object: one invalid document often reports dozens of
    errors at the same few keywords.
    """
    key = (id(document), fragment)
    found = _WALKS.get(key)
    if found is not None and found[0] is document:
        return found[1]
    result = _walk_uncached(document, fragment)
    if len(_WALKS) > _MAX_WALKS:
        _WALKS.clear()
    _WALKS[key] = (document, result)
    return result


# Keeping the schema object in the value makes a recycled id() harmless.
_WALKS: dict[tuple[int, str], tuple[Any, tuple[Any, Any, str]]] = {}
_MAX_WALKS = 10_000


def _walk_uncached(document: Any, fragment: str) -> tuple[Any, Any, str]:
    parts = [unquote(p).replace("~1", "/").replace("~0", "~") for p in fragment.split("/")[1:]]
    if not parts:
        raise _UnmappedError(fragment)
    parent: Any = document
    for part in parts[:-1]:
        if isinstance(parent, list):
            try:
                parent = parent[int(part)]
            except (ValueError, IndexError):
                raise _UnmappedError(fragment) from None
        elif isinstance(parent, Mapping) and part in parent:
            parent = parent[part]
        else:
            raise _UnmappedError(fragment)
    keyword = parts[-1]
    if not isinstance(parent, Mapping) or keyword not in parent:
        raise _UnmappedError(fragment)
    return parent, parent[keyword], keyword


def _published_fragment(contents: Any, fragment: str) -> str:
    """Put back, in a pointer into a rewritten schema, the ``patternProperties`` keys as published.

    jsonschema-rs is given each key written out for its engine (``for_jsonschema_rs``), so
    its errors name the written-out key; the published schema has the key as it was written.
    """
    if "patternProperties" not in fragment:
        return fragment
    raw = fragment.split("/")
    node: Any = contents
    for index in range(1, len(raw)):
        token = unquote(raw[index]).replace("~1", "/").replace("~0", "~")
        renamed = (
            unquote(raw[index - 1]) == "patternProperties"
            and isinstance(node, Mapping)
            and token not in node
        )
        if renamed:
            published = next((k for k in node if for_jsonschema_rs(k) == token), None)
            if published is not None:
                token = published
                raw[index] = quote(token.replace("~", "~0").replace("/", "~1"), safe="")
        if isinstance(node, Mapping):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            node = None
    return "/".join(raw)


def _kind(error: Any) -> str:
    return type(error.kind).__name__


def _wrapper_format(error: Any, path: list[Any]) -> SchemaError | None:
    """Fold our fast-subset ``anyOf`` back into the one error Python reports.

    That is a ``format`` error, or a ``pattern`` error when the format stands for a pattern
    only Python reads correctly.
    """
    for branch in error.kind.context:
        for sub in branch:
            if _kind(sub) == "Format":
                name = str(sub.kind.as_dict().get("format"))
                if name.startswith(PYTHON_PATTERN_FORMAT):
                    pattern = name.removeprefix(PYTHON_PATTERN_FORMAT)
                    return _make("pattern", pattern, sub.instance, {"pattern": pattern}, path, ())
                return _make("format", name, sub.instance, {"format": name}, path, ())
    return None


def _make(
    keyword: str,
    value: Any,
    instance: Any,
    schema: Any,
    path: Iterable[Any],
    schema_path: Iterable[Any],
    context: Sequence[SchemaError] = (),
    message: str | None = None,
    keyword_location: Iterable[str | int] | None = None,
) -> SchemaError:
    return SchemaError(
        message or f"{keyword} failed",
        validator=keyword,
        validator_value=value,
        instance=instance,
        schema=schema,
        path=path,
        schema_path=schema_path,
        context=context,
        keyword_location=keyword_location,
    )


def _at(document: Any, path: Iterable[Any]) -> Any:
    node = document
    for part in path:
        node = node[part]
    return node


def _convert(
    error: Any, document: Any, originals: Mapping[str, Any], branch: int | None, depth: int = 0
) -> SchemaError:
    """Convert one error; ``depth`` is the length of the parent's instance path."""
    kind = _kind(error)
    path = list(error.instance_path)[depth:]
    # The document's own value, not jsonschema-rs's copy (which reorders object keys).
    instance = _at(document, error.instance_path)
    location = getattr(error, "absolute_keyword_location", None)
    if not isinstance(location, str):
        raise _UnmappedError("no keyword location")
    uri, _, fragment = location.partition("#")
    contents = originals.get(uri.removesuffix("#"))
    if contents is not None:
        fragment = _published_fragment(contents, fragment)
    prefix = [branch] if branch is not None else []
    if kind == "Format":
        name = str(error.kind.as_dict().get("format", ""))
        if name.startswith(PYTHON_PATTERN_FORMAT):
            pattern = name.removeprefix(PYTHON_PATTERN_FORMAT)
            return _make(
                "pattern",
                pattern,
                instance,
                {"pattern": pattern},
                error.instance_path,
                prefix,
            )
    if kind == "AnyOf":
        folded = _wrapper_format(error, path)
        try:
            if contents is None:
                raise _UnmappedError(uri)
            _walk(contents, fragment)
        except _UnmappedError:
            if folded is None:
                raise
            folded.relative_schema_path.extendleft(reversed(prefix))
            return folded
    if contents is None:
        raise _UnmappedError(uri)
    if kind == "FalseSchema":
        return _make("false", False, instance, False, path, prefix)
    parent, value, keyword = _walk(contents, fragment)
    context: list[SchemaError] = []
    if kind in {"AnyOf", "OneOfNotValid"}:
        depth_here = len(error.instance_path)
        for index, sub_errors in enumerate(error.kind.context):
            context.extend(
                _convert(sub, document, originals, index, depth_here) for sub in sub_errors
            )
    return _make(
        keyword,
        value,
        instance,
        parent,
        path,
        [*prefix, *fragment.split("/")[1:]],
        context,
        error.message,
        _location(fragment),
    )


@lru_cache(maxsize=4096)
def _location(fragment: str) -> tuple[str, ...]:
    """Return the tokens of a JSON pointer fragment (the same few recur in every document)."""
    return tuple(unquote(p).replace("~1", "/").replace("~0", "~") for p in fragment.split("/")[1:])


def convert(
    errors: Iterable[Any], document: Any, originals: Mapping[str, Any]
) -> list[SchemaError] | None:
    """Convert jsonschema-rs errors, or return ``None`` when one cannot be mapped back.

    Args:
        errors: What ``jsonschema_rs.Validator.iter_errors`` yielded.
        document: The document they are about.
        originals: The original schema contents by URI (without ``#``).

    Returns:
        Errors python-jsonschema would have raised, near enough to be worded alike.
    """
    try:
        return [_convert(error, document, originals, None) for error in errors]
    except (_UnmappedError, AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None
