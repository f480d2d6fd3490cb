"""rs-stac-ext: the Reference System's STAC extensions for Copernicus ground-segment data.

The public API is re-exported here by explicit name; modules whose name starts with ``_`` are
private. Sub-modules with a public API of their own: :mod:`rs_stac_ext.schemas` (the schema
store), :mod:`rs_stac_ext.problems`, :mod:`rs_stac_ext.migrate`, :mod:`rs_stac_ext.validation`,
:mod:`rs_stac_ext.models`, :mod:`rs_stac_ext.download` (see the architecture page for the
sub-packages behind them).

The names are loaded on first use (PEP 562), so ``import rs_stac_ext`` and the ``rs-stac``
command start without pystac or jsonschema until a name that needs them is touched.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from distributed import Client

    from rs_stac_ext.download import DownloadConformance
    from rs_stac_ext.errors import RsStacExtError, UnknownIdentifierError
    from rs_stac_ext.pystac_ext.auxip import AuxipExtension
    from rs_stac_ext.pystac_ext.cadip import CadipExtension
    from rs_stac_ext.pystac_ext.migrate import Change, MigrationWarning, Upgrade, upgrade
    from rs_stac_ext.pystac_ext.ownership import OwnershipExtension
    from rs_stac_ext.schemas import FormatMode
    from rs_stac_ext.schemas._catalog import DocumentKind, ExtensionName, ExtensionVersion
    from rs_stac_ext.validator.problems import Problem, check
    from rs_stac_ext.validator.validation import DocumentReport, ValidationOptions


def validate(
    inputs: Iterable[Any],
    options: ValidationOptions | None = None,
    *,
    jobs: int = 1,
    cluster: str | Client | None = None,
    collections: Sequence[str] | None = None,
    datetime: str | None = None,
) -> Iterator[DocumentReport]:
    """Validate documents and yield one report each, in input order.

    The same as :func:`rs_stac_ext.validator.validation.validate` (see there for every option),
    or, with ``cluster``, :func:`rs_stac_ext.validator.cluster.validate_on_cluster`; the
    validator's modules are imported on first use, so importing ``rs_stac_ext`` stays light.

    Args:
        inputs: Paths, folders, ``-``, http(s) URLs, pgstac databases (``postgresql://...``;
            credentials from the environment) or parsed documents, in any mix (one path or
            URL alone may be given as a string); with ``cluster``, also remote NDJSON
            (``https://...ndjson``, ``s3://...ndjson``).
        options: How to validate (core schema, rules, format checks, schema sources...).
        jobs: Worker processes (ignored with ``cluster``).
        cluster: Validate on a Dask cluster: ``tcp://host:port``, ``local``, ``local:N`` or a
            ``distributed.Client`` (needs ``rs-stac-ext[dask]``).
        collections: For a pgstac database: only these Collections (sets
            ``options.reader.collections``).
        datetime: For a pgstac database: only Items whose time meets this RFC 3339 instant or
            interval (``A/B``, ``..`` for an open end; sets ``options.reader.datetime``).

    Returns:
        The reports, one per document.
    """
    if isinstance(inputs, str):
        inputs = [inputs]
    if collections is not None or datetime is not None:
        options = _with_filters(options, collections, datetime)
    if cluster is not None:
        from rs_stac_ext.validator.cluster import validate_on_cluster

        return (
            report
            for reports in validate_on_cluster(inputs, list, options, cluster=cluster)
            for report in reports
        )
    from rs_stac_ext.validator.validation import validate as _validate

    return _validate(inputs, options, jobs=jobs)


def _with_filters(
    options: ValidationOptions | None, collections: Sequence[str] | None, datetime: str | None
) -> ValidationOptions:
    import dataclasses

    from rs_stac_ext.validator.validation import ValidationOptions

    settings = options or ValidationOptions()
    reader = settings.reader
    if collections is not None:
        reader = dataclasses.replace(reader, collections=tuple(collections))
    if datetime is not None:
        reader = dataclasses.replace(reader, datetime=datetime)
    return dataclasses.replace(settings, reader=reader)


__all__ = [
    "AuxipExtension",
    "CadipExtension",
    "Change",
    "DocumentKind",
    "DownloadConformance",
    "ExtensionName",
    "ExtensionVersion",
    "FormatMode",
    "MigrationWarning",
    "OwnershipExtension",
    "Problem",
    "RsStacExtError",
    "UnknownIdentifierError",
    "Upgrade",
    "__version__",
    "check",
    "upgrade",
    "validate",
]

# Where each lazily loaded public name is defined.
_LAZY: dict[str, str] = {
    "AuxipExtension": "rs_stac_ext.pystac_ext.auxip",
    "CadipExtension": "rs_stac_ext.pystac_ext.cadip",
    "Change": "rs_stac_ext.pystac_ext.migrate",
    "DocumentKind": "rs_stac_ext.schemas._catalog",
    "DownloadConformance": "rs_stac_ext.download",
    "ExtensionName": "rs_stac_ext.schemas._catalog",
    "ExtensionVersion": "rs_stac_ext.schemas._catalog",
    "FormatMode": "rs_stac_ext.schemas",
    "MigrationWarning": "rs_stac_ext.pystac_ext.migrate",
    "OwnershipExtension": "rs_stac_ext.pystac_ext.ownership",
    "Problem": "rs_stac_ext.validator.problems",
    "RsStacExtError": "rs_stac_ext.errors",
    "UnknownIdentifierError": "rs_stac_ext.errors",
    "Upgrade": "rs_stac_ext.pystac_ext.migrate",
    "check": "rs_stac_ext.validator.problems",
    "upgrade": "rs_stac_ext.pystac_ext.migrate",
}


def __getattr__(name: str) -> Any:
    """Load a public name on first access (PEP 562) and keep it in the module namespace."""
    try:
        module_name = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name), name)
    # Reprs, tracebacks and docs show ``rs_stac_ext.X``, not the private module path.
    value.__module__ = __name__
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the module's names, the ones not loaded yet included."""
    return sorted(set(globals()) | set(__all__))
