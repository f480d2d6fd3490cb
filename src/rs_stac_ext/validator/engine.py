r"""Compile schemas once and check documents fast, with python-jsonschema as the reference.

python-jsonschema gives the reference verdicts and the detailed problems. jsonschema-rs (when
installed) answers the yes/no question about twenty to a hundred times faster, so the engine
asks it first and only runs python-jsonschema on documents it rejects.

jsonschema-rs is used for a schema only where it gives the reference verdicts:

* ``format`` is asserted for the same names in every :class:`FormatMode`: strings matching a
  fast subset pattern (:mod:`rs_stac_ext.validator._format_subsets`) pass in native code, every
  other one is decided by the checks of :mod:`rs_stac_ext.validator._formats`, which give
  python-jsonschema's verdicts (tested);
* every ``pattern`` and ``patternProperties`` key is written out for the linear-time ``regex``
  crate with the meaning Python gives it (:mod:`rs_stac_ext.validator._linear_regex`: ``\d``,
  ``\w``, ``\s`` as Python's character sets, ``$`` as Python's end); a ``pattern`` that cannot
  be written so is handed to jsonschema-rs as a custom format checked by Python's ``re`` under
  a time limit (:mod:`rs_stac_ext.validator._bounded_regex`), and a ``patternProperties`` key
  that cannot leaves the schema to python-jsonschema alone. python-jsonschema itself matches
  its pattern keywords the same way (:mod:`rs_stac_ext.validator._pattern_keywords`), so no
  schema pattern runs Python's backtracking ``re`` without a time limit.

Valid or invalid is asked of the schemas rewritten by
:mod:`rs_stac_ext.validator._verdict_schema` into an equivalent form that is faster to check;
errors are looked for with the published form, so they point into the published schemas.

The tests check these claims by comparing both engines on generated documents.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from rs_stac_ext.schemas import FormatMode, asserted_formats, format_checker
from rs_stac_ext.schemas.resolver import schema_references
from rs_stac_ext.validator._bounded_regex import bounded_search
from rs_stac_ext.validator._format_subsets import FAST_SUBSETS
from rs_stac_ext.validator._formats import FORMAT_CHECKS
from rs_stac_ext.validator._linear_regex import for_jsonschema_rs
from rs_stac_ext.validator._rs_errors import PYTHON_PATTERN_FORMAT
from rs_stac_ext.validator._verdict_lifts import lift
from rs_stac_ext.validator._verdict_schema import for_verdicts
from rs_stac_ext.validator.problems import Problem

if TYPE_CHECKING:
    import referencing
    from jsonschema.protocols import Validator

jsonschema_rs: Any
try:  # jsonschema-rs is optional: without it everything runs on python-jsonschema.
    import jsonschema_rs
except ImportError:  # pragma: no cover - exercised only where jsonschema-rs is missing
    jsonschema_rs = None

__all__ = ["CompiledSchema", "Engine", "SchemaCompiler", "SchemaSource", "fast_engine_available"]


class Engine(StrEnum):
    """Which JSON Schema engine answers.

    Attributes:
        AUTO: jsonschema-rs where it gives the reference verdicts, python-jsonschema elsewhere.
        PYTHON: python-jsonschema only (the reference).
    """

    AUTO = "auto"
    PYTHON = "python"


class SchemaSource(Protocol):
    """Anything that can hand over a schema's contents by URI (see ``resolver.SchemaResolver``)."""

    def resolve_contents(self, uri: str) -> Mapping[str, Any]:
        """Return the schema stored under ``uri`` or raise ``LookupError``."""
        ...


def fast_engine_available() -> bool:
    """Tell whether jsonschema-rs is installed."""
    return jsonschema_rs is not None


_PYTHON_PATTERN_FORMAT = PYTHON_PATTERN_FORMAT


