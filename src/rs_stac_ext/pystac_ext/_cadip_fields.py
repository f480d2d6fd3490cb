"""Which CADIP fields belong to a session (Item properties) and which to a DSDB file (asset).

Since cadip v2.0.0 the two levels are kept apart; ``cadip:retransfer`` is the only field both
may carry. Migrations, models and rules read these lists from here.
"""

from __future__ import annotations

SESSION_ONLY_FIELDS = (
    "cadip:acquisition_id",
    "cadip:num_channels",
    "cadip:station_id",
    "cadip:station_unit_id",
    "cadip:antenna_id",
    "cadip:front_end_id",
    "cadip:planned_data_start",
    "cadip:planned_data_stop",
    "cadip:antenna_status_ok",
    "cadip:front_end_status_ok",
    "cadip:downlink_status_ok",
    "cadip:delivery_push_ok",
)
"""Fields of a downlink session, allowed in Item properties only."""

FILE_ONLY_FIELDS = ("cadip:channel", "cadip:block_number", "cadip:final_block")
"""Fields of a DSDB file, allowed in assets only; any of them makes an asset a DSDB file."""

SHARED_FIELDS = ("cadip:retransfer",)
"""Fields allowed at both levels."""
