"""Hypothesis strategies: valid field models and whole STAC Items built from them.

Values are realistic (station codes, DSDB file names, OData hrefs) so that a failure reads like a
real document. Strategy factories are cached: building a strategy costs more than drawing from
it, and the composite strategies draw from them many times per example.

Items are STAC 1.1.0 with a null geometry and declare the newest (v2.0.0) identifier of their
extension; CADIP Items also declare the external-ids extension.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from hypothesis import strategies as st

from rs_stac_ext.models import (
    AuxipItemProperties,
    CadipFileAsset,
    CadipSessionProperties,
    ExternalId,
    OwnershipProperties,
)
from rs_stac_ext.schemas import newest

EXTERNAL_IDS_V1 = "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"
AUXIP_ID = newest("auxip").identifier
CADIP_ID = newest("cadip").identifier
OWNERSHIP_ID = newest("ownership").identifier

STATIONS = ("INS_", "KSE_", "MTI_", "SGS_", "PAR_", "NSG_", "MPS_")
ANTENNAS = ("TLR3", "TLR1", "SGS-1", "MTI2", "KSE_ANT_13")
FRONT_ENDS = ("DEM-KSPT-SENT-DFEP4", "DEM-KSPT-SENT-DFEP1", "NSG-FEP-02")
PLATFORMS = ("sentinel-1a", "sentinel-1c", "sentinel-2b", "sentinel-3a")
OWNERS = ("alice", "bob", "jdoe@example.com", "operator-07", "Zoë Müller", "rs_admin")


@cache
def uuid_strings() -> st.SearchStrategy[str]:
    """UUIDs in canonical form, mostly lower case as services emit them."""
    return st.builds(
        lambda value, upper: str(value).upper() if upper else str(value),
        st.uuids(),
        st.sampled_from([False, False, False, True]),
    )


@cache
def rfc3339_strings() -> st.SearchStrategy[str]:
    """RFC 3339 timestamps: optional fraction (1 to 9 digits), ``Z`` or a numeric offset."""
    moments = st.datetimes(min_value=datetime(2014, 1, 1), max_value=datetime(2035, 12, 31))
    fractions = st.one_of(st.just(""), st.integers(1, 9).map(str))
    offsets = st.sampled_from(["Z", "Z", "+00:00", "+02:00", "-05:30", "+14:00"])

    def render(moment: datetime, digits: str, offset: str) -> str:
        text = f"{moment:%Y-%m-%dT%H:%M:%S}"
        if digits:
            text += "." + f"{moment.microsecond:06d}000"[: int(digits)]
        return text + offset

    return st.builds(render, moments, fractions, offsets)


@cache
def _other_external_id() -> st.SearchStrategy[ExternalId]:
    return st.builds(
        lambda scheme, value: ExternalId(scheme=scheme, value=value),
        st.sampled_from(["https://doi.org", "https://www.wikidata.org/entity", "edrs"]),
        st.from_regex(r"[A-Za-z0-9./_-]{1,20}", fullmatch=True),
    )


@cache
def _some_other_ids() -> st.SearchStrategy[list[ExternalId]]:
    return st.lists(_other_external_id(), min_size=1, max_size=2)


@cache
def cadip_external_ids() -> st.SearchStrategy[list[ExternalId]]:
    """``externalIds`` arrays holding one ``cadip`` UUID, sometimes with other schemes around it."""
    cadip = uuid_strings().map(lambda value: ExternalId(scheme="cadip", value=value))
    return st.builds(
        lambda own, others, at: [*others[:at], own, *others[at:]],
        cadip,
        st.lists(_other_external_id(), max_size=2),
        st.integers(0, 2),
    )


@cache
def auxip_item_properties() -> st.SearchStrategy[AuxipItemProperties]:
    """Valid AUXIP properties models."""
    return uuid_strings().map(lambda value: AuxipItemProperties(auxip_id=value))


@cache
def cadip_session_properties() -> st.SearchStrategy[CadipSessionProperties]:
    """Valid CADIP session models; optional fields are present or absent at random."""
    fields = st.fixed_dictionaries(
        {
            "external_ids": cadip_external_ids(),
            "acquisition_id": st.integers(1, 999_999).map(str),
        },
        optional={
            "num_channels": st.integers(1, 4),
            "station_id": st.sampled_from(STATIONS),
            "station_unit_id": st.integers(0, 99).map("{:02d}".format),
            "antenna_id": st.sampled_from(ANTENNAS),
            "front_end_id": st.sampled_from(FRONT_ENDS),
            "planned_data_start": rfc3339_strings(),
            "planned_data_stop": rfc3339_strings(),
            "retransfer": st.booleans(),
            "antenna_status_ok": st.booleans(),
            "front_end_status_ok": st.booleans(),
            "downlink_status_ok": st.booleans(),
            "delivery_push_ok": st.booleans(),
        },
    )
    return fields.map(lambda values: CadipSessionProperties(**values))


@cache
def cadip_file_assets() -> st.SearchStrategy[CadipFileAsset]:
    """Valid DSDB file models."""
    fields = st.fixed_dictionaries(
        {
            "external_ids": cadip_external_ids(),
            "channel": st.integers(1, 4),
            "block_number": st.integers(1, 400),
            "final_block": st.booleans(),
        },
        optional={"retransfer": st.booleans()},
    )
    return fields.map(lambda values: CadipFileAsset(**values))


@cache
def ownership_properties() -> st.SearchStrategy[OwnershipProperties]:
    """Valid ownership models: real-looking user names."""
    return st.sampled_from(OWNERS).map(lambda owner: OwnershipProperties(owner=owner))


@cache
def _common_properties() -> st.SearchStrategy[dict[str, Any]]:
    """Core and timestamps properties; ``datetime`` is sometimes null (a range is given)."""
    return st.fixed_dictionaries(
        {
            "datetime": rfc3339_strings() | st.none(),
            "start_datetime": rfc3339_strings(),
            "end_datetime": rfc3339_strings(),
        },
        optional={"platform": st.sampled_from(PLATFORMS), "published": rfc3339_strings()},
    )


def _item(
    item_id: str, extensions: list[str], properties: dict[str, Any], assets: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": extensions,
        "id": item_id,
        "geometry": None,
        "properties": properties,
        "links": [],
        "assets": assets,
    }


def _dsdb_asset(session: str, unit: str, model: CadipFileAsset) -> tuple[str, dict[str, Any]]:
    name = f"DCS_{unit}_{session}_ch{model.channel}_DSDB_{model.block_number:05d}.raw"
    asset: dict[str, Any] = {
        "href": f"https://cadip.example.com/odata/v1/Files({model.file_uuid})/$value",
        "title": name,
        "roles": ["cadu"],
        **model.to_stac(),
    }
    return name, asset


@cache
def thumbnail_assets() -> st.SearchStrategy[dict[str, Any]]:
    """A non-DSDB asset; it may carry the asset-level fields (retransfer, external ids)."""
    return st.fixed_dictionaries(
        {
            "href": st.just("https://cadip.example.com/quicklook.png"),
            "type": st.just("image/png"),
            "roles": st.just(["thumbnail"]),
        },
        optional={
            "cadip:retransfer": st.booleans(),
            "externalIds": st.one_of(_some_other_ids(), cadip_external_ids()).map(
                lambda entries: [entry.model_dump() for entry in entries]
            ),
        },
    )


@st.composite
def cadip_items(draw: st.DrawFn) -> dict[str, Any]:
    """Whole CADIP v2.0.0 session Items: at least one DSDB asset, sometimes a thumbnail too."""
    session = draw(cadip_session_properties())
    files = draw(st.lists(cadip_file_assets(), min_size=1, max_size=4))
    platform = draw(st.sampled_from(["S1A", "S1C", "S2B"]))
    started = draw(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)))
    session_name = f"{platform}_{started.replace(tzinfo=UTC):%Y%m%d%H%M%S}{session.acquisition_id}"
    unit = session.station_unit_id or "00"
    assets: dict[str, Any] = {}
    for model in files:
        name, asset = _dsdb_asset(session_name, unit, model)
        assets.setdefault(name, asset)
    if draw(st.booleans()):
        assets["thumbnail"] = draw(thumbnail_assets())
    properties = {**draw(_common_properties()), **session.to_stac()}
    return _item(session_name, [CADIP_ID, EXTERNAL_IDS_V1], properties, assets)


@st.composite
def auxip_items(draw: st.DrawFn) -> dict[str, Any]:
    """Whole AUXIP v2.0.0 Items, one product file as the asset."""
    model = draw(auxip_item_properties())
    product = draw(st.sampled_from(["S1A_AUX_PP1", "S2B_AUX_ECMWFD", "S3A_AX___FRO_AX"]))
    moment = draw(st.datetimes(min_value=datetime(2014, 1, 1), max_value=datetime(2030, 1, 1)))
    item_id = f"{product}_V{moment:%Y%m%dT%H%M%S}"
    assets = {
        f"{item_id}.SAFE.zip": {
            "href": f"https://auxip.example.com/odata/v1/Products({model.auxip_id})/$value",
            "type": "application/zip",
            "roles": ["data"],
        }
    }
    properties = {**draw(_common_properties()), **model.to_stac()}
    return _item(item_id, [AUXIP_ID], properties, assets)


@st.composite
def ownership_items(draw: st.DrawFn) -> dict[str, Any]:
    """Whole ownership v2.0.0 Items, with or without an asset."""
    model = draw(ownership_properties())
    assets: dict[str, Any] = {}
    if draw(st.booleans()):
        assets["data"] = {"href": "s3://rs-cluster-catalog/data.zip", "roles": ["data"]}
    properties = {**draw(_common_properties()), **model.to_stac()}
    item_id = draw(st.from_regex(r"[a-z][a-z0-9_-]{2,20}", fullmatch=True))
    return _item(item_id, [OWNERSHIP_ID], properties, assets)
