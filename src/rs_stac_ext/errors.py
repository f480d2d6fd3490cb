"""Exceptions raised by rs-stac-ext.

The hierarchy (each class lives in the module named beside it)::

    RsStacExtError
    ├── UnknownIdentifierError   (also a LookupError)
    ├── SchemaUnavailableError   (also a LookupError; rs_stac_ext.schemas.resolver)
    ├── HttpRefusedError         (a URL not allowed or a failed download; schemas._http)
    ├── MappingError             (also a ValueError; rs_stac_ext.stations.mapping)
    ├── RegistryError            (also a ValueError; rs_stac_ext.stations.registry)
    ├── UnknownStation           (also a LookupError; rs_stac_ext.stations.registry)
    ├── SecretUnavailable        (also a LookupError; rs_stac_ext.stations.registry)
    ├── StationApiError          (rs_stac_ext.stations.query and .client)
    │   ├── InvalidQuery ── UnsupportedQuery
    │   └── StationUnavailable ── StationRequestError ── StationAuthError
    ├── ConfigError              (rs_stac_ext.server.config)
    └── CatalogError             (rs_stac_ext.server.catalog)
"""

from __future__ import annotations


class RsStacExtError(Exception):
    """Base class of every error this package raises on purpose."""


class UnknownIdentifierError(RsStacExtError, LookupError):
    """An identifier that no packaged schema or OpenAPI document answers to."""

    def __init__(self, identifier: str, known: list[str] | None = None) -> None:
        self.identifier = identifier
        hint = ""
        if known:
            hint = " Known identifiers: " + ", ".join(known)
        super().__init__(f"no packaged schema has the identifier {identifier!r}.{hint}")

    def __str__(self) -> str:
        return str(self.args[0])
