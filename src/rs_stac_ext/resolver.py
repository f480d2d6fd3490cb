"""Public import path (as in 0.1.0); the code lives in the module imported below."""

from rs_stac_ext.schemas.resolver import (
    SCHEMA_MAP_NAME as SCHEMA_MAP_NAME,
)
from rs_stac_ext.schemas.resolver import (
    STAC_VALIDATOR_ARGS_NAME as STAC_VALIDATOR_ARGS_NAME,
)
from rs_stac_ext.schemas.resolver import (
    Origin as Origin,
)
from rs_stac_ext.schemas.resolver import (
    ResolvedSchema as ResolvedSchema,
)
from rs_stac_ext.schemas.resolver import (
    ResolverSettings as ResolverSettings,
)
from rs_stac_ext.schemas.resolver import (
    SchemaResolver as SchemaResolver,
)
from rs_stac_ext.schemas.resolver import (
    SchemaUnavailableError as SchemaUnavailableError,
)
from rs_stac_ext.schemas.resolver import (
    default_cache_dir as default_cache_dir,
)
from rs_stac_ext.schemas.resolver import (
    schema_references as schema_references,
)

__all__ = [
    "SCHEMA_MAP_NAME",
    "STAC_VALIDATOR_ARGS_NAME",
    "Origin",
    "ResolvedSchema",
    "ResolverSettings",
    "SchemaResolver",
    "SchemaUnavailableError",
    "default_cache_dir",
    "schema_references",
]
