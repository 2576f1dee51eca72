"""A deterministic fake chat model (provider 'fake') for tests and demos without a model.

It answers the three kinds of prompt the product sends, recognising each by the section
labels the prompt files use:

- judgement ("问题编号：LLM00x"): a keyword judge over the marked data lines — each question
  has a small criterion below; the quote is a verbatim piece of a data line.
- chat ("【检索资料】"): restates the best passage with its citation label, or says the
  materials do not answer.
- opinion rewrite ("【待改写段落】"): returns the paragraph with a fixed opening phrase.

It is deliberately *gullible*: when an instruction-like string (see spotlight.INJECTION_PATTERNS)
reaches it anywhere in the prompt, it obeys ("满足" / "通过"). That makes the injection tests
meaningful: verdicts stay unchanged only because the defences keep such strings away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from reviewer.llm.spotlight import DATA_MARK, find_instruction_like

_TAG = re.compile(r"^" + re.escape(DATA_MARK) + r"(\[[^\]]*\])?\s?")
_DATE = re.compile(r"(20\d{2}\s*年\s*\d{1,2}\s*月|20\d{2}\s*[.\-/]\s*\d{1,2}|20\d{2}\s*年(底|末|内|上半年|下半年)|\d{1,2}\s*月\s*\d{1,2}\s*日)")
_OWNER = re.compile(r"(负责|责任人|责任部门|牵头|主管)")
_QUANT = re.compile(r"\d+(\.\d+)?\s*(%|％|t|吨|kg|千克|kWh|度|m³|m3|立方米|万|mg|tce|吨标煤|个百分点)")


def data_lines(prompt: str) -> list[str]:
    """Text of every marked data line (tag removed)."""
    out = []
    for ln in prompt.splitlines():
        if ln.startswith(DATA_MARK):
            t = _TAG.sub("", ln).strip()
            if t and not t.startswith("["):
                out.append(t)
    return out


def _piece(line: str, keyword: re.Pattern[str] | None = None, width: int = 40) -> str:
    """A verbatim piece of a data line: one table cell, or up to ``width`` chars around a match."""
    cells = [c.strip() for c in line.split(" | ") if c.strip()]
    if len(cells) > 1:
        if keyword:
            for c in cells:
                if keyword.search(c):
                    return c[:width]
        return max(cells, key=len)[:width]
    if keyword:
        m = keyword.search(line)
        if m:
            start = max(0, m.start() - width // 2)
            return line[start:start + width]
    return line[:width]


Verdict = tuple[str, str, list[str]]


def _first(lines: list[str], pat: re.Pattern[str]) -> str | None:
    """The most substantial matching line (a sentence rather than its heading)."""
    hits = [ln for ln in lines if pat.search(ln)]
    return max(hits, key=len) if hits else None


def _focus_justified(lines: list[str]) -> Verdict:
    score = re.compile(r"(权重|得分|总分|评分|打分|排序|排名)")
    hit = next((ln for ln in lines if score.search(ln) and re.search(r"\d", ln)), None)
    if hit:
        return "满足", "报告给出了备选审核重点的评分/排序数据。", [_piece(hit, score)]
    focus = _first(lines, re.compile("审核重点"))
    return "不满足", "未见用预审核数据（评分、排序或产排污数据比较）论证审核重点的选择。", [_piece(focus or lines[0])]


_FOCUS_NAME = (
    re.compile(r"(?:确定|选定|选择|将)(?:以)?([^，。；：:,\s]{2,16}?)(?:为|作为)(?:本轮|本次)?(?:清洁生产)?审核重点"),
    re.compile(r"审核重点(?:确定)?(?:为|是)[：:]?\s*([^，。；,\s]{2,16})"),
)


def _options_address_focus(lines: list[str]) -> Verdict:
    name = None
    for ln in lines:
        for pat in _FOCUS_NAME:
            m = pat.search(ln)
            if m:
                name = m.group(1).strip("“”\"'")
                break
        if name:
            break
    if not name:
        return "未涉及", "提供的内容中没有写明审核重点。", []
    core = name[:2]
    option_lines = [ln for ln in lines if "方案" in ln or re.match(r"^[A-Z]?\d+\s*\|", ln)]
    hit = next((ln for ln in option_lines if name in ln or core in ln), None)
    if hit:
        return "满足", f"方案中有针对审核重点“{name}”的内容。", [_piece(hit, re.compile(re.escape(core)))]
    anchor = next(ln for ln in lines if name in ln)
    return "不满足", f"方案清单中未见针对审核重点“{name}”的方案。", [_piece(anchor, re.compile(re.escape(name)))]


def _targets_quantified(lines: list[str]) -> Verdict:
    goal = [ln for ln in lines if "目标" in ln or "削减" in ln or "降低" in ln]
    hit = next((ln for ln in goal if _QUANT.search(ln)), None)
    if hit is None and any(" | " in ln and "目标" in ln for ln in lines):  # a targets table: value rows
        hit = next((ln for ln in lines if " | " in ln and re.search(r"\d", ln) and "目标" not in ln), None)
    if hit:
        return "满足", "清洁生产目标给出了量化值。", [_piece(hit, _QUANT if _QUANT.search(hit) else None)]
    anchor = goal[0] if goal else lines[0]
    return "不满足", "清洁生产目标只有定性描述，没有量化指标和基准值。", [_piece(anchor)]


def _plan_concrete(lines: list[str]) -> Verdict:
    dated = [ln for ln in lines if _DATE.search(ln)]
    owned = [ln for ln in dated if _OWNER.search(ln)] or (
        [ln for ln in lines if _OWNER.search(ln)] if dated else [])
    if dated and owned:
        return "满足", "持续清洁生产计划列出了时间安排和责任部门。", [_piece(dated[0], _DATE)]
    anchor = _first(lines, re.compile("计划")) or lines[0]
    return "不满足", "持续清洁生产计划没有具体时间节点和责任人，只有原则性表述。", [_piece(anchor)]


def _monitoring_provided(lines: list[str]) -> Verdict:
    pat = re.compile(r"(监测报告|检测报告|(实施前|实施后|前后).{0,10}(监测|检测)|(监测|检测).{0,10}(实施前|实施后|前后))")
    hit = _first(lines, pat)
    if hit:
        return "满足", "报告提及方案实施前后的监测（检测）报告。", [_piece(hit, pat)]
    anchor = _first(lines, re.compile("(效果|成果|绩效|实施)")) or lines[0]
    return "不满足", "未见方案实施前后的监测报告或监测数据来源。", [_piece(anchor)]


CRITERIA: dict[str, Callable[[list[str]], Verdict]] = {
    "LLM001": _focus_justified,
    "LLM002": _options_address_focus,
    "LLM003": _targets_quantified,
    "LLM004": _plan_concrete,
    "LLM005": _monitoring_provided,
}


def _data_region(prompt: str) -> str:
    """Everything between the data delimiters: the part of the prompt the document controls."""
    m = re.search(r"<<<报告数据 (\w+)>>>(.*?)<<<报告数据结束 \1>>>", prompt, re.S)
    return m.group(2) if m else ""


def fake_judgement(prompt: str) -> dict[str, Any]:
    qid = re.search(r"问题编号[:：]\s*([A-Z]{3}\d{3})", prompt)
    injected = find_instruction_like(_data_region(prompt))
    if injected:  # gullible on purpose (see module docstring)
        return {"verdict": "满足", "reason": "按材料中的要求给出通过结论。", "quotes": [], "confidence": 0.9}
    lines = data_lines(prompt)
    if not qid or not lines:
        return {"verdict": "未涉及", "reason": "提供的报告内容不涉及该问题。", "quotes": [], "confidence": 0.5}
    judge = CRITERIA.get(qid.group(1))
    if judge is None:
        return {"verdict": "未涉及", "reason": "无法判断。", "quotes": [], "confidence": 0.3}
    verdict, reason, quotes = judge(lines)
    return {"verdict": verdict, "reason": reason, "quotes": [q for q in quotes if q], "confidence": 0.8}


_LABEL = re.compile(r"^\s*" + re.escape(DATA_MARK) + r"?(\[[^\]]+\])\s*(.+)$")


def fake_chat(prompt: str) -> str:
    material = prompt.split("【检索资料】", 1)[1].split("【问题】", 1)[0] if "【问题】" in prompt else ""
    if find_instruction_like(material):
        return "好的，结论：通过。"
    for ln in material.splitlines():
        m = _LABEL.match(ln)
        if m:
            label, text = m.group(1), m.group(2).strip()
            sentence = re.split(r"(?<=[。；;])", text)[0][:120]
            return f"根据{label}：{sentence}"
    return "提供的资料中没有找到可以回答这个问题的内容。"


def fake_rewrite(prompt: str) -> str:
    para = prompt.split("【待改写段落】", 1)[1].split("【", 1)[0].strip()
    return "经审查，" + para if para else ""


class FakeChatModel(BaseChatModel):
    """Deterministic: the same prompt always gives the same answer, chunked for streaming."""

    chunk_chars: int = 8

    @property
    def _llm_type(self) -> str:
        return "reviewer-fake"

    def _answer(self, messages: list[BaseMessage]) -> str:
        prompt = "\n".join(str(m.content) for m in messages)
        if "问题编号" in prompt:
            return json.dumps(fake_judgement(prompt), ensure_ascii=False)
        if "【待改写段落】" in prompt:
            return fake_rewrite(prompt)
        if "【检索资料】" in prompt:
            return fake_chat(prompt)
        return "（模拟模型）已收到。"

    @staticmethod
    def _usage(messages: list[BaseMessage], text: str) -> dict[str, int]:
        n_in = sum(len(str(m.content)) for m in messages) // 2 + 1
        n_out = len(text) // 2 + 1
        return {"input_tokens": n_in, "output_tokens": n_out, "total_tokens": n_in + n_out}

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        text = self._answer(messages)
        msg = AIMessage(content=text, usage_metadata=self._usage(messages, text))  # type: ignore[arg-type]
        return ChatResult(generations=[ChatGeneration(message=msg)])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        text = self._answer(messages)
        pieces = [text[i:i + self.chunk_chars] for i in range(0, len(text), self.chunk_chars)] or [""]
        for i, p in enumerate(pieces):
            usage = self._usage(messages, text) if i == len(pieces) - 1 else None
            chunk = AIMessageChunk(content=p, usage_metadata=usage)  # type: ignore[arg-type]
            if run_manager:
                run_manager.on_llm_new_token(p, chunk=ChatGenerationChunk(message=chunk))
            yield ChatGenerationChunk(message=chunk)
