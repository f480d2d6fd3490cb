"""The schema store: every packaged schema and OpenAPI document, by identifier.

Everything here works offline. Nothing is ever fetched: the registry handed to validators
refuses any reference that is not packaged.

Lookup is lenient, verdicts are not. :func:`find_version` accepts an identifier with or without
its trailing ``#`` and the other-host alias of every version, but the schema it returns still
checks the declaration exactly as it was published: a document that declares the alias spelling
is invalid under that schema, as it always was.

Format policy (see :class:`FormatMode`): by default validators assert ``date-time`` (a draft-07
format; needs ``rfc3339-validator``) and ignore ``uuid`` (not a draft-07 format), which is what
python-jsonschema's ``Draft7Validator.FORMAT_CHECKER`` does. Since v2.0.0 our schemas back every
format with a pattern, so their verdicts depend on the mode only for a well-formed date-time that
names an impossible calendar day or time (``2025-02-30T00:00:00Z``), which only a format checker
rejects.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from rs_stac_ext.errors import UnknownIdentifierError
from rs_stac_ext.schemas._catalog import VERSIONS, DocumentKind, ExtensionName, ExtensionVersion
from rs_stac_ext.schemas._resources import extensions_root

# jsonschema and referencing are imported where they are used: the schema lookups alone (and
# so the ``rs-stac`` start-up) do not pay for them.
if TYPE_CHECKING:
    import jsonschema
    import referencing
    from jsonschema.protocols import Validator

__all__ = [
    "DocumentKind",
    "ExtensionName",
    "ExtensionVersion",
    "FormatMode",
    "asserted_formats",
    "declared_versions",
    "find_version",
    "format_checker",
    "get_openapi",
    "get_schema",
    "identifiers",
    "is_known",
    "newest",
    "read_bytes",
    "registry",
    "validator_for",
    "versions",
]


class FormatMode(StrEnum):
    """How a validator treats the ``format`` keyword.

    Attributes:
        DRAFT7: The reference mode. Draft-07 formats are asserted (``date-time`` as full RFC 3339),
            formats draft-07 does not define (``uuid``) are ignored.
        ALL: Every format python-jsonschema knows is asserted, ``uuid`` included (closer to
            ajv-formats, which the upstream examples were checked with).
        NONE: ``format`` is an annotation only, as draft-07 allows.
    """

    DRAFT7 = "draft7"
    ALL = "all"
    NONE = "none"


def _normalise(identifier: str) -> str:
    return identifier.strip().removesuffix("#")


@cache
def _index() -> dict[str, ExtensionVersion]:
    index: dict[str, ExtensionVersion] = {}
    for entry in VERSIONS:
        for spelling in (entry.identifier, *entry.aliases):
            index[spelling] = entry
    return index


def versions(
    extension: ExtensionName | str | None = None, *, kind: DocumentKind | None = None
) -> tuple[ExtensionVersion, ...]:
    """List published versions, oldest first within each extension.

    Args:
        extension: Only this extension's versions (``"cadip"`` or ``ExtensionName.CADIP``).
        kind: Only versions publishing this kind of document.

    Returns:
        The matching versions.
    """
    wanted = ExtensionName(extension) if extension is not None else None
    selected = [
        entry
        for entry in VERSIONS
        if (wanted is None or entry.extension is wanted) and (kind is None or entry.kind is kind)
    ]
    return tuple(sorted(selected, key=lambda e: (e.extension.value, e.version_tuple)))


def identifiers(
    extension: ExtensionName | str | None = None, *, kind: DocumentKind | None = None
) -> list[str]:
    """List canonical identifiers (no aliases), oldest first within each extension.

    Args:
        extension: Only this extension's identifiers.
        kind: Only identifiers of this kind of document.

    Returns:
        The identifiers, without trailing ``#``.
    """
    return [entry.identifier for entry in versions(extension, kind=kind)]


def find_version(identifier: str) -> ExtensionVersion:
    """Find the version an identifier names.

    Args:
        identifier: A canonical identifier or an alias, with or without trailing ``#``.

    Returns:
        The version entry (its ``identifier`` attribute is always the canonical spelling).

    Raises:
        UnknownIdentifierError: No packaged version answers to this identifier.
    """
    try:
        return _index()[_normalise(identifier)]
    except KeyError:
        raise UnknownIdentifierError(identifier) from None


def is_known(identifier: str) -> bool:
    """Tell whether :func:`find_version` would find this identifier."""
    return _normalise(identifier) in _index()


def newest(extension: ExtensionName | str) -> ExtensionVersion:
    """Return the newest version of an extension.

    Args:
        extension: The extension, e.g. ``"cadip"``.

    Returns:
        The version with the highest version number.
    """
    return max(versions(extension), key=lambda e: e.version_tuple)


def read_bytes(identifier: str) -> bytes:
    """Return the packaged file of a version, byte for byte as published.

    Args:
        identifier: Any spelling :func:`find_version` accepts.

    Returns:
        The file's bytes.
    """
    entry = find_version(identifier)
    return (extensions_root() / entry.resource_path).read_bytes()


@cache
def _parsed_schema(canonical: str) -> Mapping[str, Any]:
    entry = find_version(canonical)
    if entry.kind is not DocumentKind.JSON_SCHEMA:
        raise UnknownIdentifierError(canonical)
    parsed: dict[str, Any] = json.loads(read_bytes(canonical))
    return parsed


def get_schema(identifier: str) -> dict[str, Any]:
    """Return a packaged JSON Schema as a new dict (safe to modify).

    Args:
        identifier: Any spelling :func:`find_version` accepts.

    Returns:
        The schema document.

    Raises:
        UnknownIdentifierError: Unknown identifier, or it names an OpenAPI document.
    """
    canonical = find_version(identifier).identifier
    return copy.deepcopy(dict(_parsed_schema(canonical)))


def get_openapi(identifier: str) -> dict[str, Any]:
    """Return a packaged OpenAPI document (the download API extension) as a dict.

    Args:
        identifier: The document's identifier.

    Returns:
        The parsed OpenAPI document.

    Raises:
        UnknownIdentifierError: Unknown identifier, or it names a JSON Schema.
    """
    import yaml

    entry = find_version(identifier)
    if entry.kind is not DocumentKind.OPENAPI:
        raise UnknownIdentifierError(identifier)
    loaded: dict[str, Any] = yaml.safe_load(read_bytes(identifier))
    return loaded


def _refuse(uri: str) -> referencing.Resource[Any]:
    import referencing.exceptions

    # referencing's attrs classes are not understood by mypy's attrs support.
    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


@cache
def registry() -> referencing.Registry[Any]:
    """Return a registry holding every packaged schema under every spelling of its identifier.

    The registry never fetches: an unknown reference raises ``NoSuchResource``.

    Returns:
        An immutable ``referencing.Registry``.
    """
    import referencing
    from referencing.jsonschema import DRAFT7

    resources: list[tuple[str, referencing.Resource[Any]]] = []
    for entry in versions(kind=DocumentKind.JSON_SCHEMA):
        resource = DRAFT7.create_resource(dict(_parsed_schema(entry.identifier)))
        for spelling in (entry.identifier, *entry.aliases):
            resources.append((spelling, resource))
    empty: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse)  # type: ignore[call-arg]
    return empty.with_resources(resources).crawl()


# The formats each mode asserts, fixed here so that verdicts never depend on which optional
# packages happen to be installed (python-jsonschema asserts `iri` only when rfc3987 is
# importable, for instance). Everything else is an annotation, as draft-07 allows.
# The formats python-jsonschema's Draft7Validator.FORMAT_CHECKER asserts when installed with
# our declared dependencies (jsonschema[format-nongpl]); a test compares this with the installed
# checker, so the list cannot drift from the reference.
DRAFT7_ASSERTED_FORMATS = frozenset(
    {
        "date",
        "date-time",
        "email",
        "hostname",
        "idn-email",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "iri",
        "iri-reference",
        "json-pointer",
        "regex",
        "relative-json-pointer",
        "time",
        "uri",
        "uri-reference",
        "uri-template",
    }
)
# Formats python-jsonschema knows but draft-07 does not define; FormatMode.ALL asserts them too.
EXTRA_ASSERTED_FORMATS = frozenset({"color", "duration", "uuid"})
ALL_ASSERTED_FORMATS = DRAFT7_ASSERTED_FORMATS | EXTRA_ASSERTED_FORMATS


def asserted_formats(mode: FormatMode | str) -> frozenset[str]:
    """Return the format names a mode asserts (the same for both engines).

    Args:
        mode: The format mode.

    Returns:
        The asserted format names; every other ``format`` is an annotation.
    """
    mode = FormatMode(mode)
    if mode is FormatMode.NONE:
        return frozenset()
    return ALL_ASSERTED_FORMATS if mode is FormatMode.ALL else DRAFT7_ASSERTED_FORMATS


@cache
def format_checker(mode: FormatMode | str) -> jsonschema.FormatChecker | None:
    """Return the format checker of a format mode (``None`` for :attr:`FormatMode.NONE`).

    ``DRAFT7`` is python-jsonschema's ``Draft7Validator.FORMAT_CHECKER`` as installed with our
    dependencies: every format of :data:`DRAFT7_ASSERTED_FORMATS` (``date-time`` as full
    RFC 3339, ``uri``, ``iri``, ``json-pointer``, ...). ``iri`` and ``iri-reference`` are
    decided by :mod:`rs_stac_ext.validator._iri`, which gives rfc3987-syntax's verdicts (the
    package python-jsonschema asks) in linear time, without lark. ``ALL`` adds the formats
    draft-07 does not define (:data:`EXTRA_ASSERTED_FORMATS`: ``uuid``, ``duration``,
    ``color``). Other formats are never asserted.

    Args:
        mode: The format mode.

    Returns:
        A python-jsonschema format checker, or ``None``.

    Raises:
        RuntimeError: python-jsonschema is installed without the checkers of some format
            (a dependency of ``jsonschema[format-nongpl]`` is missing).
    """
    mode = FormatMode(mode)
    if mode is FormatMode.NONE:
        return None
    from rs_stac_ext.schemas._python_jsonschema import load_python_jsonschema
    from rs_stac_ext.validator._iri import OWN_CHECKS

    load_python_jsonschema()
    import jsonschema

    draft7 = jsonschema.Draft7Validator.FORMAT_CHECKER
    generic = jsonschema.FormatChecker()
    wanted = asserted_formats(mode)
    missing = (DRAFT7_ASSERTED_FORMATS - set(OWN_CHECKS) - set(draft7.checkers)) | (
        (wanted - DRAFT7_ASSERTED_FORMATS) - set(generic.checkers)
    )
    if missing:
        raise RuntimeError(
            f"python-jsonschema cannot check the formats {sorted(missing)}; install "
            "rs-stac-ext with its dependencies (jsonschema[format-nongpl])"
        )
    from rs_stac_ext.validator._format_subsets import FAST_SUBSETS

    checker = jsonschema.FormatChecker(formats=())
    checker.checkers = {}
    for name in wanted:
        if name in OWN_CHECKS:
            checker.checkers[name] = (OWN_CHECKS[name], ())
            continue
        function, raises = (draft7 if name in DRAFT7_ASSERTED_FORMATS else generic).checkers[name]
        if name in FAST_SUBSETS:
            # python-jsonschema's own checks take microseconds to milliseconds a string: strings
            # of the fast subset, which it accepts (tests/test_format_subsets.py), pass at once.
            function = _accepting(FAST_SUBSETS[name], function)
        checker.checkers[name] = (function, raises)
    return checker


def _accepting(pattern: str, check: Callable[[object], bool]) -> Callable[[object], bool]:
    """Return ``check`` answering ``True`` at once for strings that match ``pattern`` whole."""
    subset = re.compile("(?:" + pattern.removeprefix("^").removesuffix("$") + ")")

    def accept_or_check(instance: object) -> bool:
        if isinstance(instance, str) and subset.fullmatch(instance):
            return True
        return check(instance)

    return accept_or_check


@cache
def _validator(canonical: str, mode: FormatMode) -> Validator:
    from rs_stac_ext.schemas._python_jsonschema import load_python_jsonschema

    load_python_jsonschema()
    import jsonschema

    from rs_stac_ext.validator._pattern_keywords import bounded_patterns

    schema = _parsed_schema(canonical)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    # Pattern keywords matched in bounded time, with Python's meaning (as the validator does).
    validator: Validator = bounded_patterns(cls)(
        schema, registry=registry(), format_checker=format_checker(mode)
    )
    return validator


def validator_for(identifier: str, *, formats: FormatMode | str = FormatMode.DRAFT7) -> Validator:
    """Return a ready, shared validator for a packaged schema.

    Validators are built once per identifier and format mode and reused.

    Args:
        identifier: Any spelling :func:`find_version` accepts.
        formats: The format policy (see :class:`FormatMode`).

    Returns:
        A python-jsonschema validator.
    """
    return _validator(find_version(identifier).identifier, FormatMode(formats))


def declared_versions(stac_extensions: Iterable[object]) -> list[ExtensionVersion]:
    """Return the packaged versions a ``stac_extensions`` list names, in list order.

    Aliases are recognised; unknown and non-string entries are skipped.

    Args:
        stac_extensions: The document's ``stac_extensions`` value.

    Returns:
        One entry per recognised identifier, without duplicates.
    """
    found: list[ExtensionVersion] = []
    for item in stac_extensions:
        if isinstance(item, str) and is_known(item):
            entry = find_version(item)
            if entry not in found:
                found.append(entry)
    return found
