"""Import python-jsonschema without building rfc3987-syntax's parsers.

Importing python-jsonschema imports rfc3987-syntax (its ``iri`` checks), which builds some forty
lark Earley parsers at import: about three seconds, and lark kept in memory. Our validators
check ``iri`` and ``iri-reference`` with :mod:`rs_stac_ext.validator._iri` instead, so the
parsers are only needed if someone calls python-jsonschema's own ``iri`` check.

:func:`load_python_jsonschema` imports python-jsonschema while a stand-in holds the place of
``rfc3987_syntax``: python-jsonschema takes the stand-in's ``is_valid_syntax``, which imports
the real package the first time it is called and hands the question over. python-jsonschema's
own checker therefore keeps its verdicts (only later), and an ``import rfc3987_syntax`` anywhere
gets the real package, since the stand-in leaves ``sys.modules`` as soon as python-jsonschema
is imported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

__all__ = ["load_python_jsonschema"]

_IMPORT_LOCK = threading.Lock()


def _is_valid_syntax(term: str, value: str) -> bool:
    """Answer as ``rfc3987_syntax.is_valid_syntax``, importing the real package when first asked."""
    import rfc3987_syntax  # type: ignore[import-untyped]

    return bool(rfc3987_syntax.is_valid_syntax(term, value))


def load_python_jsonschema() -> None:
    """Import python-jsonschema (once), leaving rfc3987-syntax unimported until it is used.

    Call it right before ``import jsonschema``. When python-jsonschema or rfc3987-syntax is
    already imported, or rfc3987-syntax is not installed, it is a plain import.
    """
    if "jsonschema" in sys.modules:
        return
    with _IMPORT_LOCK:
        if "jsonschema" in sys.modules:
            return
        if "rfc3987_syntax" in sys.modules or importlib.util.find_spec("rfc3987_syntax") is None:
            importlib.import_module("jsonschema")
            return
        stand_in = types.ModuleType("rfc3987_syntax", "Stands in while jsonschema is imported.")
        setattr(stand_in, "is_valid_syntax", _is_valid_syntax)  # noqa: B010
        sys.modules["rfc3987_syntax"] = stand_in
        try:
            importlib.import_module("jsonschema")
        finally:
            if sys.modules.get("rfc3987_syntax") is stand_in:
                del sys.modules["rfc3987_syntax"]
