"""Hypothesis strategies for documents near the decision boundaries of the published schemas.

:func:`documents` draws, for one published identifier, mostly well-formed Items and Collections
and then bends them where SPEC.md §1.2-§1.4 says verdicts flip: the declaration list, the
companion URLs of cadip v1.4.0, field types and bounds, the closed prefix, the Item's required
members, the Collection locations, date-time and uuid spellings, and ``externalIds`` entries.
Catalogs, other STAC types and non-objects are drawn too.
"""

from __future__ import annotations

from typing import Any, Final

from hypothesis import strategies as st

from oracle import PUBLISHED, Published, Rule

Json = Any
Draw = st.DrawFn

_HOSTS: Final = ("https://rs-python.github.io", "https://home.rs-python.eu")
_REPOS: Final = ("auxip", "cadip", "ownership")
_TAGS: Final = ("v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0", "v1.4.0", "v2.0.0")

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
    "2025-01-01T00:00:60Z",
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
# Values a field of any type might be given: the type and bound boundaries of SPEC.md §1.4.
AWKWARD: Final[tuple[Json, ...]] = (
    5,
    5.0,
    5.5,
    0,
    0.5,
    1,
    1.0,
    0.999,
    4,
    4.0,
    4.001,
    -1,
    10**20,
    True,
    False,
    None,
    "x",
    "",
    "5",
    "565521",
    "00",
    "0\n",
    "ÅÄ",
    "日本",
    "INS_",
    "KSE_",
    "ÅÄÖÜ",
    "INS_\n",
    "INS_X",
    "👍👍👍👍",
    [],
    ["a"],
    {},
    {"minimum": 1},
)
# Keys that are not declared by (some) versions: prefix spellings and other versions' fields.
STRANGE_KEYS: Final = (
    "cadip:",
    "auxip:",
    "cadip:session_id",
    "cadip:downlink_orbit",
    "cadip:id",
    "cadip:station_id",
    "cadip:Channel",
    "CADIP:id",
    "Cadip:channel",
    "AUXIP:id",
    "auxip:ID",
    "auxip:idx",
    "auxip:id ",
    " cadip:x",
    "\ncadip:x",
    "cadipx",
    "externalIds",
    "owner",
    "Owner",
    "auxip:id",
    "title",
    "href",
)
_SUMMARY_VALUES: Final = st.sampled_from(
    [["alice"], {"minimum": 1, "maximum": 4}, 5, None, "x", [], ["6894eb36"]]
)


def _once_in(draw: Draw, n: int) -> bool:
    """Return True about once in ``n`` draws.

    The rare outcome is a middle value, not the simplest draw (0) that Hypothesis favours and
    shrinks towards, so plain documents stay common and shrinking heads for them.
    """
    return draw(st.integers(0, n - 1)) == n // 2


def _identifier(repo: str, tag: str, host: str) -> str:
    return f"{host}/{repo}-stac-extension/{tag}/schema.json"


def declaration_noise(identifier: str) -> st.SearchStrategy[Json]:
    """Elements near the identifier: other versions, the other host, one-character edits."""
    other_ids = [_identifier(r, t, h) for r in _REPOS for t in _TAGS for h in _HOSTS]
    near = [
        identifier + "#",
        identifier + "/",
        identifier + " ",
        " " + identifier,
        identifier + "\n",
        identifier.replace("https:", "http:"),
        identifier.upper(),
        identifier.removesuffix(".json"),
    ]
    return st.one_of(
        st.sampled_from(other_ids),
        st.sampled_from(near),
        st.sampled_from([None, 1, True, {"href": identifier}, [identifier]]),
    )


_COMPANION_GOOD: Final = {
    "external-ids": (
        "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json",
        "https://stac-extensions.github.io/external-ids/v1.0.0/extra/schema.json",
        "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json\n",
    ),
    "file": (
        "https://stac-extensions.github.io/file/v2.1.0/schema.json",
        "https://stac-extensions.github.io/file/x/schema.json",
    ),
    "timestamps": (
        "https://stac-extensions.github.io/timestamps/v1.1.0/schema.json",
        "https://stac-extensions.github.io/timestamps/v1.0.0/a/b/schema.json",
    ),
}


