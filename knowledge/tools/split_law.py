#!/usr/bin/env python
"""Turn the full official texts in ../shared/domain/sources/ into knowledge items (one YAML each).

Laws and regulations are public (Copyright Law Art. 5), so their articles are kept verbatim,
one clause per 第X条, with the chapter it belongs to. Run once when a source text changes:

    python knowledge/tools/split_law.py /work/shared/domain/sources knowledge/laws

The item header (dates, numbers, status) is written here from the source file's header table;
clause keywords for the articles reviewers cite most are added from KEYWORDS below.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇]+条)\s*(.*)$")
CHAPTER = re.compile(r"^#{1,3}\s*(第[一二三四五六七八九十]+章\s*.*)$")

LAWS = [
    {
        "file": "law_clean_production_promotion_2012.md",
        "id": "law-cpp-2012",
        "type": "law",
        "title": "中华人民共和国清洁生产促进法",
        "aliases": ["清洁生产促进法", "中华人民共和国清洁生产促进法（2012年修正）", "清洁生产促进法（2012年修正）"],
        "doc_number": "中华人民共和国主席令第五十四号（2012年修正）",
        "numbers": ["主席令第五十四号", "主席令第54号"],
        "issuer": "全国人民代表大会常务委员会",
        "issued": "2012-02-29",
        "effective": "2012-07-01",
        "replaces": ["law-cpp-2002"],
        "summary": "2002年6月29日通过、2012年2月29日修正（2012年7月1日起施行）的清洁生产基本法。第二十七条规定强制性清洁生产审核的三种情形（“双超”“双有”及高耗能），第三十九条规定不实施强制性审核或审核中弄虚作假的罚则（五万元以上五十万元以下罚款），第三十四条规定审核和培训费用可列入经营成本。",
        "source": "GitHub LawRefBook/Laws 经济法/清洁生产促进法(2012-02-29).md（commit 2f4c5c23716267af9dbebbbbd6cbbf732b101981）；核对：国家法律法规数据库 https://flk.npc.gov.cn",
    },
    {
        "file": "law_environmental_protection_2014.md",
        "id": "law-env-protection-2014",
        "type": "law",
        "title": "中华人民共和国环境保护法",
        "aliases": ["环境保护法", "环保法", "中华人民共和国环境保护法（2014年修订）", "新环保法"],
        "doc_number": "中华人民共和国主席令第九号（2014年修订）",
        "numbers": ["主席令第九号"],
        "issuer": "全国人民代表大会常务委员会",
        "issued": "2014-04-24",
        "effective": "2015-01-01",
        "summary": "2014年4月24日修订、2015年1月1日起施行。第四十条国家促进清洁生产和资源循环利用；第四十一条“三同时”；第四十二条排污者防治责任与监测；第四十四条重点污染物排放总量控制；第四十五条排污许可管理；第四十六条淘汰落后工艺设备；第五十五条重点排污单位信息公开；第五十九条至第六十三条法律责任。",
        "source": "GitHub LawRefBook/Laws 行政法/环境保护法(2014-04-24).md（commit 2f4c5c23716267af9dbebbbbd6cbbf732b101981）",
    },
    {
        "file": "law_energy_conservation_2018.md",
        "id": "law-energy-conservation-2018",
        "type": "law",
        "title": "中华人民共和国节约能源法",
        "aliases": ["节约能源法", "节能法", "中华人民共和国节约能源法（2018年修正）"],
        "doc_number": "中华人民共和国主席令第十六号（2018年修正）",
        "numbers": ["主席令第十六号"],
        "issuer": "全国人民代表大会常务委员会",
        "issued": "2018-10-26",
        "effective": "2018-10-26",
        "summary": "1997年通过，2007年修订，2016年、2018年两次修正。第三条能源与节约能源定义；第十六条淘汰高耗能落后产品设备工艺、单位产品能耗限额标准；第二十四条至第二十八条用能单位节能管理、能源计量和统计；第五十二条至第五十五条重点用能单位（年综合能源消费总量一万吨标准煤以上等）、能源利用状况报告、能源审计。",
        "source": "GitHub LawRefBook/Laws 经济法/节约能源法(2018-10-26).md（commit 2f4c5c23716267af9dbebbbbd6cbbf732b101981）",
    },
    {
        "file": "law_circular_economy_promotion_2018.md",
        "id": "law-circular-economy-2018",
        "type": "law",
        "title": "中华人民共和国循环经济促进法",
        "aliases": ["循环经济促进法", "中华人民共和国循环经济促进法（2018年修正）"],
        "doc_number": "中华人民共和国主席令第十六号（2018年修正）",
        "numbers": [],
        "issuer": "全国人民代表大会常务委员会",
        "issued": "2018-10-26",
        "effective": "2018-10-26",
        "summary": "2008年通过、2009年1月1日起施行，2018年修正。第二条减量化、再利用、资源化定义；第十八条淘汰名录；第十九条至第二十二条减量化；第二十九条至第三十三条再利用和资源化。",
        "source": "GitHub LawRefBook/Laws 经济法/循环经济促进法(2018-10-26).md（commit 2f4c5c23716267af9dbebbbbd6cbbf732b101981）",
    },
    {
        "file": "regulation_pollutant_discharge_permit_2021.md",
        "id": "reg-discharge-permit-2021",
        "type": "regulation",
        "title": "排污许可管理条例",
        "aliases": ["排污许可条例"],
        "doc_number": "中华人民共和国国务院令第736号",
        "numbers": ["国务院令第736号"],
        "issuer": "国务院",
        "issued": "2021-01-24",
        "effective": "2021-03-01",
        "summary": "国务院令第736号，2021年3月1日起施行。排污单位持证排污、按证排污；许可证载明许可排放浓度和排放量、自行监测和执行报告要求。审核报告应核对企业排污许可证（证号、许可排放限值和许可排放量）与实际排放。",
        "source": "GitHub LawRefBook/Laws 行政法规/排污许可管理条例(2021-01-24).md（commit 2f4c5c23716267af9dbebbbbd6cbbf732b101981）",
    },
    {
        "file": "provincial_shandong_clean_production_promotion_regulation_2020.md",
        "id": "prov-shandong-cpp-regulation-2020",
        "type": "provincial",
        "title": "山东省清洁生产促进条例",
        "aliases": ["山东省清洁生产促进条例（2020年修正）"],
        "doc_number": "山东省人民代表大会常务委员会公告（2020年修正；公告编号未载于来源）",
        "numbers": [],
        "issuer": "山东省人民代表大会常务委员会",
        "issued": "2020-11-27",
        "effective": "2020-11-27",
        "regions": ["山东"],
        "summary": "山东省地方性法规，2010年7月30日通过，2020年11月27日修正。第四章清洁生产审核（第二十六条至第三十三条）：强制性审核情形（第二十八条）、咨询机构应出具真实有效的审核报告（第二十九条）、一年内报送审核报告并组织评估验收（第三十一条）；第四十四条咨询机构出具虚假审核报告的罚则。",
        "source": "GitHub LawRefBook/Laws DLC/山东地方法规/地方性法规/山东/山东省清洁生产促进条例(2020-11-27).md（commit 2f4c5c23716267af9dbebbbbd6cbbf732b101981）",
    },
]

# Keywords for the articles reviewers cite most (help BM25 on colloquial questions).
KEYWORDS = {
    ("law-cpp-2012", "第二条"): ["清洁生产定义"],
    ("law-cpp-2012", "第十二条"): ["限期淘汰", "落后工艺设备"],
    ("law-cpp-2012", "第十七条"): ["名单公布", "能源消耗控制指标", "重点污染物排放控制指标"],
    ("law-cpp-2012", "第二十七条"): ["强制性清洁生产审核", "双超", "双有", "高耗能", "有毒有害原料", "审核结果报告"],
    ("law-cpp-2012", "第三十四条"): ["审核费用", "培训费用", "经营成本"],
    ("law-cpp-2012", "第三十六条"): ["未公布能源消耗", "罚款"],
    ("law-cpp-2012", "第三十九条"): ["罚则", "弄虚作假", "五万元以上五十万元以下", "不实施强制性审核"],
    ("law-env-protection-2014", "第四十条"): ["清洁生产", "资源循环利用", "清洁能源"],
    ("law-env-protection-2014", "第四十一条"): ["三同时"],
    ("law-env-protection-2014", "第四十四条"): ["总量控制"],
    ("law-env-protection-2014", "第四十五条"): ["排污许可"],
    ("law-env-protection-2014", "第四十六条"): ["淘汰落后工艺设备"],
    ("law-env-protection-2014", "第五十五条"): ["信息公开", "重点排污单位"],
    ("law-energy-conservation-2018", "第五十二条"): ["重点用能单位", "一万吨标准煤"],
    ("law-energy-conservation-2018", "第五十三条"): ["能源利用状况报告"],
    ("law-circular-economy-2018", "第二条"): ["减量化", "再利用", "资源化"],
}


def split(text: str) -> list[dict]:
    """Clauses from a law text: every line starting with 第X条 opens a clause; following
    paragraphs (items （一）…, further 款) belong to it until the next article or chapter."""
    clauses: list[dict] = []
    chapter = ""
    started = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = CHAPTER.match(line)
        if m:
            chapter = re.sub(r"\s+", " ", m.group(1)).strip()
            started = True
            continue
        if line.startswith("#"):
            continue
        m = ARTICLE.match(line)
        if m and started:
            clauses.append({"number": m.group(1), "chapter": chapter, "text": line})
            continue
        if clauses and started:
            clauses[-1]["text"] += "\n" + line
    return clauses


def body(text: str) -> str:
    """The law itself: everything after the '---' that ends the source header."""
    parts = text.split("\n---\n", 1)
    return parts[1] if len(parts) == 2 else text


def _str_presenter(dumper: yaml.SafeDumper, data: str):
    # Multi-paragraph articles read better as YAML literal blocks.
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


yaml.SafeDumper.add_representer(str, _str_presenter)


def main(src_dir: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for spec in LAWS:
        text = (Path(src_dir) / spec["file"]).read_text(encoding="utf-8")
        clauses = split(body(text))
        for c in clauses:
            kw = KEYWORDS.get((spec["id"], c["number"]))
            if kw:
                c["keywords"] = kw
        item = {
            "id": spec["id"],
            "type": spec["type"],
            "title": spec["title"],
            "aliases": spec["aliases"],
            "doc_number": spec["doc_number"],
            "numbers": spec["numbers"],
            "issuer": spec["issuer"],
            "issued": spec["issued"],
            "effective": spec["effective"],
            "status": "现行",
            "replaces": spec.get("replaces", []),
            "scope": {"industries": ["*"], "regions": spec.get("regions", ["全国"])},
            "verified": True,
            "completeness": f"全文（{clauses[0]['number']}—{clauses[-1]['number']}），逐条原文",
            "source": [{"note": spec["source"]}],
            "summary": spec["summary"],
            "clauses": clauses,
        }
        path = out / f"{spec['id']}.yaml"
        path.write_text(
            "# Generated by knowledge/tools/split_law.py from ../shared/domain/sources/" + spec["file"] + "\n"
            + yaml.safe_dump(item, allow_unicode=True, sort_keys=False, width=1000),
            encoding="utf-8",
        )
        print(f"{path}: {len(clauses)} clauses")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
