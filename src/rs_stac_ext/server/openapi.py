"""The OpenAPI document the server publishes at ``/api``.

It is the newest packaged download-extension document (whose download path and components are
kept exactly as published) plus the STAC API core, collections and features operations this
server answers.
"""

from __future__ import annotations

from typing import Any

from rs_stac_ext import __version__, download

__all__ = ["MAX_LIMIT", "OPENAPI_MEDIA_TYPE", "build_openapi"]

MAX_LIMIT = 10000
"""Largest ``limit`` accepted on the items operation."""

OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.1"

_ERROR = {"$ref": "#/components/schemas/Exception"}
_LINK: dict[str, Any] = {
    "type": "object",
    "required": ["href", "rel"],
    "properties": {
        "href": {"type": "string"},
        "rel": {"type": "string"},
        "type": {"type": "string"},
        "title": {"type": "string"},
    },
}
_LINKS = {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}

_SCHEMAS: dict[str, Any] = {
    "Link": _LINK,
    "LandingPage": {
        "type": "object",
        "required": ["type", "id", "description", "stac_version", "conformsTo", "links"],
        "properties": {
            "type": {"const": "Catalog"},
            "id": {"type": "string"},
            "description": {"type": "string"},
            "stac_version": {"type": "string"},
            "conformsTo": {"type": "array", "items": {"type": "string"}},
            "links": _LINKS,
        },
    },
    "Conformance": {
        "type": "object",
        "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "Collection": {
        "type": "object",
        "required": ["type", "id", "links"],
        "properties": {
            "type": {"const": "Collection"},
            "id": {"type": "string"},
            "owner": {"type": "string"},
            "links": _LINKS,
        },
    },
    "Collections": {
        "type": "object",
        "required": ["collections", "links"],
        "properties": {
            "collections": {"type": "array", "items": {"$ref": "#/components/schemas/Collection"}},
            "links": _LINKS,
        },
    },
    "Item": {
        "type": "object",
        "required": ["type", "id", "properties", "assets", "links"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "string"},
            "collection": {"type": "string"},
            "properties": {"type": "object"},
            "assets": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["href"],
                    "properties": {"href": {"type": "string"}},
                },
            },
            "links": _LINKS,
        },
    },
    "ItemCollection": {
        "type": "object",
        "required": ["type", "features", "links"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
            "numberReturned": {"type": "integer", "minimum": 0},
            "links": _LINKS,
        },
    },
}

_PARAMETERS: dict[str, Any] = {
    "limit": {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "Largest number of Items in one page.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10},
    },
    "token": {
        "name": "token",
        "in": "query",
        "required": False,
        "description": "Where the page starts, as given in a `next` link.",
        "schema": {"type": "string", "pattern": "^[0-9]{1,9}$"},
    },
}


def _json(description: str, schema: str, media_type: str = "application/json") -> dict[str, Any]:
    return {
        "description": description,
        "content": {media_type: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


def _operation(
    operation_id: str,
    tag: str,
    summary: str,
    ok: dict[str, Any],
    *,
    parameters: list[dict[str, Any]] | None = None,
    not_found: str | None = None,
    bad_request: str | None = None,
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok}
    if bad_request:
        responses["400"] = _error(bad_request)
    if not_found:
        responses["404"] = _error(not_found)
    operation: dict[str, Any] = {
        "tags": [tag],
        "summary": summary,
        "operationId": operation_id,
        "responses": responses,
    }
    if parameters:
        operation["parameters"] = parameters
    return operation


def _param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def build_openapi(*, title: str = "rs-stac download server") -> dict[str, Any]:
    """Build the served OpenAPI document.

    Args:
        title: ``info.title``.

    Returns:
        A new document: the newest download-extension document, unchanged where it defines
        the download endpoint, with the STAC operations of this server added.
    """
    doc = download.openapi()
    doc["info"] = {
        "title": title,
        "version": __version__,
        "summary": "A STAC API over a static catalog, with the download extension.",
        "description": doc["info"]["description"],
        "license": doc["info"]["license"],
    }
    doc["tags"] = [
        {"name": "Core", "description": "Landing page and conformance."},
        {"name": "Features", "description": "Collections and Items."},
        *doc.get("tags", []),
    ]
    doc["components"]["schemas"].update(_SCHEMAS)
    doc["components"]["parameters"].update(_PARAMETERS)
    collection_missing = "The Collection does not exist."
    paths: dict[str, Any] = {
        "/": {
            "get": _operation(
                "getLandingPage",
                "Core",
                "Landing page",
                _json("The landing page.", "LandingPage"),
            )
        },
        "/conformance": {
            "get": _operation(
                "getConformanceDeclaration",
                "Core",
                "Conformance classes",
                _json("The conformance classes.", "Conformance"),
            )
        },
        "/collections": {
            "get": _operation(
                "getCollections",
                "Features",
                "Every Collection",
                _json("The Collections.", "Collections"),
            )
        },
        "/collections/{collectionId}": {
            "get": _operation(
                "describeCollection",
                "Features",
                "One Collection",
                _json("The Collection.", "Collection"),
                parameters=[_param("collectionId")],
                not_found=collection_missing,
            )
        },
        "/collections/{collectionId}/items": {
            "get": _operation(
                "getFeatures",
                "Features",
                "The Items of a Collection, one page at a time",
                _json("A page of Items.", "ItemCollection", "application/geo+json"),
                parameters=[_param("collectionId"), _param("limit"), _param("token")],
                not_found=collection_missing,
                bad_request="`limit` or `token` is not valid.",
            )
        },
        "/collections/{collectionId}/items/{itemId}": {
            "get": _operation(
                "getFeature",
                "Features",
                "One Item",
                _json("The Item.", "Item", "application/geo+json"),
                parameters=[_param("collectionId"), _param("itemId")],
                not_found="The Collection or the Item does not exist.",
            )
        },
    }
    doc["paths"] = {**paths, **doc["paths"]}
    return doc
