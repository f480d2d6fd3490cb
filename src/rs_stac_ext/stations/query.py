"""STAC item search → OData query of a station (SPEC §7.8).

:func:`build_odata` turns a :class:`SearchRequest` (what a STAC API receives: ids, datetime,
bbox, intersects, limit, page, sortby, CQL2 filter, query) plus the fixed criteria of a
collection into an :class:`ODataRequest` for a station's ``Sessions`` (CADIP) or ``Products``
(AUXIP, PRIP, LTA) entity set. The emitted URLs reproduce byte for byte the requests of the
previous reference server (its test vectors), including its clause order.

What can be translated is an AND of property comparisons (``=``, ``IN`` and, on timestamps,
``<``, ``<=``, ``>``, ``>=``), the CQL2 temporal predicates (``T_*``) and, for PRIP and LTA, a
spatial intersection. Anything else is refused with :class:`UnsupportedQuery`, which names the
part; malformed input raises :class:`InvalidQuery` with the HTTP status and body a STAC API
answers. Where the collection and the user constrain the same thing (platforms, product types,
session ids, publication dates) the two are intersected; an empty intersection gives a request
whose :attr:`ODataRequest.empty` is true, which is never sent.

Errors carry the status and ``{code, description}`` body a STAC API answers; see
:class:`StationApiError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from rs_stac_ext.stations._cql2 import CqlSyntaxError, read_json
from rs_stac_ext.stations._errors import (
    InvalidQuery,
    StationApiError,
    UnsupportedQuery,
    bad_request,
    unprocessable,
)
from rs_stac_ext.stations._translate import (
    MAX_TOP,
    NAMES,
    SORTABLE,
    Translator,
    bbox_polygon,
    build_clauses,
    collection_criteria,
    disjoint,
    queryable_names,
    read_bbox,
    read_filter,
    read_limit,
    read_query,
    set_clause,
)
from rs_stac_ext.stations.registry import CollectionConfig, Service, normalise_service

__all__ = [
    "DEFAULT_LIMIT",
    "FILES_PAGE_SIZE",
    "MAX_TOP",
    "Entity",
    "InvalidQuery",
    "ODataRequest",
    "SearchRequest",
    "StationApiError",
    "UnsupportedQuery",
    "bad_station",
    "build_files_request",
    "build_odata",
    "item_not_found",
    "paging_links",
    "queryables",
    "unknown_collection",
]

Entity = Literal["Sessions", "Files", "Products"]
"""An OData entity set of a station."""

DEFAULT_LIMIT = 10
"""``$top`` when neither the search nor the collection sets a limit."""
FILES_PAGE_SIZE = 1000
"""``$top`` of the CADIP ``Files`` follow-up request."""

_ODATA_ORDER = ("$filter", "$orderby", "$top", "$skip", "$expand")


# ---------------------------------------------------------------------------------- errors


def unknown_collection(service: str, collection_id: str) -> InvalidQuery:
    """The 404 answered for a collection no station of the service serves."""
    name = NAMES.get(service.lower(), service.upper())
    return InvalidQuery(404, "NotFound", f"Unknown {name} collection: {collection_id!r}")


def item_not_found(service: str, item_id: str) -> InvalidQuery:
    """The 404 answered when a station returns nothing for an item id."""
    if service.lower() == "cadip":
        return InvalidQuery(404, "NotFound", f"Cadip session {item_id!r} not found.")
    name = NAMES.get(normalise_service(service), service.upper())
    return InvalidQuery(404, "NotFound", f"{name} item {item_id!r} not found.")


def bad_station(detail: str) -> InvalidQuery:
    """The 400 answered when a collection names a station that cannot be used."""
    return InvalidQuery(400, "BadRequest", f"Bad station identifier: {detail}")


def queryables(service: str) -> list[str]:
    """Return the STAC properties a service's searches may filter on.

    Raises:
        UnknownStation: Not a station service.
    """
    return queryable_names(normalise_service(service))


# ---------------------------------------------------------------------------- the request


@dataclass(frozen=True)
class SearchRequest:
    """A STAC item search, as received (values are checked by :func:`build_odata`).

    Attributes:
        ids: Item ids.
        collections: Collection ids (used by the caller to pick stations).
        datetime: RFC 3339 instant or interval ``a/b`` (``..`` or empty for an open end).
        bbox: 4 or 6 numbers, or their comma-separated text.
        intersects: A GeoJSON geometry.
        limit: Items per page.
        page: 1-based page number.
        token: Paging token ``next:page=N`` / ``prev:page=N`` (wins over ``page``).
        sortby: ``+field``/``-field`` text (comma-separated) or the POST list form.
        filter: CQL2 filter, text or JSON.
        filter_lang: ``cql2-text`` or ``cql2-json``; guessed from ``filter`` when absent.
        query: STAC query-extension object ``{property: {op: value}}``.
    """

    ids: tuple[str, ...] | None = None
    collections: tuple[str, ...] | None = None
    datetime: str | None = None
    bbox: Sequence[float] | str | None = None
    intersects: Mapping[str, Any] | None = None
    limit: int | str | None = None
    page: int | str | None = None
    token: str | None = None
    sortby: str | Sequence[str | Mapping[str, str]] | None = None
    filter: str | Mapping[str, Any] | None = None
    filter_lang: str | None = None
    query: Mapping[str, Any] | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchRequest:
        """Read the query parameters of ``GET /search`` or ``GET .../items``.

        Raises:
            InvalidQuery: ``intersects`` or ``query`` is not JSON.
        """
        return cls(
            ids=_split(params.get("ids")),
            collections=_split(params.get("collections")),
            datetime=params.get("datetime"),
            bbox=params.get("bbox"),
            intersects=_json_param(params, "intersects"),
            limit=params.get("limit"),
            page=params.get("page"),
            token=params.get("token"),
            sortby=params.get("sortby"),
            filter=params.get("filter"),
            filter_lang=params.get("filter-lang", params.get("filter_lang")) or "cql2-text",
            query=_json_param(params, "query"),
        )

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> SearchRequest:
        """Read the JSON body of ``POST /search``.

        Raises:
            InvalidQuery: A member of the wrong JSON type (400), named with what was expected.
        """

        def strings(key: str) -> tuple[str, ...] | None:
            value = _member(body, key, str | list, "a string or a list of strings")
            if value is None:
                return None
            if isinstance(value, str):
                return (value,)
            if not all(isinstance(v, str | int | float) for v in value):
                raise bad_request(f"{key} must be a list of strings")
            return tuple(str(v) for v in value)

        text = str
        number_or_text = int | float | str
        return cls(
            ids=strings("ids"),
            collections=strings("collections"),
            datetime=_member(body, "datetime", text, "an RFC 3339 instant or interval"),
            bbox=_member(body, "bbox", list | str, "a list of 4 or 6 numbers"),
            intersects=_member(body, "intersects", Mapping, "a GeoJSON geometry object"),
            limit=_member(body, "limit", number_or_text, "a positive integer"),
            page=_member(body, "page", number_or_text, "an integer from 1"),
            token=_member(body, "token", text, "a paging token such as next:page=2"),
            sortby=_member(body, "sortby", list | str, "a sortby text or list"),
            filter=_member(body, "filter", Mapping | str, "a CQL2 filter (text or JSON)"),
            filter_lang=_member(
                body,
                "filter-lang" if "filter-lang" in body else "filter_lang",
                text,
                "cql2-text or cql2-json",
            ),
            query=_member(body, "query", Mapping, "a query object"),
        )


def _member(body: Mapping[str, Any], key: str, kinds: Any, expected: str) -> Any:
    """Return a member of a search body (``None`` when absent or null) if of the right type."""
    value = body.get(key)
    if value is None or isinstance(value, kinds):
        return value
    raise bad_request(f"{key} must be {expected}, not {type(value).__name__}")


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _json_param(params: Mapping[str, str], key: str) -> Any:
    value = params.get(key)
    if value is None:
        return None
    try:
        return read_json(value, f"the {key} parameter")
    except CqlSyntaxError as exc:
        raise bad_request(str(exc)) from exc


@dataclass(frozen=True)
class ODataRequest:
    """One OData request to a station, relative to its service root.

    Attributes:
        entity: The entity set.
        params: System query options in the order they are sent.
        empty: The criteria can match nothing (an empty intersection); never send it.
    """

    entity: Entity
    params: Sequence[tuple[str, str]] = ()
    empty: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", tuple((str(k), str(v)) for k, v in self.params))

    def param(self, name: str) -> str | None:
        """Return one option's value (``$top``), or ``None``."""
        return next((value for key, value in self.params if key == name), None)

    def with_params(self, **options: str | int | None) -> ODataRequest:
        """Return a copy with options replaced, added (``top=5`` → ``$top``) or removed (None)."""
        wanted = {f"${name}": value for name, value in options.items()}
        kept = [(k, v) for k, v in self.params if k not in wanted]
        kept += [(k, str(v)) for k, v in wanted.items() if v is not None]
        rank = {name: index for index, name in enumerate(_ODATA_ORDER)}
        kept.sort(key=lambda kv: rank.get(kv[0], len(rank)))
        return ODataRequest(self.entity, kept, self.empty)

    def query_string(self, *, encode: bool = True) -> str:
        """Return the query string (percent-encoded unless ``encode`` is false)."""
        if not encode:
            return "&".join(f"{key}={value}" for key, value in self.params)
        return "&".join(
            f"{quote(key, safe='$')}={quote(value, safe=_SAFE)}" for key, value in self.params
        )

    def url(self, root_url: str, *, encode: bool = True) -> str:
        """Return the full URL below a station's OData root.

        Raises:
            ValueError: The request is :attr:`empty`: sending it would ignore the criteria.
        """
        if self.empty:
            raise ValueError("this search matches nothing; it must not be sent")
        base = f"{root_url.rstrip('/')}/{self.entity}"
        query = self.query_string(encode=encode)
        return f"{base}?{query}" if query else base


