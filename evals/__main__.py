"""``python -m evals generate|score|bench`` — the evaluation corpus, the scorer, the benchmarks."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals", description="评测语料生成、评分与性能基准")
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="生成带标注的合成报告语料")
    g.add_argument("--out", default=str(HERE / "corpus"))
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--n", type=int, default=80)
    s = sub.add_parser("score", help="审查语料并按规则/规则族计算精确率、召回率")
    s.add_argument("--corpus", default=str(HERE / "corpus"))
    s.add_argument("--select", default="", help="只评这些规则（逗号分隔的编号或前缀）")
    s.add_argument("--results", default=str(HERE / "results"), help="结果目录（latest.json / latest.md）")
    s.add_argument("--formats", default="docx,pdf", help="评审哪些格式的文件")
    s.add_argument("--limit", type=int, default=0, help="只评前 N 份报告（调试用）")
    e = sub.add_parser("samples", help="重新生成 examples/ 下的示例报告及其标注")
    e.add_argument("--out", default=str(HERE.parent / "examples"))
    b = sub.add_parser("bench", help="解析/审查耗时与内存基准")
    b.add_argument("--corpus", default=str(HERE / "corpus"))
    b.add_argument("--runs", type=int, default=3)
    b.add_argument("--out", default=str(HERE / "results" / "bench.json"))
    b.add_argument("--sizes", default="100,1000,10000", help="跨报告查重的指纹库规模（与 --copy 一起用）")
    b.add_argument("--copy", action="store_true", help="同时运行跨报告查重基准（evals.bench_copy，较慢）")
    b.add_argument("--retrieval", action="store_true", help="同时运行依据检索基准（evals.retrieval.run，较慢）")
    a = p.parse_args(argv)
    if a.cmd == "generate":
        from evals.generator.corpus import generate

        out = Path(a.out)
        if out.exists():
            for f in out.iterdir():
                if f.is_file() and f.suffix in (".docx", ".pdf", ".json"):
                    f.unlink()
        print(f"生成语料：{out}（seed={a.seed}, n={a.n}）")
        corpus = generate(out, a.seed, a.n)
        print(f"完成：{corpus['n']} 份报告，其中无缺陷 {corpus['clean']} 份，用时 {corpus['seconds']} 秒")
        low = {t: c for t, c in corpus["type_counts"].items() if c < 6}
        if low:
            print(f"注意：以下缺陷类型少于 6 份报告：{low}")
        return 0
    if a.cmd == "samples":
        from evals.generator.samples import write_samples

        for m in write_samples(Path(a.out)):
            print(f"{next(iter(m['files'].values()))}：{m['enterprise']}，{len(m['labels'])} 个已知缺陷")
        return 0
    if a.cmd == "score":
        from evals.scorer import run_score

        return run_score(Path(a.corpus), Path(a.results), [x for x in a.select.split(",") if x.strip()],
                         formats=[x.strip() for x in a.formats.split(",") if x.strip()], limit=a.limit)
    if a.cmd == "bench":
        from evals.bench import run_bench

        return run_bench(Path(a.corpus), Path(a.out), a.runs, [int(x) for x in a.sizes.split(",") if x.strip()],
                         copy=a.copy, retrieval=a.retrieval)
    return 2


if __name__ == "__main__":
    sys.exit(main())
