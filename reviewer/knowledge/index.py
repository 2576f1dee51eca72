"""The knowledge index: curated clauses + ingested user documents, searched by BM25 and dense
vectors (Chroma) fused with reciprocal-rank fusion.

- Chunks are derived from the YAML items (one per clause; long clauses split) and from the
  user documents stored under ``data_dir/knowledge/user_docs``. BM25 is rebuilt in memory at
  load (milliseconds).
- Dense vectors live in a Chroma collection (persistent directory ``data_dir/chroma``, or a
  Chroma server when ``knowledge.chroma_mode = "http"``). Each chunk carries a content hash;
  a sync embeds only new or changed chunks and deletes removed ones, so a restart re-embeds
  nothing. Embeddings are always computed here and passed explicitly (Chroma's default
  embedding function would try to download a model).
- Filters (type, industry, in force on a date, status, item ids, curated vs user) apply to
  both retrievers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from reviewer.errors import ReviewerError
from reviewer.knowledge.bm25 import BM25Index
from reviewer.knowledge.embeddings import Embedder, EmbeddingUnavailableError, get_embedder
from reviewer.knowledge.loader import KnowledgeError, load_items
from reviewer.knowledge.models import Hit, Item

MAX_CHUNK_CHARS = 600
IN_MEMORY_MAX = 200_000  # chunks whose vectors are searched in memory (~300 MB at 384 dims)
FAR_FUTURE = 99991231
SearchMode = Literal["hybrid", "bm25", "dense"]


class SearchFilter(BaseModel):
    """Restrict a search. Every field is optional; set fields combine with AND."""

    types: list[str] | None = Field(None, description="item types, e.g. ['law', 'standard']")
    industry: str | None = Field(None, description="industry code; keeps items scoped to it or to all industries")
    on_date: date | None = Field(None, description="keep only documents in force on this date")
    statuses: list[str] | None = Field(None, description="e.g. ['现行']")
    item_ids: list[str] | None = Field(None, description="only these items")
    source: Literal["curated", "user"] | None = Field(None, description="curated knowledge or user documents")

    def is_empty(self) -> bool:
        return all(v is None for v in self.model_dump().values())


@dataclass
class Chunk:
    id: str
    item_id: str
    title: str
    doc_number: str
    clause: str
    text: str
    type: str
    status: str
    industries: list[str]
    effective: int
    superseded: int
    source: str  # "curated" | "user"
    page: int | None = None
    keywords: list[str] = field(default_factory=list)

    @property
    def index_text(self) -> str:
        """What BM25 and the embedding see: the document and clause name give context that the
        clause text alone lacks (an article rarely names its own law)."""
        head = f"《{self.title}》{self.doc_number} {self.clause}".strip()
        kw = f"（{'、'.join(self.keywords)}）" if self.keywords else ""
        return f"{head}：{self.text}{kw}"

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.index_text.encode("utf-8")).hexdigest()[:32]

    def metadata(self) -> dict:
        md = {
            "item_id": self.item_id, "title": self.title, "doc_number": self.doc_number, "clause": self.clause,
            "type": self.type, "status": self.status, "effective": self.effective, "superseded": self.superseded,
            "source": self.source, "hash": self.hash, "page": self.page if self.page is not None else -1,
        }
        for ind in self.industries:
            md["ind_" + ("all" if ind == "*" else ind)] = True
        return md


def _ord(d: date | None, default: int) -> int:
    return d.year * 10000 + d.month * 100 + d.day if d else default


def _split_long(text: str, limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Split at sentence ends (then hard) so no part exceeds ``limit`` characters."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    cur = ""
    for sent in re.split(r"(?<=[。；;！？\n])", text):
        while len(sent) > limit:
            if cur:
                parts.append(cur)
                cur = ""
            parts.append(sent[:limit])
            sent = sent[limit:]
        if len(cur) + len(sent) > limit and cur:
            parts.append(cur)
            cur = ""
        cur += sent
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def item_chunks(item: Item, source: str = "curated") -> list[Chunk]:
    base = dict(
        item_id=item.id, title=item.title, doc_number=item.doc_number, type=item.type, status=item.status,
        industries=list(item.scope.industries), effective=_ord(item.effective, 0),
        superseded=_ord(item.superseded, FAR_FUTURE), source=source,
    )
    out: list[Chunk] = []
    clauses = item.clauses
    if item.summary:
        out.append(Chunk(id=f"{item.id}::概要说明", clause="概要说明", text=item.summary, **base))
    for c in clauses:
        parts = _split_long(c.text)
        for i, part in enumerate(parts):
            suffix = "" if len(parts) == 1 else f"#{i + 1}"
            out.append(Chunk(id=f"{item.id}::{c.number}{suffix}", clause=c.number, text=part, page=c.page,
                             keywords=list(c.keywords), **base))
    return out


class KnowledgeBase:
    """Curated items + user documents, searchable. ``KnowledgeBase(settings).search(q)``."""

    def __init__(self, settings=None, embedder: Embedder | Literal["auto"] | None = "auto"):
        from reviewer.settings import load_settings

        self.settings = settings or load_settings()
        ks = self.settings.knowledge
        self.embedder = get_embedder(self.settings) if embedder == "auto" else embedder
        self.rrf_k = ks.rrf_k
        self.data_dir = Path(self.settings.paths.data_dir)
        self.user_dir = self.data_dir / "knowledge" / "user_docs"
        self._lock = threading.RLock()
        self._collection = None
        self._synced = False
        self.last_sync: dict[str, int] = {}
        self.degraded: str | None = None  # set when dense retrieval was unavailable (BM25 only)
        self._load()

    # ---- loading --------------------------------------------------------------------------
    def _load(self) -> None:
        self._items = load_items(self.settings.paths.knowledge_dir)
        chunks: list[Chunk] = []
        for item in self._items.values():
            chunks.extend(item_chunks(item))
        self._user_docs = self._read_user_docs()
        for doc in self._user_docs.values():
            chunks.extend(doc.chunks())
        self.chunks = chunks
        self._by_id = {c.id: i for i, c in enumerate(chunks)}
        self._bm25: dict[str, BM25Index] = {}
        self._matrix: np.ndarray | None = None
        self._arrays()
        self._synced = False

    def _arrays(self) -> None:
        c = self.chunks
        self._types = np.array([x.type for x in c], dtype=object)
        self._statuses = np.array([x.status for x in c], dtype=object)
        self._eff = np.array([x.effective for x in c], dtype=np.int64)
        self._sup = np.array([x.superseded for x in c], dtype=np.int64)
        self._item_ids = np.array([x.item_id for x in c], dtype=object)
        self._sources = np.array([x.source for x in c], dtype=object)

    def bm25(self, tokenizer: str | None = None) -> BM25Index:
        tok = tokenizer or self.settings.knowledge.bm25_tokenizer
        if tok not in self._bm25:
            self._bm25[tok] = BM25Index([c.index_text for c in self.chunks], tokenizer=tok)
        return self._bm25[tok]

    def _read_user_docs(self) -> dict[str, UserDocument]:
        out: dict[str, UserDocument] = {}
        if self.user_dir.is_dir():
            for p in sorted(self.user_dir.glob("*.json")):
                try:
                    doc = UserDocument.model_validate_json(p.read_text(encoding="utf-8"))
                except ValueError as exc:
                    raise KnowledgeError(f"用户文件索引记录“{p.name}”已损坏，请删除后重新导入：{exc}") from exc
                out[doc.item_id] = doc
        return out

    # ---- items -----------------------------------------------------------------------------
    def item(self, item_id: str) -> Item | None:
        return self._items.get(item_id)

    def items(self) -> list[Item]:
        return list(self._items.values())

    def user_documents(self) -> list[UserDocument]:
        return list(self._user_docs.values())

    # ---- filters ---------------------------------------------------------------------------
    def mask(self, flt: SearchFilter | None) -> np.ndarray | None:
        if flt is None or flt.is_empty():
            return None
        m = np.ones(len(self.chunks), dtype=bool)
        if flt.types:
            m &= np.isin(self._types, flt.types)
        if flt.statuses:
            m &= np.isin(self._statuses, flt.statuses)
        if flt.item_ids:
            m &= np.isin(self._item_ids, flt.item_ids)
        if flt.source:
            m &= self._sources == flt.source
        if flt.on_date:
            d = _ord(flt.on_date, 0)
            m &= (self._eff <= d) & (self._sup > d) & (self._statuses != "征求意见稿")
        if flt.industry:
            m &= np.array(["*" in c.industries or flt.industry in c.industries for c in self.chunks])
        return m

    def _where(self, flt: SearchFilter | None) -> dict | None:
        if flt is None or flt.is_empty():
            return None
        conds: list[dict] = []
        if flt.types:
            conds.append({"type": {"$in": list(flt.types)}})
        if flt.statuses:
            conds.append({"status": {"$in": list(flt.statuses)}})
        if flt.item_ids:
            conds.append({"item_id": {"$in": list(flt.item_ids)}})
        if flt.source:
            conds.append({"source": flt.source})
        if flt.on_date:
            d = _ord(flt.on_date, 0)
            conds += [{"effective": {"$lte": d}}, {"superseded": {"$gt": d}}, {"status": {"$ne": "征求意见稿"}}]
        if flt.industry:
            conds.append({"$or": [{"ind_all": True}, {"ind_" + flt.industry: True}]})
        if not conds:
            return None
        return conds[0] if len(conds) == 1 else {"$and": conds}

    # ---- Chroma ----------------------------------------------------------------------------
    def _client(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        ks = self.settings.knowledge
        cs = ChromaSettings(anonymized_telemetry=False)
        try:
            if ks.chroma_mode == "http":
                return chromadb.HttpClient(host=ks.chroma_host, port=ks.chroma_port, settings=cs)
            path = self.data_dir / "chroma"
            path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(path), settings=cs)
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError subclasses
            where = f"{ks.chroma_host}:{ks.chroma_port}" if ks.chroma_mode == "http" else str(self.data_dir / "chroma")
            raise KnowledgeError(f"无法连接向量库（{ks.chroma_mode}，{where}）：{exc}") from exc

    @property
    def collection_name(self) -> str:
        key = self.embedder.key if self.embedder else "none"
        name = re.sub(r"[^A-Za-z0-9._-]", "-", f"{self.settings.knowledge.collection}-{key}")
        return name.strip("-._")[:60] or "knowledge"

    def _get_collection(self):
        if self._collection is None:
            client = self._client()
            self._collection = client.get_or_create_collection(
                self.collection_name, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        return self._collection

    def sync(self, force: bool = False, progress=None) -> dict[str, int]:
        """Bring the vector collection in line with the chunks: embed only new/changed chunks.

        Returns counts {'embedded', 'deleted', 'unchanged', 'seconds'}. ``force`` drops the
        collection and embeds everything again.
        """
        if self.embedder is None:
            self._synced = True
            self.last_sync = {"embedded": 0, "deleted": 0, "unchanged": len(self.chunks), "seconds": 0}
            return self.last_sync
        with self._lock:
            t0 = time.perf_counter()
            if force:
                client = self._client()
                with contextlib.suppress(Exception):  # not there yet: nothing to drop
                    client.delete_collection(self.collection_name)
                self._collection = None
            col = self._get_collection()
            existing: dict[str, str] = {}
            got = col.get(include=["metadatas"])
            for cid, md in zip(got["ids"], got["metadatas"] or []):
                existing[cid] = (md or {}).get("hash", "")
            want = {c.id: c for c in self.chunks}
            stale = [cid for cid in existing if cid not in want]
            todo = [c for c in self.chunks if existing.get(c.id) != c.hash]
            for i in range(0, len(stale), 1000):
                col.delete(ids=stale[i : i + 1000])
            batch = 64
            for i in range(0, len(todo), batch):
                part = todo[i : i + batch]
                vecs = self.embedder.embed_passages([c.index_text for c in part])
                col.upsert(ids=[c.id for c in part], embeddings=vecs.tolist(),
                           metadatas=[c.metadata() for c in part], documents=[c.text for c in part])
                if progress:
                    progress("index", min(1.0, (i + len(part)) / len(todo)))
            self._synced = True
            if todo or stale:
                self._matrix = None
            self.last_sync = {"embedded": len(todo), "deleted": len(stale),
                              "unchanged": len(self.chunks) - len(todo), "seconds": round(time.perf_counter() - t0, 2)}
            return self.last_sync

    def rebuild(self, force: bool = False, progress=None) -> dict[str, int]:
        """Reload items and user documents from disk, then sync the vector index."""
        with self._lock:
            self._load()
            return self.sync(force=force, progress=progress)

    # ---- search ----------------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, filters: SearchFilter | None = None,
               mode: SearchMode = "hybrid", tokenizer: str | None = None, depth: int = 50) -> list[Hit]:
        """Top-k passages for ``query``. ``mode``: hybrid (RRF of BM25 and dense), bm25, dense."""
        k = k or self.settings.knowledge.top_k
        if not query or not query.strip():
            raise ReviewerError("检索内容为空，请输入要查找的问题或关键词。", code="empty_query")
        if self.embedder is None and mode != "bm25":
            mode = "bm25"
        mask = self.mask(filters)
        if mask is not None and not mask.any():
            return []
        ranks: dict[str, dict[int, int]] = {}
        raw: dict[str, dict[int, float]] = {}
        if mode in ("hybrid", "bm25"):
            top = self.bm25(tokenizer).top(query, depth, mask)
            ranks["bm25"] = {i: r for r, (i, _) in enumerate(top, 1)}
            raw["bm25"] = dict(top)
        if mode in ("hybrid", "dense"):
            try:
                top = self._dense(query, depth, filters, mask)
            except EmbeddingUnavailableError as exc:
                # No vector model on this machine: answer with BM25 and say so once.
                self.degraded = exc.message
                if mode == "dense":
                    raise
                top = []
            ranks["dense"] = {i: r for r, (i, _) in enumerate(top, 1)}
            raw["dense"] = dict(top)
        if mode == "hybrid":
            fused: dict[int, float] = {}
            for rk in ranks.values():
                for i, r in rk.items():
                    fused[i] = fused.get(i, 0.0) + 1.0 / (self.rrf_k + r)
            order = sorted(fused.items(), key=lambda x: (-x[1], x[0]))
        else:
            order = sorted(raw[mode].items(), key=lambda x: (-x[1], x[0]))
        hits = []
        for i, score in order[:k]:
            c = self.chunks[i]
            hits.append(Hit(item_id=c.item_id, title=c.title, doc_number=c.doc_number, clause=c.clause,
                            text=c.text, score=round(float(score), 6), type=c.type, status=c.status,
                            page=c.page, chunk_id=c.id,
                            ranks={name: rk[i] for name, rk in ranks.items() if i in rk}))
        return hits

    def _dense(self, query: str, depth: int, filters: SearchFilter | None, mask) -> list[tuple[int, float]]:
        if not self._synced:
            self.sync()
        n = len(self.chunks) if mask is None else int(mask.sum())
        if n == 0:
            return []
        matrix = self._vectors()
        qv = self.embedder.embed_query(query)
        if matrix is not None:
            # Exact cosine over the vectors held in memory: ~1 ms for 5,000 chunks, and filters
            # are a boolean mask instead of a slower filtered Chroma query.
            sims = matrix @ qv.astype(np.float32)
            if mask is not None:
                sims = np.where(mask, sims, -np.inf)
            k = min(depth, n)
            idx = np.argpartition(-sims, k - 1)[:k]
            idx = idx[np.argsort(-sims[idx], kind="stable")]
            return [(int(i), float(sims[i])) for i in idx if np.isfinite(sims[i])]
        col = self._get_collection()
        res = col.query(query_embeddings=[qv.tolist()], n_results=min(depth, n), where=self._where(filters),
                        include=["distances"])
        out = []
        for cid, dist in zip(res["ids"][0], res["distances"][0]):
            i = self._by_id.get(cid)
            if i is None or (mask is not None and not mask[i]):
                continue
            out.append((i, 1.0 - float(dist)))
        return out

    def _vectors(self) -> np.ndarray | None:
        """All chunk vectors in chunk order, read once from Chroma (None above IN_MEMORY_MAX:
        very large indexes are searched by Chroma's HNSW instead)."""
        if len(self.chunks) > IN_MEMORY_MAX:
            return None
        if self._matrix is None:
            with self._lock:
                if self._matrix is None:
                    col = self._get_collection()
                    ids = [c.id for c in self.chunks]
                    vecs: dict[str, list[float]] = {}
                    for i in range(0, len(ids), 1000):
                        got = col.get(ids=ids[i : i + 1000], include=["embeddings"])
                        vecs.update(zip(got["ids"], got["embeddings"]))
                    missing = [cid for cid in ids if cid not in vecs]
                    if missing:  # the collection changed under us (another process): resync
                        self.sync()
                        return self._vectors()
                    self._matrix = np.asarray([vecs[cid] for cid in ids], dtype=np.float32)
        return self._matrix

    # ---- user documents --------------------------------------------------------------------
    def add_files(self, paths: Iterable[str | Path], progress=None) -> list[UserDocument]:
        """Ingest PDF/DOCX/TXT/MD files: parse, chunk by 第X条 / section numbering, persist, index."""
        from reviewer.knowledge.ingest import ingest_file

        added = []
        self.user_dir.mkdir(parents=True, exist_ok=True)
        for p in paths:
            doc = ingest_file(Path(p), self.settings)
            (self.user_dir / f"{doc.item_id}.json").write_text(doc.model_dump_json(indent=1), encoding="utf-8")
            added.append(doc)
        self.rebuild(progress=progress)
        return added

    def remove_document(self, item_id: str) -> bool:
        p = self.user_dir / f"{item_id}.json"
        if not p.exists():
            return False
        p.unlink()
        self.rebuild()
        return True


class UserChunk(BaseModel):
    clause: str
    text: str
    page: int | None = None


class UserDocument(BaseModel):
    """An ingested file: its chunks are stored as JSON so they survive restarts."""

    item_id: str
    title: str
    file_name: str
    sha256: str
    file_type: str
    added_at: str
    pages: int = 0
    chunks_: list[UserChunk] = Field(default_factory=list, alias="chunks")

    model_config = {"populate_by_name": True}

    def chunks(self) -> list[Chunk]:
        out = []
        for n, c in enumerate(self.chunks_):
            out.append(Chunk(id=f"{self.item_id}::{n:04d}", item_id=self.item_id, title=self.title, doc_number="",
                             clause=c.clause, text=c.text, type="user_document", status="现行", industries=["*"],
                             effective=0, superseded=FAR_FUTURE, source="user", page=c.page))
        return out

    def model_dump_json(self, **kw) -> str:  # keep the on-disk key 'chunks'
        return json.dumps(self.model_dump(by_alias=True), ensure_ascii=False, indent=kw.get("indent"))
