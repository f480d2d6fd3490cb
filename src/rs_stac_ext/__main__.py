"""Allow ``python -m rs_stac_ext``."""

from rs_stac_ext.cli import main

main(prog_name="rs-stac")
