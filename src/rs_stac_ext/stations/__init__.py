"""Ground stations: registry, STAC search to OData, OData records to STAC Items.

Sub-modules: :mod:`~rs_stac_ext.stations.registry` (which stations exist and how to reach them),
:mod:`~rs_stac_ext.stations.missions` (platform and product-type tables),
:mod:`~rs_stac_ext.stations.mapping` (OData records to STAC Items),
:mod:`~rs_stac_ext.stations.query`, :mod:`~rs_stac_ext.stations.client` and
:mod:`~rs_stac_ext.stations.simulator`.
"""
