"""The rule catalogue as text or Markdown (``reviewer rules``; docs/rules.md is generated from it)."""

from __future__ import annotations

from reviewer.findings import SEVERITY_ZH
from reviewer.rules.base import DOC_SECTIONS, Rule


def render_catalogue(rules: list[Rule], markdown: bool = False) -> str:
    out: list[str] = []
    if markdown:
        out.append("# 规则目录\n\n由 `reviewer rules --format md` 生成，请勿手工编辑。\n")
    for r in rules:
        if markdown:
            out.append(f"## {r.id} {r.name}\n")
            out.append(f"- 严重程度：{SEVERITY_ZH[r.severity]}（{r.severity}）\n- 类别：{r.category}\n- 规则：{r.describe()}\n")
            if r.basis:
                out.append(f"- 依据：{r.basis.title} {r.basis.doc_number} {r.basis.clause}".rstrip() + "\n")
            params = r.params_doc()
            if params:
                out.append("- 参数：\n" + "\n".join(
                    f"  - `{p['name']}`（默认 {p['default']}）：{p['description']}" for p in params) + "\n")
            for sec in DOC_SECTIONS:
                if r.docs.get(sec):
                    out.append(f"### {sec}\n\n{r.docs[sec]}\n")
        else:
            out.append(f"{r.id}  [{SEVERITY_ZH[r.severity]}]  {r.name}\n    {r.describe()}")
    return "\n".join(out)
