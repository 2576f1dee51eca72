"""BPL001-BPL003 on wording variants: foreign names/places where the own enterprise should stand
are found; suppliers, customers, disposal firms, equipment makers, parent groups, regulation
titles and market places are not."""

from __future__ import annotations

import pytest

from reviewer.parsing.markdown import parse_markdown_text
from reviewer.service import ReviewOptions, review_document

HEAD = """江苏华鑫电镀有限公司

清洁生产审核报告

编制单位：南京绿源环保科技有限公司

二〇二四年十月

# 第一章 筹划和组织

江苏华鑫电镀有限公司（以下简称“华鑫公司”）于2024年3月决定开展清洁生产审核，委托南京绿源环保科技有限公司提供技术咨询。

# 第二章 预审核

## 2.1 企业概况

| 项目 | 内容 |
|---|---|
| 企业名称 | 江苏华鑫电镀有限公司 |
| 地址 | 江苏省常州市武进区遥观镇工业集中区 |

华鑫公司位于常州市武进区遥观镇工业集中区，现有员工210人，主要从事五金件电镀加工。

"""


def findings(body: str, rule_id: str, tmp_path=None):
    doc = parse_markdown_text(HEAD + body, "variant.md")
    rv = review_document(doc, options=ReviewOptions(select=[rule_id]))
    assert rule_id not in rv.rule_errors, rv.rule_errors
    return [f for f in rv.findings if f.rule_id == rule_id]


# ---- BPL001 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body,name",
    [
        ("宏达化工有限公司现有员工320人，其中技术人员45人。", "宏达化工有限公司"),
        ("## 2.2 南通宏达化工有限公司生产概况\n\n主要产品为电镀件。", "南通宏达化工有限公司"),
        ("为保证审核质量，宏达化工公司领导高度重视，多次召开专题会议。", "宏达化工公司"),
        ("| 项目 | 内容 |\n|---|---|\n| 单位名称 | 佛山嘉诚铝业有限公司 |\n| 法人代表 | 王伟 |", "佛山嘉诚铝业有限公司"),
        ("企业名称：永泰印染有限公司，统一社会信用代码：91320412MA1XXXXX。", "永泰印染有限公司"),
        ("经过本轮审核，恒盛表面处理有限公司清洁生产审核小组提出方案26项。", "恒盛表面处理有限公司"),
    ],
)
def test_foreign_name_in_own_slot_is_an_error(body, name):
    hits = findings(body, "BPL001")
    assert [h.found for h in hits if h.severity == "error"] == [name]
    assert hits[0].evidence.verified and name in hits[0].evidence.quote
    assert hits[0].expected == "江苏华鑫电镀有限公司"


def test_unexplained_foreign_name_is_a_warning():
    hits = findings("宏达化工有限公司的酸洗工艺废酸产生量较大。", "BPL001")
    assert [(h.severity, h.found) for h in hits] == [("warning", "宏达化工有限公司")]


@pytest.mark.parametrize(
    "body",
    [
        "主要原料硫酸镍购自江阴市宏达化工有限公司，氰化亚铜由上海恒通化学品有限公司提供。",
        "产品主要销往宏达化工有限公司、无锡华西集团、佳和机械有限公司等客户。",
        "危险废物委托常州市鑫源环保科技有限公司处置，电镀污泥交由江苏永泰再生资源有限公司综合利用。",
        "常州市华测检测技术有限公司于2024年5月对废水总排口进行了监测。",
        "本公司隶属于华鑫控股集团有限公司。",
        "蒸汽由园区常州天润热电有限公司集中供应，废水接管至武进区城区污水处理厂。",
        "绿源公司技术人员协助华鑫公司完成了物料平衡测试。",
        "参照《宏达化工有限公司企业标准》的做法制定了操作规程。",
        "| 序号 | 设备名称 | 型号 | 生产厂家 |\n|---|---|---|---|\n| 1 | 高频开关电源 | GKD-500 | 无锡市恒通电器有限公司 |",
        "本公司与恒盛化工有限公司签订了长期供货协议。",
        "华鑫电镀（常州）有限公司即本公司的前身，2015年更名。",
        "本厂、全厂、该公司、分公司和各车间均参加了培训。",
    ],
)
def test_legitimate_mentions_are_not_flagged(body):
    assert findings(body, "BPL001") == []


