"""pystac support for the CADIP extension (``cadip:``): downlink sessions and their DSDB files.

A CADIP session (one X-band pass at a ground station) is a :class:`pystac.Item`; each DSDB raw
file of the session is one of its assets. Use :meth:`CadipExtension.ext` on the Item for the
session fields, on an Asset or an ItemAssetDefinition for the file fields, and
:meth:`CadipExtension.summaries` for a Collection's summaries::

    >>> session = CadipExtension.ext(item, add_if_missing=True)
    >>> session.apply(cadip_id="6894eb36-416e-469e-8788-9a0a2b8f3a8d", acquisition_id="565521")
    >>> CadipExtension.ext(item.assets["ch1_DSDB_00001.raw"]).apply(
    ...     cadip_id="bba71884-5c9c-4d4b-8986-1a428b87b441", channel=1, block_number=1,
    ...     final_block=False)

The classes write the newest version (v2.0.0): session fields only in Item properties, file
fields only in assets, the CADIP UUID as the ``cadip`` entry of ``externalIds`` (other schemes
are kept), integer channels and block numbers, string acquisition ids. Assets without DSDB
file fields (thumbnails, metadata) are allowed. :data:`CADIP_EXTENSION_HOOKS` (advertised
through the ``pystac.extensions`` entry point) upgrades documents that declare an older version
or another spelling while pystac reads them.

This module is imported whenever pystac migrates a document, so it imports only pystac, the
standard library and :mod:`rs_stac_ext.schemas._catalog`;
:mod:`rs_stac_ext.pystac_ext.migrate` is imported on first use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, Literal, TypedDict, TypeVar, cast, overload

import pystac
from pystac.extensions.base import (
    ExtensionManagementMixin,
    PropertiesExtension,
    SummariesExtension,
)
from pystac.extensions.hooks import ExtensionHooks
from pystac.summaries import RangeSummary
from pystac.utils import datetime_to_str, map_opt, str_to_datetime

from rs_stac_ext.pystac_ext._hooks import (
    DeclaredByAnySpelling,
    ItemFields,
    Spellings,
    UpgradingHooks,
)
from rs_stac_ext.schemas._catalog import ExtensionName

__all__ = [
    "ACQUISITION_ID_PROP",
    "ALIASES",
    "ANTENNA_ID_PROP",
    "ANTENNA_STATUS_OK_PROP",
    "BLOCK_NUMBER_PROP",
    "CADIP_EXTENSION_HOOKS",
    "CADIP_SCHEME",
    "CHANNEL_PROP",
    "DELIVERY_PUSH_OK_PROP",
    "DOWNLINK_STATUS_OK_PROP",
    "EXTERNAL_IDS_PROP",
    "FINAL_BLOCK_PROP",
    "FRONT_END_ID_PROP",
    "FRONT_END_STATUS_OK_PROP",
    "NUM_CHANNELS_PROP",
    "PLANNED_DATA_START_PROP",
    "PLANNED_DATA_STOP_PROP",
    "PREFIX",
    "RETRANSFER_PROP",
    "SCHEMA_URI",
    "SCHEMA_URIS",
    "STATION_ID_PROP",
    "STATION_UNIT_ID_PROP",
    "AssetCadipExtension",
    "CadipExtension",
    "CadipExtensionHooks",
    "ExternalId",
    "FileCadipExtension",
    "ItemAssetsCadipExtension",
    "ItemCadipExtension",
    "SummariesCadipExtension",
    "is_dsdb_file",
]

_SPELLINGS = Spellings.of(ExtensionName.CADIP)

SCHEMA_URI: str = _SPELLINGS.newest
"""Identifier of the newest version, the one these classes write."""

SCHEMA_URIS: tuple[str, ...] = _SPELLINGS.published
"""Every published canonical identifier, oldest first."""

ALIASES: tuple[str, ...] = _SPELLINGS.aliases
"""Other spellings of published identifiers (the other host); recognised, never written."""

PREFIX: str = "cadip:"
CADIP_SCHEME: str = "cadip"
"""The ``scheme`` of the ``externalIds`` entry that holds the UUID inside the CADIP service."""

# Both levels (session Item and DSDB file asset).
EXTERNAL_IDS_PROP: str = "externalIds"
RETRANSFER_PROP: str = PREFIX + "retransfer"
# Session (Item properties) only.
ACQUISITION_ID_PROP: str = PREFIX + "acquisition_id"
NUM_CHANNELS_PROP: str = PREFIX + "num_channels"
STATION_ID_PROP: str = PREFIX + "station_id"
STATION_UNIT_ID_PROP: str = PREFIX + "station_unit_id"
ANTENNA_ID_PROP: str = PREFIX + "antenna_id"
FRONT_END_ID_PROP: str = PREFIX + "front_end_id"
PLANNED_DATA_START_PROP: str = PREFIX + "planned_data_start"
PLANNED_DATA_STOP_PROP: str = PREFIX + "planned_data_stop"
ANTENNA_STATUS_OK_PROP: str = PREFIX + "antenna_status_ok"
FRONT_END_STATUS_OK_PROP: str = PREFIX + "front_end_status_ok"
DOWNLINK_STATUS_OK_PROP: str = PREFIX + "downlink_status_ok"
DELIVERY_PUSH_OK_PROP: str = PREFIX + "delivery_push_ok"
# DSDB file (assets and item asset definitions) only.
CHANNEL_PROP: str = PREFIX + "channel"
BLOCK_NUMBER_PROP: str = PREFIX + "block_number"
FINAL_BLOCK_PROP: str = PREFIX + "final_block"
_DSDB_FILE_PROPS = (CHANNEL_PROP, BLOCK_NUMBER_PROP, FINAL_BLOCK_PROP)

_EXTERNAL_IDS_PREFIX = "https://stac-extensions.github.io/external-ids/"

#: The objects the CADIP extension can extend.
T = TypeVar("T", pystac.Item, pystac.Asset, pystac.ItemAssetDefinition)
#: The objects that describe a DSDB file.
F = TypeVar("F", pystac.Asset, pystac.ItemAssetDefinition)


class ExternalId(TypedDict):
    """One entry of ``externalIds`` (the external-ids extension)."""

    scheme: str
    value: str


def _is_cadip_entry(entry: object) -> bool:
    return isinstance(entry, dict) and entry.get("scheme") == CADIP_SCHEME


def is_dsdb_file(asset: pystac.Asset | pystac.ItemAssetDefinition | Mapping[str, Any]) -> bool:
    """Tell whether an asset describes a DSDB file of the session.

    Under v2.0.0 an asset is a DSDB file exactly when it carries any of the file fields
    (``cadip:channel``, ``cadip:block_number``, ``cadip:final_block``), and then it must carry
    all of them and its CADIP UUID; other assets (thumbnail, metadata) carry none of them. Does
    not look at the owner's declarations.

    Args:
        asset: An Asset, an ItemAssetDefinition, or an asset as a dict.

    Returns:
        True when a DSDB file field is present.
    """
    if isinstance(asset, pystac.Asset):
        fields: Mapping[str, Any] = asset.extra_fields
    elif isinstance(asset, pystac.ItemAssetDefinition):
        fields = asset.properties
    else:
        fields = asset
    return any(key in fields for key in _DSDB_FILE_PROPS)


class CadipExtension(
    DeclaredByAnySpelling,
    Generic[T],
    PropertiesExtension,
    ExtensionManagementMixin[pystac.Item | pystac.Collection],
):
    """The fields a session Item and a DSDB file share: the CADIP UUID and the retransfer flag.

    Do not instantiate directly; use :meth:`CadipExtension.ext`, which returns an
    :class:`ItemCadipExtension` for an Item (session fields) and a :class:`FileCadipExtension`
    for an Asset or an ItemAssetDefinition (file fields).
    """

    name: Literal["cadip"] = "cadip"

    @property
    def external_ids(self) -> list[ExternalId] | None:
        """The ``externalIds`` entries, the ``cadip`` one included (see :attr:`cadip_id`)."""
        return self._get_property(EXTERNAL_IDS_PROP, list)

    @external_ids.setter
    def external_ids(self, v: Sequence[ExternalId] | None) -> None:
        self._set_property(EXTERNAL_IDS_PROP, None if v is None else [dict(e) for e in v])

    @property
    def cadip_id(self) -> str | None:
        """The UUID inside the CADIP service: the value of the ``cadip`` entry of ``externalIds``.

        Setting it replaces the ``cadip`` entry (or inserts one first) and keeps the entries of
        other schemes; setting None removes the ``cadip`` entry, and ``externalIds`` with it
        when nothing else is left.
        """
        for entry in self.properties.get(EXTERNAL_IDS_PROP) or []:
            if isinstance(entry, dict) and entry.get("scheme") == CADIP_SCHEME:
                return cast(str, entry.get("value"))
        return None

    @cadip_id.setter
    def cadip_id(self, v: str | None) -> None:
        existing = self.properties.get(EXTERNAL_IDS_PROP)
        entries: list[Any] = list(existing) if isinstance(existing, list) else []
        cadip_at = [i for i, e in enumerate(entries) if _is_cadip_entry(e)]
        others = [e for e in entries if not _is_cadip_entry(e)]
        if v is not None:
            # Keep the first cadip entry's position and any extra members it carries.
            first: dict[str, Any] = dict(entries[cadip_at[0]]) if cadip_at else {}
            first.update(scheme=CADIP_SCHEME, value=v)
            others.insert(cadip_at[0] if cadip_at else 0, first)
        self._set_property(EXTERNAL_IDS_PROP, others or None)

    @property
    def retransfer(self) -> bool | None:
        """Whether the session (Item) or the file (asset) is a retransfer."""
        return self._get_property(RETRANSFER_PROP, bool)

    @retransfer.setter
    def retransfer(self, v: bool | None) -> None:
        self._set_property(RETRANSFER_PROP, v)

    spellings = _SPELLINGS

    @classmethod
    def add_to(cls, obj: pystac.Item | pystac.Collection | pystac.Catalog) -> None:
        """Declare the newest version, replacing any older spelling of ours in place.

        On an Item, the external-ids extension (which holds :attr:`cadip_id` and which v2.0.0
        Items must declare) is declared too unless some version of it already is. Only
        declarations change; fields are not migrated (documents read with ``from_dict`` are
        already migrated by :data:`CADIP_EXTENSION_HOOKS`).

        Args:
            obj: The Item or Collection to change.
        """
        super().add_to(obj)
        declared = obj.stac_extensions
        if isinstance(obj, pystac.Item) and not any(
            uri.startswith(_EXTERNAL_IDS_PREFIX) for uri in declared
        ):
            from rs_stac_ext.pystac_ext.migrate import EXTERNAL_IDS_SCHEMA_URI

            declared.append(EXTERNAL_IDS_SCHEMA_URI)

    @overload
    @classmethod
    def ext(cls, obj: pystac.Item, add_if_missing: bool = False) -> ItemCadipExtension: ...

    @overload
    @classmethod
    def ext(cls, obj: pystac.Asset, add_if_missing: bool = False) -> AssetCadipExtension: ...

    @overload
    @classmethod
    def ext(
        cls, obj: pystac.ItemAssetDefinition, add_if_missing: bool = False
    ) -> ItemAssetsCadipExtension: ...

    @classmethod
    def ext(
        cls,
        obj: pystac.Item | pystac.Asset | pystac.ItemAssetDefinition,
        add_if_missing: bool = False,
    ) -> CadipExtension[Any]:
        """Extend a session Item, or a DSDB file's Asset or ItemAssetDefinition.

        Args:
            obj: The object to extend.
            add_if_missing: Declare the extension on the object (or on the asset's owner) when
                it is missing.

        Returns:
            An :class:`ItemCadipExtension`, :class:`AssetCadipExtension` or
            :class:`ItemAssetsCadipExtension`.

        Raises:
            pystac.ExtensionTypeError: Another type of object (a Collection carries no
                ``cadip:`` field at its top level: use :meth:`summaries`).
            pystac.ExtensionNotImplemented: The object (or the asset's owner) does not declare
                the extension and ``add_if_missing`` is false.
        """
        if isinstance(obj, pystac.Item):
            cls.ensure_has_extension(obj, add_if_missing)
            return ItemCadipExtension(obj)
        if isinstance(obj, pystac.Asset):
            cls.ensure_owner_has_extension(obj, add_if_missing)
            return AssetCadipExtension(obj)
        if isinstance(obj, pystac.ItemAssetDefinition):
            cls.ensure_owner_has_extension(obj, add_if_missing)
            return ItemAssetsCadipExtension(obj)
        raise pystac.ExtensionTypeError(cls._ext_error_message(obj))

    @classmethod
    def summaries(
        cls, obj: pystac.Collection, add_if_missing: bool = False
    ) -> SummariesCadipExtension:
        """Return the CADIP summaries of a Collection.

        Args:
            obj: The Collection.
            add_if_missing: Declare the extension on the Collection when it is missing.

        Returns:
            The summaries object.

        Raises:
            pystac.ExtensionNotImplemented: The Collection does not declare the extension and
                ``add_if_missing`` is false.
        """
        cls.ensure_has_extension(obj, add_if_missing)
        return SummariesCadipExtension(obj)


class ItemCadipExtension(ItemFields, CadipExtension[pystac.Item]):
    """The session fields of a CADIP session Item.

    Use :meth:`CadipExtension.ext` on an Item rather than instantiating this class.
    """

    def apply(
        self,
        cadip_id: str,
        acquisition_id: str,
        *,
        num_channels: int | None = None,
        station_id: str | None = None,
        station_unit_id: str | None = None,
        antenna_id: str | None = None,
        front_end_id: str | None = None,
        planned_data_start: datetime | None = None,
        planned_data_stop: datetime | None = None,
        retransfer: bool | None = None,
        antenna_status_ok: bool | None = None,
        front_end_status_ok: bool | None = None,
        downlink_status_ok: bool | None = None,
        delivery_push_ok: bool | None = None,
    ) -> None:
        """Set every session field; a field given as None is removed.

        Args:
            cadip_id: The session's UUID in the CADIP service (required).
            acquisition_id: The acquisition-plan code (required), e.g. ``"565521"``.
            num_channels: Number of channels in the session, 1 to 4.
            station_id: Acquisition station code, four characters, e.g. ``"KSE_"``.
            station_unit_id: X-band station unit, two digits, e.g. ``"00"``.
            antenna_id: The antenna, e.g. ``"TLR3"``.
            front_end_id: The front-end processor, e.g. ``"DEM-KSPT-SENT-DFEP4"``.
            planned_data_start: Start of the planned downlink window.
            planned_data_stop: End of the planned downlink window.
            retransfer: Whether the session is a retransfer.
            antenna_status_ok: Whether the antenna worked.
            front_end_status_ok: Whether the frame error rate stayed within thresholds.
            downlink_status_ok: False warns of possible data loss.
            delivery_push_ok: Whether DSDB dissemination succeeded.
        """
        self.cadip_id = cadip_id
        self.acquisition_id = acquisition_id
        self.num_channels = num_channels
        self.station_id = station_id
        self.station_unit_id = station_unit_id
        self.antenna_id = antenna_id
        self.front_end_id = front_end_id
        self.planned_data_start = planned_data_start
        self.planned_data_stop = planned_data_stop
        self.retransfer = retransfer
        self.antenna_status_ok = antenna_status_ok
        self.front_end_status_ok = front_end_status_ok
        self.downlink_status_ok = downlink_status_ok
        self.delivery_push_ok = delivery_push_ok

    @property
    def acquisition_id(self) -> str | None:
        """The code of the acquisition plan, which lets processing correlate with the plan."""
        return self._get_property(ACQUISITION_ID_PROP, str)

    @acquisition_id.setter
    def acquisition_id(self, v: str | None) -> None:
        self._set_property(ACQUISITION_ID_PROP, v)

    @property
    def num_channels(self) -> int | None:
        """Number of channels in the session (1 to 4)."""
        return self._get_property(NUM_CHANNELS_PROP, int)

    @num_channels.setter
    def num_channels(self, v: int | None) -> None:
        self._set_property(NUM_CHANNELS_PROP, v)

    @property
    def station_id(self) -> str | None:
        """Acquisition station code, e.g. ``"INS_"`` (SSC Inuvik)."""
        return self._get_property(STATION_ID_PROP, str)

    @station_id.setter
    def station_id(self, v: str | None) -> None:
        self._set_property(STATION_ID_PROP, v)

    @property
    def station_unit_id(self) -> str | None:
        """The X-band station unit, two digits (default ``"00"``)."""
        return self._get_property(STATION_UNIT_ID_PROP, str)

    @station_unit_id.setter
    def station_unit_id(self, v: str | None) -> None:
        self._set_property(STATION_UNIT_ID_PROP, v)

    @property
    def antenna_id(self) -> str | None:
        """The antenna that received the session."""
        return self._get_property(ANTENNA_ID_PROP, str)

    @antenna_id.setter
    def antenna_id(self, v: str | None) -> None:
        self._set_property(ANTENNA_ID_PROP, v)

    @property
    def front_end_id(self) -> str | None:
        """The front-end processor of the acquisition chain."""
        return self._get_property(FRONT_END_ID_PROP, str)

    @front_end_id.setter
    def front_end_id(self, v: str | None) -> None:
        self._set_property(FRONT_END_ID_PROP, v)

    @property
    def planned_data_start(self) -> datetime | None:
        """Start of the planned downlink window."""
        return map_opt(str_to_datetime, self._get_property(PLANNED_DATA_START_PROP, str))

    @planned_data_start.setter
    def planned_data_start(self, v: datetime | None) -> None:
        self._set_property(PLANNED_DATA_START_PROP, map_opt(datetime_to_str, v))

    @property
    def planned_data_stop(self) -> datetime | None:
        """End of the planned downlink window."""
        return map_opt(str_to_datetime, self._get_property(PLANNED_DATA_STOP_PROP, str))

    @planned_data_stop.setter
    def planned_data_stop(self, v: datetime | None) -> None:
        self._set_property(PLANNED_DATA_STOP_PROP, map_opt(datetime_to_str, v))

    @property
    def antenna_status_ok(self) -> bool | None:
        """Whether the antenna worked during the session."""
        return self._get_property(ANTENNA_STATUS_OK_PROP, bool)

    @antenna_status_ok.setter
    def antenna_status_ok(self, v: bool | None) -> None:
        self._set_property(ANTENNA_STATUS_OK_PROP, v)

    @property
    def front_end_status_ok(self) -> bool | None:
        """Whether the front end's frame error rate stayed within thresholds."""
        return self._get_property(FRONT_END_STATUS_OK_PROP, bool)

    @front_end_status_ok.setter
    def front_end_status_ok(self, v: bool | None) -> None:
        self._set_property(FRONT_END_STATUS_OK_PROP, v)

    @property
    def downlink_status_ok(self) -> bool | None:
        """False warns of possible data loss (processing should still start)."""
        return self._get_property(DOWNLINK_STATUS_OK_PROP, bool)

    @downlink_status_ok.setter
    def downlink_status_ok(self, v: bool | None) -> None:
        self._set_property(DOWNLINK_STATUS_OK_PROP, v)

    @property
    def delivery_push_ok(self) -> bool | None:
        """Whether the DSDB files were pushed to the distribution point."""
        return self._get_property(DELIVERY_PUSH_OK_PROP, bool)

    @delivery_push_ok.setter
    def delivery_push_ok(self, v: bool | None) -> None:
        self._set_property(DELIVERY_PUSH_OK_PROP, v)


class FileCadipExtension(CadipExtension[F]):
    """The fields of a DSDB file, shared by assets and item asset definitions.

    Unlike pystac's asset extensions, reads never fall back to the owning Item's properties:
    a file's UUID and retransfer flag are its own, not the session's.
    """

    def apply(
        self,
        cadip_id: str,
        channel: int,
        block_number: int,
        final_block: bool,
        *,
        retransfer: bool | None = None,
    ) -> None:
        """Set every file field; ``retransfer`` given as None is removed.

        Args:
            cadip_id: The file's UUID in the CADIP service (required).
            channel: The channel, 1 to 4 (required).
            block_number: The DSDB sequence number, from 1 per session and channel (required).
            final_block: Whether this is the session's last file on the channel (required).
            retransfer: Whether the file is a retransfer.
        """
        self.cadip_id = cadip_id
        self.channel = channel
        self.block_number = block_number
        self.final_block = final_block
        self.retransfer = retransfer

    @property
    def is_dsdb_file(self) -> bool:
        """Whether the asset carries a DSDB file field (see :func:`is_dsdb_file`)."""
        return any(key in self.properties for key in _DSDB_FILE_PROPS)

    @property
    def channel(self) -> int | None:
        """The channel the file was received on (1 to 4)."""
        return self._get_property(CHANNEL_PROP, int)

    @channel.setter
    def channel(self, v: int | None) -> None:
        self._set_property(CHANNEL_PROP, v)

    @property
    def block_number(self) -> int | None:
        """The DSDB sequence number, restarting at 1 for each session and channel."""
        return self._get_property(BLOCK_NUMBER_PROP, int)

    @block_number.setter
    def block_number(self, v: int | None) -> None:
        self._set_property(BLOCK_NUMBER_PROP, v)

    @property
    def final_block(self) -> bool | None:
        """Whether this is the last file of the session on its channel."""
        return self._get_property(FINAL_BLOCK_PROP, bool)

    @final_block.setter
    def final_block(self, v: bool | None) -> None:
        self._set_property(FINAL_BLOCK_PROP, v)


class AssetCadipExtension(FileCadipExtension[pystac.Asset]):
    """The file fields of an Asset (an Item's DSDB file, or a Collection asset).

    Use :meth:`CadipExtension.ext` on an Asset rather than instantiating this class.
    """

    asset: pystac.Asset
    """The Asset being extended."""

    properties: dict[str, Any]
    """The Asset's extra fields, where the file fields live."""

    def __init__(self, asset: pystac.Asset) -> None:
        self.asset = asset
        self.properties = asset.extra_fields

    def __repr__(self) -> str:
        return f"<AssetCadipExtension Asset href={self.asset.href}>"


class ItemAssetsCadipExtension(FileCadipExtension[pystac.ItemAssetDefinition]):
    """The file fields of a Collection's item asset definition.

    Use :meth:`CadipExtension.ext` on an ItemAssetDefinition rather than instantiating this
    class.
    """

    asset_defn: pystac.ItemAssetDefinition
    """The definition being extended."""

    properties: dict[str, Any]
    """The definition's fields."""

    def __init__(self, item_asset: pystac.ItemAssetDefinition) -> None:
        self.asset_defn = item_asset
        self.properties = item_asset.properties

    def __repr__(self) -> str:
        return f"<ItemAssetsCadipExtension ItemAssetDefinition title={self.asset_defn.title!r}>"


def _datetime_range(summary: RangeSummary[str] | None) -> RangeSummary[datetime] | None:
    if summary is None:
        return None
    return RangeSummary(str_to_datetime(summary.minimum), str_to_datetime(summary.maximum))


def _text_range(summary: RangeSummary[datetime] | None) -> RangeSummary[str] | None:
    if summary is None:
        return None
    return RangeSummary(datetime_to_str(summary.minimum), datetime_to_str(summary.maximum))


class SummariesCadipExtension(SummariesExtension):
    """The CADIP summaries of a Collection (v2.0.0 checks their values).

    Each property reads and writes the summary form that suits its field: a list of distinct
    values, or a :class:`~pystac.RangeSummary` for block numbers and planned timestamps. A
    summary stored in another form (or a JSON Schema) reads as None.

    Use :meth:`CadipExtension.summaries` rather than instantiating this class.
    """

    def __init__(self, collection: pystac.Collection) -> None:
        super().__init__(collection)
        self.collection_id = collection.id

    def __repr__(self) -> str:
        return f"<SummariesCadipExtension Collection id={self.collection_id}>"

    @property
    def acquisition_id(self) -> list[str] | None:
        """The distinct acquisition ids."""
        return self.summaries.get_list(ACQUISITION_ID_PROP)

    @acquisition_id.setter
    def acquisition_id(self, v: list[str] | None) -> None:
        self._set_summary(ACQUISITION_ID_PROP, v)

    @property
    def num_channels(self) -> list[int] | None:
        """The distinct channel counts."""
        return self.summaries.get_list(NUM_CHANNELS_PROP)

    @num_channels.setter
    def num_channels(self, v: list[int] | None) -> None:
        self._set_summary(NUM_CHANNELS_PROP, v)

    @property
    def station_id(self) -> list[str] | None:
        """The distinct station codes."""
        return self.summaries.get_list(STATION_ID_PROP)

    @station_id.setter
    def station_id(self, v: list[str] | None) -> None:
        self._set_summary(STATION_ID_PROP, v)

    @property
    def station_unit_id(self) -> list[str] | None:
        """The distinct station units."""
        return self.summaries.get_list(STATION_UNIT_ID_PROP)

    @station_unit_id.setter
    def station_unit_id(self, v: list[str] | None) -> None:
        self._set_summary(STATION_UNIT_ID_PROP, v)

    @property
    def antenna_id(self) -> list[str] | None:
        """The distinct antennas."""
        return self.summaries.get_list(ANTENNA_ID_PROP)

    @antenna_id.setter
    def antenna_id(self, v: list[str] | None) -> None:
        self._set_summary(ANTENNA_ID_PROP, v)

    @property
    def front_end_id(self) -> list[str] | None:
        """The distinct front-end processors."""
        return self.summaries.get_list(FRONT_END_ID_PROP)

    @front_end_id.setter
    def front_end_id(self, v: list[str] | None) -> None:
        self._set_summary(FRONT_END_ID_PROP, v)

    @property
    def planned_data_start(self) -> RangeSummary[datetime] | None:
        """The range of planned window starts."""
        return _datetime_range(self.summaries.get_range(PLANNED_DATA_START_PROP))

    @planned_data_start.setter
    def planned_data_start(self, v: RangeSummary[datetime] | None) -> None:
        self._set_summary(PLANNED_DATA_START_PROP, _text_range(v))

    @property
    def planned_data_stop(self) -> RangeSummary[datetime] | None:
        """The range of planned window ends."""
        return _datetime_range(self.summaries.get_range(PLANNED_DATA_STOP_PROP))

    @planned_data_stop.setter
    def planned_data_stop(self, v: RangeSummary[datetime] | None) -> None:
        self._set_summary(PLANNED_DATA_STOP_PROP, _text_range(v))

    @property
    def retransfer(self) -> list[bool] | None:
        """The retransfer flags seen (sessions and files)."""
        return self.summaries.get_list(RETRANSFER_PROP)

    @retransfer.setter
    def retransfer(self, v: list[bool] | None) -> None:
        self._set_summary(RETRANSFER_PROP, v)

    @property
    def antenna_status_ok(self) -> list[bool] | None:
        """The antenna status flags seen."""
        return self.summaries.get_list(ANTENNA_STATUS_OK_PROP)

    @antenna_status_ok.setter
    def antenna_status_ok(self, v: list[bool] | None) -> None:
        self._set_summary(ANTENNA_STATUS_OK_PROP, v)

    @property
    def front_end_status_ok(self) -> list[bool] | None:
        """The front-end status flags seen."""
        return self.summaries.get_list(FRONT_END_STATUS_OK_PROP)

    @front_end_status_ok.setter
    def front_end_status_ok(self, v: list[bool] | None) -> None:
        self._set_summary(FRONT_END_STATUS_OK_PROP, v)

    @property
    def downlink_status_ok(self) -> list[bool] | None:
        """The downlink status flags seen."""
        return self.summaries.get_list(DOWNLINK_STATUS_OK_PROP)

    @downlink_status_ok.setter
    def downlink_status_ok(self, v: list[bool] | None) -> None:
        self._set_summary(DOWNLINK_STATUS_OK_PROP, v)

    @property
    def delivery_push_ok(self) -> list[bool] | None:
        """The delivery flags seen."""
        return self.summaries.get_list(DELIVERY_PUSH_OK_PROP)

    @delivery_push_ok.setter
    def delivery_push_ok(self, v: list[bool] | None) -> None:
        self._set_summary(DELIVERY_PUSH_OK_PROP, v)

    @property
    def channel(self) -> list[int] | None:
        """The distinct channels of the files."""
        return self.summaries.get_list(CHANNEL_PROP)

    @channel.setter
    def channel(self, v: list[int] | None) -> None:
        self._set_summary(CHANNEL_PROP, v)

    @property
    def block_number(self) -> RangeSummary[int] | None:
        """The range of block numbers of the files."""
        return self.summaries.get_range(BLOCK_NUMBER_PROP)

    @block_number.setter
    def block_number(self, v: RangeSummary[int] | None) -> None:
        self._set_summary(BLOCK_NUMBER_PROP, v)

    @property
    def final_block(self) -> list[bool] | None:
        """The final-block flags seen."""
        return self.summaries.get_list(FINAL_BLOCK_PROP)

    @final_block.setter
    def final_block(self, v: list[bool] | None) -> None:
        self._set_summary(FINAL_BLOCK_PROP, v)


class CadipExtensionHooks(UpgradingHooks):
    """pystac hooks that upgrade documents declaring an older CADIP version or spelling.

    pystac calls :meth:`migrate` on every Item and Collection it reads. Documents that declare
    an older identifier (or an alias) are upgraded with
    :func:`rs_stac_ext.pystac_ext.migrate.upgrade_in_place`: ``cadip:id`` becomes an
    ``externalIds`` entry,
    acquisition ids become strings, integral floats become integers, ``cadip:downlink_orbit``
    becomes ``sat:absolute_orbit``, the external-ids extension is declared, and fields the
    newest version has no place for are removed (with a warning).
    """

    extension = ExtensionName.CADIP
    schema_uri: str = SCHEMA_URI
    prev_extension_ids: set[str] = set(_SPELLINGS.every - {SCHEMA_URI})  # noqa: RUF012
    stac_object_types: set[pystac.STACObjectType] = {  # noqa: RUF012
        pystac.STACObjectType.ITEM,
        pystac.STACObjectType.COLLECTION,
    }


CADIP_EXTENSION_HOOKS: ExtensionHooks = CadipExtensionHooks()
"""The hooks pystac discovers through the ``pystac.extensions`` entry point."""
