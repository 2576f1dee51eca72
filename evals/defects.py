"""The defect taxonomy shared by the corpus generator (labels) and the rules (``defects=``).

A label in the corpus names one of these types; a rule declares which types it is meant to
catch; the scorer matches findings to labels by type and location. Add a type here before
injecting it or writing a rule for it.
"""

from __future__ import annotations

DEFECTS: dict[str, tuple[str, str]] = {
    # id: (family, description)
    "BAL_NOT_CLOSING": ("BAL", "物料/水/能量/元素平衡输入与输出（含损失）之差超出允许误差"),
    "BAL_STATED_DEVIATION": ("BAL", "报告自述的平衡差值或误差率与按表中数据重算结果不符"),
    "BAL_MISSING": ("BAL", "审核阶段要求的平衡（物料/水/能量/特征元素）缺失"),
    "BAL_WATER_RATE": ("BAL", "取水量≠用水量−重复利用量，或重复利用率计算错误"),
    "RED_REDUCTION": ("RED", "削减量≠实施前−实施后"),
    "RED_PERCENT": ("RED", "削减率/降幅≠削减量/实施前"),
    "RED_SUM": ("RED", "合计行≠各项之和"),
    "RED_OPTION_TOTAL": ("RED", "方案汇总（投资、效益、削减量）与总结章节不一致"),
    "RED_LOAD": ("RED", "污染物排放量≠浓度×流量×时间（单位换算后）"),
    "CON_MISMATCH": ("CON", "同一数据在不同章节数值不一致"),
    "UNI_COAL": ("UNI", "标准煤折算错误（系数或乘法）"),
    "UNI_OLD_COEF": ("UNI", "使用已废止的 GB/T 2589-2008 折标系数或未说明当量值/等价值"),
    "UNI_SCALE": ("UNI", "数量级错误（万与个、t 与 kg 混用）"),
    "UNI_INTENSITY": ("UNI", "单位产品指标≠总量/产量"),
    "UNI_CO2": ("UNI", "CO2排放量≠活动数据×排放因子（单位换算后）"),
    "ECO_PAYBACK": ("ECO", "投资回收期≠投资/年净收益"),
    "ECO_NPV": ("ECO", "净现值与贴现率、寿命、现金流不符"),
    "ECO_IRR": ("ECO", "内部收益率与现金流不符"),
    "ECO_VERDICT": ("ECO", "经济可行性结论与指标矛盾"),
    "ECO_DOUBLE_COUNT": ("ECO", "同一方案效益在无/低费与中/高费方案中重复计算"),
    "TGT_CLAIMED_MET": ("TGT", "实际值未达目标却声称已完成"),
    "TGT_NOT_QUANTIFIED": ("TGT", "清洁生产目标未量化或无时限"),
    "TGT_IMPLAUSIBLE": ("TGT", "节约/削减量大于总消耗/总排放等不合理声明"),
    "CIT_SUPERSEDED": ("CIT", "引用已废止/被替代的法规或标准"),
    "CIT_WRONG_INDUSTRY": ("CIT", "引用了其他行业的评价指标体系或标准"),
    "BPL_FOREIGN_NAME": ("BPL", "报告中残留其他企业名称"),
    "BPL_FOREIGN_PLACE": ("BPL", "报告中出现与企业所在地矛盾的地名"),
    "BPL_GENERIC": ("BPL", "须写企业具体情况的章节为无企业数据的通用套话"),
    "BPL_DUPLICATE": ("BPL", "与其他机构/企业的报告高度雷同"),
    "STR_MISSING_SECTION": ("STR", "缺少阶段或必备章节"),
    "STR_BASELINE_YEARS": ("STR", "基准数据不足三年"),
    "SEC_HIDDEN_TEXT": ("SEC", "隐藏文字（白字、极小字号、隐藏格式、零宽字符）"),
    "SEC_INJECTION": ("SEC", "类指令文字（试图影响审查结论）"),
    "LVL_OVERSTATED": ("LVL", "声称的清洁生产水平高于按指标体系重算的等级"),
}


def family_of(defect: str) -> str:
    return DEFECTS[defect][0]
