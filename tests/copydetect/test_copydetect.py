"""Copy detection end to end on synthetic reports from ONE heavy template: independent reports
are never matched, name-swapped copies (with or without changed figures) and spliced chapters
are, the store survives a reopen, and the margins between the two groups are measured. Every
test that touches a store runs on SQLite and on PostgreSQL (conftest.fp_backend)."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

from reviewer.copydetect import (
    StoreMismatchError,
    find_matches,
    fingerprint,
    open_store,
)
from reviewer.copydetect.match import ShingleView
from reviewer.parsing.markdown import parse_markdown_text
from reviewer.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import raw_store, use_fresh_store
from synth import PLACES, make_copy, make_report, splice_chapter

N_INDEPENDENT = 16


@pytest.fixture(scope="module")
def settings(tmp_path_factory, fp_backend):
    s = load_settings()
    s.paths.data_dir = tmp_path_factory.mktemp("data")
    return use_fresh_store(s, fp_backend)


def own_store_settings(settings, tmp_path, fp_backend):
    """A copy of the settings with an empty store of the same backend, for one test."""
    s = settings.model_copy(deep=True)
    s.paths.data_dir = tmp_path
    return use_fresh_store(s, fp_backend)


def fp_of(rep, name, settings):
    return fingerprint(parse_markdown_text(rep.text, name), settings)


@pytest.fixture(scope="module")
def corpus(settings):
    reps = [make_report(i) for i in range(N_INDEPENDENT)]
    fps = [fp_of(r, f"r{i}.md", settings) for i, r in enumerate(reps)]
    store = open_store(settings)
    for fp in fps:
        store.add(fp)
    yield reps, fps, store
    store.close()


def test_identity_placeholders_make_swapped_names_equal(settings):
    src = make_report(1)
    copy = make_copy(src, 2)
    a, b = fp_of(src, "a.md", settings), fp_of(copy, "b.md", settings)
    assert a.enterprise != b.enterprise
    va = ShingleView(a.names, a.passages, a.shingle_chars)
    vb = ShingleView(b.names, b.passages, b.shingle_chars)
    assert len(va.all & vb.all) / len(va.all | vb.all) > 0.97


def test_independent_same_template_reports_are_not_matched(corpus, settings):
    _reps, _fps, store = corpus
    for i in range(N_INDEPENDENT, N_INDEPENDENT + 8):
        fp = fp_of(make_report(i), f"new{i}.md", settings)
        assert find_matches(fp, store, settings) == [], f"independent report {i} matched"


@pytest.mark.parametrize("change", [0.0, 0.2, 0.4])
def test_name_swapped_copy_is_matched_as_whole_report(corpus, settings, change):
    reps, fps, store = corpus
    copy = make_copy(reps[3], 100 + int(change * 10), change_numbers=change, place=PLACES[5])
    ms = find_matches(fp_of(copy, "copy.md", settings), store, settings)
    assert ms and ms[0].kind == "report" and ms[0].other.file_name == "r3.md"
    assert ms[0].similarity >= settings.copy_detection.report_similarity
    # passages side by side: this report's text and the other's, both verbatim block texts
    assert ms[0].passages and all(p.containment >= 0.6 for p in ms[0].passages)
    assert ms[0].passages[0].b.text in {p.text for p in fps[3].passages}
    # identical numeric rows are reported as shared anomalies when the figures were kept
    if change == 0.0:
        assert any(k == "numrow" for k, _ in ms[0].anomalies)


def test_spliced_chapter_is_matched_as_chapter_copy(corpus, settings):
    reps, _fps, store = corpus
    target = make_report(40, PLACES[6])
    spliced = splice_chapter(target, reps[5], "第三章")
    ms = find_matches(fp_of(spliced, "spliced.md", settings), store, settings)
    assert [(m.kind, m.other.file_name) for m in ms] == [("chapter", "r5.md")]
    assert ms[0].chapter_title.startswith("第三章") and ms[0].similarity > 0.9
    assert all(p.a.chapter == ms[0].chapter for p in ms[0].passages)


def test_revision_of_the_same_enterprise_is_not_a_copy(corpus, settings):
    reps, fps, store = corpus
    revised = reps[2].text.replace("审核小组通过张贴标语", "审核小组通过张贴宣传标语")
    fp = fingerprint(parse_markdown_text(revised, "r2_revised.md"), settings)
    assert fp.enterprise == fps[2].enterprise
    assert find_matches(fp, store, settings) == []


def test_margins_between_independent_reports_and_copies(corpus, settings):
    """The numbers behind the defaults: independent pairs stay well below the thresholds."""
    reps, fps, _store = corpus
    views = [ShingleView(f.names, f.passages, f.shingle_chars) for f in fps]
    jac, dig = [], []
    for a, b in itertools.combinations(views, 2):
        jac.append(len(a.all & b.all) / len(a.all | b.all))
        da, db = a.figures, b.figures
        dig.append(len(da & db) / len(da | db))
    cs = settings.copy_detection
    assert max(jac) < cs.report_similarity - 0.1
    assert max(dig) < cs.data_similarity - 0.2
    copy = fp_of(make_copy(reps[0], 77, change_numbers=0.5), "c.md", settings)
    vc = ShingleView(copy.names, copy.passages, copy.shingle_chars)
    j = len(vc.all & views[0].all) / len(vc.all | views[0].all)
    assert j > cs.report_similarity + 0.1


def test_store_persists_and_reopens_without_rebuilding(settings, tmp_path, fp_backend):
    s = own_store_settings(settings, tmp_path, fp_backend)
    cs = s.copy_detection
    st = raw_store(s, fp_backend)
    bands_rows = (st.bands, st.rows)
    src = make_report(300)
    st.add(fp_of(src, "src.md", settings))
    st.add(fp_of(src, "src.md", settings))  # same file again: replaced, not duplicated
    assert st.count() == 1
    st.close()
    st = raw_store(s, fp_backend)
    assert st.count() == 1 and (st.bands, st.rows) == bands_rows
    stored = st.all_reports()[0]
    assert stored.enterprise == src.enterprise and stored.signature.dtype == np.uint32
    ms = find_matches(fp_of(make_copy(src, 301), "copy.md", settings), st, settings)
    assert ms and ms[0].other.file_name == "src.md"
    st.close()
    with pytest.raises(StoreMismatchError, match="num_perm"):
        raw_store(s, fp_backend, num_perm=cs.num_perm * 2)
    st = open_store(s, create=False)  # the selection in settings finds the same store
    assert st.count() == 1 and (st.bands, st.rows) == bands_rows
    st.close()


def test_copied_data_table_alone_is_matched_as_data(settings, tmp_path, fp_backend):
    """Prose rewritten, monitoring table copied verbatim (the Dongguan case): a 'data' match."""
    s = own_store_settings(settings, tmp_path, fp_backend)
    rows = "\n".join(f"| 厂界{i} | 昼间 | {52.3 + i * 1.7:.1f} | {44.8 + i * 0.9:.1f} | {61.27 + i:.2f} |" for i in range(5))
    table = f"| 点位 | 时段 | 监测值dB(A) | 背景值dB(A) | 测量时间(min) |\n|---|---|---|---|---|\n{rows}\n"
    a = make_report(500)
    b = make_report(501, PLACES[8])
    a_text = a.text.replace("## 2.4 产排污状况\n", "## 2.4 产排污状况\n\n" + table + "\n")
    b_text = b.text.replace("## 2.4 产排污状况\n", "## 2.4 产排污状况\n\n" + table + "\n")
    st = open_store(s)
    st.add(fingerprint(parse_markdown_text(a_text, "a.md"), s))
    ms = find_matches(fingerprint(parse_markdown_text(b_text, "b.md"), s), st, s)
    st.close()
    assert ms and ms[0].kind == "data"
    assert sum(1 for k, _ in ms[0].anomalies if k == "numrow") == 5


def test_same_author_across_agencies_ranks_a_copy_but_does_not_make_one(settings, tmp_path, fp_backend):
    s = own_store_settings(settings, tmp_path, fp_backend)
    src = make_report(600)
    copy = make_copy(src, 601, change_numbers=0.2, place=PLACES[4])
    other = make_report(602, PLACES[9])
    docs = [parse_markdown_text(r.text, f"{n}.md") for r, n in ((src, "src"), (copy, "copy"), (other, "other"))]
    for d in docs:
        d.metadata.author = "张工-咨询部"
    fa, fc, fo = (fingerprint(d, s) for d in docs)
    assert fa.agency != fc.agency and any(x.kind == "meta_author" for x in fc.anomalies)
    st = open_store(s)
    st.add(fa)
    ms = find_matches(fc, st, s)
    assert ms and ("meta_author", "张工-咨询部") in ms[0].anomalies
    # an unrelated report of another agency with the same author name is not a copy by that alone
    assert find_matches(fo, st, s) == []
    # within one agency the same author is normal and not even listed
    fc.agency = fa.agency
    assert all(("meta_author", "张工-咨询部") not in m.anomalies for m in find_matches(fc, st, s))
    st.close()


def test_same_brand_in_another_city_is_another_enterprise(settings, tmp_path, fp_backend):
    """Brand names repeat across the country; a copy between two '恒盛' firms is still a copy."""
    s = own_store_settings(settings, tmp_path, fp_backend)
    src = make_report(650, PLACES[0])
    copy = make_copy(src, 651, place=PLACES[8])
    text = copy.text.replace(copy.short, src.short).replace(copy.enterprise, copy.place[1][:-1] + src.short + "有限公司")
    fa = fingerprint(parse_markdown_text(src.text, "a.md"), s)
    fb = fingerprint(parse_markdown_text(text, "b.md"), s)
    assert fa.enterprise_core == fb.enterprise_core and fa.city != fb.city
    st = open_store(s)
    st.add(fa)
    assert [m.kind for m in find_matches(fb, st, s)] == ["report"]
    st.close()


def test_standard_limit_tables_are_not_anomalies(settings):
    text = make_report(700).text + (
        "\n| 污染物 | 一级标准限值 | 二级标准限值 | 三级标准限值 |\n|---|---|---|---|\n"
        "| 总镍 | 0.100 | 0.500 | 1.000 |\n| COD | 50.00 | 80.00 | 100.00 |\n"
    )
    fp = fingerprint(parse_markdown_text(text, "x.md"), settings)
    assert not any("总镍" in a.label for a in fp.anomalies)
