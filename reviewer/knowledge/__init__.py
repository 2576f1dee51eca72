"""Knowledge base: curated items (knowledge/), retrieval index, citations, basis of findings.

``KnowledgeBase(settings).search(query, k, filters)`` for retrieval; ``load_items()`` and
``get_item(id)`` for the YAML items without any index; ``resolve_basis`` for findings.
"""

from reviewer.knowledge.index import KnowledgeBase, SearchFilter
from reviewer.knowledge.loader import get_item, load_items
from reviewer.knowledge.models import Hit, Item

__all__ = ["Hit", "Item", "KnowledgeBase", "SearchFilter", "get_item", "load_items"]
