"""Chat about a report and the regulations, with citations, streaming.

Retrieval first: report passages (BM25 over character uni+bigrams of the visible block text,
table rows with their header) and knowledge passages (``KnowledgeBase.search`` when available,
else a BM25 over the curated clauses). A passage counts as relevant only when it contains a
good share of the question's character bigrams, so "the sources do not answer" is decided by
code, before any model is asked.

- No model configured: the answer *is* the best passages, each with its citation label.
- With a model: the passages go into the prompt (report text spotlighted, instruction-like
  strings removed), the model must cite labels like [报告第3页] or [《清洁生产审核办法》第八条],
  and the reply streams; a footer lists the sources actually cited and flags labels that were
  not among them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from reviewer.document import Document, normalize_for_match
from reviewer.llm.prompts import load_prompt, prompts_dir
from reviewer.llm.provider import LLMError, LLMProvider, get_provider
from reviewer.llm.spotlight import DATA_MARK, REDACTED, find_instruction_like, visible_text

NO_ANSWER = "报告和知识库中都没有找到与该问题直接相关的内容，无法依据资料回答。"
NO_MODEL_HEAD = "（未配置语言模型，以下是检索到的最相关原文，请据此判断）"

_STOP = set("的了是在和与及或对为吗呢吧啊么什怎样哪多少请问报告中里有没")
_PUNCT = re.compile(r"[\s\W_]+", re.U)


class ChatSource(BaseModel):
    label: str = Field(description="citation label as the answer writes it, e.g. [报告第3页]")
    kind: Literal["report", "knowledge"]
    text: str
    score: float = Field(description="share of the question's bigrams found in the passage")
    page: int | None = None
    block: int | None = None
    item_id: str | None = None
    clause: str | None = None
    title: str | None = None


class ChatAnswer(BaseModel):
    question: str
    text: str
    sources: list[ChatSource] = Field(default_factory=list)
    cited: list[str] = Field(default_factory=list, description="labels the answer cites that exist in sources")
    unknown_citations: list[str] = Field(default_factory=list, description="labels cited but not retrieved")
    answered: bool = Field(description="False when the sources did not cover the question")
    used_model: bool = False


def _bigrams(text: str) -> set[str]:
    t = _PUNCT.sub("", normalize_for_match(text)).lower()
    grams = {t[i:i + 2] for i in range(len(t) - 1)}
    return {g for g in grams if not (g[0] in _STOP and g[1] in _STOP)}


def coverage(question: str, passage: str) -> float:
    """Share of the question's (non-stopword) character bigrams that occur in the passage."""
    q = _bigrams(question)
    if not q:
        return 0.0
    p = _bigrams(passage)
    return len(q & p) / len(q)


def _tokens(text: str) -> list[str]:
    t = _PUNCT.sub("", normalize_for_match(text)).lower()
    return list(t) + [t[i:i + 2] for i in range(len(t) - 1)]


class _Passage(BaseModel):
    text: str
    page: int | None
    block: int


def report_passages(doc: Document) -> list[_Passage]:
    """Paragraph blocks whole; tables row by row, each row prefixed with the header and caption."""
    out: list[_Passage] = []
    for b in doc.blocks:
        if b.kind == "table" and b.table is not None:
            t = b.table
            header = " | ".join(t.header_text(c) for c in range(t.n_cols))
            prefix = (t.caption + "：") if t.caption else ""
            for r in t.body_rows():
                row = " | ".join(c.strip() for c in t.rows[r])
                if row.strip(" |"):
                    out.append(_Passage(text=f"{prefix}{header} / {row}", page=b.page, block=b.index))
        else:
            text = visible_text(b).strip()
            if text:
                path = " > ".join(b.section_path[-1:])
                out.append(_Passage(text=f"{path}：{text}" if path and b.kind != "heading" else text,
                                    page=b.page, block=b.index))
    return out


def _report_label(p: _Passage) -> str:
    return f"[报告第{p.page}页]" if p.page else f"[报告段{p.block}]"


