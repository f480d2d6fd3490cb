"""Short names for our published versions, for people typing commands.

``cadip`` is the newest cadip version; ``cadip v1.4.0``, ``cadip@v1.4.0``, ``cadip 1.4.0`` and
``cadip@1.4.0`` name one version; a full identifier (or its other-host alias, with or without
``#``) works as everywhere else. Names are not case-sensitive. Only commands accept short
names: a document's ``stac_extensions`` must still list full identifiers.
"""

from __future__ import annotations

from rs_stac_ext import schemas
from rs_stac_ext.errors import UnknownIdentifierError
from rs_stac_ext.schemas._catalog import ExtensionName, ExtensionVersion

__all__ = ["SHORT_NAME_FORMS", "UnknownSchemaNameError", "find_by_name"]

SHORT_NAME_FORMS = "cadip, cadip v1.4.0, cadip@v1.4.0 or a full identifier"
"""How the short names are written, for help texts and errors."""


class UnknownSchemaNameError(UnknownIdentifierError):
    """A short name that names no published version; the message says what there is."""

    def __init__(self, name: str, message: str) -> None:
        self.identifier = name
        LookupError.__init__(self, message)


def find_by_name(name: str, version: str | None = None) -> ExtensionVersion:
    """Find a published version by short name, or by identifier.

    Args:
        name: An extension name (``cadip``), ``name@version`` (``cadip@v1.4.0``),
            ``name version`` (``cadip v1.4.0``) or an identifier
            :func:`rs_stac_ext.schemas.find_version` accepts.
        version: The version, when given apart from the name (``v1.4.0`` or ``1.4.0``).

    Returns:
        The version entry; the newest version of the extension when no version is given.

    Raises:
        UnknownSchemaNameError: No extension or version answers to the name (the message
            lists what there is).
    """
    if version is None and (schemas.is_known(name) or "/" in name):
        return schemas.find_version(name)
    if version is None and len(name.split()) == 2:  # "cadip v1.4.0" given as one string
        name, version = name.split()
    extension_name, _, attached = name.strip().partition("@")
    if attached and version is not None:
        raise UnknownSchemaNameError(
            name, f"{name!r} already names a version; {version!r} is one too many"
        )
    try:
        extension = ExtensionName(extension_name.lower())
    except ValueError:
        names = ", ".join(extension.value for extension in ExtensionName)
        raise UnknownSchemaNameError(
            name,
            f"no packaged schema is named {name!r}: expected an extension ({names}), with a "
            f"version or not ({SHORT_NAME_FORMS})",
        ) from None
    wanted = (attached or version or "").strip()
    if not wanted:
        return schemas.newest(extension)
    tag = "v" + wanted.lower().removeprefix("v")
    published = schemas.versions(extension)
    for entry in published:
        if entry.version == tag:
            return entry
    raise UnknownSchemaNameError(
        name,
        f"{extension.value} has no version {tag}: its published versions are "
        + ", ".join(entry.version for entry in published),
    )