def _for_fast_engine(
    schema: Any, python_patterns: dict[str, str], asserted: frozenset[str] = frozenset()
) -> Any:
    """Return a copy of a schema whose patterns mean for jsonschema-rs what they mean in Python.

    Args:
        schema: The schema.
        python_patterns: Filled with ``{format name: pattern}`` for every pattern handed over to
            Python as a custom format.
        asserted: Format names the reference engine asserts; every other ``format`` is dropped.

    Raises:
        ValueError: A ``patternProperties`` key that only Python can read correctly.
    """
    if isinstance(schema, list):
        return [_for_fast_engine(item, python_patterns, asserted) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copied: dict[str, Any] = {}
    extra: list[dict[str, Any]] = []
    for key, value in schema.items():
        if key == "pattern" and isinstance(value, str):
            written = for_jsonschema_rs(value)
            if written is not None:
                copied[key] = written
            else:  # only Python reads it with its meaning: a format, under a time limit
                name = f"{_PYTHON_PATTERN_FORMAT}{value}"
                python_patterns[name] = value
                extra.append({"format": name})
        elif key == "patternProperties" and isinstance(value, dict):
            keys = {pattern: for_jsonschema_rs(pattern) for pattern in value}
            for pattern, written in keys.items():
                if written is None:
                    raise ValueError(f"the patternProperties key {pattern!r}")
            copied[key] = {
                str(keys[k]): _for_fast_engine(v, python_patterns, asserted)
                for k, v in value.items()
            }
        elif key == "format" and isinstance(value, str):
            if value in asserted and value in FAST_SUBSETS:
                pattern = FAST_SUBSETS[value]
                extra.append({"anyOf": [{"type": "string", "pattern": pattern}, {key: value}]})
            elif value in asserted:
                copied[key] = value
            # Any other format is an annotation for the reference engine: leave it out.
        else:
            copied[key] = _for_fast_engine(value, python_patterns, asserted)
    if extra:
        copied["allOf"] = [*copied.get("allOf", []), *extra]
    return copied


def _format_names(schema: Any) -> set[str]:
    names: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            value = node.get("format")
            if isinstance(value, str):
                names.add(value)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


@dataclass
class CompiledSchema:
    """A schema (or a set of schemas checked together) ready to check documents.

    Attributes:
        uris: The schemas checked, in order.
        verdict: A jsonschema-rs validator answering only valid or invalid, on schemas rewritten
            to be checked faster (:mod:`rs_stac_ext.validator._verdict_schema`), or ``None``.
        verdict_checks: What was lifted out of the verdict schemas, checked in Python
            (:mod:`rs_stac_ext.validator._verdict_lifts`); a document must pass them too.
        fast_refusal: Why jsonschema-rs is not used, when it is not.
        originals: Every schema reachable from ``uris``, by URI, as published.
    """

    uris: tuple[str, ...]
    build_reference: Callable[[str], Validator] = field(repr=False)
    verdict: Any = None
    fast_refusal: str | None = None
    originals: Mapping[str, Any] = field(default_factory=dict)
    build_fast: Callable[[], Any] | None = field(default=None, repr=False)
    verdict_checks: tuple[Callable[[Any], bool], ...] = ()
    _reference: dict[str, Validator] | None = field(default=None, repr=False)
    _fast: Any = field(default=None, repr=False)

    @property
    def reference(self) -> dict[str, Validator]:
        """One python-jsonschema validator per URI, built when first needed."""
        if self._reference is None:
            self._reference = {uri: self.build_reference(uri) for uri in self.uris}
        return self._reference

    @property
    def fast(self) -> Any:
        """The jsonschema-rs validator of the schemas as published, built when first needed.

        Its errors point into the published schemas, so problems are found with it.
        """
        if self._fast is None and self.build_fast is not None:
            self._fast = self.build_fast()
        return self._fast

    def quick_verdict(self, document: Any) -> bool:
        """Tell whether jsonschema-rs (with the lifted checks) finds the document valid.

        ``False`` also when jsonschema-rs is not used.
        """
        if self.verdict is None or not self.verdict.is_valid(document):
            return False
        return not self.verdict_checks or all(check(document) for check in self.verdict_checks)

    def is_valid(self, document: Any) -> bool:
        """Return the reference verdict (asking jsonschema-rs first when it may answer)."""
        if self.quick_verdict(document):
            return True
        return all(validator.is_valid(document) for validator in self.reference.values())

    def problems(self, document: Any) -> list[Problem]:
        """Return every problem of the document under every schema, worded for people.

        jsonschema-rs finds the errors when it may answer; python-jsonschema is asked when an
        error cannot be mapped back to the original schemas, or when the engines disagree.
        """
        if self.verdict is not None:
            if self.quick_verdict(document):
                return []
            found = self._fast_problems(document)
            if found:
                return found
        from rs_stac_ext.validator.problems import collect

        found = []
        for uri, validator in self.reference.items():
            found.extend(collect(validator, document, uri))
        return found

    def _fast_problems(self, document: Any) -> list[Problem] | None:
        from rs_stac_ext.validator._rs_errors import convert
        from rs_stac_ext.validator.problems import from_errors

        by_schema: dict[int, list[Any]] = {}
        for error in self.fast.iter_errors(document):
            path = list(error.evaluation_path)
            if len(path) < 2 or path[0] != "allOf" or not isinstance(path[1], int):
                return None
            by_schema.setdefault(path[1], []).append(error)
        found: list[Problem] = []
        for index, errors in sorted(by_schema.items()):
            converted = convert(errors, document, self.originals)
            if converted is None:
                return None
            found.extend(from_errors(converted, document, self.uris[index]))
        return found


_DRAFT7 = re.compile(r"https?://json-schema\.org/draft-07/schema#?")


@dataclass
class SchemaCompiler:
    """Builds and caches :class:`CompiledSchema` objects for sets of schema URIs.

    Attributes:
        source: Where schema contents come from.
        formats: The format policy, identical for both engines.
        engine: Whether jsonschema-rs may be used.
    """

    source: SchemaSource
    formats: FormatMode = FormatMode.DRAFT7
    engine: Engine = Engine.AUTO
    _compiled: dict[tuple[str, ...], CompiledSchema] = field(default_factory=dict)
    _reference: dict[str, Validator] = field(default_factory=dict)
    _reachable_cache: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def reachable(self, uri: str) -> dict[str, dict[str, Any]]:
        """Return a schema and every schema reachable from it through ``$ref``, by URI.

        Referenced schemas that cannot be had are left out (the engines report them when a
        document needs them); the schema itself must be had.

        Raises:
            LookupError: The schema itself cannot be had.
        """
        with self._lock:
            if uri not in self._reachable_cache:
                self._reachable_cache[uri] = self._crawl(uri)
            return self._reachable_cache[uri]

    def vet(self, uri: str) -> None:
        """Make sure a schema can be used: had, with every schema it references, well-formed.

        Args:
            uri: The schema URI.

        Raises:
            LookupError: The schema, or a schema it references, cannot be had.
            ValueError: The schema or a schema it references is not a draft-07 schema, or
                its references point at nothing.
        """
        reachable = self.reachable(uri)
        missing = []
        for current, contents in reachable.items():
            for reference in schema_references(contents, current):
                if reference not in reachable:
                    missing.append(reference)
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise LookupError(f"it references {missing[0]}, which could not be had{more}")
        for current, contents in reachable.items():
            if not isinstance(contents, dict | bool):
                raise ValueError(f"{current} is not a JSON Schema (not an object)")
            declared = contents.get("$schema") if isinstance(contents, dict) else None
            if declared is not None and (
                not isinstance(declared, str) or _DRAFT7.fullmatch(declared) is None
            ):
                raise ValueError(
                    f"{current} declares the JSON Schema dialect {declared!r}; "
                    "only draft-07 schemas are checked"
                )
            if jsonschema_rs is not None and not jsonschema_rs.meta.is_valid(contents):
                raise ValueError(f"{current} is not a valid draft-07 schema")
        if jsonschema_rs is not None:
            registry = jsonschema_rs.Registry(list(reachable.items()))
            try:
                jsonschema_rs.Draft7Validator({"$ref": uri}, registry=registry)
            except jsonschema_rs.ValidationError as exc:
                text = str(exc).split("\n", 1)[0]
                if "does not exist" in text or "not present in a registry" in text:
                    raise ValueError(f"a reference cannot be followed: {text}") from None

    def _crawl(self, uri: str) -> dict[str, dict[str, Any]]:
        contents: dict[str, dict[str, Any]] = {}
        pending = [uri]
        while pending:
            current = pending.pop()
            if current in contents:
                continue
            try:
                contents[current] = dict(_resolve_with_metaschemas(self.source, current))
            except LookupError:
                if current == uri:
                    raise
                continue
            pending.extend(schema_references(contents[current], current))
        return contents

    def _registry(self, contents: Mapping[str, Mapping[str, Any]]) -> referencing.Registry[Any]:
        import referencing
        import referencing.exceptions
        from referencing.jsonschema import DRAFT7

        def retrieve(uri: str) -> referencing.Resource[Any]:
            try:
                found = self.source.resolve_contents(uri)
            except LookupError as exc:
                raise referencing.exceptions.NoSuchResource(ref=uri) from exc  # type: ignore[call-arg]
            return DRAFT7.create_resource(dict(found))

        registry: referencing.Registry[Any] = referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]
        # Registered and crawled once: python-jsonschema would otherwise retrieve and crawl
        # every referenced schema again on each document it checks.
        resources = [
            (uri, DRAFT7.create_resource(dict(schema))) for uri, schema in contents.items()
        ]
        return registry.with_resources(resources).crawl()

    def reference_validator(self, uri: str) -> Validator:
        """Return the python-jsonschema validator of one schema.

        Raises:
            LookupError: The schema cannot be had.
        """
        from rs_stac_ext.schemas._python_jsonschema import load_python_jsonschema

        load_python_jsonschema()  # without building rfc3987-syntax's parsers
        import jsonschema

        # Imports python-jsonschema: only here, so that validating does not when jsonschema-rs
        # answers.
        from rs_stac_ext.validator._pattern_keywords import bounded_patterns

        if uri not in self._reference:
            reachable = self.reachable(uri)
            contents = reachable[uri]
            cls = jsonschema.validators.validator_for(contents, default=jsonschema.Draft7Validator)
            # Its pattern keywords matched in bounded time, with Python's meaning.
            validator: Validator = bounded_patterns(cls)(
                contents,
                registry=self._registry(reachable),
                format_checker=format_checker(self.formats),
            )
            self._reference[uri] = validator
        return self._reference[uri]

    def _locked_reference_validator(self, uri: str) -> Validator:
        with self._lock:
            return self.reference_validator(uri)

    def compile(self, uris: Iterable[str]) -> CompiledSchema:
        """Return the compiled form of a set of schemas, built once.

        Args:
            uris: Schema URIs, all of which a document must satisfy.

        Returns:
            The compiled schemas.

        Raises:
            LookupError: One of the schemas cannot be had.
        """
        key = tuple(uris)
        with self._lock:
            if key not in self._compiled:
                originals: dict[str, Any] = {}
                for uri in key:
                    originals.update(self.reachable(uri))
                verdict, build_fast, checks, refusal = self._fast(key)
                self._compiled[key] = CompiledSchema(
                    key,
                    self._locked_reference_validator,
                    verdict=verdict,
                    fast_refusal=refusal,
                    originals=originals,
                    build_fast=build_fast,
                    verdict_checks=checks,
                )
            return self._compiled[key]

    def _fast(self, uris: tuple[str, ...]) -> _FastForms:
        """Prepare jsonschema-rs for a set of schemas.

        Returns:
            The verdict validator, a builder of the faithful one, the checks lifted out of the
            verdict schemas, and why jsonschema-rs is not used when it is not.
        """
        if self.engine is Engine.PYTHON:
            return None, None, (), "the python engine was chosen"
        if jsonschema_rs is None:
            return None, None, (), "jsonschema-rs is not installed"
        if not uris:
            return None, None, (), "no schema"
        # Every schema reachable through $refs, to vet all their patterns and formats.
        contents: dict[str, Any] = {}
        for uri in uris:
            contents.update(self.reachable(uri))
        asserted = asserted_formats(self.formats)
        python_patterns: dict[str, str] = {}
        lifts = {uri: found for uri in contents if (found := lift(uri, contents[uri])) is not None}
        try:
            resources = {
                uri: _for_fast_engine(schema, python_patterns, asserted)
                for uri, schema in contents.items()
            }
            lightened = {
                uri: _for_fast_engine(lifts[uri].schema, python_patterns, asserted)
                if uri in lifts
                else schema
                for uri, schema in resources.items()
            }
        except ValueError as exc:
            return None, None, (), f"{exc} is read differently by the two regex engines"
        names = set().union(*(_format_names(schema) for schema in contents.values()))
        functions: dict[str, Callable[[str], bool]] = {
            name: FORMAT_CHECKS[name] for name in names & asserted
        }
        for name, pattern in python_patterns.items():
            functions[name] = partial(bounded_search, pattern)
        options: dict[str, Any] = {"validate_formats": bool(functions)}
        if functions:
            options["formats"] = functions
        root = {"allOf": [{"$ref": uri} for uri in uris]}

        def build(schemas: Mapping[str, Any]) -> Any:
            registry = jsonschema_rs.Registry(list(schemas.items()))
            return jsonschema_rs.Draft7Validator(root, registry=registry, **options)

        checks = tuple(found.check for found in lifts.values())
        try:
            faithful = None
            verdict = build(for_verdicts(lightened))
        except Exception:  # the rewritten form is refused: fall back to the published one
            checks = ()
            try:
                faithful = verdict = build(resources)
            except Exception as exc:  # any refusal means "use the reference engine"
                return None, None, (), f"jsonschema-rs refused the schema: {exc}"
        return (
            verdict,
            lambda: faithful if faithful is not None else build(resources),
            checks,
            None,
        )


_FastForms = tuple[Any, Callable[[], Any] | None, tuple[Callable[[Any], bool], ...], str | None]


def _resolve_with_metaschemas(source: SchemaSource, uri: str) -> Mapping[str, Any]:
    """Resolve a URI, falling back to the JSON Schema meta-schemas python-jsonschema ships."""
    try:
        return source.resolve_contents(uri)
    except LookupError as unavailable:
        from jsonschema_specifications import REGISTRY  # type: ignore[import-untyped]

        for spelling in (uri.rstrip("#"), uri.rstrip("#") + "#"):
            try:
                contents: Mapping[str, Any] = REGISTRY.contents(spelling)
            except LookupError:
                continue
            return contents
        raise unavailable
