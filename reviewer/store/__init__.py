"""Persistence: SQLite (embedded default) or PostgreSQL via settings.store.database_url, with
versioned migrations. See db.Store for the repositories and schema.py for the tables."""

from reviewer.store.db import Store, forget_stores, get_store
from reviewer.store.users import ROLE_ZH, User

__all__ = ["ROLE_ZH", "Store", "User", "forget_stores", "get_store"]