def _companion_bad(name: str) -> tuple[str, ...]:
    good = f"https://stac-extensions.github.io/{name}/v1.0.0/schema.json"
    return (
        good.replace("https:", "http:"),
        good.replace("github.io", "github.com"),
        good.replace("stac-extensions.github.io", "home.rs-python.eu"),
        f"https://stac-extensions.github.io/{name}//schema.json",
        f"https://stac-extensions.github.io/{name}/v\n1/schema.json",
        good + "#",
        good + "\n\n",
        " " + good,
        good.replace(".json", ".JSON"),
        good.replace(name, name.upper()),
    )


@st.composite
def stac_extensions(draw: Draw, version: Published) -> Json:
    """Draw a ``stac_extensions`` value: usually a list, mostly declaring ``version``."""
    if _once_in(draw, 20):
        return draw(st.sampled_from([None, version.identifier, {"0": version.identifier}]))
    items: list[Json] = []
    if not _once_in(draw, 20):
        items.append(version.identifier)
    for name, good in _COMPANION_GOOD.items():
        pick = draw(st.integers(0, 29))
        if pick == 15:
            items.append(draw(st.sampled_from(_companion_bad(name))))
        elif pick != 16:
            items.append(draw(st.sampled_from(good)))
    items.extend(draw(st.lists(declaration_noise(version.identifier), max_size=3)))
    if items and _once_in(draw, 10):
        items.append(draw(st.sampled_from(items)))
    return draw(st.permutations(items))


def awkward_values() -> st.SearchStrategy[Json]:
    """Any value that tests a type or bound boundary, uuid and date-time spellings included."""
    return st.one_of(
        st.sampled_from(AWKWARD),
        st.sampled_from(ODD_UUIDS + GOOD_UUIDS),
        st.sampled_from(BAD_DATE_TIMES + GOOD_DATE_TIMES),
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-5, 10),
        st.text(max_size=6),
    )


@st.composite
def external_ids(draw: Draw) -> Json:
    """Draw an ``externalIds`` value: good cadip entries, then maybe one bent entry."""
    if _once_in(draw, 20):
        return draw(st.sampled_from([[], {"scheme": "cadip", "value": GOOD_UUIDS[0]}, "x", None]))
    value = st.sampled_from(GOOD_UUIDS)
    entries: list[Json] = [
        {"scheme": "cadip", "value": draw(value)} for _ in range(draw(st.integers(1, 2)))
    ]
    if _once_in(draw, 4):
        bent = draw(
            st.one_of(
                st.sampled_from(
                    [
                        {"scheme": "doi", "value": "10.1/x"},
                        {"scheme": "cadip"},
                        {"value": GOOD_UUIDS[0]},
                        {"scheme": "CADIP", "value": GOOD_UUIDS[0]},
                        {"scheme": ["cadip"], "value": GOOD_UUIDS[0]},
                        {"scheme": "cadip", "value": 5},
                        {"scheme": "cadip", "value": None},
                        {"scheme": "cadip", "value": GOOD_UUIDS[1], "extra": True},
                        "x",
                        None,
                        5,
                        ["cadip", GOOD_UUIDS[0]],
                    ]
                ),
                st.sampled_from(ODD_UUIDS).map(lambda text: {"scheme": "cadip", "value": text}),
            )
        )
        entries.insert(draw(st.integers(0, len(entries))), bent)
    return entries


def good_values(rule: Rule) -> st.SearchStrategy[Json]:
    """Values that usually satisfy ``rule`` (sometimes just across a boundary)."""
    if rule.external_ids:
        return external_ids()
    if rule.fmt == "uuid":
        return st.sampled_from(GOOD_UUIDS)
    if rule.fmt == "date-time":
        return st.sampled_from(GOOD_DATE_TIMES)
    if rule.length == 2:
        return st.sampled_from(["04", "00", "ÅÄ"])
    if rule.length == 4:
        return st.sampled_from(["INS_", "KSE_", "ÅÄÖÜ"])
    options: list[Json] = []
    if "number" in rule.types:
        options += [1, 2, 4, 1.0, 2.5, 4.0]
    if "integer" in rule.types:
        options += [565521, 565521.0]
    if "string" in rule.types:
        options += ["565521", "TLR3", "", "alice"]
    if "boolean" in rule.types:
        options += [True, False]
    return st.sampled_from(options)