_SAFE = "'(),/:@*"


def build_files_request(session_ids: Iterable[str], *, skip: int = 0) -> ODataRequest:
    """The CADIP follow-up request for the files (DSDB) of some sessions.

    Args:
        session_ids: Session ids (``SessionId``), at least one.
        skip: Files to skip (for a second page).
    """
    ids = list(dict.fromkeys(session_ids))
    if not ids:
        raise ValueError("build_files_request needs at least one session id")
    clause = set_clause("SessionId", ids)
    return ODataRequest(
        "Files", [("$filter", clause), ("$top", str(FILES_PAGE_SIZE)), ("$skip", str(skip))]
    )


# ------------------------------------------------------------------------------ translating


_TOKEN = re.compile(r"^(next|prev):page=(.*)$")


def _page(search: SearchRequest) -> int:
    raw: Any = search.page
    if search.token is not None:
        shape = _TOKEN.match(search.token.strip())
        if shape is None:
            raise unprocessable(
                f"Invalid page value: the token {search.token!r} is not next:page=N or prev:page=N"
            )
        raw = shape.group(2)
    if raw is None:
        return 1
    try:
        page = raw if isinstance(raw, int) and not isinstance(raw, bool) else int(str(raw))
    except ValueError:
        raise unprocessable(f"Invalid page value {raw!r}: expected an integer from 1") from None
    if page <= 0:
        raise unprocessable(f"Invalid page value {raw!r}: expected an integer from 1")
    return page