# ---- BPL002 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body,place,severity",
    [
        ("华鑫公司位于浙江省绍兴市柯桥区滨海工业区。", "浙江省", "error"),
        ("本公司厂址位于苏州市吴江区盛泽镇，交通便利。", "苏州市", "error"),
        ("本轮审核按照绍兴市生态环境局的要求开展。", "绍兴市", "error"),
        ("公司坐落于常州市新北区春江镇。", "新北区", "warning"),
    ],
)
def test_contradicting_place_is_flagged(body, place, severity):
    hits = findings(body, "BPL002")
    assert [(h.found, h.severity) for h in hits] == [(place, severity)]
    assert hits[0].evidence.verified


@pytest.mark.parametrize(
    "body",
    [
        "产品主要销往浙江省绍兴市、上海市等地，原料来自山东省潍坊市。",
        "本公司位于江苏常州武进遥观镇，距苏州市约80公里。",
        "常州天润热电有限公司位于苏州市吴江区。",
        "本轮审核依据《浙江省清洁生产审核技术导则》和常州市生态环境局的要求开展。",
        "本公司列入常州市2024年强制性清洁生产审核名单，江苏省生态环境厅组织评估。",
    ],
)
def test_places_in_other_contexts_are_not_flagged(body):
    assert findings(body, "BPL002") == []


# ---- BPL003 -----------------------------------------------------------------------------------
OPTIONS = """# 第四章 方案产生和筛选

| 编号 | 方案名称 | 类型 | 投资(万元) |
|---|---|---|---|
| F1 | 漂洗水三级逆流改造 | 无/低费 | 3.5 |
| F2 | 空压机变频改造 | 中/高费 | 28.0 |

"""


@pytest.mark.parametrize(
    "section,paragraph",
    [
        ("## 2.5 确定审核重点", "经综合分析，审核重点的选择充分结合了企业实际情况，该部分具有较大的清洁生产潜力，通过深入审核可有效降低物耗能耗，将为企业带来显著的经济效益和环境效益。"),
        ("## 6.3 实施效果分析", "本轮审核方案实施后，企业的环境管理水平得到了显著提高，资源能源利用效率进一步提升，污染物产生量明显减少，取得了良好的环境效益、经济效益和社会效益。"),
        ("## 5.4 中/高费方案环境评估", "该方案实施后可大幅减少污染物的产生和排放，环境效益显著，对改善区域环境质量具有积极意义，同时能有效提高资源利用率。"),
    ],
)
def test_generic_paragraph_in_specific_section_is_flagged(section, paragraph):
    hits = findings(OPTIONS + f"# 第六章 实施\n\n{section}\n\n{paragraph}\n\n漂洗水三级逆流改造实施后年节水2.3万吨。\n",
                    "BPL003")
    assert len(hits) == 1
    assert hits[0].evidence.quote in paragraph
    assert 0 < hits[0].data["chapter_share"] < 1


@pytest.mark.parametrize(
    "paragraph",
    [
        "漂洗水三级逆流改造实施后，镀镍线新鲜水用量由2.35万t/a降至1.62万t/a，取得了显著的经济效益和环境效益。",
        "空压机变频改造完成后节电效果明显，运行稳定，取得了良好的经济效益和环境效益，员工反映良好。",
        "审核小组通过发放合理化建议表、召开座谈会等方式广泛征集清洁生产方案，并按照技术、环境、经济可行性原则进行筛选。",
        "方案的经济评估应按照《清洁生产审核手册》规定的方法，采用净现值法和内部收益率法进行，取得良好效益的方案优先实施。",
        "方案实施后新增两台离心机，取得了明显的节水效果，污泥含水率得到有效降低，经济效益显著提高。",
    ],
)
def test_specific_or_method_paragraphs_are_not_flagged(paragraph):
    assert findings(OPTIONS + f"# 第六章 实施\n\n## 6.2 实施效果\n\n{paragraph}\n", "BPL003") == []


def test_generic_claims_outside_specific_sections_are_not_flagged():
    body = ("# 前言\n\n通过本轮清洁生产审核，公司取得了显著的经济效益和环境效益，员工的清洁生产意识得到了显著提高，"
            "实现了经济效益与环境效益的双赢。\n")
    assert findings(body, "BPL003") == []
