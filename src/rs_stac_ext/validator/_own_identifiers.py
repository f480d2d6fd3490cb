"""Our own identifiers are known exactly: a declaration on our hosts that names nothing is an error.

The Reference System publishes every version of its extensions, so a declared identifier on one
of its hosts that names no published version is not "a schema we could not get": it is a
mistake, reported as an error with the versions that exist. The ``http://`` spelling of one of
our identifiers is an error too: our published schemas' declaration checks compare
``stac_extensions`` with the exact ``https://`` identifier (a ``contains``/``const``), so the
schema itself would refuse the document; the message names the right spelling.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rs_stac_ext.schemas import is_known, versions
from rs_stac_ext.schemas._catalog import HOME_HOST, OLD_HOST, DocumentKind, ExtensionName

__all__ = ["OUR_HOSTS", "own_identifier_problem"]

OUR_HOSTS = frozenset(urlsplit(host).hostname or "" for host in (HOME_HOST, OLD_HOST))
"""The hosts our identifiers live on."""

_REPOSITORY = re.compile(r"/(?P<repository>[^/]+)/(?P<version>[^/]+)/[^/]+$")


def own_identifier_problem(uri: str) -> str | None:
    """Say what is wrong with a declared identifier on our hosts, if anything.

    Args:
        uri: One entry of ``stac_extensions`` (without trailing ``#``).

    Returns:
        A sentence for an error, or ``None`` when the identifier is one of our published
        versions (or an alias of one), or not on our hosts at all.
    """
    parts = urlsplit(uri)
    if parts.hostname not in OUR_HOSTS or is_known(uri):
        return None
    if parts.scheme == "http":
        secure = "https" + uri[len("http") :]
        if is_known(secure):
            return (
                f"{uri!r} is a wrong spelling of the identifier {secure!r}: identifiers are "
                "compared as exact strings, and the extension's schema looks for the https:// one"
            )
    match = _REPOSITORY.search(parts.path)
    extension = _extension_of(match.group("repository")) if match else None
    if extension is None:
        published = ", ".join(
            name.value for name in ExtensionName if name is not ExtensionName.DOWNLOAD
        )
        return (
            f"{uri!r} names no schema published on {parts.hostname}: its STAC extensions are "
            f"{published} (download is a STAC API extension, not declared in stac_extensions)"
        )
    assert match is not None
    known = versions(extension, kind=DocumentKind.JSON_SCHEMA)
    if not known:
        return (
            f"{extension.value} is a STAC API extension: it is not declared in stac_extensions "
            f"and has no JSON Schema ({uri!r})"
        )
    listed = ", ".join(entry.version for entry in known)
    version = match.group("version")
    if version in {entry.version for entry in known}:
        spelling = next(e.identifier for e in known if e.version == version)
        return f"{uri!r} is not how {extension.value} {version} is identified: write {spelling!r}"
    return f"{extension.value} has no version {version}; its versions are {listed}"


def _extension_of(repository: str) -> ExtensionName | None:
    for name in ExtensionName:
        if name.repository == repository:
            return name
    return None
