"""Models of the CADIP extension's fields (v2.0.0): a downlink session and its DSDB files.

A session is a STAC Item (:class:`CadipSessionProperties` models its ``properties``); each DSDB
raw file of the session is an asset of it (:class:`CadipFileAsset`). The ``cadip:`` prefix is
closed per level, as in the schema: a file field in the properties, a session field in a file
asset, or an undeclared ``cadip:`` key is a validation error. ``cadip:retransfer`` is the one field
both levels share.

Sessions and DSDB files carry their CADIP UUID in the external-ids extension's ``externalIds``
array, which must hold at least one entry of scheme ``cadip`` whose value is a UUID; entries of
other schemes are allowed. An asset is a DSDB file when it carries any of the file fields
(:data:`DSDB_FILE_FIELDS`); other assets are modelled by :class:`CadipAsset`, and
:func:`cadip_asset_from_stac` picks the right model.

Integers follow JSON Schema: ``2.0`` is accepted as the integer 2 (and written back as ``2``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Field, StrictBool, StrictStr

from rs_stac_ext.models._common import (
    ExternalId,
    JsonInt,
    Rfc3339String,
    StacFields,
    check_uuid,
    fullmatch,
)
from rs_stac_ext.pystac_ext._cadip_fields import FILE_ONLY_FIELDS, SESSION_ONLY_FIELDS

__all__ = [
    "CADIP_SCHEME",
    "DSDB_FILE_FIELDS",
    "STATION_ID_PATTERN",
    "STATION_UNIT_ID_PATTERN",
    "CadipAsset",
    "CadipFileAsset",
    "CadipSessionProperties",
    "cadip_asset_from_stac",
]

CADIP_SCHEME = "cadip"
"""The ``externalIds`` scheme under which the CADIP service's UUID is recorded."""

_SESSION_ONLY = SESSION_ONLY_FIELDS
STATION_ID_PATTERN = "^[A-Z0-9_]{4}$"
"""The schema's ``cadip:station_id`` pattern."""

STATION_UNIT_ID_PATTERN = "^[0-9]{2}$"
"""The schema's ``cadip:station_unit_id`` pattern."""

DSDB_FILE_FIELDS = FILE_ONLY_FIELDS
"""The fields whose presence makes an asset a DSDB file (which must then carry all three)."""


def _check_entries(entries: list[ExternalId]) -> list[ExternalId]:
    if not entries:
        raise ValueError("expected at least one entry")
    for entry in entries:
        if entry.scheme == CADIP_SCHEME:
            try:
                check_uuid(entry.value)
            except ValueError as error:
                raise ValueError(f"{CADIP_SCHEME!r} entry: {error}") from None
    return entries


def _check_has_cadip(entries: list[ExternalId]) -> list[ExternalId]:
    if not any(entry.scheme == CADIP_SCHEME for entry in entries):
        raise ValueError(f"expected an entry with scheme {CADIP_SCHEME!r}")
    return entries


ExternalIdEntries = Annotated[list[ExternalId], AfterValidator(_check_entries)]
"""A non-empty ``externalIds`` array; any ``cadip`` entry holds a UUID."""

CadipExternalIds = Annotated[ExternalIdEntries, AfterValidator(_check_has_cadip)]
"""An ``externalIds`` array that holds the CADIP UUID (an entry of scheme ``cadip``)."""


StationId = Annotated[StrictStr, fullmatch(STATION_ID_PATTERN, "4 characters among A-Z, 0-9, _")]
"""A station code such as ``INS_``."""

StationUnitId = Annotated[StrictStr, fullmatch(STATION_UNIT_ID_PATTERN, "two digits")]
"""A two-digit X-band station unit such as ``00``."""


def _first_cadip_id(entries: list[ExternalId]) -> str:
    return next(entry.value for entry in entries if entry.scheme == CADIP_SCHEME)


