"""pystac extension classes for our three schema extensions, their hooks and migrations.

``auxip``, ``cadip`` and ``ownership`` hold one extension class each; ``_hooks`` the pystac hook
machinery they share; ``migrate`` upgrades plain JSON documents from every published version to
the newest (the hooks call it whenever pystac reads an older document).
"""
