"""The validator: the path a document takes from its bytes to its report.

``readers`` reads documents from files, folders, NDJSON, stdin, catalogs and APIs;
``validation`` plans which schemas, rules and lint each kind of document needs and runs the
checks (in worker processes with ``jobs > 1``); ``engine`` compiles schemas once and answers
valid/invalid (jsonschema-rs, python-jsonschema as the reference); ``problems`` words the errors;
``rules`` holds the checks a schema cannot express; ``report`` writes text and JSON lines. See
the architecture page of the documentation for the whole path.
"""
