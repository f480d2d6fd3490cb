"""Public import path (as in 0.1.0); the code lives in the module imported below."""

from rs_stac_ext.validator.validation import (
    DocumentReport as DocumentReport,
)
from rs_stac_ext.validator.validation import (
    NotChecked as NotChecked,
)
from rs_stac_ext.validator.validation import (
    ValidationOptions as ValidationOptions,
)
from rs_stac_ext.validator.validation import (
    Validator as Validator,
)
from rs_stac_ext.validator.validation import (
    core_schema_uri as core_schema_uri,
)
from rs_stac_ext.validator.validation import (
    validate as validate,
)
from rs_stac_ext.validator.validation import (
    validate_mapped as validate_mapped,
)

__all__ = [
    "DocumentReport",
    "NotChecked",
    "ValidationOptions",
    "Validator",
    "core_schema_uri",
    "validate",
    "validate_mapped",
]
