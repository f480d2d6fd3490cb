"""The OData ``$filter`` and ``$orderby`` subset the station simulator understands.

A small recursive-descent parser of what :mod:`rs_stac_ext.stations.query` emits (and what CSC
stations accept): ``eq ne gt ge lt le`` (and the ``lte``/``gte`` spellings the previous server
sent), ``in (...)``, ``and``, ``or``, ``not``, parentheses, ``contains``/``startswith``/
``endswith``, lambda ``any``/``all`` over a collection (``Attributes/.../any(att: ...)``) and
``OData.CSC.Intersects(area=geography'SRID=4326;...')``. It compiles a filter into a Python
predicate over one JSON record.

Leniencies, on purpose (the simulator answers what our queries ask, not a conformance suite):

* type casts in paths (``OData.CSC.StringAttribute``) are ignored, so a string-typed lambda
  matches attributes of every type, as upstream queries expect;
* values are compared by meaning: instants as instants, numbers (and numeric strings) as
  numbers, ``True``/``true`` as booleans, everything else as text;
* ``Intersects`` compares bounding boxes, not exact geometries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

__all__ = ["ODataSyntaxError", "Predicate", "compile_filter", "sort_records"]

Predicate = Callable[[Mapping[str, Any]], bool]
_Scope = dict[str, Any]
_Value = Callable[[_Scope], Any]


class ODataSyntaxError(ValueError):
    """A ``$filter`` or ``$orderby`` outside the subset."""


_TOKENS = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<geography>geography'[^']*')
  | (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<punct>[(),/:=])
    """,
    re.VERBOSE,
)
_COMPARATORS = {
    "eq": "eq",
    "ne": "ne",
    "gt": "gt",
    "ge": "ge",
    "gte": "ge",
    "lt": "lt",
    "le": "le",
    "lte": "le",
}
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKENS.match(text, position)
        if match is None:
            raise ODataSyntaxError(f"unexpected {text[position : position + 20]!r} at {position}")
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append((kind, match.group()))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.at = 0
        self.variables: list[str] = []

    # -- token helpers

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "name" and token[1].lower() in words

    def punct(self, char: str) -> bool:
        token = self.peek()
        return token is not None and token == ("punct", char)

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ODataSyntaxError(f"unexpected end of {self.text!r}")
        self.at += 1
        return token

    def expect(self, char: str) -> None:
        token = self.take()
        if token != ("punct", char):
            raise ODataSyntaxError(f"expected {char!r}, got {token[1]!r} in {self.text!r}")

    # -- grammar

    def parse(self) -> Predicate:
        predicate = self.disjunction()
        if self.peek() is not None:
            raise ODataSyntaxError(f"unexpected {self.peek()[1]!r} in {self.text!r}")  # type: ignore[index]
        return lambda record: bool(predicate({"$it": record}))

    def disjunction(self) -> _Value:
        terms = [self.conjunction()]
        while self.word("or"):
            self.take()
            terms.append(self.conjunction())
        if len(terms) == 1:
            return terms[0]
        return lambda scope: any(term(scope) for term in terms)

    def conjunction(self) -> _Value:
        terms = [self.negation()]
        while self.word("and"):
            self.take()
            terms.append(self.negation())
        if len(terms) == 1:
            return terms[0]
        return lambda scope: all(term(scope) for term in terms)

    def negation(self) -> _Value:
        if self.word("not"):
            self.take()
            inner = self.negation()
            return lambda scope: not inner(scope)
        return self.comparison()

    def comparison(self) -> _Value:
        if self.punct("("):
            self.take()
            inner = self.disjunction()
            self.expect(")")
            return inner
        left = self.operand()
        if self.peek() is not None and self.peek()[0] == "name":  # type: ignore[index]
            op = self.peek()[1].lower()  # type: ignore[index]
            if op in _COMPARATORS:
                self.take()
                right = self.operand()
                return _comparison(left, _COMPARATORS[op], right)
            if op == "in":
                self.take()
                self.expect("(")
                options = [self.operand()]
                while self.punct(","):
                    self.take()
                    options.append(self.operand())
                self.expect(")")
                return lambda scope: any(_compare(left(scope), "eq", o(scope)) for o in options)
        return left

    def operand(self) -> _Value:
        kind, text = self.take()
        if kind == "string":
            value = text[1:-1].replace("''", "'")
            return lambda scope: value
        if kind in ("datetime", "guid"):
            return lambda scope: text
        if kind == "number":
            number = float(text) if any(c in text for c in ".eE") else int(text)
            return lambda scope: number
        if kind == "name":
            lowered = text.lower()
            if lowered in ("true", "false") and not self.punct("/"):
                flag = lowered == "true"
                return lambda scope: flag
            if lowered == "null":
                return lambda scope: None
            if self.punct("("):
                return self.function(text)
            return self.path(text)
        raise ODataSyntaxError(f"unexpected {text!r} in {self.text!r}")

    def function(self, name: str) -> _Value:
        self.expect("(")
        lowered = name.lower()
        if lowered == "odata.csc.intersects":
            area = self.take()
            if area != ("name", "area"):
                raise ODataSyntaxError("OData.CSC.Intersects takes area=geography'...'")
            self.expect("=")
            kind, literal = self.take()
            if kind != "geography":
                raise ODataSyntaxError("OData.CSC.Intersects takes area=geography'...'")
            self.expect(")")
            box = _wkt_box(literal[len("geography'") : -1])
            return lambda scope: _intersects(scope["$it"], box)
        args = [self.operand()]
        while self.punct(","):
            self.take()
            args.append(self.operand())
        self.expect(")")
        tests: dict[str, Callable[[str, str], bool]] = {
            "contains": lambda a, b: b in a,
            "startswith": lambda a, b: a.startswith(b),
            "endswith": lambda a, b: a.endswith(b),
        }
        test = tests.get(lowered)
        if test is None or len(args) != 2:
            raise ODataSyntaxError(f"unsupported function {name}()")
        first, second = args

        def call(scope: _Scope) -> bool:
            a, b = first(scope), second(scope)
            return a is not None and b is not None and test(str(a), str(b))

        return call

    def path(self, first: str) -> _Value:
        segments = [first]
        while self.punct("/"):
            self.take()
            kind, name = self.take()
            if kind != "name":
                raise ODataSyntaxError(f"bad path segment {name!r} in {self.text!r}")
            if name.lower() in ("any", "all") and self.punct("("):
                return self.lambda_(segments, name.lower())
            segments.append(name)
        return _path_getter(segments, tuple(self.variables))

    def lambda_(self, segments: list[str], kind: str) -> _Value:
        collection = _path_getter(segments, tuple(self.variables))
        self.expect("(")
        kind_name, variable = self.take()
        if kind_name != "name":
            raise ODataSyntaxError(f"bad lambda variable {variable!r}")
        self.expect(":")
        self.variables.append(variable)
        body = self.disjunction()
        self.variables.pop()
        self.expect(")")
        quantifier = any if kind == "any" else all

        def apply(scope: _Scope) -> bool:
            items = collection(scope)
            if not isinstance(items, list):
                return False
            return quantifier(bool(body({**scope, variable: item})) for item in items)

        return apply