class _ClauseSearch:
    """Fallback knowledge retrieval over the curated clauses (BM25, char uni+bigrams)."""

    def __init__(self, settings: Any):
        from rank_bm25 import BM25Okapi

        from reviewer.knowledge.loader import load_items

        self.rows: list[tuple[str, str, str, str]] = []  # item_id, title, clause, text
        for item in load_items(settings.paths.knowledge_dir).values():
            for c in item.clauses:
                self.rows.append((item.id, item.title, c.number, c.text))
        self.bm25 = BM25Okapi([_tokens(f"{r[1]} {r[2]} {r[3]}") for r in self.rows]) if self.rows else None

    def search(self, query: str, k: int = 5) -> list[dict[str, Any]]:
        if self.bm25 is None:
            return []
        scores = self.bm25.get_scores(_tokens(query))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        return [{"item_id": self.rows[i][0], "title": self.rows[i][1], "clause": self.rows[i][2],
                 "text": self.rows[i][3]} for i in order if scores[i] > 0]


def _default_knowledge(settings: Any) -> Any:
    import importlib

    for mod in ("reviewer.knowledge", "reviewer.knowledge.index"):
        try:
            kb_class = getattr(importlib.import_module(mod), "KnowledgeBase", None)
        except ImportError:
            kb_class = None
        if kb_class is not None:
            try:
                return kb_class(settings)
            except Exception:  # an index that cannot load must not stop chat; curated clauses still work
                break
    return _ClauseSearch(settings)


def _knowledge_hits(kb: Any, question: str, k: int) -> list[dict[str, Any]]:
    try:
        hits = kb.search(question, k)
    except TypeError:
        hits = kb.search(question)
    out = []
    for h in hits:
        d = h if isinstance(h, dict) else h.model_dump()
        out.append({"item_id": d.get("item_id"), "title": d.get("title", ""), "clause": d.get("clause", ""),
                    "text": d.get("text", "")})
    return out


