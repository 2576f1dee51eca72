"""清洁生产水平 against the industry indicator systems.

- ``tables``   the official indicator tables in knowledge/indicator_tables/ (schema, loader, validator)
- ``extract``  the report's indicator comparison tables, claimed level and stated 综合评价指数
- ``scoring``  per-indicator levels, Y_I/Y_II/Y_III with renormalised weights, the grade
- ``assess``   one document's assessment, shared by the LVL rules and the review's extras
"""

from __future__ import annotations

from typing import Any

from reviewer.levels.assess import DocumentLevels, TableAssessment, assess_document, document_levels

__all__ = ["DocumentLevels", "TableAssessment", "assess_document", "document_levels", "levels_extras"]


def levels_extras(ctx: Any) -> dict[str, Any] | None:
    """``Review.extras['levels']``: each indicator table recomputed (rows with stated and computed levels,
    Y values, grade, the claim and the verdict), or None when the report has no level assessment.
    A failure here never fails the review."""
    try:
        lv = document_levels(ctx)
    except Exception:  # the extras are a view; the LVL rules report their own errors
        return None
    if not lv.tables and not lv.claims:
        return None
    return lv.to_dict()
