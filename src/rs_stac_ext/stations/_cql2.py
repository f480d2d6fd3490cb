"""Parse CQL2 text and CQL2 JSON into pygeofilter syntax trees.

pygeofilter 0.4 parses most of CQL2, with three gaps this module closes without writing a
parser of its own:

* its CQL2-text grammar knows temporal operators only in the infix form of an older draft
  (``a T_BEFORE b``), not the function form of the standard (``T_BEFORE(a, b)``); its
  ``INTERVAL`` takes quoted instants only, not properties or ``'..'``; and a property name
  needs two characters. The grammar used here is pygeofilter's own file with those three rules
  overridden;
* it maps ``t_intersects`` onto :class:`pygeofilter.ast.TimeOverlaps` and lacks ``t_starts``,
  ``t_startedby``, ``t_finishes``, ``t_finishedby`` and ``t_disjoint``. Temporal predicates
  therefore come out as :class:`TemporalCall`, which keeps the operator's CQL2 name;
* in CQL2 JSON it does not know the ``intersects`` spelling of earlier drafts nor lower-case
  GeoJSON type names (``polygon``), both of which STAC clients send.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import lark
from pygeofilter import ast
from pygeofilter.parsers.cql2_json import parse as _parse_cql2_json
from pygeofilter.parsers.cql2_text.parser import (
    CQLTransformer,
)

__all__ = [
    "MAX_FILTER_DEPTH",
    "CqlSyntaxError",
    "IntervalExpr",
    "TemporalCall",
    "nesting_depth",
    "parse_cql2_json",
    "parse_cql2_text",
    "read_json",
]

TEMPORAL_OPERATORS = (
    "t_after",
    "t_before",
    "t_contains",
    "t_disjoint",
    "t_during",
    "t_equals",
    "t_finishedby",
    "t_finishes",
    "t_intersects",
    "t_meets",
    "t_metby",
    "t_overlappedby",
    "t_overlaps",
    "t_startedby",
    "t_starts",
)
"""The temporal operators of CQL2 (``T_*``), by their standard names."""

# Names of the draft pygeofilter's infix grammar follows, and their CQL2 equivalents.
_DRAFT_NAMES = {
    "t_begins": "t_starts",
    "t_begunby": "t_startedby",
    "t_ends": "t_finishes",
    "t_endedby": "t_finishedby",
}
_OLD_SPATIAL = {
    "intersects",
    "disjoint",
    "contains",
    "within",
    "touches",
    "crosses",
    "overlaps",
}
_GEOJSON_TYPES = {
    name.lower(): name
    for name in (
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    )
}


class CqlSyntaxError(ValueError):
    """A filter that is not CQL2 of the announced language."""


MAX_FILTER_DEPTH = 64
"""Deepest nesting of a CQL2-JSON filter (objects and arrays) that is read.

