"""pystac classes of the ownership extension: Items, Collections, Catalogs and summaries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pystac
import pytest

from rs_stac_ext import schemas
from rs_stac_ext.pystac_ext import ownership
from rs_stac_ext.pystac_ext.ownership import OWNER_PROP, SCHEMA_URI, OwnershipExtension


def _item(stac_extensions: list[str] | None = None) -> pystac.Item:
    return pystac.Item(
        id="item",
        geometry=None,
        bbox=None,
        datetime=datetime(2020, 12, 11, 22, 38, 32, tzinfo=UTC),
        properties={},
        stac_extensions=stac_extensions,
    )


def _collection(stac_extensions: list[str] | None = None) -> pystac.Collection:
    extent = pystac.Extent(
        pystac.SpatialExtent([[172.9, 1.3, 173.0, 1.4]]),
        pystac.TemporalExtent([[datetime(2015, 6, 23, tzinfo=UTC), None]]),
    )
    return pystac.Collection(
        id="alice_collection",
        description="This collection belongs to Alice",
        extent=extent,
        stac_extensions=stac_extensions,
    )


def _catalog(stac_extensions: list[str] | None = None) -> pystac.Catalog:
    return pystac.Catalog(
        id="alice_catalog", description="Alice's catalog", stac_extensions=stac_extensions
    )


def test_constants_come_from_the_catalog() -> None:
    assert schemas.newest("ownership").identifier == SCHEMA_URI
    # The classes implement v2.0.0: a newer catalog entry needs new code, not just new data.
    assert schemas.find_version(SCHEMA_URI).version == "v2.0.0"
    assert list(ownership.SCHEMA_URIS) == schemas.identifiers("ownership")
    aliases = {alias for entry in schemas.versions("ownership") for alias in entry.aliases}
    assert set(ownership.ALIASES) == aliases
    assert any(alias.startswith("https://raw.githubusercontent.com/") for alias in aliases)
    assert ownership.PREFIX == ""
    assert OWNER_PROP == "owner"


def test_schema_uris_without_deprecation_warning() -> None:
    assert OwnershipExtension.get_schema_uri() == SCHEMA_URI
    assert OwnershipExtension.get_schema_uris() == list(ownership.SCHEMA_URIS)


def test_reprs() -> None:
    assert repr(OwnershipExtension.ext(_item(), add_if_missing=True)) == (
        "<ItemOwnershipExtension Item id=item>"
    )
    collection = _collection()
    assert repr(OwnershipExtension.ext(collection, add_if_missing=True)) == (
        "<CollectionOwnershipExtension Collection id=alice_collection>"
    )
    assert repr(OwnershipExtension.summaries(collection)) == (
        "<SummariesOwnershipExtension Collection id=alice_collection>"
    )
    assert repr(OwnershipExtension.ext(_catalog(), add_if_missing=True)) == (
        "<CatalogOwnershipExtension Catalog id=alice_catalog>"
    )


def _fields(obj: pystac.Item | pystac.Collection | pystac.Catalog) -> dict[str, Any]:
    return obj.properties if isinstance(obj, pystac.Item) else obj.extra_fields


@pytest.mark.parametrize("make", [_item, _collection, _catalog], ids=["item", "coll", "cat"])
def test_owner_set_get_none_removes_and_validates(make: Any) -> None:
    obj = make()
    ext = OwnershipExtension.ext(obj, add_if_missing=True)
    assert obj.stac_extensions == [SCHEMA_URI]
    assert ext.owner is None
    ext.apply("alice")
    assert ext.owner == "alice"
    assert _fields(obj)[OWNER_PROP] == "alice"
    document = obj.to_dict(include_self_link=False, transform_hrefs=False)
    validator = schemas.validator_for(SCHEMA_URI)
    assert list(validator.iter_errors(document)) == []
    again = type(obj).from_dict(document)
    assert OwnershipExtension.ext(again).owner == "alice"
    assert again.to_dict(include_self_link=False, transform_hrefs=False) == document
    ext.owner = None
    assert OWNER_PROP not in _fields(obj)
    # v2 requires the owner everywhere it applies.
    assert not validator.is_valid(obj.to_dict(include_self_link=False, transform_hrefs=False))


def test_item_owner_lives_in_properties_not_at_top_level() -> None:
    item = _item()
    OwnershipExtension.ext(item, add_if_missing=True).owner = "bob"
    document = item.to_dict(transform_hrefs=False)
    assert document["properties"][OWNER_PROP] == "bob"
    assert OWNER_PROP not in document


def test_apply_requires_the_owner() -> None:
    ext = OwnershipExtension.ext(_item(), add_if_missing=True)
    with pytest.raises(TypeError):
        ext.apply()  # type: ignore[call-arg]


def test_v2_rejects_an_empty_owner() -> None:
    item = _item()
    OwnershipExtension.ext(item, add_if_missing=True).owner = " "
    assert not schemas.validator_for(SCHEMA_URI).is_valid(item.to_dict(transform_hrefs=False))


def test_summaries() -> None:
    collection = _collection()
    OwnershipExtension.ext(collection, add_if_missing=True).owner = "alice"
    summaries = OwnershipExtension.summaries(collection)
    assert summaries.owner is None
    summaries.owner = ["alice", "bob"]
    assert summaries.owner == ["alice", "bob"]
    document = collection.to_dict(transform_hrefs=False)
    assert document["summaries"] == {OWNER_PROP: ["alice", "bob"]}
    validator = schemas.validator_for(SCHEMA_URI)
    assert validator.is_valid(document)
    again = pystac.Collection.from_dict(document)
    assert OwnershipExtension.summaries(again).owner == ["alice", "bob"]
    document["summaries"][OWNER_PROP] = ["alice", "alice"]
    assert not validator.is_valid(document), "v2 summaries hold distinct owners"
    summaries.owner = None
    assert "summaries" not in collection.to_dict(transform_hrefs=False)


def test_summaries_need_the_declaration() -> None:
    with pytest.raises(pystac.ExtensionNotImplemented):
        OwnershipExtension.summaries(_collection())


@pytest.mark.parametrize("make", [_item, _collection, _catalog], ids=["item", "coll", "cat"])
def test_missing_declaration_is_refused_without_add_if_missing(make: Any) -> None:
    with pytest.raises(pystac.ExtensionNotImplemented):
        OwnershipExtension.ext(make())


@pytest.mark.parametrize(
    "obj",
    [
        pystac.Asset(href="https://example.com/examples/file.xyz"),
        pystac.ItemAssetDefinition({"roles": ["data"]}),
        object(),
    ],
    ids=["asset", "item-asset-definition", "object"],
)
def test_other_objects_raise_extension_type_error(obj: Any) -> None:
    with pytest.raises(pystac.ExtensionTypeError) as raised:
        OwnershipExtension.ext(obj)
    assert type(obj).__name__ in str(raised.value)
    assert "an Item, a Collection or a Catalog" in str(raised.value)


SPELLINGS = [*ownership.SCHEMA_URIS, *ownership.ALIASES]


@pytest.mark.parametrize("uri", SPELLINGS)
def test_has_extension_recognises_every_identifier_and_alias(uri: str) -> None:
    assert OwnershipExtension.has_extension(_item([uri]))
    assert OwnershipExtension.has_extension(_collection([uri + "#"]))
    assert OwnershipExtension.has_extension(_catalog([uri]))
    assert ownership.OWNERSHIP_EXTENSION_HOOKS.has_extension({"stac_extensions": [uri]})


@pytest.mark.parametrize(
    "uri",
    [
        "https://home.rs-python.eu/ownership-stac-extension/v3.0.0/schema.json",
        "https://raw.githubusercontent.com/RS-PYTHON/ownership-stac-extension/refs/tags/"
        "v1.1.0/json-schema/schema.json",
        "https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json",
    ],
)
def test_has_extension_rejects_near_misses(uri: str) -> None:
    assert not OwnershipExtension.has_extension(_catalog([uri]))
    assert not ownership.OWNERSHIP_EXTENSION_HOOKS.has_extension({"stac_extensions": [uri]})


@pytest.mark.parametrize("old", [*ownership.SCHEMA_URIS[:-1], *ownership.ALIASES])
def test_add_to_replaces_an_older_spelling_in_place(old: str) -> None:
    other = "https://stac-extensions.github.io/alternate-assets/v1.1.0/schema.json"
    catalog = _catalog([other, old])
    OwnershipExtension.add_to(catalog)
    assert catalog.stac_extensions == [other, SCHEMA_URI]


def test_remove_from_removes_every_spelling() -> None:
    other = "https://stac-extensions.github.io/file/v2.1.0/schema.json"
    collection = _collection([other, *SPELLINGS])
    OwnershipExtension.remove_from(collection)
    assert collection.stac_extensions == [other]
    collection.stac_extensions = cast(Any, None)
    OwnershipExtension.remove_from(collection)
    assert collection.stac_extensions is None
