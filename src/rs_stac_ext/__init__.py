"""rs-stac-ext: the Reference System's STAC extensions for Copernicus ground-segment data.

The public API is re-exported here by explicit name; modules whose name starts with ``_`` are
private. Sub-modules with a public API of their own: :mod:`rs_stac_ext.schemas` (the schema
store), :mod:`rs_stac_ext.problems`, :mod:`rs_stac_ext.migrate`, :mod:`rs_stac_ext.models`,
:mod:`rs_stac_ext.download`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rs_stac_ext._catalog import DocumentKind, ExtensionName, ExtensionVersion
from rs_stac_ext._version import __version__
from rs_stac_ext.auxip import AuxipExtension
from rs_stac_ext.cadip import CadipExtension
from rs_stac_ext.download import DownloadConformance
from rs_stac_ext.errors import RsStacExtError, UnknownIdentifierError
from rs_stac_ext.migrate import Change, MigrationWarning, Upgrade, upgrade
from rs_stac_ext.ownership import OwnershipExtension
from rs_stac_ext.problems import Problem, check
from rs_stac_ext.schemas import FormatMode

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from rs_stac_ext.validation import DocumentReport, ValidationOptions


def validate(
    inputs: Iterable[Any], options: ValidationOptions | None = None, *, jobs: int = 1
) -> Iterator[DocumentReport]:
    """Validate documents and yield one report each, in input order.

    The same as :func:`rs_stac_ext.validation.validate` (see there for every option); the
    validator's modules are imported on first use, so importing ``rs_stac_ext`` stays light.

    Args:
        inputs: Paths, folders, ``-``, http(s) URLs or parsed documents, in any mix.
        options: How to validate (core schema, rules, format checks, schema sources...).
        jobs: Worker processes.

    Returns:
        The reports, one per document.
    """
    from rs_stac_ext.validation import validate as _validate

    return _validate(inputs, options, jobs=jobs)


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

# Reprs, tracebacks and docs show ``rs_stac_ext.X``, not the private module path.
for _name in __all__:
    if _name != "__version__":
        globals()[_name].__module__ = "rs_stac_ext"
del _name