def _path_getter(segments: Sequence[str], variables: tuple[str, ...]) -> _Value:
    start = segments[0] if segments[0] in variables else None
    steps = [s for s in (segments[1:] if start else segments) if not s.startswith("OData.")]

    def get(scope: _Scope) -> Any:
        value: Any = scope[start] if start else scope["$it"]
        for step in steps:
            value = _member(value, step)
            if value is None:
                return None
        return value

    return get


def _member(value: Any, name: str) -> Any:
    if not isinstance(value, Mapping):
        return None
    if name in value:
        return value[name]
    # Mock stations spell some keys differently (SessionID); match them regardless of case.
    lowered = name.lower()
    return next((v for k, v in value.items() if str(k).lower() == lowered), None)


def _comparison(left: _Value, op: str, right: _Value) -> _Value:
    return lambda scope: _compare(left(scope), op, right(scope))


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _RFC3339.match(value):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, bool) or isinstance(b, bool):
        return _flag(a), _flag(b)
    moments = _instant(a), _instant(b)
    if None not in moments:
        return moments
    numbers = _number(a), _number(b)
    if None not in numbers and (isinstance(a, int | float) or isinstance(b, int | float)):
        return numbers
    return str(a), str(b)


def _flag(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _compare(a: Any, op: str, b: Any) -> bool:
    if a is None or b is None:
        return (a is b) if op == "eq" else (a is not b) if op == "ne" else False
    x, y = _comparable(a, b)
    if op == "eq":
        return bool(x == y)
    if op == "ne":
        return bool(x != y)
    try:
        if op == "gt":
            return bool(x > y)
        if op == "ge":
            return bool(x >= y)
        if op == "lt":
            return bool(x < y)
        return bool(x <= y)
    except TypeError:
        return False


_Box = tuple[float, float, float, float]


def _wkt_box(text: str) -> _Box:
    wkt = text.split(";", 1)[-1]
    numbers = [float(n) for n in re.findall(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", wkt)]
    if len(numbers) < 2 or len(numbers) % 2:
        raise ODataSyntaxError(f"cannot read the geometry {text!r}")
    xs, ys = numbers[::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _intersects(record: Mapping[str, Any], box: _Box) -> bool:
    footprint = record.get("GeoFootprint")
    if not isinstance(footprint, Mapping):
        return False
    points: list[tuple[float, float]] = []

    def walk(node: Any) -> None:
        if (
            isinstance(node, list | tuple)
            and len(node) >= 2
            and all(isinstance(c, int | float) for c in node[:2])
        ):
            points.append((float(node[0]), float(node[1])))
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)

    walk(footprint.get("coordinates"))
    if not points:
        return False
    west, south = min(p[0] for p in points), min(p[1] for p in points)
    east, north = max(p[0] for p in points), max(p[1] for p in points)
    return not (east < box[0] or box[2] < west or north < box[1] or box[3] < south)


def compile_filter(text: str) -> Predicate:
    """Compile a ``$filter`` into a predicate over one record.

    Raises:
        ODataSyntaxError: The filter is outside the subset.
    """
    return _Parser(text).parse()


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (3, 0)
    if isinstance(value, bool):
        return (0, float(value))
    moment = _instant(value)
    if moment is not None:
        return (0, moment.timestamp())
    number = _number(value)
    if number is not None:
        return (0, number)
    return (1, str(value))


def sort_records(records: list[dict[str, Any]], orderby: str) -> list[dict[str, Any]]:
    """Sort records by an ``$orderby`` (``PublicationDate desc, Name``).

    Raises:
        ODataSyntaxError: A clause is not ``path [asc|desc]``.
    """
    ordered = list(records)
    clauses = [c.strip() for c in orderby.split(",") if c.strip()]
    for clause in reversed(clauses):
        shape = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_./]*)(?:\s+(asc|desc))?", clause, re.I)
        if shape is None:
            raise ODataSyntaxError(f"cannot sort by {clause!r}")
        getter = _path_getter(shape.group(1).split("/"), ())
        descending = (shape.group(2) or "asc").lower() == "desc"
        present = [r for r in ordered if getter({"$it": r}) is not None]
        absent = [r for r in ordered if getter({"$it": r}) is None]
        present.sort(key=lambda r: _sort_key(getter({"$it": r})), reverse=descending)
        ordered = present + absent
    return ordered
