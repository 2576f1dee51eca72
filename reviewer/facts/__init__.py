"""Facts: every number of a report bound to a key (substance/resource × stream × period × unit)."""
