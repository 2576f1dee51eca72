"""Copy-detection benchmark: time and memory to check one new report against fingerprint stores
of 1,000 and 10,000 reports (parsed fill), or 10,000 and 100,000 fingerprints (derived fill).

    python -m evals.bench_copy [--sizes 1000,10000] [--out evals/results/bench_copy.json]
    python -m evals.bench_copy --fill derived --sizes 10000,100000 --new 12

Derived fill (for sizes where parsing every stored report would take hours on 2 cores: ~0.16 s
each): the first ``--real`` stores are real fingerprints of parsed synthetic reports as below;
every further one is derived from one of them by replacing a random 65–95 % of its MinHash values
(report and chapters) with fresh random values and all of its figure signature and anomalies —
the overlap that independent reports written from one template have — with its own report id,
file name and enterprise. The stores' tables, band index and blobs are then exactly as large as
real ones; LSH candidate counts follow the kept fraction.

The stores are filled with synthetic reports written from ONE template (tests/copydetect/synth.py
plus generated filler sections of template sentences with per-report figures, ~15,000
characters each), so that LSH candidates behave as in a real store: independent reports share
a lot of prose, copies share prose and figures. The reports checked against the store are of
full size: reports of the evaluation corpus (evals/corpus) when it exists, else synthetic ones
scaled up. Each check runs in a fresh process so its peak memory is the check's own.

Checked at every size: independent reports are not matched, a name-swapped copy of a stored
report is, a spliced chapter is.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "copydetect"))

from synth import PLACES, SynthReport, make_copy, make_report, splice_chapter  # noqa: E402

_TEMPLATE_SENTENCES = [
    "{eq}运行稳定，{y}年累计运行{h}小时，设备完好率{p}%。",
    "经现场考察，{ws}的{eq}存在跑冒滴漏现象，年损失物料约{t}吨。",
    "审核小组对{ws}进行了为期{d}天的实测，共布设监测点{n}个，取样{m}次。",
    "{y}年企业综合能耗为{e}吨标准煤，单位产品综合能耗{u}kgce/t。",
    "新鲜水用量{w}万吨，重复利用率{p}%，废水排放量{w2}万吨。",
    "方案“{opt}”投资{inv}万元，实施后年节电{kwh}万kWh，年经济效益{ben}万元。",
    "根据权重总和计分排序法，{ws}得分{sc}分，列为备选审核重点。",
    "{ws}主要污染物为COD和总镍，产生浓度分别为{c1}mg/L和{c2}mg/L。",
    "针对{ws}的问题，审核小组提出无/低费方案{n}项，已实施{m}项。",
    "员工培训共开展{n}次，参训人员{m}人次，考核合格率{p}%。",
    "企业已建立清洁生产管理制度{n}项，明确了各部门职责。",
    "对照行业清洁生产评价指标体系，{ind}指标值为{u}，达到{lvl}级基准值。",
    "物料平衡测试期间，输入物料合计{t}吨，输出合计{t2}吨，平衡误差{p2}%。",
    "水平衡测试表明，{ws}用水量占全厂{p}%，是节水的重点。",
    "中/高费方案{opt}的净现值为{npv}万元，内部收益率{irr}%，投资回收期{pb}年。",
    "清洁生产审核是企业提升管理水平的重要手段，审核小组按照计划有序开展各阶段工作。",
    "公司严格执行环境影响评价和“三同时”制度，各项污染防治设施运行正常。",
    "通过现状调研和现场考察，基本摸清了企业的生产工艺、原辅材料消耗和污染物产排情况。",
    "审核过程中坚持边审核边实施的原则，及时实施明显可行的无/低费方案。",
    "企业将持续推进清洁生产工作，把清洁生产纳入日常生产经营管理之中。",
]
_WS = ["镀镍车间", "镀锌车间", "前处理车间", "阳极氧化车间", "污水处理站", "动力车间", "包装车间", "酸洗工段"]
_EQ = ["自动挂镀线", "滚镀线", "超声波除油槽", "离子交换柱", "冷冻机组", "空压机", "整流器", "MVR蒸发器", "板框压滤机"]
_OPT = ["漂洗水三级逆流改造", "镀液回收", "空压机变频改造", "LED照明替换", "冷凝水回收", "废水分质分流"]
_IND = ["单位产品新鲜水耗", "单位产品电耗", "镍利用率", "锌利用率", "重复用水率"]


def _filler(rng: random.Random, n_sentences: int) -> str:
    out = []
    for _ in range(n_sentences):
        s = rng.choice(_TEMPLATE_SENTENCES)
        out.append(s.format(
            eq=rng.choice(_EQ), ws=rng.choice(_WS), opt=rng.choice(_OPT), ind=rng.choice(_IND),
            y=rng.randint(2019, 2025), h=rng.randint(2000, 8000), p=f"{rng.uniform(60, 99.9):.1f}",
            t=f"{rng.uniform(1, 900):.2f}", t2=f"{rng.uniform(1, 900):.2f}", d=rng.randint(3, 15),
            n=rng.randint(2, 30), m=rng.randint(5, 300), e=f"{rng.uniform(500, 90000):.1f}",
            u=f"{rng.uniform(0.1, 900):.3f}", w=f"{rng.uniform(1, 300):.2f}", w2=f"{rng.uniform(1, 200):.2f}",
            inv=f"{rng.uniform(1, 500):.1f}", kwh=f"{rng.uniform(1, 300):.2f}", ben=f"{rng.uniform(1, 200):.2f}",
            sc=rng.randint(400, 950), c1=f"{rng.uniform(50, 900):.1f}", c2=f"{rng.uniform(0.1, 9):.2f}",
            lvl=rng.choice("一二三"), p2=f"{rng.uniform(0.1, 5):.2f}", npv=f"{rng.uniform(-50, 900):.2f}",
            irr=f"{rng.uniform(3, 40):.1f}", pb=f"{rng.uniform(0.5, 8):.1f}",
        ))
    paras = []
    for i in range(0, len(out), 4):
        paras.append("".join(out[i : i + 4]))
    return "\n\n".join(paras)


def store_report_text(seed: int, sentences: int = 220) -> tuple[str, object]:
    """A ~15,000-character synthetic report: the template report plus filler in chapters 2, 3, 6."""
    rng = random.Random(f"bench-{seed}")
    rep = make_report(seed, rng.choice(PLACES))
    text = rep.text
    per = sentences // 3
    for marker in ("## 2.4 产排污状况", "## 3.3 废弃物产生原因分析", "# 第七章 持续清洁生产"):
        text = text.replace(marker, _filler(rng, per) + "\n\n" + marker, 1)
    return text, rep


def _fingerprint_text(text: str, name: str, settings):
    from reviewer.copydetect import fingerprint
    from reviewer.parsing.markdown import parse_markdown_text

    return fingerprint(parse_markdown_text(text, name), settings)


def build_store(path: Path, n: int, settings, start: int = 0, log=print) -> dict:
    from reviewer.copydetect import SQLiteFingerprintStore

    cs = settings.copy_detection
    st = SQLiteFingerprintStore(path, cs.num_perm, cs.shingle_chars, cs.lsh_threshold)
    t0 = time.perf_counter()
    chars = 0
    for i in range(start, n):
        text, _ = store_report_text(i)
        chars += len(text)
        st.add(_fingerprint_text(text, f"store_{i:05d}.md", settings))
        if (i + 1) % 1000 == 0:
            log(f"  store: {i + 1} reports, {time.perf_counter() - t0:.0f} s")
    count = st.count()
    size = st.size_bytes()
    st.close()
    return {"reports": count, "build_seconds": round(time.perf_counter() - t0, 1),
            "mean_chars_added": round(chars / max(1, n - start)), "db_bytes": size}


def derive_fingerprint(base, i: int, rng: random.Random):
    """A new store entry from ``base``: template-level overlap, its own figures and identity."""
    import dataclasses

    import numpy as np

    def mutate(sig):
        if sig is None:
            return None
        sig = np.array(sig, dtype=np.uint32, copy=True)
        keep = rng.uniform(0.05, 0.35)
        mask = np.frombuffer(rng.randbytes(len(sig)), dtype=np.uint8) >= int(keep * 256)
        sig[mask] = np.frombuffer(rng.randbytes(4 * int(mask.sum())), dtype=np.uint32)
        return sig

    def fresh(sig):
        return None if sig is None else np.frombuffer(rng.randbytes(4 * len(sig)), dtype=np.uint32).copy()

    chapters = [dataclasses.replace(c, signature=mutate(c.signature), data_signature=fresh(c.data_signature))
                for c in base.chapters]
    anomalies = [dataclasses.replace(a, hash=rng.getrandbits(62)) for a in base.anomalies]
    return dataclasses.replace(
        base, report_id=f"derived-{i:07d}", file_name=f"store_{i:06d}.md", enterprise=f"派生企业{i}有限公司",
        enterprise_core=f"派生企业{i}", signature=mutate(base.signature), data_signature=fresh(base.data_signature),
        chapters=chapters, anomalies=anomalies)


def build_store_derived(path: Path, n: int, settings, start: int, real: int, pool: list, log=print) -> dict:
    """Fill to ``n``: real fingerprints up to ``real``, derived ones after (see module doc)."""
    from reviewer.copydetect import SQLiteFingerprintStore

    cs = settings.copy_detection
    st = SQLiteFingerprintStore(path, cs.num_perm, cs.shingle_chars, cs.lsh_threshold)
    t0 = time.perf_counter()
    rng = random.Random(f"derived-{start}")
    for i in range(start, n):
        if i < real:
            text, _ = store_report_text(i)
            fp = _fingerprint_text(text, f"store_{i:05d}.md", settings)
            pool.append(fp)
        else:
            fp = derive_fingerprint(pool[i % len(pool)], i, rng)
        st.add(fp)
        if (i + 1) % 10_000 == 0:
            log(f"  store: {i + 1} fingerprints, {time.perf_counter() - t0:.0f} s")
    count = st.count()
    size = st.size_bytes()
    st.close()
    return {"reports": count, "build_seconds": round(time.perf_counter() - t0, 1), "mean_chars_added": None,
            "db_bytes": size}


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _query_docs(corpus: Path | None, n_new: int):
    """(label, kind, text-or-path, expected stored file) for the checks."""
    out = []
    if corpus and corpus.is_dir():
        files = sorted(p for p in corpus.iterdir() if p.suffix in (".docx", ".pdf"))[:n_new]
        for p in files:
            out.append(("corpus:" + p.name, "independent", str(p), None))
    k = len(out)
    for i in range(n_new - k):
        text, _ = store_report_text(50_000 + i, sentences=900)  # full size: ~50,000 characters
        out.append((f"synthetic_new_{i}", "independent", text, None))
    for i in (3, 25, 77):
        text, rep = store_report_text(i)
        whole = SynthReport(rep.enterprise, rep.short, rep.agency, rep.place, text)
        copy = make_copy(whole, 60_000 + i, change_numbers=0.2, place=PLACES[(i + 5) % len(PLACES)])
        out.append((f"copy_of_store_{i:05d}", "copy", copy.text, f"store_{i:05d}.md"))
    t_text, t_rep = store_report_text(70_001)
    s_text, s_rep = store_report_text(50)
    target = SynthReport(t_rep.enterprise, t_rep.short, t_rep.agency, t_rep.place, t_text)
    source = SynthReport(s_rep.enterprise, s_rep.short, s_rep.agency, s_rep.place, s_text)
    spliced = splice_chapter(target, source, "第三章")
    out.append(("spliced_chapter_of_store_00050", "chapter", spliced.text, "store_00050.md"))
    return out


def check_one(store_path: str, label: str, kind: str, payload: str, expected: str | None) -> dict:
    """Runs in a fresh process: parse, fingerprint, open the store, match; time and peak RSS."""
    from reviewer.copydetect import SQLiteFingerprintStore, find_matches, fingerprint
    from reviewer.parsing import parse
    from reviewer.parsing.markdown import parse_markdown_text
    from reviewer.settings import load_settings

    settings = load_settings()
    cs = settings.copy_detection
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    doc = parse(payload, settings) if os.path.exists(payload) else parse_markdown_text(payload, label + ".md")
    # warm the identity detector (jieba dictionary) outside the timed part, as a running service has it
    from reviewer.identity import extract_identity

    ident = extract_identity(doc)
    t0 = time.perf_counter()
    fp = fingerprint(doc, settings, ident)
    t1 = time.perf_counter()
    st = SQLiteFingerprintStore(store_path, cs.num_perm, cs.shingle_chars, cs.lsh_threshold)
    t2 = time.perf_counter()
    matches = find_matches(fp, st, settings)
    t3 = time.perf_counter()
    st.close()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = [(m.kind, m.other.file_name, round(m.similarity, 3)) for m in matches]
    ok = (not found) if expected is None else any(f[1] == expected for f in found)
    return {"label": label, "kind": kind, "chars": len(doc.text), "shingles": fp.n_shingles,
            "fingerprint_s": round(t1 - t0, 4), "open_store_s": round(t2 - t1, 4), "match_s": round(t3 - t2, 4),
            "check_s": round(t3 - t0, 4), "loadavg_1min": round(os.getloadavg()[0], 1),
            "peak_rss_mb_before": round(rss0 / 1024, 1),
            "peak_rss_mb": round(rss1 / 1024, 1), "matches": found, "correct": ok}


def _run_check_subprocess(store: Path, q: tuple) -> dict:
    code = (f"import json,sys; sys.path.insert(0, {str(REPO)!r}); from evals.bench_copy import check_one; "
            "print(json.dumps(check_one(*json.loads(sys.stdin.read())), ensure_ascii=False))")
    r = subprocess.run([sys.executable, "-c", code], input=json.dumps([str(store), *q]), capture_output=True,
                       text=True, cwd=REPO, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def run(sizes: list[int], out: Path, corpus: Path | None, work: Path | None = None, n_new: int = 4, log=print,
        fill: str = "parsed", real: int = 300) -> dict:
    from reviewer.settings import load_settings

    settings = load_settings()
    work = work or Path(tempfile.mkdtemp(prefix="bench-copy-"))
    work.mkdir(parents=True, exist_ok=True)
    store = work / "bench_store.sqlite"
    if store.exists():
        store.unlink()
    queries = _query_docs(corpus, n_new)
    result = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "loadavg_at_start": [round(x, 1) for x in os.getloadavg()],
                          "note": "2 shared cores: timings rise with the load average recorded per check"},
              "settings": settings.copy_detection.model_dump(), "fill": fill,
              "real_fingerprints": real if fill == "derived" else None, "sizes": []}
    built = 0
    pool: list = []
    for n in sorted(sizes):
        log(f"building store to {n} reports …")
        if fill == "derived":
            info = build_store_derived(store, n, settings, built, real, pool, log=log)
        else:
            info = build_store(store, n, settings, start=built, log=log)
        built = n
        checks = [_run_check_subprocess(store, q) for q in queries]
        times = [c["check_s"] for c in checks]
        match_times = [c["match_s"] for c in checks]
        entry = {
            "store_reports": info["reports"],
            "store_db_mb": round(info["db_bytes"] / 2**20, 1),
            "store_build_seconds_incremental": info["build_seconds"],
            "store_report_chars": info["mean_chars_added"],
            "check_seconds_median": round(statistics.median(times), 3),
            "check_seconds_p95": round(_percentile(times, 0.95), 3),
            "match_seconds_p50": round(_percentile(match_times, 0.5), 4),
            "match_seconds_p95": round(_percentile(match_times, 0.95), 4),
            "check_seconds_max": round(max(times), 3),
            "match_seconds_median": round(statistics.median(match_times), 3),
            "match_seconds_max": round(max(match_times), 3),
            "peak_rss_mb_max": max(c["peak_rss_mb"] for c in checks),
            "all_correct": all(c["correct"] for c in checks),
            "checks": checks,
        }
        log(f"  {n}: check median {entry['check_seconds_median']} s, max {entry['check_seconds_max']} s, "
            f"match max {entry['match_seconds_max']} s, peak RSS {entry['peak_rss_mb_max']} MB, "
            f"db {entry['store_db_mb']} MB, correct={entry['all_correct']}")
        result["sizes"].append(entry)
    result["target"] = "check < 1 s at 10,000 stored reports"
    result["target_met"] = all(e["check_seconds_max"] < 1.0 for e in result["sizes"] if e["store_reports"] >= 10_000)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def render_md(results: list[dict]) -> str:
    """evals/results/bench_copy.md from the parsed-fill and derived-fill result files."""
    lines = ["# 查重指纹库规模基准 / Copy-detection index at scale", "",
             "由 `python -m evals.bench_copy` 生成。每次查询在新进程中进行：解析新报告、计算指纹、打开指纹库、"
             "LSH 取候选并逐一核对；“查询”时间 = 指纹 + 打开库 + 匹配（不含解析），“匹配”= 候选检索与核对。"
             "本机 2 核，与其他任务共用（负载见 JSON 中每次查询的 loadavg_1min）。", "",
             "| 填充方式 | 指纹数 | 库大小 (MB) | 建库耗时 (s，增量) | 查询 p50 (s) | 查询 p95 (s) | 匹配 p50 (s) | "
             "匹配 p95 (s) | 峰值内存中位 / 最大 (MB) | 查询数 | 全部判断正确 |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for res in results:
        fill = {"parsed": "逐份解析", "derived": f"派生（前 {res.get('real_fingerprints')} 份真实）"}.get(
            res.get("fill", "parsed"), res.get("fill", "parsed"))
        for e in res["sizes"]:
            times = sorted(c["check_s"] for c in e["checks"])
            matches = sorted(c["match_s"] for c in e["checks"])
            lines.append(
                f"| {fill} | {e['store_reports']:,} | {e['store_db_mb']} | {e['store_build_seconds_incremental']} | "
                f"{_percentile(times, 0.5):.3f} | {_percentile(times, 0.95):.3f} | {_percentile(matches, 0.5):.4f} | "
                f"{_percentile(matches, 0.95):.4f} | "
                f"{statistics.median(c['peak_rss_mb'] for c in e['checks'])} / {e['peak_rss_mb_max']} | {len(e['checks'])} | "
                f"{'是' if e['all_correct'] else '否'} |")
    lines += ["", "峰值内存是整个查询进程的峰值（含解析报告），不是指纹库本身的内存：指纹库在 SQLite 文件中，"
              "查询只读取候选；最大值来自需要 OCR 的扫描版 PDF（R010_foundry.pdf，加载 OCR 模型）。",
              "派生填充：前若干份为真实解析的合成报告指纹，其余由它们派生（随机替换 65–95% 的 MinHash 值，数字指纹与"
              "异常全部替换），表、带索引和数据块与真实指纹同样大小；同一模板写成的真实报告之间重合度可能更高，"
              "候选数因而偏少，逐份解析一行可作对照。", ""]
    return "\n".join(lines)


def write_md(results_dir: Path) -> None:
    found = []
    for name in ("bench_copy.json", "bench_copy_scale.json"):
        f = results_dir / name
        if f.exists():
            found.append(json.loads(f.read_text(encoding="utf-8")))
    if found:
        (results_dir / "bench_copy.md").write_text(render_md(found), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench_copy", description="查重指纹库规模基准")
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--out", default=str(HERE / "results" / "bench_copy.json"))
    p.add_argument("--corpus", default=str(HERE / "corpus"))
    p.add_argument("--work", default="", help="keep the stores in this folder (default: a temp folder)")
    p.add_argument("--new", type=int, default=4, help="independent reports checked at each size")
    p.add_argument("--fill", choices=["parsed", "derived"], default="parsed",
                   help="parsed = every stored report parsed and fingerprinted; derived = see module doc")
    p.add_argument("--real", type=int, default=300, help="derived fill: real fingerprints before deriving")
    a = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    res = run([int(x) for x in a.sizes.split(",") if x.strip()], Path(a.out), Path(a.corpus) if a.corpus else None,
              Path(a.work) if a.work else None, a.new, fill=a.fill, real=a.real)
    write_md(Path(a.out).parent)
    print(json.dumps({"target_met": res["target_met"],
                      "sizes": [{k: v for k, v in e.items() if k != "checks"} for e in res["sizes"]]},
                     ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
