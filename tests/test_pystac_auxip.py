"""pystac classes of the AUXIP extension: fields, declarations, type errors, round trips."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pystac
import pytest

from rs_stac_ext import schemas
from rs_stac_ext.pystac_ext import auxip
from rs_stac_ext.pystac_ext.auxip import AUXIP_ID_PROP, SCHEMA_URI, AuxipExtension

UUID = "2e25ea88-ab33-11ef-8630-fa163e75e309"
OTHER_UUID = "3f36fb99-bc44-42f0-9741-0b274f86f41a"


def _item(stac_extensions: list[str] | None = None) -> pystac.Item:
    return pystac.Item(
        id="S1A_AUX_PP1_V20140616T133500_G20241125T133808",
        geometry=None,
        bbox=None,
        datetime=datetime(2014, 6, 16, 13, 35, tzinfo=UTC),
        properties={},
        stac_extensions=stac_extensions,
    )


def _collection() -> pystac.Collection:
    extent = pystac.Extent(
        pystac.SpatialExtent([[-180.0, -90.0, 180.0, 90.0]]),
        pystac.TemporalExtent([[datetime(2014, 1, 1, tzinfo=UTC), None]]),
    )
    return pystac.Collection(id="aux", description="auxiliary files", extent=extent)


def test_constants_come_from_the_catalog() -> None:
    entries = schemas.versions("auxip")
    assert schemas.newest("auxip").identifier == SCHEMA_URI
    # The classes implement v2.0.0: a newer catalog entry needs new code, not just new data.
    assert schemas.find_version(SCHEMA_URI).version == "v2.0.0"
    assert list(auxip.SCHEMA_URIS) == schemas.identifiers("auxip")
    assert set(auxip.ALIASES) == {alias for entry in entries for alias in entry.aliases}
    assert not set(auxip.ALIASES) & set(auxip.SCHEMA_URIS)
    assert auxip.PREFIX == "auxip:"
    assert AUXIP_ID_PROP == "auxip:id"


def test_schema_uris_without_deprecation_warning() -> None:
    assert AuxipExtension.get_schema_uri() == SCHEMA_URI
    # pystac's inherited get_schema_uris warns (an error here); ours lists every version.
    assert AuxipExtension.get_schema_uris() == list(auxip.SCHEMA_URIS)


def test_repr() -> None:
    item = _item()
    assert repr(AuxipExtension.ext(item, add_if_missing=True)) == (
        "<ItemAuxipExtension Item id=S1A_AUX_PP1_V20140616T133500_G20241125T133808>"
    )


def test_set_get_and_none_removes() -> None:
    item = _item()
    ext = AuxipExtension.ext(item, add_if_missing=True)
    assert ext.auxip_id is None
    ext.auxip_id = UUID
    assert ext.auxip_id == UUID
    assert item.properties[AUXIP_ID_PROP] == UUID
    ext.auxip_id = None
    assert AUXIP_ID_PROP not in item.properties
    assert ext.auxip_id is None


def test_apply_requires_the_id() -> None:
    item = _item()
    ext = AuxipExtension.ext(item, add_if_missing=True)
    ext.apply(OTHER_UUID)
    assert item.properties == {AUXIP_ID_PROP: OTHER_UUID}
    with pytest.raises(TypeError):
        ext.apply()  # type: ignore[call-arg]


def test_built_item_validates_against_the_newest_schema() -> None:
    item = _item()
    AuxipExtension.ext(item, add_if_missing=True).apply(UUID)
    item.add_asset("file", pystac.Asset(href=f"https://auxip.example/Products({UUID})/$value"))
    document = item.to_dict(transform_hrefs=False)
    assert document["stac_extensions"] == [SCHEMA_URI]
    assert schemas.validator_for(SCHEMA_URI).is_valid(document)
    # v2 keeps auxip:id out of assets: the same field on the asset makes the Item invalid.
    document["assets"]["file"][AUXIP_ID_PROP] = UUID
    assert not schemas.validator_for(SCHEMA_URI).is_valid(document)


def test_round_trip_through_dicts() -> None:
    item = _item()
    AuxipExtension.ext(item, add_if_missing=True).auxip_id = UUID
    document = item.to_dict(transform_hrefs=False)
    again = pystac.Item.from_dict(document)
    assert AuxipExtension.ext(again).auxip_id == UUID
    assert again.to_dict(transform_hrefs=False) == document


def test_missing_declaration_is_refused_without_add_if_missing() -> None:
    item = _item()
    with pytest.raises(pystac.ExtensionNotImplemented):
        AuxipExtension.ext(item)
    assert item.stac_extensions == []


@pytest.mark.parametrize(
    ("obj", "place"),
    [
        (pystac.Asset(href="https://example.com/a"), "assets"),
        (pystac.ItemAssetDefinition({"roles": ["data"]}), "item asset definitions"),
        (_collection(), "Collections"),
    ],
    ids=["asset", "item-asset-definition", "collection"],
)
def test_other_objects_raise_extension_type_error_saying_why(obj: Any, place: str) -> None:
    with pytest.raises(pystac.ExtensionTypeError) as raised:
        AuxipExtension.ext(obj)
    message = str(raised.value)
    assert type(obj).__name__ in message
    assert "Item properties only" in message
    assert place in message


def test_unrelated_object_raises_extension_type_error() -> None:
    catalog = pystac.Catalog(id="root", description="root")
    with pytest.raises(pystac.ExtensionTypeError, match=r"use a pystac\.Item"):
        AuxipExtension.ext(cast(Any, catalog))


SPELLINGS = [*auxip.SCHEMA_URIS, *auxip.ALIASES]


@pytest.mark.parametrize("uri", SPELLINGS)
def test_has_extension_recognises_every_identifier_and_alias(uri: str) -> None:
    assert AuxipExtension.has_extension(_item([uri]))
    assert AuxipExtension.has_extension(_item([uri + "#"]))
    assert auxip.AUXIP_EXTENSION_HOOKS.has_extension({"stac_extensions": [uri]})


@pytest.mark.parametrize(
    "uri",
    [
        "https://home.rs-python.eu/cadip-stac-extension/v2.0.0/schema.json",
        "http://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json",
        "https://home.rs-python.eu/auxip-stac-extension/v9.9.9/schema.json",
        "https://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json/",
    ],
)
def test_has_extension_rejects_near_misses(uri: str) -> None:
    assert not AuxipExtension.has_extension(_item([uri]))
    assert not auxip.AUXIP_EXTENSION_HOOKS.has_extension({"stac_extensions": [uri]})


def test_has_extension_on_object_without_list() -> None:
    item = _item()
    item.stac_extensions = cast(Any, None)
    assert not AuxipExtension.has_extension(item)
    assert not auxip.AUXIP_EXTENSION_HOOKS.has_extension({})


@pytest.mark.parametrize("old", [*auxip.SCHEMA_URIS[:-1], *auxip.ALIASES])
def test_add_to_replaces_an_older_spelling_in_place(old: str) -> None:
    other = "https://stac-extensions.github.io/file/v2.1.0/schema.json"
    item = _item([old, other, SCHEMA_URI + "#"])
    AuxipExtension.add_to(item)
    assert item.stac_extensions == [SCHEMA_URI, other]


def test_add_to_on_missing_list_and_idempotence() -> None:
    item = _item()
    item.stac_extensions = cast(Any, None)
    AuxipExtension.add_to(item)
    AuxipExtension.add_to(item)
    assert item.stac_extensions == [SCHEMA_URI]


def test_remove_from_removes_every_spelling() -> None:
    other = "https://stac-extensions.github.io/file/v2.1.0/schema.json"
    item = _item([*SPELLINGS, other])
    AuxipExtension.remove_from(item)
    assert item.stac_extensions == [other]
    assert not AuxipExtension.has_extension(item)
    item.stac_extensions = cast(Any, None)
    AuxipExtension.remove_from(item)
    assert item.stac_extensions is None
