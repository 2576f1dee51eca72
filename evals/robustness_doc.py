"""docs/robustness.md — the README section "安全与健壮性", written from the measured results in
evals/results (fuzz.json, load.json, crash.json, api_fuzz.json) so the figures in the text are
the committed ones. ``python -m evals.robustness_doc`` rewrites it; a test checks it is current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "evals" / "results"
DOC = REPO / "docs" / "robustness.md"


def _load(name: str) -> dict:
    return json.loads((RESULTS / name).read_text(encoding="utf-8"))


def _lat(d: dict) -> str:
    return f"{d['p50']} / {d['p95']} / {d['max']} s"


def render() -> str:
    fz, ld, cr, af = _load("fuzz.json"), _load("load.json"), _load("crash.json"), _load("api_fuzz.json")
    f, q = fz["files"], fz["quantities"]
    app, svc = ld["app"], ld["service"]
    rv, dc = cr["review"], cr["decisions"]
    codes = "、".join(f"{k} {v}" for k, v in f["rejected_by_code"].items())
    lines = [
        "## 安全与健壮性",
        "",
        "本节数字由 `python -m evals.robustness_doc` 从 evals/results 中已提交的测量结果生成。",
        "",
        "### 检查了什么",
        "",
        "- **坏输入不出堆栈**：空文件、损坏/截断的 DOCX 与 PDF、加密文件、旧版 .doc、改了扩展名的文件、图片、"
        "压缩包等都给出具体的中文提示（命令行退出码 2，接口返回 400/413 和 JSON 错误），见 tests/parsing/test_bad_input.py。",
        "- **限制**：上传大小、页数、DOCX 解压总量和压缩比（压缩炸弹）、XML 实体声明（billion laughs / 外部实体，一律拒绝）、"
        "单表单元格数、块数、解析和规则检查的时间预算、整次审查的时间上限、批量文件数。每项都是设置项，超限信息点名该设置项；"
        "完整列表与实际触发得到的信息见 [docs/limits.md](limits.md)（由测试保证与代码一致）。",
        "- **模糊测试**（`python -m evals.fuzz`）：对真实 DOCX/PDF 做字节翻转、截断、片段拼接、zip 部件损坏/删除、"
        "word/document.xml 结构变异（删除/复制元素、超大 gridSpan、深层嵌套、控制字符、DOCTYPE、非法 UTF-8）、"
        "PDF 对象变异（页数、长度、xref、trailer、引用、MediaBox），每个输入在独立工作进程中按时间预算运行解析和全部规则；"
        "数量解析器（reviewer.quantities）用 hypothesis 生成的随机串和单位形串测试。",
        "- **HTTP 接口模糊测试**（schemathesis，按接口自己的 OpenAPI 模式）：不得出现 5xx，状态码、内容类型、响应体都须符合模式。",
        "- **负载**（`python -m evals.bench_load`）：在 127.0.0.1 上启动真实应用（`python app.py`，审查工作进程），"
        "多名咨询人员同时上传不同报告，统计错误、延迟分位数、峰值内存，核对每个任务都完成。",
        "- **崩溃安全**（`python -m evals.crash_safety`）：审查进行中和连续写入审查决定时对应用及其工作进程 `kill -9`，"
        "按崩溃现场运行 `PRAGMA integrity_check`，重启后核对。",
        "- **隔离与网页安全**：咨询人员猜测他人的审查编号、发现编号、下载链接一律得到 404（tests/webapi/test_api.py、"
        "浏览器测试）；上传文件名中的路径（`../`、`..\\`、绝对路径）被清理，文件只会落在数据目录的 uploads/ 下；"
        "下载和编号路径中的 `..`/编码斜杠到不了文件；工作台的文件路由只提供证据图片缓存目录中的文件，且只给能查看该审查的用户（路径先规范化，`自己的编号/../他人编号` 无效）；"
        "报告中的 HTML/JS 在工作台和 HTML 输出中按文本显示、不执行（浏览器测试检查 `window.__xss` 未被设置）；"
        "会话 Cookie 为 HttpOnly、SameSite=Lax，会话过期、注销、改密码、停用账号后失效（tests/security/test_web_isolation.py）。",
        "",
        "### 测量结果",
        "",
        "| 项目 | 结果 |",
        "|---|---|",
        f"| 文件模糊测试 | {f['inputs_tried']} 个变异文件（{f['seconds']:.0f} s，种子 {', '.join(fz['seeds'])}）："
        f"正常解析并审查 {f['outcomes'].get('ok', 0)}，干净拒绝 {f['outcomes'].get('rejected', 0)}"
        f"（{codes}），**崩溃 {f['crashes']}，挂起 {f['hangs']}**；规则在变异文件上的内部错误 {f['rule_errors_in_reviews']} |",
        f"| 数量解析模糊测试 | {q['inputs_tried']} 个字符串：**异常 {q['crashes']}，挂起 {q['hangs']}** |",
        f"| 接口模糊测试 | {af['requests']} 个请求覆盖 {af['operations']} 个操作：**5xx {af['server_errors_5xx']}，"
        f"模式不符 {af['check_failures']}** |",
        f"| 负载：应用（HTTP） | {app['concurrent_submissions']} 份报告同时提交，{app['review_workers']} 个审查工作进程："
        f"完成 {app['done']}/{app['submitted']}，**错误 {len(app['errors'])}，丢失任务 {app['lost_jobs']}**；"
        f"提交→完成 p50/p95/max {_lat(app['done_latency_s'])}；上传请求 p50/p95/max {_lat(app['submit_latency_s'])}；"
        f"峰值内存（应用 + 工作进程合计 RSS）{app['peak_rss_mb']:.0f} MB |",
        f"| 负载：服务（进程池） | {svc['concurrent_submissions']} 份报告，{svc['mode'].split('pool of ')[-1].split()[0]} 个进程的进程池："
        f"完成 {svc['done']}，错误 {len(svc['errors'])}；单份审查 p50/p95/max {_lat(svc['review_s'])}；"
        f"峰值内存 {svc['peak_rss_mb']:.0f} MB |",
        f"| kill -9 于审查中 | 被杀时状态 {rv['state_when_killed']['status']}（阶段 "
        f"{(rv['state_when_killed'].get('progress') or {}).get('stage')}）；integrity_check = {rv['integrity_check']}；"
        f"重启后该审查重新排队并 {rv['status_after_restart']}（{rv['recovered_within_s']} s），重新审查 {rv['rerun_status']} |",
        f"| kill -9 于写入决定中 | 已确认的写入 {dc['acknowledged_writes']} 次（{dc['writes_per_s']} 次/秒）；"
        f"integrity_check = {dc['integrity_check']}；**已确认但丢失 {dc['acknowledged_missing_from_history']}**，"
        f"显示错误决定的发现 {dc['findings_showing_wrong_decision']}；重启后可继续写入：{'是' if dc['writable_after_restart'] else '否'} |",
        "",
        "模糊测试找到并已修复的问题：PDF 中某页损坏时 pdfplumber 关闭文件会再次抛错，盖掉了“PDF 已损坏”的提示"
        "（原为通用的“无法解析”提示）；pdfium 无法加载的扫描页让整个解析失败（现跳过该页并给出警告）。"
        "两者均有回归测试（tests/fuzz/test_fuzz.py）。",
        "",
        "测量环境：与其他任务共享的 2 核 CPU、24 GiB 内存；"
        f"日期 {ld['date']}。快速版本在 CI 中运行：tests/fuzz/（固定种子样本）、tests/security/（限制文档、5 份并发负载、"
        "kill -9、隔离）、tests/webapi/test_api_fuzz.py。",
        "",
        "### 已知局限",
        "",
        "- 解析时间预算是协作式的（在解析循环中检查）；单个第三方库调用内部卡住时，由整次审查上限 `app.job_timeout_s` "
        "终止工作进程兜底（工作进程模式下）。`worker_mode=thread` 时无法强行终止。",
        "- 数据库为 SQLite WAL 模式、`synchronous=NORMAL`：进程被杀不丢已提交的事务（上表已测）；整机断电时最后几个事务"
        "可能回滚（数据库不会损坏），未测。多机部署请用 PostgreSQL（`store.database_url`）。",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC.relative_to(REPO)}", file=sys.stderr)
