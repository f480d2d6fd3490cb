"""Exceptions raised by rs-stac-ext.

The hierarchy::

    RsStacExtError
    ├── UnknownIdentifierError   (also a LookupError)
    └── SchemaUnavailableError   (also a LookupError; in rs_stac_ext.resolver)
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
