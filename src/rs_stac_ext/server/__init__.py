"""Reference server for the download STAC API extension.

``rs-stac serve`` answers a STAC API subset (landing page, conformance, collections, items)
over a static catalog folder and the download endpoint
``/collections/{collectionId}/items/{itemId}/download/{assetId}`` with owner-aware access
control. :func:`rs_stac_ext.server.app.create_app` builds the ASGI application;
:class:`rs_stac_ext.server.stac_fastapi.DownloadExtension` adds the same endpoint to any
stac-fastapi application. See ``docs/download-server.md``.

Starlette, uvicorn and PyJWT are base dependencies; botocore (the ``server`` extra) is imported
only when an S3 asset is served, and stac-fastapi (the ``stac-fastapi`` extra) only by
:mod:`rs_stac_ext.server.stac_fastapi`. The command-line modules import the server only when
serving.
"""
