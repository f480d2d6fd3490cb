"""Reference server for the download STAC API extension.

``rs-stac serve`` answers a STAC API subset (landing page, conformance, collections, items)
over a static catalog folder and the download endpoint
``/collections/{collectionId}/items/{itemId}/download/{assetId}`` with owner-aware access
control. :func:`rs_stac_ext.server.app.create_app` builds the ASGI application;
:class:`rs_stac_ext.server.stac_fastapi.DownloadExtension` adds the same endpoint to any
stac-fastapi application. See ``docs/download-server.md``.

The modules import Starlette, uvicorn and boto3, which the base package does not need; import
them only when serving.
"""
