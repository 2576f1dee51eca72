"""Plan and write the labelled corpus: clean reports, defective reports (1–4 defects each,
every type in ≥ 6 reports), long reports, reports with scanned pages, near-duplicate pairs.

One manifest JSON per report next to its files; ``pairs.json`` lists copied reports/chapters
and same-template negatives; ``corpus.json`` summarises the whole corpus.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.defects import DEFECTS
from evals.generator.build import draw_facts, draw_identity
from evals.generator.industries import INDUSTRIES
from evals.generator.inject import (
    MODEL_INJECTORS,
    MODEL_ORDER,
    TEXT_INJECTORS,
    Label,
    NotApplicable,
    Pending,
    TextEdit,
    anchor_ok,
    anchors_for_keys,
    key_elements,
    refresh_assessment,
)
from evals.generator.ir import Para, ReportDoc
from evals.generator.places import pick_place
from evals.generator.render import Renderer
from evals.generator.style import draw_style
from evals.generator.writers import pdf_page_texts, scan_pages, write_docx, write_pdf

MIN_PER_TYPE = 6
TYPES = [t for t in DEFECTS if t != "BPL_DUPLICATE"]


@dataclass
class ReportPlan:
    rid: str
    industry: str
    seed: int
    formats: list[str]
    clean: bool = False
    long: bool = False
    scanned: int = 0
    style_seed: int = 0
    wording_seed: int = 0
    id_seed: int | None = None
    report_year: int | None = None
    chapter_seeds: dict[str, int] = field(default_factory=dict)
    copy_of: str | None = None  # copied_report: same numbers/wording as this report
    copy_kind: str = ""
    copy_chapters: list[str] = field(default_factory=list)
    agency_of: str | None = None  # same_template: same agency as this report
    share_author_with: str | None = None
    typo: bool = False
    pdf_font: str = "cid"


def plan_corpus(n: int, seed: int) -> tuple[list[ReportPlan], list[dict[str, Any]]]:
    rng = random.Random(f"{seed}-plan")
    inds = list(INDUSTRIES)
    n_pairs = 3 if n >= 40 else 1
    n_clean = max(10, round(n * 0.18)) if n >= 40 else max(1, n // 5)
    n_base = n - 3 * n_pairs
    plans: list[ReportPlan] = []
    for k in range(n_base):
        ind = inds[k % len(inds)]
        fmt_r = rng.random()
        formats = ["docx", "pdf"] if fmt_r < 0.15 else (["docx"] if k % 2 == 0 else ["pdf"])
        s = seed * 1000 + k
        plans.append(ReportPlan(f"R{k + 1:03d}", ind, s, formats, style_seed=s, wording_seed=s,
                                pdf_font="ttf" if rng.random() < 0.4 else "cid"))
    order = list(range(n_base))
    rng.shuffle(order)
    for k in order[:n_clean]:
        plans[k].clean = True
    # long reports and scanned pages, spread over clean and defective reports
    longs = rng.sample(order, max(2, n // 13))
    for k in longs:
        plans[k].long = True
    pdfs = [k for k in order if "pdf" in plans[k].formats and not plans[k].long]
    for k in rng.sample(pdfs, min(len(pdfs), max(2, n // 13))):
        plans[k].scanned = rng.randint(2, 3)
    pairs: list[dict[str, Any]] = []
    next_id = n_base
    for j in range(n_pairs):
        for kind in ("copied_report", "copied_chapter", "same_template"):
            a = plans[(j * 7 + {"copied_report": 1, "copied_chapter": 3, "same_template": 5}[kind]) % n_base]
            next_id += 1
            rid = f"R{next_id:03d}"
            s = seed * 1000 + next_id
            fmt = ["docx"] if "docx" in a.formats and rng.random() < 0.6 else ["pdf"]
            b = ReportPlan(rid, a.industry, s, fmt, style_seed=s, wording_seed=s, pdf_font=a.pdf_font)
            if kind == "copied_report":
                b.seed, b.style_seed, b.wording_seed = a.seed, a.style_seed, a.wording_seed
                b.id_seed = s
                b.copy_of, b.copy_kind = a.rid, kind
                b.report_year = (a.report_year or draw_facts(a.seed, INDUSTRIES[a.industry]).report_year) + (j % 2)
                b.share_author_with = a.rid if j % 2 == 0 else None
                b.typo = j != 1
                chapters = ["preface", "ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7", "conclusion"]
            elif kind == "copied_chapter":
                b.copy_of, b.copy_kind = a.rid, kind
                chapters = ["ch1", "ch3", "ch7"]
                b.copy_chapters = chapters
                b.chapter_seeds = {c: a.wording_seed for c in chapters}
                b.style_seed = a.style_seed
            else:
                b.agency_of = a.rid
                b.style_seed = a.style_seed
                b.chapter_seeds = {c: a.wording_seed for c in ("ch1", "ch7")}
                chapters = []
            b.clean = kind == "copied_report" and j == 1
            plans.append(b)
            pairs.append({"a": a.rid, "b": rid, "kind": kind, "chapters": chapters})
    return plans, pairs


# ---------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, out: Path, seed: int, n: int, log=print):
        self.out = out
        self.seed = seed
        self.n = n
        self.log = log
        self.counts = {t: 0 for t in TYPES}
        self.facts_cache: dict[str, Any] = {}
        self.clean_cache: dict[str, Any] = {}
        self.meta_cache: dict[str, dict] = {}

    def run(self) -> dict[str, Any]:
        t0 = time.time()
        self.out.mkdir(parents=True, exist_ok=True)
        plans, pairs = plan_corpus(self.n, self.seed)
        by_id = {p.rid: p for p in plans}
        defective = [p for p in plans if not p.clean and p.copy_kind != "copied_report"]
        summaries = []
        remaining = len(defective)
        for p in plans:
            k = 0
            if not p.clean and p.copy_kind != "copied_report":
                need = sum(max(0, MIN_PER_TYPE - c) for c in self.counts.values())
                rng = random.Random(f"{p.seed}-k")
                k = rng.choices([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4])[0]
                k = min(4, max(k, math.ceil(need / max(remaining, 1))))
                remaining -= 1
            summaries.append(self.make(p, k, by_id))
            self.log(f"  {p.rid} {p.industry:14s} {'+'.join(p.formats):8s} "
                     f"{'clean' if summaries[-1]['clean'] else ','.join(x['type'] for x in summaries[-1]['labels'])}")
        (self.out / "pairs.json").write_text(json.dumps(
            {"pairs": [x for x in pairs if x["kind"] != "same_template"],
             "negatives": [x for x in pairs if x["kind"] == "same_template"]}, ensure_ascii=False, indent=1), encoding="utf-8")
        corpus = {
            "seed": self.seed, "n": len(plans), "clean": sum(1 for s in summaries if s["clean"]),
            "industries": sorted({s["industry"] for s in summaries}),
            "type_counts": {t: sum(1 for s in summaries if any(x["type"] == t for x in s["labels"])) for t in TYPES},
            "reports": [s["report_id"] for s in summaries],
            "seconds": round(time.time() - t0, 1),
        }
        (self.out / "corpus.json").write_text(json.dumps(corpus, ensure_ascii=False, indent=1), encoding="utf-8")
        return corpus

    # ---- one report ---------------------------------------------------------------------------
    def make(self, p: ReportPlan, k: int, by_id: dict[str, ReportPlan], forced: list[str] | None = None) -> dict[str, Any]:
        """Write one report; ``forced`` names exactly the defect types to inject (samples, tests)."""
        ind = INDUSTRIES[p.industry]
        for attempt in range(6):
            f = draw_facts(p.seed, ind, p.rid, p.report_year, p.id_seed)
            self._apply_pair_facts(p, f)
            style = draw_style(p.style_seed, long=p.long)
            rng = random.Random(f"{p.seed}-{p.rid}-defects-{attempt}")
            chosen = list(forced) if forced is not None else self._choose_types(rng, k, f)
            used: set[str] = set()
            pendings: list[Pending] = []
            model_types = [t for t in MODEL_ORDER if t in chosen]
            text_types = [t for t in chosen if t in TEXT_INJECTORS]
            for t in model_types:
                try:
                    pendings.append(MODEL_INJECTORS[t](f, rng, used))
                except (NotApplicable, IndexError, ValueError):
                    if forced is not None:
                        raise
                    alt = self._substitute(rng, chosen, f, model=True)
                    if alt:
                        try:
                            pendings.append(MODEL_INJECTORS[alt](f, rng, used))
                            chosen.append(alt)
                        except (NotApplicable, IndexError, ValueError):
                            pass
            doc = Renderer(f, style, p.wording_seed, p.chapter_seeds).render()
            if p.typo:
                _typo(doc)
            labels: list[Label] = []
            ok = True
            for pd in pendings:
                lab = self._label_for_pending(p, doc, pd, len(labels) + 1)
                if lab is None:
                    ok = False
                    break
                labels.append(lab)
            if not ok:
                continue
            for t in text_types:
                edit = self._text_edit(t, doc, f, rng, used, p)
                if edit is None and forced is not None:
                    ok = False
                    break
                if edit is None:
                    alt = self._substitute(rng, chosen, f, model=False)
                    edit = self._text_edit(alt, doc, f, rng, used, p) if alt else None
                if edit is not None:
                    labels.append(self._label_for_edit(p, doc, edit, len(labels) + 1))
            if not ok:
                continue
            if p.copy_kind == "copied_report" and not p.clean:
                lab = self._leftover_name(p, doc, by_id, len(labels) + 1)
                if lab:
                    labels.append(lab)
            break
        else:
            raise RuntimeError(f"{p.rid}: could not anchor its defects")
        for lab in labels:
            self.counts[lab.type] = self.counts.get(lab.type, 0) + 1
        self.facts_cache[p.rid] = f
        self.clean_cache[p.rid] = draw_facts(p.seed, ind, p.rid, p.report_year, p.id_seed)
        return self._write(p, f, doc, labels, by_id)

    def _apply_pair_facts(self, p: ReportPlan, f) -> None:
        if p.copy_kind == "copied_chapter" and p.copy_of in self.clean_cache:
            import copy

            # the other report's chapter as measured, not with the defects injected into that report
            a = self.clean_cache[p.copy_of]
            # the measured balances of chapter 3 are taken over from the other enterprise's report
            f.mb, f.eb, f.wb = copy.deepcopy(a.mb), copy.deepcopy(a.eb), copy.deepcopy(a.wb)
            f.mb.title, f.eb.title = a.mb.title, a.eb.title
            refresh_assessment(f)
        if p.agency_of and p.agency_of in self.facts_cache:
            import copy

            f.agency = copy.deepcopy(self.facts_cache[p.agency_of].agency)
            auditors = iter(f.agency.auditors)
            for m in f.team:
                if m.specialty == "清洁生产审核":
                    aud = next(auditors, None)
                    if aud:
                        m.name, m.title = aud[0], aud[1]
                    m.dept = f.agency.name

    def _choose_types(self, rng: random.Random, k: int, f) -> list[str]:
        if k == 0:
            return []
        cands = [t for t in TYPES if _applicable(t, f)]
        rng.shuffle(cands)
        cands.sort(key=lambda t: self.counts.get(t, 0))
        chosen: list[str] = []
        for t in cands:
            if len(chosen) >= k:
                break
            if any(_conflict(t, c) for c in chosen):
                continue
            chosen.append(t)
        return chosen

    def _substitute(self, rng: random.Random, chosen: list[str], f, model: bool) -> str | None:
        pool = MODEL_INJECTORS if model else TEXT_INJECTORS
        cands = [t for t in pool if t not in chosen and _applicable(t, f) and not any(_conflict(t, c) for c in chosen)]
        if not cands:
            return None
        rng.shuffle(cands)
        cands.sort(key=lambda t: self.counts.get(t, 0))
        return cands[0]

    def _text_edit(self, t: str, doc: ReportDoc, f, rng, used, p: ReportPlan) -> TextEdit | None:
        fn = TEXT_INJECTORS[t]
        fmt = "docx" if p.formats == ["docx"] else "pdf"
        try:
            if t == "BPL_FOREIGN_NAME":
                other = draw_identity(random.Random(f"{p.seed}-foreign"), f.industry)[0]
                return fn(doc, f, rng, used, foreign=(other.name, other.short))
            if t == "BPL_FOREIGN_PLACE":
                place = pick_place(random.Random(f"{p.seed}-place"), {f.ent.place.province})
                return fn(doc, f, rng, used, foreign_place=place)
            if t in ("SEC_HIDDEN_TEXT", "SEC_INJECTION"):
                return fn(doc, f, rng, used, fmt=fmt)
            return fn(doc, f, rng, used)
        except (NotApplicable, IndexError, ValueError):
            return None

    def _label_for_pending(self, p: ReportPlan, doc: ReportDoc, pd: Pending, n: int) -> Label | None:
        lab = Label(f"{p.rid}-L{n}", pd.type, wrong=_jsonable(pd.wrong), right=_jsonable(pd.right), note=pd.note, also=pd.also)
        if pd.report_level:
            lab.section = pd.report_level
            return lab
        anchors: list[str] = []
        first = None
        if pd.keys:
            anchors, first = anchors_for_keys(doc, pd.keys)
            allowed = key_elements(doc, pd.keys)
            anchors = [a for a in anchors if anchor_ok(doc, a, allowed)]
        for t in pd.texts:
            if anchor_ok(doc, t):
                anchors.append(t)
                if first is None:
                    first = next(i for i, e in enumerate(doc.elements) if _contains(e, t))
        if not anchors:
            return None
        lab.anchors = anchors
        _locate(doc, lab, first)
        return lab

    def _label_for_edit(self, p: ReportPlan, doc: ReportDoc, e: TextEdit, n: int) -> Label:
        lab = Label(f"{p.rid}-L{n}", e.type, anchors=[a for a in e.anchors if a], wrong=_jsonable(e.wrong),
                    right=_jsonable(e.right), note=e.note, also=e.also)
        _locate(doc, lab, e.elem)
        return lab

    def _leftover_name(self, p: ReportPlan, doc: ReportDoc, by_id, n: int) -> Label | None:
        a = self.facts_cache.get(p.copy_of)
        if a is None:
            return None
        from evals.generator.inject import tx_bpl_foreign_name

        try:
            e = tx_bpl_foreign_name(doc, None, random.Random(p.seed + 1), set(), foreign=(a.ent.name, a.ent.short))
        except NotApplicable:
            return None
        return self._label_for_edit(p, doc, e, n)

    # ---- files --------------------------------------------------------------------------------
    def _write(self, p: ReportPlan, f, doc: ReportDoc, labels: list[Label], by_id) -> dict[str, Any]:
        files: dict[str, str] = {}
        if p.share_author_with and p.share_author_with in self.meta_cache:
            doc.meta["author"] = self.meta_cache[p.share_author_with]["author"]
            doc.meta["last_modified_by"] = self.meta_cache[p.share_author_with]["author"]
        self.meta_cache[p.rid] = dict(doc.meta)
        style = draw_style(p.style_seed, long=p.long)
        base = f"{p.rid}_{f.industry.key}"
        scanned_pages: list[int] = []
        pages = None
        if "docx" in p.formats:
            path = self.out / f"{base}.docx"
            write_docx(doc, path, wps=style.wps, auto_number=style.auto_number)
            files["docx"] = path.name
        if "pdf" in p.formats:
            path = self.out / f"{base}.pdf"
            pages = write_pdf(doc, path, font=p.pdf_font, header_text=f"{f.ent.name}清洁生产审核报告",
                              footer_style=p.seed % 3)
            files["pdf"] = path.name
            texts = pdf_page_texts(path)
            from reviewer.document import normalize_for_match as norm

            ntexts = [norm(t) for t in texts]
            anchor_pages = set()
            for lab in labels:
                hits = sorted({i + 1 for a in lab.anchors for i, t in enumerate(ntexts) if norm(a) in t})
                lab.page = hits[0] if hits else None
                anchor_pages.update(hits)
            if p.scanned:
                cands = [i for i in range(3, len(texts) + 1) if i not in anchor_pages]
                rng = random.Random(f"{p.seed}-scan")
                scanned_pages = sorted(rng.sample(cands, min(p.scanned, len(cands))))
                scan_pages(path, scanned_pages, p.seed)
        for lab in labels:
            if lab.anchors and "pdf" not in p.formats:
                lab.page = None
        manifest = {
            "report_id": p.rid, "industry": f.industry.name, "industry_key": f.industry.key, "agency": f.agency.name,
            "enterprise": f.ent.name, "enterprise_short": f.ent.short,
            "place": {"province": f.ent.place.province, "city": f.ent.place.city, "county": f.ent.place.county},
            "report_year": f.report_year, "baseline_years": f.years,
            "clean": not labels and not p.copy_kind.startswith("copied"),
            "files": files, "pages": pages, "scanned_pages": scanned_pages, "long": p.long,
            "style": {"numbering": style.numbering, "caption": style.caption, "years_layout": style.years_layout,
                      "unit_place": style.unit_place, "merged_headers": style.merged_headers, "wps": style.wps,
                      "auto_number": style.auto_number, "phase_pre": style.phase_pre, "elec_unit": style.elec_unit,
                      "water_unit": style.water_unit, "pdf_font": p.pdf_font if "pdf" in p.formats else None},
            "copy_of": p.copy_of, "copy_kind": p.copy_kind or None, "same_agency_as": p.agency_of,
            "labels": [lab.to_dict() for lab in labels],
        }
        (self.out / f"{base}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        return manifest


def _applicable(t: str, f) -> bool:
    if t == "LVL_OVERSTATED":
        return f.assessment is not None and f.assessment.computed >= 2
    if t in ("ECO_PAYBACK", "ECO_NPV", "ECO_IRR", "ECO_VERDICT", "TGT_IMPLAUSIBLE"):
        return sum(1 for o in f.options if o.cls == "high") >= 1
    if t == "UNI_OLD_COEF":
        return f.carrier("electricity") is not None and f.elec_basis == "当量值"
    if t in ("UNI_CO2",):
        return f.carrier("electricity") is not None
    if t == "ECO_DOUBLE_COUNT":
        return any(o.cls == "high" and o.status == "已实施" for o in f.options)
    return True


# pairs of types that must not share a report (one would hide or distort the other)
_CONFLICTS = [
    {"BAL_MISSING", "BAL_NOT_CLOSING"}, {"BAL_MISSING", "BAL_STATED_DEVIATION"}, {"BAL_MISSING", "BAL_WATER_RATE"},
    {"STR_MISSING_SECTION", "ECO_PAYBACK"}, {"STR_MISSING_SECTION", "ECO_NPV"}, {"STR_MISSING_SECTION", "ECO_IRR"},
    {"STR_MISSING_SECTION", "ECO_VERDICT"}, {"STR_MISSING_SECTION", "TGT_CLAIMED_MET"},
    {"STR_MISSING_SECTION", "TGT_NOT_QUANTIFIED"}, {"STR_MISSING_SECTION", "TGT_IMPLAUSIBLE"},
    {"TGT_NOT_QUANTIFIED", "TGT_CLAIMED_MET"}, {"UNI_OLD_COEF", "UNI_COAL"}, {"STR_BASELINE_YEARS", "UNI_INTENSITY"},
    {"CIT_SUPERSEDED", "CIT_WRONG_INDUSTRY"}, {"BAL_NOT_CLOSING", "BAL_STATED_DEVIATION"},
    {"STR_MISSING_SECTION", "BAL_MISSING"}, {"STR_MISSING_SECTION", "STR_BASELINE_YEARS"},
    {"BAL_MISSING", "STR_BASELINE_YEARS"}, {"BAL_MISSING", "LVL_OVERSTATED"}, {"BAL_WATER_RATE", "LVL_OVERSTATED"},
]


def _conflict(a: str, b: str) -> bool:
    return a == b or {a, b} in _CONFLICTS


def _contains(e, t: str) -> bool:
    from evals.generator.inject import _elem_text, _norm

    return _norm(t) in _norm(_elem_text(e))


def _locate(doc: ReportDoc, lab: Label, idx: int | None) -> None:
    from evals.generator.ir import Table

    if idx is None:
        return
    lab.section = doc.section_of(idx) or None
    e = doc.elements[idx]
    lab.table_caption = e.caption if isinstance(e, Table) else None


def _typo(doc: ReportDoc) -> None:
    """A copied report keeps the original's typo: '审核小组' once written as '审合小组'."""
    for e in doc.elements:
        if isinstance(e, Para) and e.style == "body":
            for s in e.segs:
                if not s.key and "审核小组" in s.text:
                    s.text = s.text.replace("审核小组", "审合小组", 1)
                    return


def _jsonable(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 6)
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


def generate(out: Path, seed: int = 7, n: int = 80, log=print) -> dict[str, Any]:
    return Generator(out, seed, n, log).run()


def make_report(out: Path, rid: str, industry: str, seed: int, types: list[str], formats: list[str],
                long: bool = False, scanned: int = 0, pdf_font: str = "cid") -> dict[str, Any]:
    """One report with exactly the given defect types (for samples and tests); returns its manifest."""
    out.mkdir(parents=True, exist_ok=True)
    g = Generator(out, seed, 1, log=lambda *_: None)
    p = ReportPlan(rid, industry, seed, formats, clean=not types, long=long, scanned=scanned, style_seed=seed,
                   wording_seed=seed, pdf_font=pdf_font)
    return g.make(p, len(types), {rid: p}, forced=list(types))


__all__ = ["ReportPlan", "asdict", "generate", "plan_corpus"]