Real filters nest a few levels; deeper ones are refused with a sentence before pygeofilter's
recursive reader could run out of stack.
"""


@dataclass(frozen=True)
class IntervalExpr:
    """A CQL2 ``INTERVAL(start, end)``; each bound is a property, an instant or ``'..'``."""

    start: Any
    end: Any


@dataclass(frozen=True)
class TemporalCall(ast.Node):  # type: ignore[misc]
    """A CQL2 temporal predicate such as ``T_DURING(datetime, INTERVAL(a, b))``.

    Attributes:
        op: The operator's CQL2 name, lower case (``t_during``).
        lhs: The first argument: an attribute, an instant or an :class:`IntervalExpr`.
        rhs: The second argument, alike.
    """

    op: str
    lhs: Any
    rhs: Any


_TEMPORAL_NAMES = "|".join(
    name.removeprefix("t_").upper() for name in (*TEMPORAL_OPERATORS, *_DRAFT_NAMES)
)
_OVERRIDES = (
    "%override ?temporal_predicate: "
    "expression _binary_temporal_predicate_func expression -> binary_temporal_predicate\n"
    '    | TEMPORAL_FUNC "(" expression "," expression ")" -> temporal_call\n'
    f"TEMPORAL_FUNC.3: /T_({_TEMPORAL_NAMES})(?=\\s*\\()/i\n"
    '%override ?interval: "INTERVAL"i "(" expression "," expression ")" -> interval\n'
    "%override attribute: /[a-zA-Z][a-zA-Z_:0-9.]*/ | DOUBLE_QUOTED\n"
)


@lark.v_args(inline=True)
class _Transformer(CQLTransformer):  # type: ignore[misc]
    def temporal_call(self, op: lark.Token, lhs: Any, rhs: Any) -> TemporalCall:
        return _temporal(str(op), lhs, rhs)

    def binary_temporal_predicate(self, lhs: Any, op: Any, rhs: Any) -> TemporalCall:
        return _temporal(str(op), lhs, rhs)

    def interval(self, start: Any, end: Any) -> IntervalExpr:
        return IntervalExpr(start, end)


def _temporal(op: str, lhs: Any, rhs: Any) -> TemporalCall:
    name = op.strip().lower()
    return TemporalCall(_DRAFT_NAMES.get(name, name), lhs, rhs)


@functools.cache
def _text_parser() -> lark.Lark:
    parsers = resources.files("pygeofilter.parsers")
    grammar = (parsers / "cql2_text" / "grammar.lark").read_text(encoding="utf-8")
    # The packaged grammar imports its WKT rules relative to its own file; from a string the
    # import has to name the module on the import path instead.
    grammar = grammar.replace("%import .wkt.", "%import wkt.") + _OVERRIDES
    return lark.Lark(
        grammar,
        parser="lalr",
        maybe_placeholders=False,
        transformer=_Transformer(),
        import_paths=[str(parsers)],
    )


def parse_cql2_text(text: str) -> Any:
    """Parse a CQL2-text filter.

    Args:
        text: The filter, such as
            ``platform='sentinel-1a' AND T_AFTER(datetime, '2024-01-01T00:00:00Z')``.

    Returns:
        A pygeofilter syntax tree, with :class:`TemporalCall` for temporal predicates.

    Raises:
        CqlSyntaxError: The text is not CQL2.
    """
    try:
        return _text_parser().parse(text)
    except lark.exceptions.UnexpectedInput as exc:
        column = getattr(exc, "column", "?")
        raise CqlSyntaxError(f"not CQL2-text at column {column}: {_shown(text)}") from exc
    except lark.exceptions.LarkError as exc:
        raise CqlSyntaxError(f"not CQL2-text: {_shown(text)} ({exc})") from exc
    except ValueError as exc:  # a number Python refuses to read (more than 4300 digits)
        raise CqlSyntaxError(f"not CQL2-text: {_number_problem(exc)}") from exc
    except RecursionError:
        raise CqlSyntaxError("not CQL2-text: the filter is nested too deeply") from None


def parse_cql2_json(document: str | dict[str, Any]) -> Any:
    """Parse a CQL2-JSON filter.

    Args:
        document: The filter as a JSON object or its text.

    Returns:
        A pygeofilter syntax tree, with :class:`TemporalCall` for temporal predicates.

    Raises:
        CqlSyntaxError: The document is not CQL2 JSON.
    """
    if isinstance(document, str):
        document = read_json(document, "the cql2-json filter")
    if not isinstance(document, dict):
        raise CqlSyntaxError("a cql2-json filter must be a JSON object")
    if nesting_depth(document, MAX_FILTER_DEPTH) > MAX_FILTER_DEPTH:
        raise CqlSyntaxError(
            f"the cql2-json filter nests more than {MAX_FILTER_DEPTH} levels of objects and arrays"
        )
    try:
        return _parse_cql2_json(_prepare(document))
    except CqlSyntaxError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise CqlSyntaxError(f"not CQL2 JSON: {_shown(str(exc))}") from exc


def read_json(text: str, what: str) -> Any:
    """Parse JSON text given in a search, with a sentence for every way it can fail.

    Args:
        text: The text.
        what: How the error names it (``the cql2-json filter``).

    Raises:
        CqlSyntaxError: Not JSON, nested too deeply for the reader, or a number with more
            digits than Python reads.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CqlSyntaxError(f"{what} is not JSON: {exc}") from exc
    except ValueError as exc:
        raise CqlSyntaxError(f"{what} cannot be read: {_number_problem(exc)}") from exc
    except RecursionError:
        raise CqlSyntaxError(f"{what} is nested too deeply to be read") from None


def nesting_depth(value: Any, limit: int) -> int:
    """Return how deeply objects and arrays nest in a JSON value, counting at most to ``limit + 1``.

    Walked with a stack, so no nesting can exhaust Python's recursion.
    """
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        if not isinstance(node, dict | list | tuple):
            continue
        deepest = max(deepest, depth + 1)
        if deepest > limit:
            return deepest
        children = node.values() if isinstance(node, dict) else node
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _number_problem(exc: ValueError) -> str:
    if "integer string conversion" in str(exc):
        return "a number has more than 4300 digits"
    return _shown(str(exc))


def _shown(text: str) -> str:
    """Quote a piece of the input in an error, cut to a readable length."""
    quoted = repr(text)
    return quoted if len(quoted) <= 200 else quoted[:197] + "..."


def _prepare(node: Any) -> Any:
    """Rewrite what pygeofilter would misread; everything else is left for it to parse."""
    if isinstance(node, list):
        return [_prepare(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "type" in node and "coordinates" in node and isinstance(node["type"], str):
        return {**node, "type": _GEOJSON_TYPES.get(node["type"].lower(), node["type"])}
    op = node.get("op")
    if not isinstance(op, str):
        return node
    name = op.lower()
    args = node.get("args", [])
    if name in TEMPORAL_OPERATORS or name in _DRAFT_NAMES:
        if not isinstance(args, list) or len(args) != 2:
            raise CqlSyntaxError(f"{op} takes two arguments")
        return _temporal(name, _temporal_arg(args[0]), _temporal_arg(args[1]))
    if name in _OLD_SPATIAL:
        name = "s_" + name
    return {**node, "op": name, "args": _prepare(args)}


def _temporal_arg(node: Any) -> Any:
    if isinstance(node, dict):
        if "property" in node:
            return ast.Attribute(node["property"])
        if "timestamp" in node:
            return node["timestamp"]
        if "date" in node:
            return node["date"]
        if "interval" in node:
            bounds = node["interval"]
            if not isinstance(bounds, list) or len(bounds) != 2:
                raise CqlSyntaxError("an interval has two bounds")
            return IntervalExpr(_temporal_arg(bounds[0]), _temporal_arg(bounds[1]))
    return node
