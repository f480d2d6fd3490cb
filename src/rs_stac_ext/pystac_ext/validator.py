"""pystac validation through the package's offline schema store.

pystac validates against schemas it downloads; :class:`RsStacValidator` plugs into pystac's own
validator interface and answers from the store instead (STAC core, our extensions and the
community extensions built in, plus any mirror, pack or cache the options name), so that
``item.validate()`` and ``pystac.validation.validate_all`` work offline::

    import pystac.validation
    from rs_stac_ext.pystac_ext.validator import RsStacValidator

    pystac.validation.set_validator(RsStacValidator())
    item.validate()  # raises pystac.STACValidationError with our problem text

A document is checked against its core schema, every extension it declares and the checks a
schema cannot express, exactly as ``rs-stac validate`` does. A schema the store cannot give
fails the validation (the document was not checked), with the reason.

One difference: pystac hands over an object read from a file with a ``self`` link holding the
file's local path, which STAC core refuses (a ``self`` link must be a URL) and which pystac's
own validator lets pass because it checks no formats. Such a link is left out of the check
unless ``check_local_self_links=True``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from pystac import STACObjectType
from pystac.errors import STACValidationError
from pystac.validation.stac_validator import STACValidator

from rs_stac_ext.validator.readers import InputDocument
from rs_stac_ext.validator.rules import LOCAL_ABSOLUTE_PATH
from rs_stac_ext.validator.validation import (
    DocumentReport,
    ValidationOptions,
    Validator,
    Verdict,
    core_schema_uri,
)

__all__ = ["RsStacValidator"]


class RsStacValidator(STACValidator):
    """A pystac validator that validates offline, with the package's schema store and rules.

    Args:
        options: How to validate (schema sources, format checks...); the defaults of
            ``rs-stac validate`` when ``None``. ``options.schema`` is ignored: pystac says
            which schemas to check.
        check_local_self_links: Also check a ``self`` link whose href is a local absolute
            path (pystac writes one for every object read from a file).
    """

    def __init__(
        self, options: ValidationOptions | None = None, *, check_local_self_links: bool = False
    ) -> None:
        self.options = dataclasses.replace(options or ValidationOptions(), schema=None)
        self.check_local_self_links = check_local_self_links
        self._whole = Validator(self.options)
        self._single: dict[str, Validator] = {}

    def validate(
        self,
        stac_dict: dict[str, Any],
        stac_object_type: STACObjectType,
        stac_version: str,
        extensions: list[str],
        href: str | None = None,
    ) -> list[Any]:
        """Validate a document against its core schema, its extensions and our rules at once.

        Args:
            stac_dict: The document.
            stac_object_type: Its STAC type (pystac's guess; the document's own ``type`` and
                ``stac_version`` decide the core schema).
            stac_version: The STAC version pystac read.
            extensions: The extension schemas pystac found declared (the document's
                ``stac_extensions``, which are checked).
            href: Where the document was read from, for the message.

        Returns:
            The identifiers of the schemas checked.

        Raises:
            STACValidationError: The document has a problem, or a schema could not be had.
        """
        document = self._as_checked(stac_dict)
        report = self._whole.check(InputDocument(href or "<document>", document=document))
        _raise_on(report)
        return list(report.checked)

    def validate_core(
        self,
        stac_dict: dict[str, Any],
        stac_object_type: STACObjectType,
        stac_version: str,
        href: str | None = None,
    ) -> Any:
        """Validate a document against its STAC core schema only.

        Args:
            stac_dict: The document.
            stac_object_type: Its STAC type.
            stac_version: The STAC version whose schema to use.
            href: Where the document was read from, for the message.

        Returns:
            The identifier of the core schema.

        Raises:
            STACValidationError: The document has a problem, or the schema could not be had.
        """
        uri = core_schema_uri(str(stac_object_type), stac_version)
        if uri is None:
            raise STACValidationError(
                f"{href or stac_dict.get('id', '<document>')}: no STAC core schema is known "
                f"for a {stac_object_type} of STAC version {stac_version}"
            )
        return self._against(uri, stac_dict, href)

    def validate_extension(
        self,
        stac_dict: dict[str, Any],
        stac_object_type: STACObjectType,
        stac_version: str,
        extension_id: str,
        href: str | None = None,
    ) -> Any:
        """Validate a document against one extension schema only.

        Args:
            stac_dict: The document.
            stac_object_type: Its STAC type.
            stac_version: Its STAC version.
            extension_id: The extension schema's identifier.
            href: Where the document was read from, for the message.

        Returns:
            The identifier of the schema.

        Raises:
            STACValidationError: The document has a problem, or the schema could not be had.
        """
        return self._against(extension_id, stac_dict, href)

    def _against(self, uri: str, document: dict[str, Any], href: str | None) -> str:
        validator = self._single.get(uri)
        if validator is None:
            options = dataclasses.replace(self.options, schema=uri)
            validator = Validator(options, resolver=self._whole.resolver)
            self._single[uri] = validator
        checked = self._as_checked(document)
        _raise_on(validator.check(InputDocument(href or "<document>", document=checked)))
        return uri

    def _as_checked(self, document: dict[str, Any]) -> dict[str, Any]:
        """The document as JSON has it, without pystac's local-path ``self`` link.

        The JSON round trip turns the tuples pystac objects may hold (coordinates from
        shapely, say) into the arrays the schemas expect, as pystac's own validator does.
        """
        document = json.loads(json.dumps(document))
        links = document.get("links")
        if self.check_local_self_links or not isinstance(links, list):
            return document
        kept = [link for link in links if not _is_local_self_link(link)]
        if len(kept) == len(links):
            return document
        return {**document, "links": kept}


def _is_local_self_link(link: Any) -> bool:
    if not isinstance(link, dict) or link.get("rel") != "self":
        return False
    href = link.get("href")
    return isinstance(href, str) and LOCAL_ABSOLUTE_PATH.match(href) is not None


def _raise_on(report: DocumentReport) -> None:
    """Raise pystac's error when a report finds a problem or could not check a schema."""
    if report.verdict is Verdict.VALID:
        return
    name = f"{report.source} ({report.id})" if report.id else report.source
    lines = [f"{name}: {'INVALID' if report.errors else 'not fully checked'}"]
    lines.extend(
        f"  {problem.path or '/'}: {problem.message} [{problem.schema}]"
        for problem in report.errors
    )
    lines.extend(
        f"  not checked against {missing.schema}: {missing.reason}"
        for missing in report.not_checked
    )
    raise STACValidationError("\n".join(lines), source=report)
