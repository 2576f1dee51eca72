"""STR: structure and completeness rules."""
