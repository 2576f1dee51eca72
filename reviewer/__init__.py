"""reviewer: traceable review of Chinese cleaner production audit reports (清洁生产审核报告)."""

__version__ = "0.1.0"
SCHEMA_VERSION = "1.0"