@st.composite
def field_objects(
    draw: Draw, version: Published, required: tuple[str, ...], base: dict[str, Json]
) -> Json:
    """Draw an object carrying fields of ``version``: required keys usually, others sometimes."""
    if _once_in(draw, 50):
        return draw(st.sampled_from([None, "x", [], 5]))
    obj: dict[str, Json] = dict(base)
    names = sorted(version.fields)
    wanted = [key for key in required if not _once_in(draw, 40)]
    wanted += draw(st.lists(st.sampled_from(names), max_size=4))
    for key in wanted:
        rule = version.fields[key]
        bad = _once_in(draw, 25)
        obj[key] = draw(awkward_values() if bad else good_values(rule))
    if _once_in(draw, 10):
        obj[draw(st.sampled_from(STRANGE_KEYS))] = draw(st.one_of(awkward_values(), external_ids()))
    return obj


@st.composite
def asset_maps(draw: Draw, version: Published, required: tuple[str, ...]) -> Json:
    """Draw an ``assets`` (or ``item_assets``) value: usually an object of field objects."""
    shape = draw(st.integers(0, 19))
    if shape == 10:
        return draw(st.sampled_from([[], "x", None, [{"href": "a.raw"}]]))
    if shape == 11:
        return {}
    names = st.sampled_from(["a.raw", "b.raw", "thumbnail", "c"])
    keys = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    assets: dict[str, Json] = {}
    for key in keys:
        if key == "thumbnail" and _once_in(draw, 4):
            assets[key] = {"href": "t.png", "roles": ["thumbnail"]}
        else:
            assets[key] = draw(field_objects(version, required, {"href": f"{key}"}))
    return assets


@st.composite
def items(draw: Draw, version: Published) -> Json:
    """Draw a STAC Item for ``version``, with its required members sometimes missing."""
    document: dict[str, Json] = {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": draw(stac_extensions(version)),
        "id": "item",
        "geometry": None,
    }
    if not _once_in(draw, 20):
        document["properties"] = draw(
            field_objects(version, version.req_item, {"datetime": "2024-11-14T14:31:11Z"})
        )
    if not _once_in(draw, 20):
        document["assets"] = draw(asset_maps(version, version.req_asset))
    if _once_in(draw, 8):
        # Ignored locations: top-level members of an Item are never checked.
        document[draw(st.sampled_from(STRANGE_KEYS))] = draw(awkward_values())
    return document


def summaries(version: Published) -> st.SearchStrategy[Json]:
    """Draw a ``summaries`` value: an object of summary keys, or something else."""
    keys = sorted(version.fields) + list(STRANGE_KEYS[:8]) + ["datetime", "platform"]
    as_object = st.dictionaries(st.sampled_from(keys), _SUMMARY_VALUES, max_size=3)
    return st.one_of(as_object, as_object, st.sampled_from([[], ["owner"], "owner", None, 5]))


@st.composite
def collections(draw: Draw, version: Published) -> Json:
    """Draw a STAC Collection for ``version`` with any mix of its four locations."""
    document: dict[str, Json] = {
        "type": "Collection",
        "stac_version": "1.1.0",
        "stac_extensions": draw(stac_extensions(version)),
        "id": "collection",
        "description": "d",
        "license": "other",
    }
    for location in ("assets", "item_assets"):
        if draw(st.booleans()):
            document[location] = draw(asset_maps(version, ()))
    if _once_in(draw, 3):
        document["summaries"] = draw(summaries(version))
    if draw(st.booleans()):
        top = draw(st.sampled_from([*sorted(version.fields), "owner", "auxip:id", "cadip:"]))
        document[top] = draw(st.one_of(good_values(Rule(frozenset({"string"}))), awkward_values()))
    return document


@st.composite
def documents(draw: Draw, identifier: str) -> Json:
    """Draw any JSON document aimed at the published schema ``identifier``.

    Args:
        draw: Hypothesis's draw function.
        identifier: A canonical identifier of a published version.

    Returns:
        An Item, a Collection, a Catalog or other STAC-looking object (its ``type`` sometimes
        swapped), or a non-object.
    """
    version = PUBLISHED[identifier]
    shape = draw(st.integers(0, 29))
    if shape == 15:
        return draw(st.sampled_from([None, 5, "Feature", [], [{"type": "Feature"}], True]))
    document: dict[str, Json] = draw(items(version) if shape % 2 else collections(version))
    if shape == 16:
        # A Catalog that looks like a valid Collection otherwise.
        document["type"] = "Catalog"
    if _once_in(draw, 10):
        swapped = ["Catalog", "FeatureCollection", "feature", "Collection", "Feature", 5, None]
        kind = draw(st.sampled_from([*swapped, "<missing>"]))
        if kind == "<missing>":
            del document["type"]
        else:
            document["type"] = kind
    return document
