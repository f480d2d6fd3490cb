"""Hypothesis strategies for documents near the decision boundaries of the published schemas.

:func:`documents` draws, for one published identifier, a valid Item or Collection and then
usually applies one or two *defects* from :data:`ITEM_DEFECTS`, :data:`COLLECTION_DEFECTS` and
:data:`COMMON_DEFECTS`. Each defect sits where SPEC.md §1.2-§1.4 says a verdict may flip: the
declaration list and the cadip v1.4.0 companion URLs, the STAC type, the Item's required members,
field types and bounds, the closed prefix, the Collection locations, date-time and uuid
spellings, and ``externalIds`` entries. Some defects are harmless on purpose (non-string
declarations, ignored top-level keys, a bad asset beside a good one) so that the verdict is not
simply "any change is invalid".

:func:`single_defects` enumerates, without randomness, plain documents that differ from a valid
one in exactly one place (every boundary value of every field in every location, every key near
the prefix, every declaration and companion variant), so that a schema that is too lenient or
too strict at a single boundary cannot hide behind an unlucky draw.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, Final

from hypothesis import strategies as st

from oracle import PUBLISHED, Published, Rule

Json = Any
Draw = st.DrawFn
Defect = Callable[[Draw, Published, dict[str, Json]], Json]

_HOSTS: Final = ("https://rs-python.github.io", "https://home.rs-python.eu")
_TAGS: Final = ("v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0", "v1.4.0", "v2.0.0")
OTHER_IDENTIFIERS: Final = tuple(
    f"{host}/{name}-stac-extension/{tag}/schema.json"
    for name in ("auxip", "cadip", "ownership")
    for tag in _TAGS
    for host in _HOSTS
)

GOOD_UUIDS: Final = (
    "6894eb36-416e-469e-8788-9a0a2b8f3a8d",
    "228B97BC-AA04-4036-8450-3106BC7684BB",
)
ODD_UUIDS: Final = (
    "not-a-uuid",
    "",
    "{6894eb36-416e-469e-8788-9a0a2b8f3a8d}",
    "urn:uuid:6894eb36-416e-469e-8788-9a0a2b8f3a8d",
    "6894eb36416e469e87889a0a2b8f3a8d",
    "6894eb36-416e-469e-8788-9a0a2b8f3a8d\n",
    "6894eb36-416e-469e-8788-9a0a2b8f3a8",
    "6894eb36-416e-469e-8788-9a0a2b8f3a8dd",
    "6894eb36-416e-469e-8788-9a0a2b8f3g8d",
    "6894eb36-416e-469e-8788-9a0a-2b8f3a8d",
    " 894eb36-416e-469e-8788-9a0a2b8f3a8d",
    "6894eb36-416e-469e-8788-9a0a2b8f3a_d",
    "6894eb36-416e-469e-8788-9a0a2b8f3a\u0668d",  # an Arabic-Indic digit
)
GOOD_DATE_TIMES: Final = (
    "2024-11-14T14:30:38.477Z",
    "2024-02-29T23:59:59Z",
    "2025-01-01T00:00:00+01:00",
    "2025-01-01t00:00:00z",
    "2025-06-30T12:00:00.5-23:59",
    "2025-01-01T00:00:00Z\n",
)
BAD_DATE_TIMES: Final = (
    "2025-02-30T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2016-12-31T23:59:60Z",
    "2025-01-01 00:00:00Z",
    "2025-01-01T00:00:00",
    "2025-01-01T00:00Z",
    "2025-01-01T24:00:00Z",
    "2025-13-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "2025-01-01T00:00:00+24:00",
    "2025-01-01T00:00:00.Z",
    "2025-01-01",
    "2025-01-01T00:00:00Z ",
    "2025-01-01T00:00:00Z\n\n",
    "\uff12\uff10\uff12\uff15-01-01T00:00:00Z",  # full-width digits
)
# Values of every JSON type, for fields that want another type.
AWKWARD: Final[tuple[Json, ...]] = (
    5,
    5.0,
    5.5,
    0,
    1,
    -1,
    10**20,
    True,
    False,
    None,
    "x",
    "",
    "5",
    "\n",
    "日本",
    [],
    ["a"],
    {},
    {"minimum": 1},
)
SUMMARY_VALUES: Final[tuple[Json, ...]] = (
    ["alice"],
    {"minimum": 1, "maximum": 4},
    5,
    None,
    "x",
    [],
)

_COMPANION_NAMES: Final = ("external-ids", "file", "timestamps")
_COMPANION_TAGS: Final = {"external-ids": "v1.0.0", "file": "v2.1.0", "timestamps": "v1.1.0"}


def _companion(name: str, tag: str | None = None) -> str:
    return f"https://stac-extensions.github.io/{name}/{tag or _COMPANION_TAGS[name]}/schema.json"


def companion_variants(name: str) -> tuple[str, ...]:
    """Spellings of a companion URL on both sides of the v1.4.0 patterns."""
    good = _companion(name)
    return (
        _companion(name, "v9.9.9"),
        _companion(name, "v1.0.0/extra"),
        good + "\n",
        good.replace("https:", "http:"),
        good.replace("github.io", "github.com"),
        good.replace("stac-extensions.github.io", "home.rs-python.eu"),
        f"https://stac-extensions.github.io/{name}//schema.json",
        f"https://stac-extensions.github.io/{name}/v\n1/schema.json",
        good + "#",
        good + "/",
        good + "\n\n",
        " " + good,
        "x" + good,
        good.replace(".json", ".JSON"),
        good.replace(f"/{name}/", f"/{name.upper()}/"),
        _companion(name, "v1.0.0").replace("/schema.json", "/schema.jsonx"),
    )


def near_identifiers(identifier: str) -> tuple[str, ...]:
    """One-character edits and the other host of ``identifier``; none of them declares it."""
    other_host = (
        identifier.replace(_HOSTS[0], _HOSTS[1])
        if identifier.startswith(_HOSTS[0])
        else identifier.replace(_HOSTS[1], _HOSTS[0])
    )
    return (
        other_host,
        identifier + "#",
        identifier + "/",
        identifier + " ",
        " " + identifier,
        identifier + "\n",
        identifier.replace("https:", "http:"),
        identifier.upper(),
        identifier.removesuffix(".json"),
    )


# --- valid documents ------------------------------------------------------------------------------


def good_choices(rule: Rule) -> tuple[Json, ...]:
    """Values that satisfy ``rule`` in every format mode (the first one is the plainest)."""
    if rule.external_ids:
        first, second = ({"scheme": "cadip", "value": text} for text in GOOD_UUIDS)
        return ([first], [second], [first, second])
    if rule.fmt == "uuid":
        return GOOD_UUIDS
    if rule.fmt == "date-time":
        return GOOD_DATE_TIMES
    if rule.length == 2:
        return ("04", "00", "ÅÄ")
    if rule.length == 4:
        return ("INS_", "KSE_", "ÅÄÖÜ", "PA\n_")
    options: list[Json] = []
    if "number" in rule.types:
        options += [1, 2, 4, 1.0, 2.5, 4.0] if rule.minimum is not None else [565521, 5.5]
    if "integer" in rule.types:
        options += [565521, 565521.0]
    if "string" in rule.types:
        options += ["565521", "TLR3", "", "bob"]
    if "boolean" in rule.types:
        options += [False, True]
    return tuple(options)


def good_values(rule: Rule) -> st.SearchStrategy[Json]:
    """Draw a value that satisfies ``rule`` in every format mode."""
    return st.sampled_from(good_choices(rule))


def boundary_values(rule: Rule) -> tuple[Json, ...]:
    """Values just across (or just inside) the boundary of ``rule``, and a few wrong types."""
    if rule.external_ids:
        return external_ids_variants()
    near: list[Json] = []
    if rule.minimum is not None:
        low = rule.minimum
        near += [low - 1, low - 0.5, low - 0.001, low, float(low), low + 0.5]
    if rule.maximum is not None:
        high = rule.maximum
        near += [high, float(high), high + 0.001, high + 1]
    if rule.types == frozenset({"number"}) and rule.minimum is None:
        near += [5.5, 565521.0, -1, "565521"]
    if "integer" in rule.types:
        near += [5.0, 5.5, -3, 1e300, 10**20]
    if rule.length is not None:
        size = rule.length
        near += ["0" * (size - 1), "0" * (size + 1), "é" * size, "👍" * size, "0" * size + "\n"]
        near += ["0" * (size - 1) + "\n", ""]
    if rule.fmt == "uuid":
        near += list(ODD_UUIDS)
    if rule.fmt == "date-time":
        near += list(BAD_DATE_TIMES) + list(GOOD_DATE_TIMES)
    if "string" in rule.types:
        near += [None, 5, True, []]
    elif "boolean" in rule.types:
        near += [0, 1, "true", None]
    else:
        near += [True, False, "1", None, []]
    return tuple(near)


def external_ids_variants() -> tuple[Json, ...]:
    """``externalIds`` values next to the v1.4.0 rule: one bent entry among good ones, or worse."""
    good = {"scheme": "cadip", "value": GOOD_UUIDS[0]}
    entries: list[Json] = [
        {"scheme": "doi", "value": "10.1/x"},
        {"scheme": "cadip"},
        {"value": GOOD_UUIDS[0]},
        {"scheme": "CADIP", "value": GOOD_UUIDS[0]},
        {"scheme": "cadip ", "value": GOOD_UUIDS[0]},
        {"scheme": ["cadip"], "value": GOOD_UUIDS[0]},
        {"scheme": "cadip", "value": 5},
        {"scheme": "cadip", "value": None},
        {"scheme": "cadip", "value": GOOD_UUIDS[1], "extra": True},
        *({"scheme": "cadip", "value": text} for text in ODD_UUIDS[:4]),
        "x",
        None,
        ["cadip", GOOD_UUIDS[0]],
    ]
    whole: list[Json] = [[], good, "x", None, [good, good], [dict(good, note=None)]]
    return (*whole, *([entry] for entry in entries), *([good, entry] for entry in entries))


def strange_keys(version: Published) -> tuple[str, ...]:
    """Keys ``version`` does not declare, near its prefix or declared by a sibling version."""
    prefix = version.prefix or "owner"
    near = (
        f"{prefix}:",
        f"{prefix}:session_id",
        f"{prefix}:ID",
        f"{prefix.upper()}:id",
        f"{prefix.capitalize()}:x",
        f" {prefix}:x",
        f"\n{prefix}:x",
        f"{prefix}x",
        f"{prefix}:id ",
    )
    siblings = {
        key
        for other in PUBLISHED.values()
        if other.prefix == version.prefix
        for key in other.fields
        if key not in version.fields
    }
    return near + tuple(sorted(siblings)) + ("externalIds", "Owner", "auxip:id", "cadip:x")


@st.composite
def declarations(draw: Draw, version: Published) -> list[Json]:
    """A ``stac_extensions`` list that declares ``version`` (and its companions)."""
    listed: list[Json] = [version.identifier]
    if version.companions:
        listed += [_companion(name) for name in _COMPANION_NAMES]
    if draw(st.booleans()):
        listed.append(draw(st.sampled_from(OTHER_IDENTIFIERS)))
    return draw(st.permutations(listed))


@st.composite
def field_object(draw: Draw, version: Published, keys: tuple[str, ...]) -> dict[str, Json]:
    """An object with ``keys`` set to good values, maybe a few more fields and neutral keys."""
    names = sorted(version.fields)
    chosen = list(keys) + draw(st.lists(st.sampled_from(names), max_size=3))
    obj: dict[str, Json] = {}
    if draw(st.booleans()):
        obj["title"] = "t"
    for key in chosen:
        obj[key] = draw(good_values(version.fields[key]))
    return obj


@st.composite
def valid_items(draw: Draw, version: Published) -> dict[str, Json]:
    """An Item that ``version`` accepts in every format mode."""
    properties = draw(field_object(version, version.req_item))
    properties["datetime"] = "2024-11-14T14:31:11Z"
    keys = draw(st.lists(st.sampled_from(["a.raw", "b.raw", "c.raw"]), max_size=3, unique=True))
    assets = {key: draw(field_object(version, version.req_asset)) for key in keys}
    for key, asset in assets.items():
        asset["href"] = key
    return {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": draw(declarations(version)),
        "id": "item",
        "geometry": None,
        "properties": properties,
        "assets": assets,
    }


@st.composite
def qualifying_assets(draw: Draw, version: Published) -> dict[str, Json]:
    """A Collection ``assets``/``item_assets`` object in which at least one asset counts."""
    keys = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2, unique=True))
    result: dict[str, Json] = {}
    for key in keys:
        counted = draw(st.sampled_from(sorted(version.any_asset)))
        result[key] = draw(field_object(version, (counted,)))
    return result


@st.composite
def valid_collections(draw: Draw, version: Published) -> dict[str, Json]:
    """A Collection that ``version`` accepts through one or more of its locations."""
    document: dict[str, Json] = {
        "type": "Collection",
        "stac_version": "1.1.0",
        "stac_extensions": draw(declarations(version)),
        "id": "collection",
        "description": "d",
        "license": "other",
    }
    locations = ["assets", "item_assets", "summaries"]
    if version.top_level:
        locations.append("top")
    used = draw(st.lists(st.sampled_from(locations), min_size=1, max_size=3, unique=True))
    for location in used:
        if location == "summaries":
            keys = draw(st.lists(st.sampled_from(sorted(version.any_summary)), min_size=1))
            document["summaries"] = {key: draw(st.sampled_from(SUMMARY_VALUES)) for key in keys[:2]}
        elif location == "top" and version.top_level:
            document[version.top_level] = draw(good_values(version.fields[version.top_level]))
        else:
            document[location] = draw(qualifying_assets(version))
    return document


# --- defects --------------------------------------------------------------------------------------


def _drop_identifier(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    listed = [item for item in doc["stac_extensions"] if item != version.identifier]
    if draw(st.booleans()):
        listed.append(draw(st.sampled_from(near_identifiers(version.identifier))))
    doc["stac_extensions"] = listed
    return doc


def _declaration_not_a_list(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    choice = draw(st.sampled_from([version.identifier, {"0": version.identifier}, None, "del"]))
    if choice == "del":
        del doc["stac_extensions"]
    else:
        doc["stac_extensions"] = choice
    return doc


def _declaration_noise(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    # Harmless: the identifier stays listed.
    noise = st.one_of(
        st.sampled_from(near_identifiers(version.identifier)),
        st.sampled_from(OTHER_IDENTIFIERS),
        st.sampled_from([None, 1, True, {"href": version.identifier}, [version.identifier]]),
        st.just(version.identifier),
    )
    listed = doc["stac_extensions"] + draw(st.lists(noise, min_size=1, max_size=3))
    doc["stac_extensions"] = draw(st.permutations(listed))
    return doc


def _bend_companion(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    name = draw(st.sampled_from(_COMPANION_NAMES))
    listed = [item for item in doc["stac_extensions"] if item != _companion(name)]
    if draw(st.integers(0, 4)) != 2:
        listed.append(draw(st.sampled_from(companion_variants(name))))
    doc["stac_extensions"] = listed
    return doc


def _swap_type(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    kind = draw(
        st.sampled_from(["Catalog", "FeatureCollection", "feature", "Feature", "Collection", 5])
    )
    if draw(st.integers(0, 6)) == 3:
        doc.pop("type", None)
    else:
        doc["type"] = kind
    return doc


def _not_an_object(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    return draw(st.sampled_from([[doc], None, 5, "Feature", True, json.dumps(doc)]))


def _drop_member(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    doc.pop(draw(st.sampled_from(["properties", "assets"])), None)
    return doc


def _odd_member(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    member = draw(st.sampled_from(["properties", "assets"]))
    doc[member] = draw(st.sampled_from([{}, [], None, "x", [doc.get(member)]]))
    return doc


def _field_objects(doc: dict[str, Json]) -> list[dict[str, Json]]:
    """Every object in ``doc`` that FIELDS may apply to (properties, assets, item assets)."""
    found: list[dict[str, Json]] = []
    if isinstance(doc.get("properties"), dict):
        found.append(doc["properties"])
    for location in ("assets", "item_assets"):
        if isinstance(doc.get(location), dict):
            found += [asset for asset in doc[location].values() if isinstance(asset, dict)]
    return found


def _drop_required(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    targets = [obj for obj in _field_objects(doc) if set(obj) & set(version.fields)]
    if targets:
        obj = draw(st.sampled_from(targets))
        del obj[draw(st.sampled_from(sorted(set(obj) & set(version.fields))))]
    return doc


def _bend_field(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    targets = _field_objects(doc)
    if targets:
        obj = draw(st.sampled_from(targets))
        key = draw(st.sampled_from(sorted(version.fields)))
        obj[key] = draw(st.sampled_from(boundary_values(version.fields[key])))
    return doc


def _strange_key(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    targets = _field_objects(doc) or [doc]
    obj = draw(st.sampled_from(targets))
    obj[draw(st.sampled_from(strange_keys(version)))] = draw(st.sampled_from(AWKWARD))
    return doc


def _extra_asset(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    location = draw(st.sampled_from(["assets", "item_assets"]))
    if not isinstance(doc.get(location), dict):
        doc[location] = {}
    extra = draw(
        st.one_of(
            st.sampled_from([{"href": "t.png", "roles": ["thumbnail"]}, None, "x", []]),
            field_object(version, ()),
        )
    )
    doc[location]["thumbnail"] = extra
    return doc


def _ignored_places(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    # Harmless for Items; for Collections only ownership reads the top level.
    key = draw(st.sampled_from(strange_keys(version)))
    value = draw(st.sampled_from(AWKWARD))
    if draw(st.booleans()):
        doc[key] = value
    else:
        doc["links"] = [{"rel": "self", "href": "x", key: value}]
    return doc


def _drop_location(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    present = [key for key in ("assets", "item_assets", "summaries", "owner") if key in doc]
    if present:
        del doc[draw(st.sampled_from(present))]
    return doc


def _odd_summaries(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    uncounted = sorted(set(version.fields) - version.any_summary) + list(strange_keys(version))
    doc["summaries"] = draw(
        st.one_of(
            st.sampled_from([{}, [], ["owner"], "x", None, 5, {"datetime": ["x"]}]),
            st.dictionaries(st.sampled_from(uncounted), st.sampled_from(SUMMARY_VALUES)),
            st.dictionaries(
                st.sampled_from(sorted(version.any_summary)),
                st.sampled_from(SUMMARY_VALUES),
                min_size=1,
                max_size=1,
            ),
        )
    )
    return doc


def _odd_location(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    location = draw(st.sampled_from(["assets", "item_assets"]))
    doc[location] = draw(
        st.sampled_from([{}, [], None, "x", [{"owner": "a"}], {"a": {"href": "a"}}, {"a": None}])
    )
    return doc


def _top_level_field(draw: Draw, version: Published, doc: dict[str, Json]) -> Json:
    key = draw(st.sampled_from(sorted(version.fields)))
    rule = version.fields[key]
    doc[key] = draw(st.one_of(good_values(rule), st.sampled_from(boundary_values(rule))))
    return doc


COMMON_DEFECTS: Final[tuple[Defect, ...]] = (
    _drop_identifier,
    _declaration_not_a_list,
    _declaration_noise,
    _bend_companion,
    _swap_type,
    _not_an_object,
    _bend_field,
    _bend_field,
    _strange_key,
    _drop_required,
    _extra_asset,
    _ignored_places,
)
ITEM_DEFECTS: Final[tuple[Defect, ...]] = (_drop_member, _odd_member)
COLLECTION_DEFECTS: Final[tuple[Defect, ...]] = (
    _drop_location,
    _odd_summaries,
    _odd_location,
    _top_level_field,
)


@st.composite
def documents(draw: Draw, identifier: str) -> Json:
    """Draw a document aimed at the published schema ``identifier``.

    Args:
        draw: Hypothesis's draw function.
        identifier: A canonical identifier of a published version.

    Returns:
        A valid Item or Collection with zero, one or two defects applied (a defect may turn it
        into a Catalog, another STAC type or a non-object).
    """
    version = PUBLISHED[identifier]
    is_item = draw(st.booleans())
    document: Json = draw(valid_items(version) if is_item else valid_collections(version))
    defects = COMMON_DEFECTS + (ITEM_DEFECTS if is_item else COLLECTION_DEFECTS)
    for _ in range(draw(st.sampled_from([1, 0, 1, 2]))):
        if not isinstance(document, dict) or not isinstance(document.get("stac_extensions"), list):
            break
        document = draw(st.sampled_from(defects))(draw, version, document)
    return document


# --- an exhaustive sweep of single defects --------------------------------------------------------


ODD_LOCATIONS: Final[tuple[Json, ...]] = ({}, [], None, "x", {"a": None}, {"a": {"href": "a"}})


def base_item(version: Published) -> dict[str, Json]:
    """The plainest valid Item of ``version``: required fields only, one asset."""
    plain = {key: good_choices(rule)[0] for key, rule in version.fields.items()}
    declared: list[Json] = [version.identifier]
    if version.companions:
        declared += [_companion(name) for name in _COMPANION_NAMES]
    return {
        "type": "Feature",
        "stac_extensions": declared,
        "id": "item",
        "properties": {"datetime": GOOD_DATE_TIMES[0]} | {k: plain[k] for k in version.req_item},
        "assets": {"a.raw": {"href": "a.raw"} | {k: plain[k] for k in version.req_asset}},
    }


def base_collection(version: Published, location: str) -> dict[str, Json]:
    """A valid Collection of ``version`` that qualifies through ``location`` only.

    Args:
        version: The published version.
        location: ``"assets"``, ``"item_assets"``, ``"summaries"`` or ``"top"``.

    Returns:
        The Collection.
    """
    document: dict[str, Json] = {
        "type": "Collection",
        "stac_extensions": base_item(version)["stac_extensions"],
        "id": "collection",
    }
    if location == "summaries":
        document["summaries"] = {sorted(version.any_summary)[0]: ["x"]}
    elif location == "top" and version.top_level:
        document[version.top_level] = good_choices(version.fields[version.top_level])[0]
    else:
        counted = sorted(version.any_asset)[0]
        document[location] = {"a": {counted: good_choices(version.fields[counted])[0]}}
    return document


def _declaration_sweep(version: Published, base: dict[str, Json]) -> Iterator[tuple[str, Json]]:
    listed: list[Json] = base["stac_extensions"]
    others = [item for item in listed if item != version.identifier]
    for near in near_identifiers(version.identifier):
        yield f"declares {near!r}", base | {"stac_extensions": [*others, near]}
    yield "identifier twice, non-strings", base | {"stac_extensions": [5, None, *listed, *listed]}
    yield "identifier missing", base | {"stac_extensions": others}
    odd_lists: tuple[Json, ...] = (version.identifier, {"0": version.identifier}, None, [])
    for odd in odd_lists:
        yield f"stac_extensions {odd!r}", base | {"stac_extensions": odd}
    yield "no stac_extensions", {k: v for k, v in base.items() if k != "stac_extensions"}
    for name in _COMPANION_NAMES:
        rest = [item for item in listed if item != _companion(name)]
        yield f"no {name} companion", base | {"stac_extensions": rest}
        for variant in companion_variants(name):
            yield f"companion {variant!r}", base | {"stac_extensions": [*rest, variant]}


def _type_sweep(base: dict[str, Json]) -> Iterator[tuple[str, Json]]:
    for kind in ("Catalog", "FeatureCollection", "feature", "collection", 5, None):
        yield f"type {kind!r}", base | {"type": kind}
    yield "no type", {k: v for k, v in base.items() if k != "type"}
    yield "wrapped in an array", [base]


def _with(document: dict[str, Json], path: tuple[str, ...], key: str, value: Json) -> Json:
    """A deep copy of ``document`` with ``key`` set to ``value`` in the object at ``path``."""
    copied: dict[str, Json] = json.loads(json.dumps(document))
    target = copied
    for step in path:
        target = target[step]
    target[key] = value
    return copied


def _without(document: dict[str, Json], path: tuple[str, ...], key: str) -> Json:
    copied: dict[str, Json] = json.loads(json.dumps(document))
    target = copied
    for step in path:
        target = target[step]
    del target[key]
    return copied


def single_defects(identifier: str) -> Iterator[tuple[str, Json]]:
    """Enumerate plain documents for ``identifier`` that differ from a valid one in one place.

    Args:
        identifier: A canonical identifier of a published version.

    Yields:
        A label and a document (valid or not: the verdict is for the oracle to say).
    """
    version = PUBLISHED[identifier]
    item = base_item(version)
    locations = ["assets", "item_assets", "summaries"] + (["top"] if version.top_level else [])
    collections = {location: base_collection(version, location) for location in locations}
    yield "base Item", item
    yield from _declaration_sweep(version, item)
    yield from _type_sweep(item)
    for location, base in collections.items():
        yield f"base Collection via {location}", base
        yield from _type_sweep(base)
    yield from _declaration_sweep(version, collections["summaries"])
    for member in ("properties", "assets"):
        yield f"no {member}", _without(item, (), member)
        for odd in ODD_LOCATIONS[:4]:
            yield f"{member} {odd!r}", _with(item, (), member, odd)
    for key in version.req_item:
        yield f"properties without {key}", _without(item, ("properties",), key)
    for key in version.req_asset:
        yield f"asset without {key}", _without(item, ("assets", "a.raw"), key)
    for extra in ({"href": "t.png"}, *ODD_LOCATIONS[1:4]):
        yield f"extra asset {extra!r}", _with(item, ("assets",), "thumbnail", extra)
    places = {
        "properties": (item, ("properties",)),
        "Item asset": (item, ("assets", "a.raw")),
        "Collection asset": (collections["assets"], ("assets", "a")),
    }
    if "top" in collections:
        places["Collection top level"] = (collections["top"], ())
    for key, rule in sorted(version.fields.items()):
        for value in good_choices(rule) + boundary_values(rule):
            for place, (document, path) in places.items():
                yield f"{place} {key}={value!r}", _with(document, path, key, value)
            yield (
                f"only asset {{{key}: {value!r}}}",
                _with(collections["assets"], (), "assets", {"a": {key: value}}),
            )
    # The top level of a Collection is ignored unless it is a location (ownership).
    places["Collection top level beside summaries"] = (collections["summaries"], ())
    for key in [*sorted(version.fields), *strange_keys(version)]:
        for place, (document, path) in places.items():
            yield f"{place} {key!r}=5", _with(document, path, key, 5)
        yield f"only summary {key!r}", _with(collections["summaries"], (), "summaries", {key: 5})
        yield (
            f"only asset {{{key!r}: 5}}",
            _with(collections["assets"], (), "assets", {"a": {key: 5}}),
        )
    for location in ("assets", "item_assets", "summaries"):
        for odd in ODD_LOCATIONS:
            yield f"{location} {odd!r}", _with(collections[location], (), location, odd)
    good_asset = collections["assets"]["assets"]["a"]
    for key in sorted(version.any_asset):
        for bad in boundary_values(version.fields[key])[:3]:
            for assets in ({"a": good_asset, "b": {key: bad}}, {"b": {key: bad}}):
                yield f"assets {assets!r}", _with(collections["assets"], (), "assets", assets)