class ReportChat:
    """A chat over one report (optional) and the knowledge base. Keeps the last answer."""

    def __init__(self, doc: Document | None = None, settings: Any = None, knowledge: Any = None,
                 provider: LLMProvider | None = None, chat_model: Any = None):
        if settings is None:
            from reviewer.settings import load_settings

            settings = load_settings()
        self.settings = settings
        self.doc = doc
        self._knowledge = knowledge
        self.provider = provider if provider is not None else get_provider(settings, chat_model)
        self._passages = report_passages(doc) if doc is not None else []
        self._bm25 = None
        if self._passages:
            from rank_bm25 import BM25Okapi

            self._bm25 = BM25Okapi([_tokens(p.text) for p in self._passages])
        self.last: ChatAnswer | None = None

    @property
    def knowledge(self) -> Any:
        if self._knowledge is None:
            self._knowledge = _default_knowledge(self.settings)
        return self._knowledge

    # ---- retrieval -----------------------------------------------------------------------
    def retrieve(self, question: str) -> list[ChatSource]:
        k = self.settings.llm.chat_top_k
        floor = self.settings.llm.chat_min_score
        sources: list[ChatSource] = []
        if self._bm25 is not None:
            # Relevance = bigram coverage (comparable across reports, decides "no answer");
            # BM25 breaks ties. BM25 alone cannot decide: on a small report its IDF goes to zero.
            scores = self._bm25.get_scores(_tokens(question))
            covs = [coverage(question, p.text) for p in self._passages]
            order = sorted((i for i in range(len(covs)) if covs[i] >= floor), key=lambda i: (-covs[i], -scores[i]))
            seen_labels: dict[str, int] = {}
            for i in order:
                p = self._passages[i]
                cov = covs[i]
                label = _report_label(p)
                if seen_labels.get(label, 0) >= 2:
                    continue
                seen_labels[label] = seen_labels.get(label, 0) + 1
                sources.append(ChatSource(label=label, kind="report", text=p.text[:400], score=round(cov, 3),
                                          page=p.page, block=p.block))
                if sum(1 for s in sources if s.kind == "report") >= k:
                    break
        if self.knowledge is not None:
            for h in _knowledge_hits(self.knowledge, question, k * 2):
                cov = coverage(question, f"{h['title']} {h['clause']} {h['text']}")
                if cov < floor:
                    continue
                label = f"[《{h['title']}》{h['clause']}]" if h["clause"] else f"[《{h['title']}》]"
                sources.append(ChatSource(label=label, kind="knowledge", text=h["text"][:400], score=round(cov, 3),
                                          item_id=h["item_id"], clause=h["clause"], title=h["title"]))
                if sum(1 for s in sources if s.kind == "knowledge") >= k:
                    break
        sources.sort(key=lambda s: -s.score)
        return sources

    # ---- answering -----------------------------------------------------------------------
    def stream(self, question: str, history: Sequence[tuple[str, str]] = ()) -> Iterator[str]:
        """Yield the answer in pieces; ``self.last`` holds the full ChatAnswer afterwards."""
        question = question.strip()
        if not question:
            from reviewer.errors import BadInputError

            raise BadInputError("问题为空，请输入要询问的内容。", code="empty_question")
        sources = self.retrieve(question)
        if not sources:
            self.last = ChatAnswer(question=question, text=NO_ANSWER, answered=False)
            yield NO_ANSWER
            return
        if self.provider is None:
            text = _passages_answer(sources)
            self.last = ChatAnswer(question=question, text=text, sources=sources,
                                   cited=[s.label for s in sources], answered=True)
            yield text
            return
        messages = self._messages(question, sources, history)
        parts: list[str] = []
        try:
            for piece in self.provider.stream(messages, purpose="chat"):
                parts.append(piece)
                yield piece
        except LLMError as exc:
            fallback = f"\n\n（语言模型不可用：{exc.message}）\n" + _passages_answer(sources)
            parts.append(fallback)
            yield fallback
        text = "".join(parts)
        labels = set(re.findall(r"\[[^\[\]]{2,60}\]", text))
        known = {s.label for s in sources}
        cited = [s.label for s in sources if s.label in labels]
        unknown = sorted(lbl for lbl in labels if lbl not in known and lbl != REDACTED)
        footer = _footer(sources, cited, unknown)
        if footer:
            yield footer
        self.last = ChatAnswer(question=question, text=text + footer, sources=sources, cited=list(dict.fromkeys(cited)),
                               unknown_citations=unknown, answered=True, used_model=True)

    def ask(self, question: str, history: Sequence[tuple[str, str]] = ()) -> ChatAnswer:
        for _ in self.stream(question, history):
            pass
        assert self.last is not None
        return self.last

    def _messages(self, question: str, sources: list[ChatSource],
                  history: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        lines = []
        for s in sources:
            text = s.text.replace("\n", " ")
            if s.kind == "report":  # untrusted: redact instruction-like strings, mark as data
                for a, b, _ in reversed(find_instruction_like(text)):
                    text = text[:a] + REDACTED + text[b:]
                lines.append(f"{DATA_MARK}{s.label} {text}")
            else:
                lines.append(f"{s.label} {text}")
        past = "\n".join(f"{'用户' if r == 'user' else '助手'}：{t[:300]}" for r, t in list(history)[-6:])
        prompt = load_prompt("chat", prompts_dir(self.settings))
        values = {"sources": "\n".join(lines), "history": past or "（无）", "question": question,
                  "no_answer": NO_ANSWER}
        return [("system", prompt.render("system", **values)), ("user", prompt.render("user", **values))]


def _passages_answer(sources: list[ChatSource]) -> str:
    lines = [NO_MODEL_HEAD, ""]
    for i, s in enumerate(sources, 1):
        lines.append(f"{i}. {s.label} {s.text.strip()}")
    return "\n".join(lines)


def _footer(sources: list[ChatSource], cited: list[str], unknown: list[str]) -> str:
    out = []
    if cited:
        out.append("\n\n来源：" + "；".join(dict.fromkeys(cited)))
    else:  # small models often drop the labels: the answer still names what it was given
        out.append("\n\n参考资料（回答未标注引用，以下为提供给模型的资料）：" + "；".join(s.label for s in sources[:4]))
    if unknown:
        out.append("\n（注意：回答中的 " + "、".join(unknown) + " 不在检索到的资料中，请勿采信。）")
    return "".join(out)


def chat_stream(question: str, doc: Document | None = None, settings: Any = None, knowledge: Any = None,
                history: Sequence[tuple[str, str]] = ()) -> Iterator[str]:
    """One-shot streaming answer (builds a ReportChat; keep a ReportChat for a conversation)."""
    yield from ReportChat(doc, settings, knowledge).stream(question, history)