def _orderby(service: Service, search: SearchRequest) -> str:
    value = search.sortby
    if value is None or value == "" or value == []:
        return "PublicationDate desc"
    items: list[tuple[str, str]] = []
    entries = value.split(",") if isinstance(value, str) else list(value)
    for entry in entries:
        if isinstance(entry, Mapping):
            name = str(entry.get("field", ""))
            direction = str(entry.get("direction", "asc")).lower()
        else:
            text = str(entry).strip()
            direction = "desc" if text.startswith("-") else "asc"
            name = text.lstrip("+- ")
        if direction not in ("asc", "desc"):
            raise bad_request(f"sortby: direction {direction!r} is neither asc nor desc")
        items.append((name.removeprefix("properties."), direction))
    if len(items) > 1:
        raise UnsupportedQuery("sortby on several fields", "stations sort on one field")
    name, direction = items[0]
    odata = SORTABLE[service].get(name)
    if odata is None:
        known = ", ".join(SORTABLE[service])
        raise InvalidQuery(
            404, "NotFound", f"Sortby {name!r} parameter is not sortable (sortable: {known})"
        )
    return f"{odata} {direction}"


def build_odata(
    service: str, search: SearchRequest, collection: CollectionConfig | None = None
) -> ODataRequest:
    """Translate a STAC item search into one OData request of a station.

    Args:
        service: ``cadip``, ``auxip`` (or ``adgs``), ``prip`` or ``lta``.
        search: What the STAC client asked.
        collection: The collection searched, whose fixed ``query`` is intersected with the
            search.

    Returns:
        The request; :attr:`ODataRequest.empty` when the criteria can match nothing.

    Raises:
        InvalidQuery: A malformed value (400), an unknown queryable or a wrongly typed value
            (422), an unknown sortby field (404).
        UnsupportedQuery: A valid search that stations cannot answer; ``part`` names it.
        UnknownStation: Not a station service.
    """
    name = normalise_service(service)
    if name == "edrs":
        raise UnsupportedQuery("service edrs", "EDRS stations serve files over FTPES, not OData")
    entity: Entity = "Sessions" if name == "cadip" else "Products"

    fixed = collection.query if collection is not None else {}
    criteria, fixed_limit = collection_criteria(name, fixed)

    user = Translator(name)
    if search.ids:
        user.values("id", list(search.ids), "IN")
    if search.datetime is not None:
        user.datetime_range(search.datetime)
    box = read_bbox(search.bbox) if search.bbox is not None else None
    if box is not None:
        if name not in ("prip", "lta"):
            raise UnsupportedQuery("bbox", f"{NAMES[name]} items have no geometry to search")
        user.criteria.spatial.append((bbox_polygon(box), box))
    if search.intersects is not None:
        user.spatial(search.intersects, "intersects")
    if search.filter is not None and search.filter != "":
        read_filter(user, search.filter, search.filter_lang)
    if search.query:
        read_query(user, search.query)
    user.settle_platforms()
    if box is not None:
        for wkt, envelope in user.criteria.spatial:
            if envelope is not None and disjoint(box, envelope):
                raise unprocessable(f"bbox and intersects {wkt} do not intersect")

    limit = read_limit(search.limit) if search.limit is not None else fixed_limit or DEFAULT_LIMIT
    page = _page(search)
    orderby = _orderby(name, search)

    criteria.merge(user.criteria)
    intervals_empty = any(interval.empty() for interval in criteria.intervals.values())
    if criteria.empty or intervals_empty:
        return ODataRequest(entity, (), empty=True)

    params: list[tuple[str, str]] = []
    clauses = build_clauses(name, criteria)
    if clauses:
        params.append(("$filter", " and ".join(clauses)))
    params += [("$orderby", orderby), ("$top", str(limit)), ("$skip", str((page - 1) * limit))]
    if name != "cadip":
        params.append(("$expand", "Attributes"))
    return ODataRequest(entity, params)


# ---------------------------------------------------------------------------- paging


def paging_links(url: str, page: int, *, returned: int) -> list[dict[str, str]]:
    """Return the STAC ``next``/``previous`` links of a page of results.

    Args:
        url: The URL the page was asked with.
        page: Its 1-based number.
        returned: How many items it holds (no ``next`` link on an empty page).
    """
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k not in ("token", "page")]
    base_query = urlencode(kept, quote_via=quote)
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, base_query, ""))
    joiner = "&" if base_query else "?"
    links = []
    if returned > 0:
        links.append(_link("next", f"{base}{joiner}token=next%3Apage%3D{page + 1}", "Next link"))
    if page > 1:
        links.append(
            _link("previous", f"{base}{joiner}token=prev%3Apage%3D{page - 1}", "Previous link")
        )
    return links


def _link(rel: str, href: str, title: str) -> dict[str, str]:
    return {
        "rel": rel,
        "type": "application/geo+json",
        "method": "GET",
        "href": href,
        "title": title,
    }
