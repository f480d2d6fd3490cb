"""Public import path (as in 0.1.0); the code lives in the module imported below."""

from rs_stac_ext.validator.rules import (
    RULES as RULES,
)
from rs_stac_ext.validator.rules import (
    Rule as Rule,
)
from rs_stac_ext.validator.rules import (
    RuleSet as RuleSet,
)
from rs_stac_ext.validator.rules import (
    check_rules as check_rules,
)

__all__ = [
    "RULES",
    "Rule",
    "RuleSet",
    "check_rules",
]