class CadipSessionProperties(StacFields):
    """The CADIP fields of a session Item's ``properties``.

    Attributes:
        external_ids: ``externalIds``; holds the session UUID under scheme ``cadip``.
        acquisition_id: ``cadip:acquisition_id``, the acquisition-plan code, e.g. ``"565521"``.
        num_channels: ``cadip:num_channels``, channels in the session (1 to 4).
        station_id: ``cadip:station_id``, acquisition station code, e.g. ``"INS_"``.
        station_unit_id: ``cadip:station_unit_id``, two-digit X-band station unit, e.g. ``"00"``.
        antenna_id: ``cadip:antenna_id``, e.g. ``"TLR3"``.
        front_end_id: ``cadip:front_end_id``, e.g. ``"DEM-KSPT-SENT-DFEP4"``.
        planned_data_start: ``cadip:planned_data_start``, RFC 3339 start of the planned downlink.
        planned_data_stop: ``cadip:planned_data_stop``, RFC 3339 end of the planned downlink.
        retransfer: ``cadip:retransfer``, the session is a retransfer.
        antenna_status_ok: ``cadip:antenna_status_ok``.
        front_end_status_ok: ``cadip:front_end_status_ok``, frame error rate within thresholds.
        downlink_status_ok: ``cadip:downlink_status_ok``; false warns of possible data loss.
        delivery_push_ok: ``cadip:delivery_push_ok``, dissemination to the DDP succeeded.
    """

    prefix: ClassVar[str | None] = "cadip:"
    elsewhere: ClassVar[dict[str, str]] = dict.fromkeys(DSDB_FILE_FIELDS, "the DSDB file assets")

    external_ids: CadipExternalIds = Field(alias="externalIds")
    acquisition_id: StrictStr = Field(alias="cadip:acquisition_id", min_length=1)
    num_channels: JsonInt | None = Field(default=None, alias="cadip:num_channels", ge=1, le=4)
    station_id: StationId | None = Field(default=None, alias="cadip:station_id")
    station_unit_id: StationUnitId | None = Field(default=None, alias="cadip:station_unit_id")
    antenna_id: StrictStr | None = Field(default=None, alias="cadip:antenna_id", min_length=1)
    front_end_id: StrictStr | None = Field(default=None, alias="cadip:front_end_id", min_length=1)
    planned_data_start: Rfc3339String | None = Field(default=None, alias="cadip:planned_data_start")
    planned_data_stop: Rfc3339String | None = Field(default=None, alias="cadip:planned_data_stop")
    retransfer: StrictBool | None = Field(default=None, alias="cadip:retransfer")
    antenna_status_ok: StrictBool | None = Field(default=None, alias="cadip:antenna_status_ok")
    front_end_status_ok: StrictBool | None = Field(default=None, alias="cadip:front_end_status_ok")
    downlink_status_ok: StrictBool | None = Field(default=None, alias="cadip:downlink_status_ok")
    delivery_push_ok: StrictBool | None = Field(default=None, alias="cadip:delivery_push_ok")

    @property
    def session_uuid(self) -> str:
        """The session's UUID in the CADIP service (the first ``cadip`` external id)."""
        return _first_cadip_id(self.external_ids)


class CadipAsset(StacFields):
    """The CADIP fields any asset of a session Item may carry.

    An asset that is not a DSDB file (a thumbnail, a metadata file) may still say it was
    retransferred and list external identifiers; session fields are rejected at this level.

    Attributes:
        external_ids: ``externalIds``; a ``cadip`` entry, if any, holds a UUID.
        retransfer: ``cadip:retransfer``, the file is a retransfer.
    """

    prefix: ClassVar[str | None] = "cadip:"
    elsewhere: ClassVar[dict[str, str]] = dict.fromkeys(_SESSION_ONLY, "the Item properties")

    external_ids: ExternalIdEntries | None = Field(default=None, alias="externalIds")
    retransfer: StrictBool | None = Field(default=None, alias="cadip:retransfer")


class CadipFileAsset(CadipAsset):
    """The CADIP fields of a DSDB file asset.

    Attributes:
        external_ids: ``externalIds``; holds the file UUID under scheme ``cadip``.
        channel: ``cadip:channel``, 1 to 4.
        block_number: ``cadip:block_number``, DSDB sequence number from 1, per session and channel.
        final_block: ``cadip:final_block``, last file of the session for this channel.
        retransfer: ``cadip:retransfer``, the file is a retransfer.
    """

    external_ids: CadipExternalIds = Field(alias="externalIds")
    channel: JsonInt = Field(alias="cadip:channel", ge=1, le=4)
    block_number: JsonInt = Field(alias="cadip:block_number", ge=1)
    final_block: StrictBool = Field(alias="cadip:final_block")

    @property
    def file_uuid(self) -> str:
        """The file's UUID in the CADIP service (the first ``cadip`` external id)."""
        return _first_cadip_id(self.external_ids)


def cadip_asset_from_stac(mapping: Mapping[str, Any]) -> CadipAsset:
    """Read an asset of a session Item with the model its content calls for.

    Args:
        mapping: The asset's JSON object.

    Returns:
        A :class:`CadipFileAsset` when the asset carries any of :data:`DSDB_FILE_FIELDS`,
        otherwise a :class:`CadipAsset`.

    Raises:
        pydantic.ValidationError: The asset's CADIP fields are invalid or incomplete.
    """
    if any(key in mapping for key in DSDB_FILE_FIELDS):
        return CadipFileAsset.from_stac(mapping)
    return CadipAsset.from_stac(mapping)
