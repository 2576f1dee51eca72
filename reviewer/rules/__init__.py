"""Rule families. Importing this package registers every rule (one module per family)."""

from importlib import import_module

FAMILY_MODULES = ["structure", "units", "economics", "targets", "reduction", "llm_checks", "balance", "boilerplate", "security", "consistency", "citations", "levels"]

for _name in FAMILY_MODULES:
    import_module(f"reviewer.rules.{_name}")
