"""Finding the stored reports a new report was copied from (or to).

1. Candidates: LSH band look-ups for the whole report and for each chapter, plus every stored
   report sharing a rare anomaly (exact numeric table row, long number, DOCX author).
2. Ranking by the MinHash estimate and the anomalies; only the best few are verified.
3. Verification on the stored text: exact Jaccard of the whole reports (near-duplicate), exact
   containment of each chapter of this report in the other (copied chapter), shared anomalies
   (copied data). Passages are paired up for display side by side.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from reviewer.copydetect.fingerprint import (
    Fingerprint,
    Normalizer,
    Passage,
    estimate_jaccard,
    shingles_with_figures,
)
from reviewer.copydetect.store import FingerprintStore, StoredReport

ANOMALY_ZH = {
    "numrow": "完全相同的数据行",
    "number": "相同的多位数值",
    "meta_author": "相同的文档作者",
    "meta_last_modified_by": "相同的最后修改人",
    "meta_company": "相同的文档单位属性",
}


class ShingleView:
    """Shingle sets of one report (this one or a stored one), per passage and per chapter."""

    def __init__(self, names: dict[str, list[str]], passages: list[Passage], k: int, chapter_titles=None):
        norm = Normalizer(names)
        self.passages = passages
        self.chapter_titles = list(chapter_titles or [])
        self.passage_sets: list[set[str]] = []
        self.chapters: dict[int, set[str]] = defaultdict(set)
        self.chapter_figures: dict[int, set[str]] = defaultdict(set)
        for p in passages:
            sh, fig = shingles_with_figures(norm(p.text), k)
            self.passage_sets.append(sh)
            self.chapters[p.chapter] |= sh
            self.chapter_figures[p.chapter] |= fig
        self.all: set[str] = set().union(*self.chapters.values()) if self.chapters else set()
        self.figures: set[str] = set().union(*self.chapter_figures.values()) if self.chapter_figures else set()

    def title(self, chapter: int) -> str:
        return self.chapter_titles[chapter] if 0 <= chapter < len(self.chapter_titles) else f"第{chapter}部分"


@dataclass
class PassagePair:
    a: Passage
    b: Passage
    containment: float


@dataclass
class Match:
    other: StoredReport
    kind: str  # 'report' | 'chapter' | 'data'
    similarity: float  # Jaccard (report), containment (chapter) or Jaccard (data)
    jaccard: float  # whole-report Jaccard of the prose
    data_similarity: float = 0.0  # the same over shingles carrying digits
    chapter: int | None = None
    chapter_title: str | None = None
    passages: list[PassagePair] = field(default_factory=list)
    anomalies: list[tuple[str, str]] = field(default_factory=list)  # (kind, label)

    @property
    def rank(self) -> float:
        # shared anomalies are stronger evidence than shared prose (template text is shared too)
        return len(self.anomalies) * 0.5 + self.similarity + (1.0 if self.kind == "report" else 0.0)


def same_enterprise(fp: Fingerprint, other: StoredReport) -> bool:
    """The same file, or the same enterprise (a revised report): same full name, or the same proper
    core in the same city — '石家庄盛元纺织印染' and '襄阳盛元纺织科技' are two enterprises."""
    if fp.report_id == other.report_id:
        return True
    if fp.enterprise and other.enterprise and fp.enterprise == other.enterprise:
        return True
    a, b = fp.enterprise_core, other.enterprise_core
    if not (a and b and len(a) >= 2 and a == b):
        return False
    if fp.city and other.city:
        return fp.city == other.city
    if fp.province and other.province:
        return fp.province == other.province
    return True


def find_matches(fp: Fingerprint, store: FingerprintStore, settings, view: ShingleView | None = None,
                 exclude_ids: set[int] | None = None) -> list[Match]:
    cs = settings.copy_detection
    exclude_ids = exclude_ids or set()
    cands: dict[int, StoredReport] = {}
    # best chapter-level estimate per stored report: (prose Jaccard, figures Jaccard)
    est_chapter: dict[int, tuple[float, float]] = {}
    for r in store.report_candidates(fp.signature):
        cands[r.id] = r
    min_ch = cs.min_chapter_chars
    for ch in fp.chapters:
        if ch.n_shingles < min_ch or ch.n_data < cs.min_chapter_data:
            continue  # a chapter without figures cannot tell a copy from a shared template
        for sc in store.chapter_candidates(ch.signature):
            est = estimate_jaccard(ch.signature, sc.signature)
            est_d = _data_estimate(ch.data_signature, ch.n_data, sc.data_signature, sc.n_data, cs.min_chapter_data)
            old = est_chapter.get(sc.report, (0.0, 0.0))
            if est_d > old[1] or (est_d == old[1] and est > old[0]):
                est_chapter[sc.report] = (est, est_d)
    for rid in est_chapter:
        if rid not in cands:
            r = store.report(rid)
            if r:
                cands[rid] = r

    # anomalies: keep the rare ones (held by few other enterprises)
    holders = store.anomaly_holders([a.hash for a in fp.anomalies]) if fp.anomalies else {}
    label_of = {a.hash: (a.kind, a.label) for a in fp.anomalies}
    shared: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if holders:
        meta_needed = {rid for hs in holders.values() for rid, _k, _l in hs if rid not in cands}
        for rid in meta_needed:
            r = store.report(rid)
            if r:
                cands[rid] = r
        for h, hs in holders.items():
            others = [rid for rid, _k, _l in hs if rid in cands and not same_enterprise(fp, cands[rid])]
            enterprises = {cands[rid].enterprise_core or cands[rid].enterprise or str(rid) for rid in others}
            if not others or len(enterprises) >= cs.common_anomaly_reports:
                continue  # shared by many enterprises: template or a standard value
            kind, label = label_of[h]
            for rid in others:
                if kind.startswith("meta_"):
                    a, b = fp.agency, cands[rid].agency
                    if not (a and b and a != b):
                        continue  # the same agency's staff as author is normal
                shared[rid].append((kind, label))

    # cheap filter on the MinHash estimates before any exact verification: prose AND figures
    ranked = []
    for rid, r in cands.items():
        if rid in exclude_ids or same_enterprise(fp, r):
            continue
        est = estimate_jaccard(fp.signature, r.signature)
        est_d = _data_estimate(fp.data_signature, fp.n_data, r.data_signature, r.n_data, cs.min_chapter_data)
        ch_est, ch_est_d = est_chapter.get(rid, (0.0, 0.0))
        report_ok = (est >= cs.report_similarity * 0.6 and est_d >= cs.data_similarity * 0.5) or \
            est >= cs.near_verbatim - 0.1
        chapter_ok = ch_est >= cs.chapter_containment * 0.6 and ch_est_d >= cs.data_similarity * 0.5
        strong = _strong_anomalies(shared.get(rid, []), cs)
        if report_ok or chapter_ok or strong:
            ranked.append((max(est_d, ch_est_d) + est + 0.5 * len(shared.get(rid, [])), rid))
    ranked.sort(reverse=True)
    if not ranked:
        return []
    view = view or ShingleView(fp.names, fp.passages, fp.shingle_chars, [c.title for c in fp.chapters])
    chapter_titles = {c.index: c.title for c in fp.chapters}
    out: list[Match] = []
    for _score, rid in ranked[: cs.max_verify]:
        other = cands[rid]
        names, passages, titles = store.passages(rid)
        ov = ShingleView(names, passages, fp.shingle_chars, titles)
        out.extend(_verify(view, ov, other, shared.get(rid, []), chapter_titles, cs))
    out.sort(key=lambda m: m.rank, reverse=True)
    return out


def _data_estimate(a_sig, a_n: int, b_sig, b_n: int, min_n: int) -> float:
    """MinHash estimate over digit-bearing shingles; 0 when either side has too few of them
    (two empty sets would look identical)."""
    if a_sig is None or b_sig is None or a_n < min_n or b_n < min_n:
        return 0.0
    return estimate_jaccard(a_sig, b_sig)


def _strong_anomalies(items: list[tuple[str, str]], cs) -> bool:
    """Enough shared raw data to call a pair copied on its own. A shared author name alone is not:
    common personal names recur by chance; it raises the rank of a pair matched on other grounds."""
    rows = sum(1 for k, _ in items if k == "numrow")
    nums = sum(1 for k, _ in items if k == "number")
    return rows >= cs.min_shared_rows or nums >= cs.min_shared_numbers


def _verify(a: ShingleView, b: ShingleView, other: StoredReport, anomalies: list[tuple[str, str]],
            chapter_titles: dict[int, str], cs) -> list[Match]:
    """Exact comparison. Prose alone is not enough: reports written from one template share most
    of their prose. Shingles that carry digits (figures, table rows, dates) are what a copy keeps
    and an independent report does not, so both must agree unless the text is near-verbatim."""
    if not a.all or not b.all:
        return []
    jac = len(a.all & b.all) / len(a.all | b.all)
    a_dig, b_dig = a.figures, b.figures
    jac_dig = len(a_dig & b_dig) / len(a_dig | b_dig) if (a_dig or b_dig) else 0.0
    if (jac >= cs.report_similarity and jac_dig >= cs.data_similarity) or jac >= cs.near_verbatim:
        return [Match(other, "report", jac, jac, data_similarity=jac_dig, passages=_pairs(a, b, None, cs),
                      anomalies=anomalies)]
    out: list[Match] = []
    for ci, sh in sorted(a.chapters.items()):
        if len(sh) < cs.min_chapter_chars:
            continue
        cont = len(sh & b.all) / len(sh)
        if cont < cs.chapter_containment:
            continue
        dig = a.chapter_figures.get(ci, set())
        cont_dig = len(dig & b_dig) / len(dig) if dig else 0.0
        # prose alone never makes a chapter copy: reports of one template share whole chapters of it
        if len(dig) >= cs.min_chapter_data and cont_dig >= cs.data_similarity:
            out.append(Match(other, "chapter", cont, jac, data_similarity=cont_dig, chapter=ci,
                             chapter_title=chapter_titles.get(ci), passages=_pairs(a, b, ci, cs),
                             anomalies=anomalies))
    if not out and _strong_anomalies(anomalies, cs):
        out.append(Match(other, "data", jac, jac, data_similarity=jac_dig, passages=_pairs(a, b, None, cs),
                         anomalies=anomalies))
    return out


def _pairs(a: ShingleView, b: ShingleView, chapter: int | None, cs, limit: int = 5) -> list[PassagePair]:
    """This report's passages that are (almost) wholly in the other, each with its best partner."""
    index: dict[str, list[int]] = defaultdict(list)
    for j, sh in enumerate(b.passage_sets):
        for s in sh:
            index[s].append(j)
    scored = []
    for i, (p, sh) in enumerate(zip(a.passages, a.passage_sets)):
        if chapter is not None and p.chapter != chapter:
            continue
        if len(sh) < cs.min_passage_chars:
            continue
        common = sh & b.all
        cont = len(common) / len(sh)
        if cont < 0.6:
            continue
        scored.append((cont * min(len(sh), 400), cont, i, common))
    scored.sort(reverse=True)
    out: list[PassagePair] = []
    for _s, cont, i, common in scored[:limit]:
        votes: dict[int, int] = defaultdict(int)
        for s in common:
            for j in index.get(s, ()):
                votes[j] += 1
        if not votes:
            continue
        j = max(votes, key=lambda x: votes[x])
        out.append(PassagePair(a.passages[i], b.passages[j], round(cont, 3)))
    return out
