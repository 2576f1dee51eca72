"""Chapter writers: cover, 前言, the seven phases, 结论 and appendix tables.

Each function appends to a Renderer. Wording is chosen among several phrasings per paragraph,
sentence orders vary, some figures are stated only in prose, some only in tables.
"""

from __future__ import annotations

from evals.generator.industries import CARRIERS
from evals.generator.ir import Seg
from evals.generator.model import Option
from evals.generator.render import LEVEL_NAMES, LEVEL_SHORT, Renderer, _decimals_for
from evals.generator.style import cn_num

# ---------------------------------------------------------------------------------------------
# cover and front matter
# ---------------------------------------------------------------------------------------------


def cover(r: Renderer) -> None:
    f, s = r.f, r.s
    title = r.pick(["清洁生产审核报告", "清洁生产审核报告", "清洁生产审核报告（验收稿）", "清洁生产审核报告（报批稿）"])
    if s.cover_kind == 0:
        r.P(r.name_seg(), style="cover_title")
        r.P(title, style="cover_title")
    else:
        r.P(r.name_seg(), title, style="cover_title")
    r.P(f"（第{r.pick(['一', '二', '二', '三'])}轮）", style="cover") if s.cover_kind == 2 else None
    r.P("编制单位：", Seg(f.agency.name, key="agency.name"), style="cover")
    if r.rng.random() < 0.6:
        r.P("委托单位：", r.name_seg(), style="cover")
    r.P(f"{cn_year(f.report_year)}年{cn_num(f.report_month)}月" if s.cover_kind == 1 else f"{f.report_year}年{f.report_month}月",
        style="cover")
    r.el.append(_pagebreak())
    r.P("报告编制人员", style="cover_title")
    auditors = f.agency.auditors
    rows = [
        ["企业负责人", f.ent.legal_rep, f.ent.name, "总经理", "—"],
        ["审核小组组长", f.team[0].name, f.ent.name, f.team[0].title, "—"],
    ]
    for k, (name, ttl, cert) in enumerate(auditors):
        role = ["报告编制", "报告审核", "报告审定", "参与编制"][min(k, 3)]
        rows.append([role, name, f.agency.name, ttl, cert])
    r.table("报告编制人员表", [["职责", "姓名", "单位", "职务/职称", "审核师证书编号"]], rows, tid="authors")


def cn_year(y: int) -> str:
    return "".join("〇一二三四五六七八九"[int(ch)] for ch in str(y))


def _pagebreak():
    from evals.generator.ir import PageBreak

    return PageBreak()


def preface(r: Renderer) -> None:
    f, s, e = r.f, r.s, r.ent
    r.unnumbered("preface", s.preface_title)
    t = f.totals
    y = f.base_year
    r.section(r.pick(["企业基本情况", "企业简介", "项目概况"]))
    prod, pu = r.q_prod(f"prod.{y}", f.output[y])
    cap, cu = r.q_prod("cap", f.capacity)
    r.P(r.name_seg(), r.pick(["位于", "坐落于", "厂址位于"]), Seg(e.place.province, key="ent.province"),
        Seg(e.place.city, key="ent.city"), Seg(e.place.county, key="ent.county"), e.park, "，成立于", f"{e.founded}年，",
        r.pick([f"主要从事{r.ind.product.name}的生产，", f"是一家专业从事{r.ind.product.name}生产的企业，", f"主营{r.ind.product.name}，"]),
        r.pick(["设计产能", "现有生产能力", "年设计生产能力"]), cap, f"{cu}/a。",
        f"{y}年实际完成", prod, f"{pu}，", r.pick(["现有职工", "在册员工", "全厂定员"]), f"{e.staff}人。", sid="pre.profile")
    reasons = [
        "公司生产过程中使用硫酸镍、铬酐等有毒有害原料，属于《清洁生产审核办法》第八条规定的应当实施强制性清洁生产审核的情形",
        "公司被列入当年度强制性清洁生产审核企业名单",
        "为贯彻落实清洁生产有关法律法规，进一步挖掘节能、降耗、减污、增效潜力，公司决定自愿开展清洁生产审核",
    ]
    r.section(r.pick(["审核缘由", "开展清洁生产审核的必要性", "审核背景"]))
    reason = reasons[0] if r.ind.key == "electroplating" else r.pick(reasons[1:])
    r.P(f"{reason}。", r.pick([
        "企业领导高度重视，委托", "公司管理层研究决定，委托", "经公司总经理办公会研究，聘请"]),
        Seg(f.agency.name, key="agency.name"),
        r.pick(["作为咨询服务机构，协助开展本轮清洁生产审核工作。", "提供技术咨询，共同开展本轮审核。",
                "为技术支持单位，按照七个阶段、三十五个步骤的程序开展审核。"]), sid="pre.reason")
    r.section(r.pick(["审核依据", "编制依据", "主要依据"]))
    r.P(r.pick(["本轮审核及报告编制主要依据以下法律法规、标准和技术文件：",
                "本报告编制依据如下：", "审核工作主要依据下列文件开展："]))
    for k, c in enumerate(f.citations.as_list(), 1):
        r.P(f"（{k}）" if r.s.numbering != "E" else f"{k}.", Seg(c, key=f"cit.{k}"), "；", sid="pre.citation")
    r.P(f"（{len(f.citations.as_list()) + 1}）{e.short}提供的生产统计、能源统计台账、环境监测报告等资料。")
    r.section(r.pick(["审核过程", "审核工作过程", "审核工作开展情况"]))
    y0, m0 = f.audit_start
    r.P(f"本轮审核于{y0}年{m0}月启动，", r.pick([
        "先后完成筹划和组织、", "依次开展了筹划和组织、"]), f"{s.phase_pre}、{s.phase_audit}、方案产生和筛选、可行性分析、方案实施和持续清洁生产七个阶段的工作，",
        f"于{f.report_year}年{f.report_month}月编制完成本报告。")
    r.section(r.pick(["审核主要成果", "审核成效", "主要成果"]))
    r.P(r.pick(["本轮审核共提出清洁生产方案", "审核期间共产生清洁生产方案", "通过全员参与，共征集并筛选出可行的清洁生产方案"]),
        r.N("tot.all.count", t["all.count"], 0), "项，其中无/低费方案", r.N("tot.low.count", t["low.count"], 0),
        "项、中/高费方案", r.N("tot.high.count", t["high.count"], 0), "项。",
        r.pick(["方案总投资", "全部方案累计投资"]), r.q_money("tot.all.invest", t["all.invest"]), "万元，",
        r.pick(["预计年经济效益", "实施后年可产生经济效益", "年经济效益"]), r.q_money("tot.all.benefit", t["all.benefit"]), "万元。",
        sid="pre.totals")
    env_parts = _env_summary(r, "pre")
    if env_parts:
        r.P(r.pick(["方案实施后，", "各方案全部实施后，", "通过方案实施，"]), *env_parts, sid="pre.env")


def _env_summary(r: Renderer, where: str) -> list:
    t = r.f.totals
    parts: list = []
    if t.get("env.tce"):
        parts += ["年节约标准煤", r.N("tot.env.tce", t["env.tce"], 2), "t"]
    if t.get("save.water"):
        seg, u = r.q_water("tot.save.water", t["save.water"])
        parts += ["、年节水", seg, u]
    if t.get("env.cod"):
        parts += ["、年削减化学需氧量", r.N("tot.env.cod", t["env.cod"], 3), "t"]
    if t.get("env.co2"):
        if t.get("save.electricity") and r.rng.random() < 0.6:
            seg, u = r.q_energy("tot.save.electricity", "electricity", t["save.electricity"])
            parts += ["、年节电", seg, u]
        parts += ["、年减少二氧化碳排放", r.N("tot.env.co2", t["env.co2"], 2), "t"]
    if parts and parts[0].startswith("、"):
        parts[0] = parts[0][1:]
    if parts:
        parts.append("。")
    return parts


# ---------------------------------------------------------------------------------------------
# chapter 1
# ---------------------------------------------------------------------------------------------


def ch1(r: Renderer) -> None:
    f, s, e = r.f, r.s, r.ent
    r.chapter("ch1", r.pick(["筹划和组织", "筹划与组织", "审核准备（筹划和组织）"]))
    r.section(r.pick(["取得领导支持", "领导支持", "高层领导的支持与参与"]))
    doc_no = f"{e.short[:2]}〔{f.audit_start[0]}〕{r.rng.randint(5, 60)}号"
    r.P(r.pick([
        "清洁生产审核是一项综合性很强的工作，涉及企业生产、技术、设备、管理等各个部门，领导的支持和参与是审核顺利开展的前提。",
        "企业高层领导的支持和参与是决定审核能否顺利进行和取得成效的关键。",
    ]), r.co(), r.pick(["总经理", "董事长兼总经理"]), f"{e.legal_rep}", r.pick([
        "亲自担任审核领导小组组长，", "多次主持召开专题会议，"]),
        f"并以《关于开展清洁生产审核工作的通知》（{doc_no}）的形式下发各部门，明确了审核目的、范围、组织机构和时间安排。")
    r.P(r.pick(["领导层对清洁生产的认识主要体现在：", "公司领导认为，开展清洁生产审核可以："]),
        "一是降低原辅材料和能源消耗，提高经济效益；二是从源头削减污染物，减轻末端治理压力；三是提升企业管理水平和员工素质。")
    r.section(r.pick(["组建审核小组", "成立清洁生产审核小组", "审核小组"]))
    r.P(r.pick(["为保证审核工作顺利开展，公司成立了由总经理任组长、各部门负责人为成员的清洁生产审核小组，",
                "审核小组成员由熟悉生产工艺、设备、能源和环境管理的技术人员组成，"]),
        "并邀请咨询机构专家参与指导。审核小组成员及职责见下表。")
    rows = [[str(k), m.name, m.dept, m.title, m.specialty, m.duty] for k, m in enumerate(f.team, 1)]
    r.table("清洁生产审核小组成员", [["序号", "姓名", "部门/单位", "职务/职称", "专业", "审核职责"]], rows, tid="team")
    r.section(r.pick(["制定审核工作计划", "审核工作计划"]))
    y0, m0 = f.audit_start
    plan = []
    steps = [("筹划和组织", 1), (s.phase_pre, 2), (s.phase_audit, 2), ("方案产生和筛选", 2), ("可行性分析", 1),
             ("方案实施", 4), ("持续清洁生产", 1)]
    yy, mm = y0, m0
    for k, (ph, dur) in enumerate(steps, 1):
        y1, m1 = yy, mm + dur - 1
        while m1 > 12:
            y1, m1 = y1 + 1, m1 - 12
        plan.append([str(k), ph, _phase_content(ph, s), f"{yy}.{mm:02d}—{y1}.{m1:02d}", r.pick(["审核小组", "审核小组、各车间", "生产部、安环部"])])
        yy, mm = y1, m1 + 1
        if mm > 12:
            yy, mm = yy + 1, 1
    r.table("审核工作计划表", [["序号", "阶段", "主要工作内容", "时间安排", "责任部门"]], plan, tid="plan")
    r.section(r.pick(["开展宣传教育", "宣传与培训", "宣传动员和培训"]))
    r.P(r.pick(["审核小组通过宣传栏、内部微信群、班前会等形式宣传清洁生产知识，",
                "公司利用厂务公开栏、横幅标语和培训讲座等方式广泛开展宣传，"]),
        "并组织了多次专题培训，使员工了解清洁生产的概念、审核程序和方法，调动全员参与的积极性。")
    rows = []
    for k in range(r.rng.randint(3, 5)):
        mo = (m0 + k - 1) % 12 + 1
        rows.append([f"{y0 + (m0 + k - 1) // 12}年{mo}月", r.pick(["清洁生产基本知识及审核程序", "清洁生产方案征集动员", "物料平衡与水平衡测试方法",
                                                                        "中/高费方案可行性分析方法", "岗位节能降耗操作培训"]),
                     r.pick(["审核小组成员", "中层以上干部", "车间班组长", "全体员工分批"]), str(r.rng.randint(12, 160))])
    r.table("宣传培训情况", [["时间", "培训内容", "参加人员", "人数"]], rows, tid="training")
    r.section(r.pick(["发现障碍及克服", "审核障碍及解决办法", "克服障碍"]))
    rows = [
        ["思想观念障碍", "认为清洁生产就是搞卫生、增加负担", "开展专题宣传，讲清清洁生产的经济和环境效益"],
        ["技术障碍", "缺乏审核方法和平衡测试经验", "聘请咨询机构专家指导，组织方法培训"],
        ["资金障碍", "中/高费方案资金需求较大", "分期投入，积极申请节能减排专项资金"],
        ["管理障碍", "部门间协调不畅，数据统计口径不一", "明确责任分工，建立审核例会制度"],
    ]
    r.rng.shuffle(rows)
    r.table("审核障碍及克服措施", [["障碍类型", "主要表现", "解决办法"]], rows[: r.rng.randint(3, 4)], tid="obstacles")


def _phase_content(ph: str, s) -> str:
    return {
        "筹划和组织": "取得领导支持，组建审核小组，宣传培训",
        s.phase_pre: "现状调研、现场考察，确定审核重点，设置目标",
        s.phase_audit: "实测输入输出物流，建立平衡，分析废物产生原因",
        "方案产生和筛选": "征集、汇总、筛选方案，实施无/低费方案",
        "可行性分析": "中/高费方案技术、环境、经济评估",
        "方案实施": "组织实施方案，汇总并验证实施效果",
        "持续清洁生产": "完善组织和制度，编制审核报告",
    }[ph]


# ---------------------------------------------------------------------------------------------
# chapter 2
# ---------------------------------------------------------------------------------------------


def ch2(r: Renderer) -> None:
    f, s, e, ind = r.f, r.s, r.ent, r.ind
    r.chapter("ch2", s.phase_pre)
    y = f.base_year
    years = f.years
    r.section(r.pick(["企业概况", "企业基本情况", "企业概况及生产状况"]))
    area = f"{e.area_m2:,}" if s.sep else str(e.area_m2)
    r.P(r.name_seg(), r.pick(["（以下简称“公司”）", "（简称“公司”）", ""]),
        r.pick(["统一社会信用代码", "社会信用代码"]), e.credit_code, "，法定代表人", e.legal_rep, "，注册地址为",
        Seg(e.address, key="ent.address"), "。", f"公司占地面积约{area}平方米，", f"所属行业为{ind.sector}。", sid="ch2.profile")
    r.P(r.pick(["厂区地处", "公司所在地为", "企业位于"]), Seg(e.place.province, key="ent.province"), Seg(e.place.city, key="ent.city"),
        Seg(e.place.county, key="ent.county"), r.pick([f"{e.park}内，", f"{e.park}，"]),
        r.pick(["周边以工业企业为主，交通便利，供水、供电、供汽等基础设施完善。", "园区基础设施配套齐全，污水纳入园区污水处理厂集中处理。",
                "厂区周边无自然保护区、饮用水水源保护区等环境敏感目标。"]), sid="ch2.location")
    r.P(r.pick(["公司实行", "生产采用"]), e.shifts, f"，年工作{e.days}天，", r.pick(["年运行时间约", "设备年运行"]), f"{e.hours}小时。",
        r.pick(["建设项目环境影响评价文件已取得", "公司建设项目环评已取得"]), f"{e.eia_doc}批复，", "已按规定申领排污许可证（证书编号：",
        e.permit_no, "）。")
    # products and capacity
    prod_rows = []
    others = list(ind.product.others)
    shares = [r.rng.uniform(0.2, 0.5) for _ in others]
    tot = sum(shares)
    cap_seg, cu = r.q_prod("cap", f.capacity)
    for k, (nm, sh) in enumerate(zip(others, shares), 1):
        prod_rows.append([str(k), nm, f"{f.capacity * sh / tot / (r.product_unit()[1]):,.{r.product_unit()[2]}f}".replace(",", "" if not s.sep else ","), cu + "/a",
                          r.pick(["国内", "国内及出口", "长三角地区", "华南地区"])])
    prod_rows.append(["", "合计", cap_seg, cu + "/a", ""])
    r.table("主要产品及生产规模", [["序号", "产品名称", "设计生产能力", "单位", "主要销售区域"]], prod_rows, tid="products")
    r.section(r.pick(["近三年生产情况", "主要产品产量及产值", "生产状况"]))
    items = [(f"{ind.product.name}产量", cu, {yy: r.q_prod(f"prod.{yy}", f.output[yy])[0] for yy in years}),
             ("工业总产值", "万元", {yy: r.N(f"value.{yy}", f.value_output[yy], 0) for yy in years})]
    r.P(r.pick(["公司近三年主要产品产量及产值见下表。", f"{years[0]}—{years[-1]}年公司生产情况统计如下。"]))
    r.year_table("近三年产品产量及产值", items, tid="production", first_col="项目")
    # capacity utilisation in prose
    util = f.output[y] / f.capacity * 100
    prod_seg, pu = r.q_prod(f"prod.{y}", f.output[y])
    r.P(f"{y}年", r.pick(["产品产量", "实际产量"]), prod_seg, f"{pu}，产能利用率约{util:.1f}%，",
        r.pick(["生产负荷较为稳定。", "近年来产量总体呈上升趋势。" if f.output[y] >= f.output[years[0]] else "受市场影响产量有所波动。"]))
    # process
    r.section(r.pick(["生产工艺", "主要生产工艺流程", "工艺流程简述"]))
    if "generic_process" in f.notes:
        for text in f.notes["generic_process"]:
            r.P(text, sid="generic")
    else:
        r.P(r.pick(["公司主要生产工艺流程为：", "主要工艺流程如下："]), "→".join(ind.process), "。")
        notes = list(ind.process_notes)
        r.P("".join(notes[:2]))
        r.P("".join(notes[2:]))
    node_rows = _process_nodes(r)
    r.table("主要产污节点及污染物", [["序号", "产污工序", "污染物类别", "主要污染因子", "治理措施及去向"]], node_rows,
            tid="process_nodes")
    r.section(r.pick(["主要生产设备", "主要设备情况"]))
    r.P(r.pick(["公司主要生产设备见下表，经对照《产业结构调整指导目录（2024年本）》，未使用淘汰类设备。",
                "主要设备清单如下。经核查，公司无国家明令淘汰的落后生产工艺和设备。"]))
    r.table("主要生产设备一览表", [["序号", "设备名称", "型号规格", "数量（台/套）", "所在工序"]], _equipment_rows(r, 8 if not s.long else 14),
            tid="equipment")
    # raw materials
    r.section(r.pick(["原辅材料消耗", "主要原辅材料消耗情况", "原辅材料使用情况"]))
    items = []
    for k, raw in enumerate(f.raws):
        dec = _decimals_for(raw.qty.values())
        items.append((raw.name, "t", {yy: r.N(f"raw.{k}.{yy}", raw.qty[yy], dec) for yy in years}))
    r.P(r.pick(["公司生产所用主要原辅材料及近三年消耗情况见下表。", "近三年主要原辅材料消耗量统计如下。"]),
        r.pick(["其中", "所用原辅材料中，"]), "、".join(x.name for x in f.raws if x.hazardous) or "无", "属于危险化学品，",
        r.pick(["设专用仓库储存。", "已按规定登记并设专库专人管理。"]))
    r.year_table("近三年主要原辅材料消耗", items, tid="raws",
                 extra_cols=[("用途", [x.use for x in f.raws])] if r.rng.random() < 0.5 and s.years_layout == "cols" else None)
    # energy
    _energy_section(r)
    # water
    _water_section(r)
    # pollutants
    _pollution_section(r)
    r.section(r.pick(["环境管理现状", "环境管理状况"]))
    r.P(r.pick(["公司设立安全环保部，配备专职环保管理人员", "公司安环部负责日常环境管理，配备专（兼）职环保人员"]),
        f"{r.rng.randint(2, 5)}名，", r.pick(["制定了《环境保护管理制度》《危险废物管理制度》等制度，",
                                             "建立了环保设施运行台账和污染物监测制度，"]),
        r.pick(["按排污许可证要求开展自行监测，并编制突发环境事件应急预案报生态环境部门备案。",
                "定期委托有资质单位开展监测，环保设施运行正常，近三年未发生环境污染事故。"]))
    _level_section(r)
    r.section(r.pick(["清洁生产潜力分析", "清洁生产潜力"]))
    if "generic_potential" in f.notes:
        for text in f.notes["generic_potential"]:
            r.P(text, sid="generic")
    else:
        elec = f.carrier("electricity")
        seg, u = r.q_energy(f"en.electricity.{y}", "electricity", elec.qty[y]) if elec else (None, "")
        r.P(r.pick(["通过现场考察和数据分析，", "结合现状调研结果，"]), r.pick(["公司在以下方面存在清洁生产潜力：", "审核小组认为公司清洁生产潜力主要在于："]))
        r.P(f"（1）能源方面：{y}年全厂用电", seg, u,
            f"，{r.ind.workshops[0]}用电约占{f.focus.shares[0]['electricity']:.1f}%，空压机、水泵等公用设备存在节能空间；", sid="ch2.potential")
        r.P(f"（2）水资源方面：{r.ind.workshops[0]}用水约占全厂{f.focus.shares[0]['water']:.1f}%，清洗方式和回用水平仍有提升余地；")
        r.P(f"（3）原辅材料方面：{f.raws[0].name}、{f.raws[1].name}等单耗与同行业先进水平相比存在差距；")
        r.P("（4）管理方面：计量器具配备和能耗考核尚不完善，部分岗位操作规程有待细化。")
    if "focus" not in f.omit:
        _focus_section(r)
    if "targets" not in f.omit:
        _targets_section(r)
    r.section(r.pick(["提出和实施无/低费方案", f"{s.phase_pre}阶段无/低费方案"]))
    pre = [o for o in f.options if o.cls == "low" and o.source == "预审核阶段"]
    r.P(r.pick([f"{s.phase_pre}阶段，审核小组本着边审核边实施的原则，", "在现场考察过程中，"]),
        f"共提出无/低费方案{len(pre)}项，主要包括",
        "、".join(o.name for o in pre[:4]) or "加强现场管理等", "等，", r.pick(["目前已全部实施。", "均已组织实施，效果见第四章。"]))


def _process_nodes(r: Renderer) -> list[list[str]]:
    f, ind = r.f, r.ind
    rows = []
    k = 1
    ww_names = "、".join(p.name for p in f.pollutants[:3])
    rows.append([str(k), f"{ind.process[1]}、{ind.process[2]}", "废水", ww_names, "进入厂内污水处理站"])
    for g in f.gases:
        k += 1
        rows.append([str(k), g.source.replace("废气", ""), "废气", "、".join(p.name for p in g.pollutants), f"{g.treatment}后经{g.outlet}排气筒排放"])
    for sd in f.solids:
        k += 1
        rows.append([str(k), r.pick(list(ind.process[2:8])), "固废", sd.name, sd.disposal])
    k += 1
    rows.append([str(k), "风机、水泵等设备", "噪声", "设备噪声", "选用低噪设备、减振隔声"])
    return rows


def _equipment_rows(r: Renderer, n: int) -> list[list[str]]:
    ind = r.ind
    base = {
        "electroplating": [("全自动龙门电镀线", "LM-{0}"), ("手动挂镀线", "SD-{0}"), ("高频开关整流器", "GKD-{0}A"), ("过滤机", "GL-{0}"),
                           ("冷水机组", "LS-{0}"), ("纯水机", "RO-{0}T"), ("废水处理设备", "FS-{0}"), ("酸雾喷淋塔", "PL-{0}")],
        "dyeing": [("前处理联合机", "LMH-{0}"), ("丝光机", "SG-{0}"), ("连续轧染机", "LZ-{0}"), ("溢流染色机", "YL-{0}"),
                   ("气流染色机", "QL-{0}"), ("拉幅定型机", "DX-{0}"), ("预缩机", "YS-{0}"), ("空压机", "KY-{0}")],
        "pharma": [("搪玻璃反应釜", "K-{0}L"), ("不锈钢反应釜", "F-{0}L"), ("离心机", "LGZ-{0}"), ("双锥真空干燥机", "SZG-{0}"),
                   ("精馏塔", "JL-{0}"), ("冷冻机组", "LD-{0}"), ("RTO焚烧装置", "RTO-{0}"), ("真空泵", "ZK-{0}")],
        "foundry": [("中频感应电炉", "KGPS-{0}"), ("树脂砂混砂机", "S25-{0}"), ("抛丸清理机", "Q37-{0}"), ("旧砂再生设备", "ZS-{0}"),
                    ("热处理炉", "RT-{0}"), ("布袋除尘器", "DMC-{0}"), ("行车", "QD-{0}t"), ("空压机", "KY-{0}")],
        "paper": [("水力碎浆机", "ZDS-{0}"), ("压力筛", "ZSL-{0}"), ("多盘浓缩机", "DP-{0}"), ("双盘磨", "ZDP-{0}"),
                  ("叠网纸机", "PM-{0}"), ("复卷机", "FJ-{0}"), ("真空泵", "2BE-{0}"), ("空压机", "KY-{0}")],
        "brewery": [("糖化锅", "TH-{0}"), ("过滤槽", "GL-{0}"), ("煮沸锅", "ZF-{0}"), ("锥形发酵罐", "FJ-{0}m³"),
                    ("硅藻土过滤机", "GZ-{0}"), ("灌装机", "GZJ-{0}"), ("隧道式杀菌机", "SJ-{0}"), ("螺杆制冷机组", "LG-{0}")],
    }[ind.key]
    rows = []
    for k in range(n):
        nm, model = base[k % len(base)]
        rows.append([str(k + 1), nm, model.format(r.rng.choice([20, 30, 50, 80, 100, 150, 200, 300, 500])), str(r.rng.randint(1, 12)),
                     r.pick(list(ind.process[:8]))])
    return rows


def _energy_section(r: Renderer) -> None:
    f, s = r.f, r.s
    years = f.years
    y = f.base_year
    r.section(r.pick(["能源消耗", "能源消耗情况", "主要能源消耗"]))
    carriers = "、".join(e.name for e in f.energy)
    r.P(r.pick(["公司生产使用的能源主要为", "公司消耗的能源品种有"]), carriers, "，",
        r.pick(["其中电力由园区电网供给，", "电力由当地供电公司供给，"]),
        "蒸汽由园区集中供热管网供给，" if f.carrier("steam") else "",
        "天然气由园区燃气管网供给。" if f.carrier("natural_gas") else "")
    coef_note = _coef_note(r)
    if s.coef_in_table:
        header = [["序号", "能源名称", "单位", "折标系数"] + [f"{yy}年实物量" for yy in years] + [f"{yy}年折标煤（tce）" for yy in years]]
        body = []
        for k, e in enumerate(f.energy, 1):
            row = [Seg(str(k)), Seg(e.name)]
            qsegs = [r.q_energy(f"en.{e.carrier}.{yy}", e.carrier, e.qty[yy], role="calc") for yy in years]
            row.append(Seg(qsegs[0][1]))
            row.append(Seg(_coef_text(e), key=f"coef.{e.carrier}"))
            row += [q for q, _ in qsegs]
            row += [r.N(f"en.{e.carrier}.{yy}.tce", e.tce[yy], 2, role="item") for yy in years]
            body.append(row)
        body.append([Seg(""), Seg("综合能源消费量"), Seg("tce"), Seg("—")] + [Seg("—") for _ in years] +
                    [r.N(f"en.total.{yy}", f.tce_total[yy], 2, role="sum") for yy in years])
        r.table("近三年能源消耗情况", header, body, note_below=coef_note, tid="energy")
    else:
        items = []
        for e in f.energy:
            vals = {yy: r.q_energy(f"en.{e.carrier}.{yy}", e.carrier, e.qty[yy])[0] for yy in years}
            items.append((e.name, r.q_energy("x", e.carrier, 1)[1], vals))
        r.year_table("近三年能源实物消耗量", items, tid="energy_qty", force_unit_col=True)
        items = [(f"{e.name}折标煤", "tce", {yy: r.N(f"en.{e.carrier}.{yy}.tce", e.tce[yy], 2, role="item") for yy in years})
                 for e in f.energy]
        total = ("综合能源消费量", "tce", {yy: r.N(f"en.total.{yy}", f.tce_total[yy], 2, role="sum") for yy in years})
        r.year_table("近三年能源消耗折标准煤", items, tid="energy_tce", total=total, note_below=coef_note)
    elec = f.carrier("electricity")
    if elec:
        q, u = r.q_energy(f"en.electricity.{y}", "electricity", elec.qty[y], role="calc")
        r.P(f"{y}年", r.pick(["公司用电量", "全厂耗电", "外购电力"]), q, u, "，折标准煤",
            r.N(f"en.electricity.{y}.tce", elec.tce[y], 2, role="calc"), "t；", r.pick(["综合能源消费量", "能源消费总量"]),
            r.N(f"en.total.{y}", f.tce_total[y], 2), "tce。", sid="ch2.energy")
        if f.co2_elec and (r.rng.random() < 0.75 or f.notes.get("force_co2_prose")):
            q2, u2 = r.q_energy(f"en.electricity.{y}", "electricity", elec.qty[y], role="calc")
            r.P(r.pick(["按", "采用"]), f"{f.grid_factor[1]}年全国电力平均二氧化碳排放因子{f.grid_factor[0]} kgCO₂/kWh计算，", f"{y}年外购电力",
                q2, u2, r.pick(["对应间接排放二氧化碳", "间接排放二氧化碳"]), r.N(f"co2.elec.{y}", f.co2_elec[y], 2, role="calc"), "t。",
                sid="ch2.co2")
    iu = r.ind.int_unit
    items = [("单位产品综合能耗", f"kgce/{iu}", {yy: r.N(f"en.int.{yy}", f.energy_int[yy], 2) for yy in years}),
             ("单位产品取水量", f"m³/{iu}", {yy: r.N(f"water.int.{yy}", f.water_int[yy], 3 if f.water_int[y] < 10 else 2) for yy in years})]
    r.year_table("近三年单位产品能耗、水耗", items, tid="intensity", first_col="指标", force_unit_col=True)
    r.P(r.pick(["注：单位产品综合能耗=综合能源消费量/产品产量；单位产品取水量=取水量/产品产量。",
                "单位产品指标按当年综合能源消费量、取水量除以当年产品产量计算。"]), style="note")


def _coef_text(e) -> str:
    return f"{e.coef:g} {e.unit and CARRIERS[e.carrier].coef_unit}"


def _coef_note(r: Renderer) -> str:
    f = r.f
    parts = []
    for e in f.energy:
        parts.append(f"{e.name}{e.coef:g} {CARRIERS[e.carrier].coef_unit}")
    std = f.citations.coal_std
    if f.elec_basis == "当量值":
        basis = r.pick([f"折标系数依据{std}，电力按当量值计算", f"按{std}取值，电力采用当量值"])
    elif f.elec_basis == "等价值":
        basis = f"电力按等价值折算（系数取当年全国火电平均供电标准煤耗），其余按{std}取值"
    else:
        basis = "折标系数"
    return f"注：{basis}：" + "，".join(parts) + "。"


def _water_section(r: Renderer) -> None:
    f = r.f
    years = f.years
    y = f.base_year
    r.section(r.pick(["水资源消耗", "用水及排水情况", "水资源利用情况"]))
    r.P(r.pick(["公司生产和生活用水由市政自来水管网供给，", "公司用水来自园区供水管网，"]),
        r.pick(["主要用于生产工艺用水、设备冷却补水和生活用水。", "生产用水主要用于清洗、冷却和配料。"]),
        r.pick(["废水经厂内污水处理站处理达标后排入园区污水处理厂。", "生产废水经自建污水处理站处理后，纳管排放至园区污水处理厂集中处理。"]))
    unit_word = "取水量" if r.rng.random() < 0.5 else "新鲜水用量"
    items = [(unit_word, None, {}), ("废水排放量", None, {})]
    segs_w = {yy: r.q_water(f"water.{yy}", f.water[yy]) for yy in years}
    segs_d = {yy: r.q_water(f"ww.{yy}", f.ww[yy]) for yy in years}
    u = next(iter(segs_w.values()))[1]
    items = [(unit_word, u, {yy: segs_w[yy][0] for yy in years}), ("废水排放量", u, {yy: segs_d[yy][0] for yy in years})]
    r.year_table("近三年用水及排水情况", items, tid="water", first_col="项目")
    seg, u = r.q_water(f"water.{y}", f.water[y])
    seg2, u2 = r.q_water(f"ww.{y}", f.ww[y])
    r.P(f"{y}年{unit_word}", seg, u, "，", r.pick(["废水排放量", "外排废水"]), seg2, u2, "。", sid="ch2.water")


def _pollution_section(r: Renderer) -> None:
    f, _s = r.f, r.s
    years = f.years
    y = f.base_year
    r.section(r.pick(["污染物产生及排放状况", "产排污状况", "污染物排放及治理"]))
    r.subsection(r.pick(["废水", "水污染物"]))
    r.P(r.pick(["生产废水主要来源于", "废水主要包括"]), f"{r.ind.process[1]}、{r.ind.process[2]}等工序清洗废水及生活污水，",
        r.pick([f"执行{f.citations.water_discharge}。", f"排放执行{f.citations.water_discharge}。"]),
        "根据企业自行监测及委托监测报告，近三年废水污染物排放情况如下。")
    if r.rng.random() < 0.5:
        header = [["污染物", "限值（mg/L）"] + [f"{yy}年浓度（mg/L）" for yy in years] + [f"{yy}年排放量（t）" for yy in years]]
        body = []
        for p in f.pollutants:
            row = [Seg(p.name), Seg(f"{p.limit:g}")]
            row += [r.N(f"poll.{p.name}.{yy}.conc", p.conc[yy], p.decimals, role="calc") for yy in years]
            row += [r.N(f"poll.{p.name}.{yy}.load", p.load[yy], 4, role="calc") for yy in years]
            body.append(row)
        body.append([Seg("废水量（m³）"), Seg("—")] + [r.q_water(f"ww.{yy}", f.ww[yy], role="calc", unit="m³")[0] for yy in years] +
                    [Seg("—") for _ in years])
        r.table("近三年废水污染物排放情况", header, body, tid="ww_pollutants")
    else:
        header = [["年份", "废水排放量（m³）", "污染物", "平均浓度（mg/L）", "排放量（t/a）", "标准限值（mg/L）", "达标情况"]]
        body = []
        merges = []
        for yy in years:
            for p in f.pollutants:
                body.append([Seg(f"{yy}年"), r.q_water(f"ww.{yy}", f.ww[yy], role="calc", unit="m³")[0],
                             Seg(p.name), r.N(f"poll.{p.name}.{yy}.conc", p.conc[yy], p.decimals, role="calc"),
                             r.N(f"poll.{p.name}.{yy}.load", p.load[yy], 4, role="calc"), Seg(f"{p.limit:g}"), Seg("达标")])
        r.table("近三年废水污染物排放情况", header, body, merges, tid="ww_pollutants")
    r.P("注：排放量（t）=平均浓度（mg/L）×废水排放量（m³）÷1 000 000。", style="note")
    cod = next((p for p in f.pollutants if p.name == "化学需氧量"), None)
    if cod:
        r.P(f"{y}年化学需氧量排放量", r.N(f"poll.化学需氧量.{y}.load", cod.load[y], 4), "t，",
            r.pick(["各项污染物排放浓度均满足排放标准要求。", "废水各项指标均稳定达标。"]), sid="ch2.cod")
    r.subsection(r.pick(["废气", "大气污染物"]))
    r.P(r.pick(["公司废气主要为", "有组织废气主要包括"]), "、".join(g.source for g in f.gases), "，",
        r.pick([f"执行{f.citations.gas_discharge}。", f"排放执行{f.citations.gas_discharge}相关限值。"]))
    header = [["排放口", "废气来源", "治理措施", "风量（m³/h）", "污染物", "限值（mg/m³）"] + [f"{yy}年浓度（mg/m³）" for yy in years] +
              [f"{y}年运行时间（h）", f"{y}年排放量（t）"]]
    body = []
    for g in f.gases:
        for gp in g.pollutants:
            dec = _decimals_for(gp.conc.values())
            body.append([Seg(g.outlet), Seg(g.source), Seg(g.treatment), r.N(f"gas.{g.outlet}.flow", g.flow, 0, role="calc"),
                         Seg(gp.name), Seg(f"{gp.limit:g}")] +
                        [r.N(f"gas.{g.outlet}.{gp.name}.{yy}.conc", gp.conc[yy], dec, role="calc") for yy in years] +
                        [r.N(f"gas.{g.outlet}.hours.{y}", g.hours[y], 0, role="calc"),
                         r.N(f"gas.{g.outlet}.{gp.name}.{y}.load", gp.load[y], 4, role="calc")])
    r.table("废气污染物排放情况", header, body, tid="gas", small=True)
    r.subsection(r.pick(["固体废物", "固体废物产生及处置"]))
    items = []
    for k, sd in enumerate(f.solids):
        dec = _decimals_for(sd.qty.values())
        items.append((sd.name, "t", {yy: r.N(f"solid.{k}.{yy}", sd.qty[yy], dec) for yy in years}))
    r.year_table("近三年固体废物产生及处置情况", items, tid="solids",
                 extra_cols=[("类别", [sd.category for sd in f.solids]), ("处置方式", [sd.disposal for sd in f.solids])]
                 if r.s.years_layout == "cols" else None)
    r.P(r.pick(["危险废物在厂内危废暂存间分类贮存，", "危险废物按规定分类收集、贮存，"]),
        r.pick(["执行转移联单制度，委托有资质单位处置。", "全部委托持有危险废物经营许可证的单位处置，转移联单齐全。"]))


def _level_section(r: Renderer) -> None:
    f = r.f
    a = f.assessment
    r.section(r.pick(["清洁生产水平评价", "企业清洁生产水平现状评价", "与行业清洁生产评价指标体系对比"]))
    if a is None:
        y = f.base_year
        r.P(r.pick([f"目前{r.ind.name}行业尚无国家统一发布的清洁生产评价指标体系，", f"由于{r.ind.name}行业暂无适用的清洁生产评价指标体系，"]),
            r.pick(["审核小组选取单位产品能耗、水耗等主要指标与国内同行业先进水平进行对比。", "本次将企业主要指标与国内同类企业先进水平进行比较。"]))
        body = [
            ["单位产品综合能耗", f"kgce/{r.ind.int_unit}", r.N(f"en.int.{y}", f.energy_int[y], 2), f"{f.energy_int[y] * r.rng.uniform(0.78, 0.9):.2f}", "略高于先进水平"],
            ["单位产品取水量", f"m³/{r.ind.int_unit}", r.N(f"water.int.{y}", f.water_int[y], 3 if f.water_int[y] < 10 else 2),
             f"{f.water_int[y] * r.rng.uniform(0.75, 0.92):.3f}", "有一定差距"],
        ]
        r.table("主要指标与国内先进水平对比", [["指标", "单位", f"企业现状（{y}年）", "国内先进水平", "对比结果"]], body, tid="compare")
        r.P(r.pick(["对比可见，公司主要消耗指标与国内先进水平尚有差距，具有较大的清洁生产潜力。",
                    "总体来看，公司清洁生产水平处于国内一般水平，节能节水仍有提升空间。"]))
        return
    title = f.citations.indicator
    r.P(r.pick(["依据", "对照"]), Seg(title, key="cit.indicator"), r.pick(["，采用综合评价指数法对公司清洁生产水平进行评价。",
                                                                        "，按限定性指标和综合评价指数对企业现状清洁生产水平进行评定。"]))
    header = [["一级指标", "一级权重", "二级指标", "单位", "二级权重", "I级基准值", "II级基准值", "III级基准值", "企业现状", "达到级别"]]
    body = []
    for k, row in enumerate(a.rows):
        name = ("*" if row.limiting else "") + row.name
        if row.kind == "qual":
            val = Seg(str(row.value))
            lv = [Seg(str(x)) for x in row.levels]
        else:
            sym = "≤" if row.kind == "le" else "≥"
            lv = [Seg(f"{sym}{x:g}") for x in row.levels]
            val = r.N(f"ind.{k}.value", float(row.value), _decimals_for([float(row.value)]) or 1)
        body.append([Seg(row.cls), Seg(f"{row.cls_weight:g}"), Seg(name), Seg(row.unit), Seg(f"{row.weight:g}"), *lv, val,
                     Seg(LEVEL_SHORT[row.level] if row.level else "未达III级")])
    r.table("清洁生产评价指标对比表", header, body, tid="indicators", small=True, note_below="注：带*的为限定性指标。")
    r.P(r.pick(["按各指标隶属函数及权重计算，", "根据综合评价指数计算公式，"]), "公司清洁生产综合评价指数Y",
        Seg("Ⅰ"), "=", r.N("lvl.y1", a.y[1], 2), "，YⅡ=", r.N("lvl.y2", a.y[2], 2), "，YⅢ=", r.N("lvl.y3", a.y[3], 2), "。",
        _limiting_text(a), sid="ch2.level_calc")
    claim = LEVEL_NAMES[a.claimed]
    r.P(r.pick(["综合判定，公司现状清洁生产水平", "评价结果表明，企业目前清洁生产水平", "对照评定条件，公司清洁生产水平"]),
        Seg(f"达到{claim}" if a.claimed else "未达到III级水平", key="lvl.claim"), "。", sid="ch2.level")


def _limiting_text(a) -> str:
    lim = [r for r in a.rows if r.limiting]
    worst = max((r.level if r.level else 4) for r in lim) if lim else 1
    if worst == 1:
        return "限定性指标均达到I级基准值。"
    if worst == 2:
        return "限定性指标均达到II级及以上基准值，部分未达到I级。"
    if worst == 3:
        return "部分限定性指标仅达到III级基准值。"
    return "部分限定性指标未达到III级基准值。"


def _focus_section(r: Renderer) -> None:
    f, s = r.f, r.s
    fs = f.focus
    r.section(r.pick(["确定审核重点", "审核重点的确定", "审核重点"]))
    r.P(r.pick(["根据现状调研和现场考察结果，审核小组从废物产生量、能耗物耗、环境影响等方面综合考虑，",
                "在对全厂生产状况分析的基础上，"]), "确定", "、".join(fs.candidates), "为备选审核重点。")
    body = []
    for k, c in enumerate(fs.candidates):
        sh = fs.shares[k]
        body.append([str(k + 1), c, f"{sh['electricity']:.1f}", f"{sh['water']:.1f}", f"{sh['waste']:.1f}"])
    r.table("备选审核重点基本情况", [["序号", "备选审核重点", "用电量占比（%）", "用水量占比（%）", "废物产生量占比（%）"]], body, tid="focus_data")
    r.P(r.pick(["采用权重总和计分排序法确定审核重点，", "审核小组采用权重总和计分排序法对备选审核重点进行打分，"]),
        "评分结果见下表。", r.pick(["权重W取值1～10，", "各因素权重值W由审核小组讨论确定，"]), "评分R为1～10分。")
    n = len(fs.candidates)
    if s.focus_layout == "merged":
        top = ["因素", "权重W"] + [c for c in fs.candidates for _ in (0, 1)]
        bottom = ["因素", "权重W"] + ["R", "R×W"] * n
        merges = [(0, 0, 1, 0), (0, 1, 1, 1)] + [(0, 2 + 2 * k, 0, 3 + 2 * k) for k in range(n)]
        body = []
        for j, (crit, w) in enumerate(fs.criteria):
            row = [Seg(crit), Seg(str(w))]
            for k in range(n):
                sc = fs.scores[k][j]
                row += [Seg(str(sc), key=f"focus.score.{k}.{j}"), Seg(str(sc * w), key=f"focus.rw.{k}.{j}", role="item")]
            body.append(row)
        row = [Seg("总分∑R×W"), Seg("—")]
        for k in range(n):
            row += [Seg(""), Seg(str(fs.totals[k]), key=f"focus.total.{k}", role="sum")]
        body.append(row)
        order = sorted(range(n), key=lambda k: -fs.totals[k])
        row = [Seg("排序"), Seg("—")]
        for k in range(n):
            row += [Seg(""), Seg(str(order.index(k) + 1))]
        body.append(row)
        r.table("权重总和计分排序表", [top, bottom], body, merges, tid="focus_score", small=True)
    else:
        header = [["备选审核重点"] + [f"{c}（W={w}）" for c, w in fs.criteria] + ["总分"]]
        body = []
        for k, c in enumerate(fs.candidates):
            body.append([Seg(c)] + [Seg(str(fs.scores[k][j]), key=f"focus.score.{k}.{j}") for j in range(len(fs.criteria))] +
                        [Seg(str(fs.totals[k]), key=f"focus.total.{k}", role="sum")])
        r.table("审核重点权重总和计分表", header, body, tid="focus_score",
                note_below="注：表中数值为评分R（1～10分），总分=∑（权重W×评分R）。")
    r.P(r.pick(["由上表可知，", "根据计分结果，"]), Seg(fs.candidates[fs.chosen], key="focus.name"), "得分最高（",
        Seg(str(fs.totals[fs.chosen]), key=f"focus.total.{fs.chosen}"), "分），", r.pick(["确定其为本轮清洁生产审核重点。", "因此将其确定为本轮审核重点。"]),
        sid="ch2.focus")


def _targets_section(r: Renderer) -> None:
    f = r.f
    r.section(r.pick(["设置清洁生产目标", "清洁生产目标", "确定清洁生产目标"]))
    r.P(r.pick(["根据审核重点的清洁生产潜力，结合企业实际和行业先进水平，",
                "依据“定量化、可操作、有激励作用”的原则，"]),
        f"以{f.base_year}年为基准年，", r.pick(["设置本轮清洁生产目标如下。", "制定了近期和中远期清洁生产目标。"]))
    header = [["序号", "指标名称", "单位", f"现状值（{f.base_year}年）", "近期目标值", "近期削减/提高幅度（%）", "完成时限", "中远期目标值"]]
    body = []
    for k, t in enumerate(f.targets, 1):
        base = r.N(f"tgt.{t.key}.base", t.base, t.decimals)
        if t.target is None:
            tv, tp, dl = Seg(t.qualitative or "进一步降低", key=f"tgt.{t.key}.qual"), Seg("—"), Seg(t.deadline or "—")
        else:
            tv = r.N(f"tgt.{t.key}.target", t.target, t.decimals)
            tp = r.N(f"tgt.{t.key}.pct", t.pct, 2 if t.pct % 1 else 1)
            dl = Seg(t.deadline)
        lt = r.N(f"tgt.{t.key}.long", t.long_target, t.decimals) if t.long_target is not None and t.target is not None else Seg("—")
        body.append([Seg(str(k)), Seg(t.name), Seg(t.unit), base, tv, tp, dl, lt])
    r.table("清洁生产目标一览表", header, body, tid="targets")


# ---------------------------------------------------------------------------------------------
# chapter 3
# ---------------------------------------------------------------------------------------------


def ch3(r: Renderer) -> None:
    f, s = r.f, r.s
    r.chapter("ch3", s.phase_audit)
    focus = f.focus.candidates[f.focus.chosen]
    r.section(r.pick(["审核重点概况", "审核重点基本情况", "准备审核重点资料"]))
    r.P(r.pick([f"本轮审核重点为{focus}。", f"审核重点{focus}是公司的核心生产单元。"]),
        r.pick(["审核小组收集了审核重点的工艺资料、设备资料和近期生产记录，", "审核小组对审核重点的工艺流程进行了细化，"]),
        "编制了单元操作工艺流程，主要单元操作包括：", "、".join(r.ind.process[:8]), "等。")
    r.section(r.pick(["输入输出物流的测定", "实测输入输出物流", "物流实测"]))
    r.P(r.pick(["为建立审核重点的物料平衡和水平衡，审核小组制定了实测方案，", "按照实测准备、实测、汇总的步骤，"]),
        f"于{f.mb.period}对审核重点输入、输出物流进行了连续实测，", r.pick([
            "测定期间生产工况稳定，负荷达到设计能力的75%以上。", "实测期间生产正常，实测数据具有代表性。"]))
    rows = []
    pts = ["原料入口", "各工序出口", "废水总排口", "回收槽", "车间总进水管", "废气排放口"]
    for k, pt in enumerate(pts[: r.rng.randint(4, 6)], 1):
        rows.append([str(k), pt, r.pick(["流量、浓度", "重量", "流量", "物料量"]), r.pick(["每班1次", "连续3天，每天3次", "每2小时1次"]),
                     r.pick(["电子秤称量", "超声波流量计", "水表计量", "委托检测单位采样分析"])])
    r.table("实测点位及测定方法", [["序号", "测定点位", "测定项目", "频次", "测定方法/仪器"]], rows, tid="measure_plan")
    if "mb" not in f.omit:
        _balance_section(r, f.mb, r.pick(["物料平衡", "建立物料平衡", "物料平衡分析"]), "mb")
    if "eb" not in f.omit:
        _balance_section(r, f.eb, f"{f.eb.element}平衡" if "平衡" not in f.eb.title else f.eb.title.replace("平衡", "平衡分析")
                         if r.rng.random() < 0.3 else f.eb.title, "eb")
    if "wb" not in f.omit:
        _water_balance_section(r)
    if "enb" not in f.omit:
        _energy_balance_section(r)
    r.section(r.pick(["废弃物产生原因分析", "能耗、物耗及废物产生原因分析", "分析废弃物产生原因"]))
    if "generic_causes" in f.notes:
        for text in f.notes["generic_causes"]:
            r.P(text, sid="generic")
    else:
        r.P(r.pick(["根据物料平衡和水平衡结果，审核小组从八个方面对审核重点废弃物产生原因进行了分析，结果见下表。",
                    "结合实测和平衡分析结果，从原辅材料和能源、技术工艺、设备、过程控制、产品、废弃物、管理和员工八个方面分析原因。"]))
        rows = _cause_rows(r, focus)
        r.table("废弃物产生原因分析", [["影响因素", "原因分析", "对应方案"]], rows, tid="causes")
    r.section(r.pick(["提出和实施无/低费方案", f"{s.phase_audit}阶段无/低费方案"]))
    aud = [o for o in f.options if o.cls == "low" and o.source == "审核阶段"]
    r.P(f"针对上述原因，{s.phase_audit}阶段又提出无/低费方案{len(aud)}项，", "、".join(o.name for o in aud[:3]) or "加强计量管理",
        "等方案已于当期实施。")


def _cause_rows(r: Renderer, focus: str) -> list[list[str]]:
    f = r.f
    raw0, raw1 = f.raws[0].name, f.raws[1].name
    rows = [
        ["原辅材料和能源", f"{raw0}、{raw1}投加依赖人工经验，计量不准确；部分设备能效偏低", "定额领用、加装计量"],
        ["技术工艺", f"{focus}部分工序工艺参数不够优化，清洗方式用水量大", "工艺优化改造"],
        ["设备", "部分设备老化，存在跑冒滴漏；空压机、水泵等为工频运行", "设备更新、变频改造"],
        ["过程控制", "温度、流量等关键参数缺少在线监控和自动调节", "增设自动控制"],
        ["产品", "产品一次合格率有提升空间，返工增加物耗能耗", "加强质量控制"],
        ["废弃物", "部分可回收物料未回收利用，冷却水、冷凝水直接排放", "回收利用"],
        ["管理", "能源、水计量器具配备不足，考核制度不完善", "完善计量和考核"],
        ["员工", "部分员工清洁生产意识不强，操作不规范", "加强培训与激励"],
    ]
    return rows


def _balance_section(r: Renderer, b, title: str, key: str) -> None:
    r.section(title)
    unit = b.unit
    period_text = r.pick(["实测期间日均值", "测试期间平均日数据"])
    dec = b.decimals
    if b.kind == "element":
        r.P(f"为掌握{b.element}在审核重点中的流向，审核小组在实测基础上建立了{b.title}。",
            r.pick(["各物料中元素含量按原料检验报告及化学计量折算。", "输入物料含量按产品规格及理论组成计算。"]))
    else:
        r.P(r.pick([f"根据实测数据（{b.period}），建立审核重点{b.title}，", f"依据{b.period}的实测结果，编制{b.title}，"]),
            f"数据为{period_text}。")
    has_content = any(x.content is not None for x in b.inputs)
    body = []
    if has_content:
        header = [["类别", "项目", f"物料量（{unit}/d）", "含量（%）", f"折纯量（{unit}/d）"]]
        for k, x in enumerate(b.inputs):
            body.append([Seg("输入" if k == 0 else ""), Seg(x.name), r.N(f"{key}.in.{k}.qty", x.qty, dec, role="calc"),
                         Seg(f"{x.content:g}" if x.content is not None else "—"), r.N(f"{key}.in.{k}", x.pure, dec, role="item")])
        body.append([Seg(""), Seg("输入合计"), Seg(""), Seg(""), r.N(f"{key}.in.total", b.in_total, dec, role="sum")])
        for k, x in enumerate(b.outputs):
            body.append([Seg("输出" if k == 0 else ""), Seg(x.name), Seg("—"), Seg("—"), r.N(f"{key}.out.{k}", x.pure, dec, role="item")])
        body.append([Seg(""), Seg("输出合计"), Seg(""), Seg(""), r.N(f"{key}.out.total", b.out_total, dec, role="sum")])
    else:
        header = [["类别", "项目", f"数量（{unit}/d）", "占输入比例（%）"]]
        for k, x in enumerate(b.inputs):
            body.append([Seg("输入" if k == 0 else ""), Seg(x.name), r.N(f"{key}.in.{k}", x.pure, dec, role="item"),
                         Seg(f"{x.pure / b.in_total * 100:.2f}")])
        body.append([Seg(""), Seg("输入合计"), r.N(f"{key}.in.total", b.in_total, dec, role="sum"), Seg("100.00")])
        for k, x in enumerate(b.outputs):
            body.append([Seg("输出" if k == 0 else ""), Seg(x.name), r.N(f"{key}.out.{k}", x.pure, dec, role="item"),
                         Seg(f"{x.pure / b.in_total * 100:.2f}")])
        body.append([Seg(""), Seg("输出合计"), r.N(f"{key}.out.total", b.out_total, dec, role="sum"),
                     Seg(f"{b.out_total / b.in_total * 100:.2f}")])
    if r.rng.random() < 0.4:
        pad = [Seg("")] * (len(header[0]) - 3)
        body.append([Seg("平衡"), Seg("差值（输入−输出）"), *pad, r.N(f"{key}.diff", b.diff, dec)])
        body.append([Seg(""), Seg("相对误差（%）"), *pad, r.N(f"{key}.pct", b.diff_pct, 2)])
    r.table(b.title + ("表" if not b.title.endswith("表") else ""), header, body, tid=key)
    diff = r.N(f"{key}.diff", b.diff, dec)
    pct = r.N(f"{key}.pct", b.diff_pct, 2)
    r.P(r.pick(["由平衡表可知，", "平衡结果表明，"]), "输入合计", r.N(f"{key}.in.total", b.in_total, dec), f"{unit}/d，输出合计",
        r.N(f"{key}.out.total", b.out_total, dec), f"{unit}/d，", r.pick(["差值", "平衡差"]), diff, f"{unit}/d，",
        r.pick(["相对误差", "平衡误差率"]), pct, "%，", r.pick([f"在±{b.tolerance_pct:g}%的允许范围内，平衡结果可信。",
                                                             f"小于{b.tolerance_pct:g}%，满足平衡要求。",
                                                             "误差在允许范围内，物料基本平衡。"]), sid=f"{key}.summary")
    if b.kind == "element":
        util = b.outputs[0].pure / b.in_total * 100
        r.P(f"{b.outputs[0].name}占输入量的{util:.2f}%，", r.pick(["其余主要进入", "损失主要去向为"]),
            "、".join(x.name for x in b.outputs[1:3]), "，", r.pick(["应通过加强回收减少损失。", "这是下一步方案的重点。"]))


def _water_balance_section(r: Renderer) -> None:
    f = r.f
    wb = f.wb
    r.section(r.pick(["水平衡", "水平衡测试与分析", "建立水平衡"]))
    r.P(r.pick([f"审核小组依据{f.citations.water_std}，", "按照水平衡测试的方法，"]),
        f"于{wb.period}对全厂各用水单元进行了水平衡测试，", r.pick(["测试结果（日均值）见下表。", "各用水单元水量见下表。"]))
    header = [["序号", "用水单元", "新水量", "重复利用水量", "总用水量", "耗水量", "排水量", "漏失水量"]]
    note = "单位：m³/d"
    body = []
    for k, u in enumerate(wb.units):
        body.append([Seg(str(k + 1)), Seg(u.name), r.N(f"wb.{k}.fresh", u.fresh, 1, role="item"),
                     r.N(f"wb.{k}.reuse", u.reuse, 1, role="item"), r.N(f"wb.{k}.total", u.total, 1, role="item"),
                     r.N(f"wb.{k}.consumed", u.consumed, 1, role="item"), r.N(f"wb.{k}.discharged", u.discharged, 1, role="item"),
                     r.N(f"wb.{k}.leak", u.leak, 1, role="item")])
    body.append([Seg(""), Seg("合计"), r.N("wb.fresh", wb.fresh, 1, role="sum"), r.N("wb.reuse", wb.reuse, 1, role="sum"),
                 r.N("wb.total", wb.total, 1, role="sum"), r.N("wb.consumed", wb.consumed, 1, role="sum"),
                 r.N("wb.discharged", wb.discharged, 1, role="sum"), r.N("wb.leak", wb.leak, 1, role="sum")])
    r.table("水平衡测试结果", header, body, note_above=note, tid="wb")
    r.P(r.pick(["测试期间全厂日均新水量", "全厂日新水量"]), r.N("wb.fresh", wb.fresh, 1), "m³/d，重复利用水量", r.N("wb.reuse", wb.reuse, 1),
        "m³/d，总用水量", r.N("wb.total", wb.total, 1), "m³/d，", r.pick(["水重复利用率", "重复利用率"]),
        r.N("wb.rate", wb.reuse_rate, 2), "%。", r.pick(["（重复利用率=重复利用水量/总用水量×100%）", ""]), sid="wb.summary")


def _energy_balance_section(r: Renderer) -> None:
    f = r.f
    enb = f.enb
    r.section(r.pick(["能量平衡", "能源平衡分析", "能量平衡分析"]))
    r.P(r.pick([f"参照{f.citations.energy_std}，", "按照企业能量平衡的方法，"]),
        f"以{enb.year}年统计数据为基础，对全厂能源输入、有效利用和损失进行了平衡分析。")
    body = []
    for k, (nm, v) in enumerate(enb.supply):
        body.append([Seg("能源输入" if k == 0 else ""), Seg(nm), r.N(f"enb.in.{k}", v, 2, role="item")])
    body.append([Seg(""), Seg("输入合计"), r.N(f"en.total.{enb.year}", enb.total, 2, role="sum")])
    for k, (nm, v) in enumerate(enb.uses):
        body.append([Seg("有效利用" if k == 0 else ""), Seg(nm), r.N(f"enb.use.{k}", v, 2, role="item")])
    for k, (nm, v) in enumerate(enb.losses):
        body.append([Seg("损失" if k == 0 else ""), Seg(nm), r.N(f"enb.loss.{k}", v, 2, role="item")])
    body.append([Seg(""), Seg("输出合计"), r.N("enb.out.total", enb.effective + enb.loss_total, 2, role="sum")])
    r.table("能量平衡表", [["类别", "项目", "折标准煤（tce）"]], body, tid="enb")
    r.P("全厂有效利用能量", r.N("enb.effective", enb.effective, 2), "tce，能源利用率", r.N("enb.util", enb.utilization, 2), "%，",
        r.pick(["损失主要为输配损失和设备散热损失。", "能源利用水平尚可，设备散热和排烟损失仍有回收潜力。"]), sid="enb.summary")


# ---------------------------------------------------------------------------------------------
# chapter 4
# ---------------------------------------------------------------------------------------------


def ch4(r: Renderer) -> None:
    f, s = r.f, r.s
    r.chapter("ch4", r.pick(["方案产生和筛选", "方案的产生和筛选", "清洁生产方案的产生与筛选"]))
    r.section(r.pick(["方案的产生", "方案产生", "清洁生产方案的征集"]))
    r.P(r.pick(["审核小组通过广泛宣传发动、专家咨询、同行业类比和平衡分析结果，",
                "方案来源主要包括：员工合理化建议、审核小组分析、咨询专家建议及同行业先进经验，"]),
        r.pick(["从原辅材料和能源、技术工艺、设备、过程控制、产品、废弃物、管理和员工八个方面征集清洁生产方案。",
                "共征集各类方案建议50余条，经归纳整理形成清洁生产方案。"]))
    r.section(r.pick(["方案汇总", "方案分类汇总", "清洁生产方案汇总"]))
    t = f.totals
    r.P("本轮审核共产生清洁生产方案", r.N("tot.all.count", t["all.count"], 0), "项，其中无/低费方案",
        r.N("tot.low.count", t["low.count"], 0), "项，中/高费方案", r.N("tot.high.count", t["high.count"], 0), "项，汇总见下表。", sid="ch4.count")
    header = [["编号", "方案名称", "方案类型", "方案简介", "费用类别", "预计投资（万元）"]]
    body = []
    for o in f.options:
        body.append([Seg(r.opt_label(o)), Seg(o.name, key=f"opt.{o.id}.name"), Seg(o.aspect), Seg(o.desc),
                     Seg("无/低费" if o.cls == "low" else "中/高费"), r.q_money(f"opt.{o.id}.invest", o.invest)])
    r.table("清洁生产方案汇总表", header, body, tid="options", small=True)
    r.section(r.pick(["方案筛选", "方案的筛选", "中/高费方案筛选"]))
    highs = [o for o in f.options if o.cls == "high"]
    r.P(r.pick(["对中/高费方案采用权重总和计分排序法进行筛选，", "审核小组从环境效果、经济效益、技术可行性和实施难易程度等方面对中/高费方案进行了评分，"]),
        "结果见下表。")
    crit = [("环境效果", 10), ("经济可行性", 8), ("技术可行性", 8), ("可实施性", 6)]
    header = [["方案"] + [f"{c}（W={w}）" for c, w in crit] + ["总分", "排序"]]
    scores = [[r.rng.randint(6, 10) for _ in crit] for _ in highs]
    totals = [sum(w * sc for (_, w), sc in zip(crit, row)) for row in scores]
    order = sorted(range(len(highs)), key=lambda k: -totals[k])
    body = [[Seg(f"{r.opt_label(o)} {o.name}")] + [Seg(str(x)) for x in scores[k]] + [Seg(str(totals[k]), role="sum"),
                                                                                   Seg(str(order.index(k) + 1))]
            for k, o in enumerate(highs)]
    r.table("中/高费方案权重总和计分排序", header, body, tid="screening")
    r.section(r.pick(["无/低费方案实施效果", "核定并汇总无/低费方案实施效果", "无/低费方案实施效果汇总"]))
    lows = [o for o in f.options if o.cls == "low"]
    mu = s.money_low
    header = [["编号", "方案名称", f"投资（{mu}）", f"经济效益（{mu}/a）", "环境效益", "实施时间"]]
    body = []
    for o in lows:
        env = r.savings_text(o) or ["提高管理水平"]
        cell = Seg("".join(x.text if isinstance(x, Seg) else str(x) for x in env))
        if len(o.savings) == 1:
            cell.key = f"opt.{o.id}.envtext"
        body.append([Seg(r.opt_label(o)), Seg(o.name), r.q_money(f"opt.{o.id}.invest", o.invest, mu, role="item"),
                     r.q_money(f"opt.{o.id}.benefit", o.benefit, mu, role="item"), cell, Seg(o.done)])
    body.append([Seg(""), Seg("合计"), r.q_money("tot.low.invest", t["low.invest"], mu, role="sum"),
                 r.q_money("tot.low.benefit", t["low.benefit"], mu, role="sum"), Seg("—"), Seg("—")])
    r.table("无/低费方案实施效果汇总表", header, body, tid="low_results", small=True)
    r.P(f"{len(lows)}项无/低费方案", r.pick(["共投资", "累计投入资金"]), r.q_money("tot.low.invest", t["low.invest"], mu), mu, "，",
        r.pick(["取得经济效益", "年经济效益"]), r.q_money("tot.low.benefit", t["low.benefit"], mu), f"{mu}/a。", sid="ch4.low_total")
    r.section(r.pick(["编写中期审核报告", "中期审核报告"]))
    r.P(r.pick(["在方案产生和筛选工作完成后，审核小组编写了中期审核报告，对前四个阶段的工作进行了总结，",
                "前期工作完成后，审核小组对筹划和组织至方案产生和筛选阶段的工作进行了总结，编制中期审核报告，"]),
        "并提交公司领导审阅。")


# ---------------------------------------------------------------------------------------------
# chapter 5
# ---------------------------------------------------------------------------------------------


def ch5(r: Renderer) -> None:
    f = r.f
    r.chapter("ch5", r.pick(["可行性分析", "中/高费方案可行性分析", "方案的可行性分析"]))
    highs = [o for o in f.options if o.cls == "high"]
    r.P(r.pick([f"对筛选出的{len(highs)}项中/高费方案，分别从技术、环境和经济三方面进行可行性分析。",
                f"本章对{len(highs)}项中/高费方案进行技术评估、环境评估和经济评估。"]),
        "经济评估采用投资偿还期、净现值和内部收益率等指标，", f"贴现率取{f.econ_rate:g}%，", f"项目寿命期（折旧期）取{f.econ_life}年，",
        "所得税率25%。", sid="ch5.params")
    r.section(r.pick(["市场调查", "市场调研"]))
    r.P(r.pick(["经调查，各方案所需设备和技术在国内已有成熟应用，供货及售后服务有保障，", "各方案涉及的技术和设备均为国内成熟产品，市场供应充足，"]),
        "方案实施不影响产品质量和市场销售。")
    for o in highs:
        r.section(f"{r.opt_label(o)} {o.name}")
        r.subsection("方案简介及技术评估")
        r.P(o.desc, r.pick(["该技术在同行业已有应用实例，技术成熟可靠，", "方案技术成熟，运行稳定，"]),
            r.pick(["与现有生产工艺衔接良好。", "不影响现有生产，操作维护简便。"]))
        r.subsection("环境评估")
        parts = r.savings_text(o)
        extra = []
        if "tce" in o.env:
            extra += ["，折合标准煤", r.N(f"opt.{o.id}.env.tce", o.env["tce"], 2), "t/a"]
        if "co2" in o.env:
            extra += [f"，按{f.grid_factor[0]} kgCO₂/kWh计可减少二氧化碳排放", r.N(f"opt.{o.id}.env.co2", o.env["co2"], 2), "t/a"]
        if "cod" in o.env and o.env["cod"] >= 0.001:
            extra += ["，减少化学需氧量排放", r.N(f"opt.{o.id}.env.cod", o.env["cod"], 3), "t/a"]
        r.P(r.pick(["方案实施后，预计", "方案实施后可"]), *parts, *extra, "，", r.pick(["具有明显的环境效益。", "环境效益显著。"]), sid=f"ch5.env.{o.id}")
        r.subsection("经济评估")
        _econ_table(r, o)
        e = o.econ
        verdict = "经济上可行" if e.verdict_feasible else "经济上不可行"
        r.P(r.pick(["计算结果表明，", "由上表可知，"]), "该方案投资偿还期", r.N(f"opt.{o.id}.econ.N", e.payback, 2), "年，净现值",
            r.N(f"opt.{o.id}.econ.NPV", e.npv, 2), "万元，内部收益率", r.N(f"opt.{o.id}.econ.IRR", e.irr, 2), "%，",
            Seg(r.pick([f"方案{verdict}。", f"{verdict}，建议实施。" if e.verdict_feasible else f"{verdict}。"]), key=f"opt.{o.id}.verdict"),
            sid=f"ch5.verdict.{o.id}")
    r.section(r.pick(["推荐可实施方案", "可行性分析结果汇总", "确定实施方案"]))
    use_p = r.rng.random() < 0.5
    header = [["编号", "方案名称", "投资（万元）", r.pick(["年经济效益P（万元）", "年运行费用节省P（万元）"]) if use_p else
               r.pick(["年增加现金流量F（万元）", "年净现金流量F（万元）"]), "投资偿还期（a）", "净现值（万元）", "内部收益率（%）", "结论"]]
    body = []
    for o in highs:
        e = o.econ
        pf = r.N(f"opt.{o.id}.econ.P", e.saving, 2) if use_p else r.N(f"opt.{o.id}.econ.F", e.cash_flow, 2)
        body.append([Seg(r.opt_label(o)), Seg(o.name), r.q_money(f"opt.{o.id}.invest", o.invest), pf,
                     r.N(f"opt.{o.id}.econ.N", e.payback, 2), r.N(f"opt.{o.id}.econ.NPV", e.npv, 2),
                     r.N(f"opt.{o.id}.econ.IRR", e.irr, 2), Seg("可行" if e.verdict_feasible else "不可行", key=f"opt.{o.id}.verdict_cell")])
    r.table("中/高费方案可行性分析结果汇总", header, body, tid="econ_summary")


def _econ_table(r: Renderer, o: Option) -> None:
    e = o.econ
    i = o.id
    rows = [
        ("总投资费用（I）", "万元", r.q_money(f"opt.{i}.invest", o.invest, role="calc")),
        ("年运行费用总节省金额（P）", "万元/a", r.N(f"opt.{i}.econ.P", e.saving, 2, role="calc")),
        ("年折旧费（D=I/n）", "万元/a", r.N(f"opt.{i}.econ.D", e.depreciation, 2, role="calc")),
        ("应税利润（T=P−D）", "万元/a", r.N(f"opt.{i}.econ.E", e.taxable, 2, role="calc")),
        ("所得税（25%）", "万元/a", r.N(f"opt.{i}.econ.tax", e.tax, 2, role="calc")),
        ("净利润", "万元/a", r.N(f"opt.{i}.econ.net", e.net_profit, 2, role="calc")),
        ("年增加现金流量（F）", "万元/a", r.N(f"opt.{i}.econ.F", e.cash_flow, 2, role="calc")),
        ("投资偿还期（N=I/F）", "a", r.N(f"opt.{i}.econ.N", e.payback, 2, role="calc")),
        (f"净现值（NPV，i={e.rate:g}%，n={e.life}）", "万元", r.N(f"opt.{i}.econ.NPV", e.npv, 2, role="calc")),
        ("内部收益率（IRR）", "%", r.N(f"opt.{i}.econ.IRR", e.irr, 2, role="calc")),
    ]
    if r.s.econ_transposed:
        header = [[f"{name}（{u}）" for name, u, _ in rows]]
        body = [[seg for _, _, seg in rows]]
        r.table(f"{o.name}经济评估", header, body, tid=f"econ.{i}", small=True)
    else:
        body = [[Seg(str(k + 1)), Seg(name), Seg(u), seg] for k, (name, u, seg) in enumerate(rows)]
        r.table(f"{o.name}经济评估指标", [["序号", "项目", "单位", "数值"]], body, tid=f"econ.{i}")


# ---------------------------------------------------------------------------------------------
# chapter 6
# ---------------------------------------------------------------------------------------------


def ch6(r: Renderer) -> None:
    f = r.f
    t = f.totals
    r.chapter("ch6", r.pick(["方案实施", "方案的实施", "清洁生产方案实施及效果"]))
    r.section(r.pick(["方案实施情况", "组织实施", "方案实施进度"]))
    impl_low = sum(1 for o in f.options if o.cls == "low" and o.status == "已实施")
    impl_high = sum(1 for o in f.options if o.cls == "high" and o.status == "已实施")
    r.P(r.pick(["截至报告编制时，", "截至目前，"]), f"无/低费方案已实施{impl_low}项，中/高费方案已实施{impl_high}项，",
        r.pick(["其余方案正在实施或列入下一步计划。", "未实施方案已纳入持续清洁生产计划。"]))
    header = [["编号", "方案名称", "费用类别", "投资（万元）", "实施状态", "完成时间"]]
    body = [[Seg(r.opt_label(o)), Seg(o.name), Seg("无/低费" if o.cls == "low" else "中/高费"), r.q_money(f"opt.{o.id}.invest", o.invest),
             Seg(o.status), Seg(o.done if o.status == "已实施" else "—")] for o in f.options if o.cls == "high"]
    r.table("中/高费方案实施情况", header, body, tid="impl_status")
    r.section(r.pick(["中/高费方案实施效果", "验证中/高费方案实施效果", "已实施中/高费方案效果"]))
    y = f.base_year
    done = [o for o in f.options if o.cls == "high" and o.status == "已实施"]
    r.P(r.pick(["已实施中/高费方案经连续运行考核，根据分项计量和监测数据核定的实施效果如下。",
                "各中/高费方案投运后，审核小组根据计量台账和监测报告对实施效果进行了核定，结果见下表。"]))
    body = []
    for o in done:
        parts = r.savings_text(o)
        body.append([Seg(r.opt_label(o)), Seg(o.name), Seg(o.done), parts, r.q_money(f"opt.{o.id}.benefit", o.benefit, role="item"),
                     Seg("达到预期" if r.rng.random() < 0.8 else "基本达到预期")])
    rows = []
    for row in body:
        cells = []
        for c in row:
            if isinstance(c, list):
                cells.append(Seg("".join(x.text if isinstance(x, Seg) else str(x) for x in c)))
            else:
                cells.append(c)
        rows.append(cells)
    r.table("已实施中/高费方案实施效果", [["编号", "方案名称", "投运时间", "实际节约量", "年经济效益（万元）", "评价"]], rows,
            tid="high_results")
    r.section(r.pick(["清洁生产目标完成情况", "审核目标完成情况", "目标实现情况"]))
    if "targets" in f.omit:
        r.P("本轮审核各方案实施后，企业能耗、水耗和污染物排放均有所下降。")
    else:
        r.P(r.pick(["通过方案实施，本轮审核设定的清洁生产目标完成情况见下表。", "对照预审核阶段设置的清洁生产目标，完成情况如下。"]))
        header = [["序号", "指标", "单位", f"基准值（{y}年）", "目标值", "实施后实际值", "较基准年变化（%）", "完成情况"]]
        body = []
        for k, tg in enumerate(f.targets, 1):
            tv = r.N(f"tgt.{tg.key}.target", tg.target, tg.decimals) if tg.target is not None else Seg(tg.qualitative or "进一步降低",
                                                                                                      key=f"tgt.{tg.key}.qual")
            body.append([Seg(str(k)), Seg(tg.name), Seg(tg.unit), r.N(f"tgt.{tg.key}.base", tg.base, tg.decimals, role="calc"), tv,
                         r.N(f"tgt.{tg.key}.achieved", tg.achieved, tg.decimals, role="calc"),
                         r.N(f"tgt.{tg.key}.achieved_pct", tg.achieved_pct, 2, role="calc"),
                         Seg("已完成" if tg.claimed_met else "未完成", key=f"tgt.{tg.key}.status")])
        r.table("清洁生产目标完成情况", header, body, tid="target_attainment")
        met = all(tg.claimed_met for tg in f.targets)
        r.P(r.pick(["由上表可见，", "结果表明，"]), "本轮审核设定的近期清洁生产目标" + ("已全部完成。" if met else "大部分完成，"),
            "" if met else "未完成的目标已分析原因并纳入持续清洁生产计划。", sid="ch6.targets")
    r.section(r.pick(["方案实施前后效果对比", "审核前后企业主要指标对比", "汇总已实施方案成果"]))
    if f.impl:
        _impl_table(r)
    r.section(r.pick(["方案实施对企业的影响", "分析总结方案实施对企业的影响", "实施效果总结"]))
    r.P(r.pick(["本轮审核提出的各项方案总投资", "本轮清洁生产方案计划总投资"]), r.q_money("tot.all.invest", t["all.invest"]), "万元，",
        r.pick(["年经济效益", "年可获经济效益"]), r.q_money("tot.all.benefit", t["all.benefit"]), "万元。", sid="ch6.totals")
    env = _env_summary(r, "ch6")
    if env:
        r.P(r.pick(["在环境效益方面，", "环境效益：", ""]), *env, sid="ch6.env")
    if t.get("env.co2"):
        r.P(f"（二氧化碳减排量按{f.grid_factor[1]}年全国电力平均二氧化碳排放因子{f.grid_factor[0]} kgCO₂/kWh计算，仅计节电部分。）",
            style="note")
    a = f.assessment
    if a is not None:
        r.P(r.pick(["方案实施后，公司主要清洁生产指标进一步改善，", "通过本轮审核，"]),
            "清洁生产水平", Seg(f"达到{LEVEL_NAMES[a.claimed]}" if a.claimed else "仍未达到III级水平", key="lvl.claim"),
            r.pick(["，并向更高水平迈进。", "。"]), sid="ch6.level")


def _impl_table(r: Renderer) -> None:
    f, s = r.f, r.s
    y = f.base_year
    cols = []
    for row in f.impl:
        k = f"impl.{row.key}"
        if row.key == "electricity":
            dec, scale, unit = (2, 1e4, "万kWh") if s.elec_unit == "万kWh" else (0, 1, "kWh")
        elif row.key == "natural_gas":
            dec, scale, unit = (2, 1e4, "万m³") if s.gas_unit == "万m³" else (0, 1, "m³")
        elif row.key == "water":
            dec, scale, unit = (0, 1, "m³" if s.water_unit == "万m³" else s.water_unit)
        elif row.key == "cod":
            dec, scale, unit = 4, 1, "t"
        elif row.key == "raw0":
            dec, scale, unit = max(_decimals_for([row.before, row.after]), 1), 1, "t"
        elif row.key in ("steam", "coal"):
            dec, scale, unit = 0, 1, "t"
        else:
            dec, scale, unit = 2, 1, row.unit
        cols.append((row.name, unit, r.N(f"{k}.before", row.before, dec, scale, role="calc"), r.N(f"{k}.after", row.after, dec, scale, role="calc"),
                     r.N(f"{k}.red", row.reduction, dec, scale, role="calc"), r.N(f"{k}.pct", row.pct, 2, role="calc")))
    if s.impl_transposed:
        header = [["项目"] + [f"{n}（{u}）" for n, u, *_ in cols]]
        body = [[Seg(f"实施前（{y}年）")] + [c[2] for c in cols], [Seg("实施后")] + [c[3] for c in cols],
                [Seg("削减量")] + [c[4] for c in cols], [Seg("削减率（%）")] + [c[5] for c in cols]]
    else:
        header = [["指标", "单位", f"实施前（{y}年）", "实施后", "削减量", "削减率（%）"]]
        body = [[Seg(n), Seg(u), b, a, red, pct] for n, u, b, a, red, pct in cols]
    r.P(r.pick(["以基准年产量为基础，将实施后各项消耗和排放折算为全年数据，与实施前对比如下。",
                "方案实施前后全厂主要消耗及排放指标对比见下表（实施后数据按实施后月均值折算全年）。"]))
    r.table("方案实施前后主要指标对比", header, body, tid="impl")


# ---------------------------------------------------------------------------------------------
# chapter 7, conclusion, appendix
# ---------------------------------------------------------------------------------------------


def ch7(r: Renderer) -> None:
    f = r.f
    r.chapter("ch7", r.pick(["持续清洁生产", "持续清洁生产计划"]))
    r.section(r.pick(["建立和完善清洁生产组织", "清洁生产组织机构"]))
    r.P(r.pick(["本轮审核结束后，公司将审核小组转为常设的清洁生产领导小组，", "为巩固审核成果，公司在安环部设立清洁生产办公室，"]),
        r.pick(["负责组织协调持续清洁生产工作，制定年度计划并监督实施。", "配备专人负责日常清洁生产管理、方案征集和效果跟踪。"]))
    r.section(r.pick(["建立和完善清洁生产管理制度", "清洁生产管理制度"]))
    r.P(r.pick(["公司将清洁生产审核成果纳入日常管理，修订完善了", "公司建立健全了"]),
        "《能源计量管理制度》《用水管理考核办法》《清洁生产奖励办法》等制度，", r.pick(["把节能降耗指标分解到车间和班组。", "实行月度考核、年度评比。"]))
    r.section(r.pick(["持续清洁生产计划", "下一步工作计划"]))
    rows = []
    R = f.report_year
    items = ["继续实施未完成的中/高费方案", "开展下一轮清洁生产审核准备", "完善能源在线监测系统", "开展清洁生产知识再培训",
             "对已实施方案效果进行跟踪评估", "研究中水回用扩容方案"]
    for k, it in enumerate(r.rng.sample(items, r.rng.randint(4, 6)), 1):
        m = f.report_month + r.rng.randint(1, 14)
        rows.append([str(k), it, f"{R + (m - 1) // 12}年{(m - 1) % 12 + 1}月", r.pick(["清洁生产办公室", "生产部", "设备部", "安环部"])])
    r.table("持续清洁生产计划表", [["序号", "工作内容", "计划完成时间", "负责部门"]], rows, tid="cont_plan")


def conclusion(r: Renderer) -> None:
    f, s = r.f, r.s
    t = f.totals
    r.unnumbered("conclusion", s.conclusion_title)
    r.P(r.pick(["通过本轮清洁生产审核，", "本轮审核历时约一年，"]), r.name_seg(), r.pick(["全面梳理了生产过程中的能耗、物耗和污染物产生情况，",
                                                                             "摸清了主要生产环节的资源能源消耗和污染物产生状况，"]),
        "确定", Seg(f.focus.candidates[f.focus.chosen], key="focus.name"), "为审核重点，", r.pick(["并设置了清洁生产目标。", "设定了近期和中远期目标。"]))
    r.P("（1）本轮审核共提出方案", r.N("tot.all.count", t["all.count"], 0), "项，其中无/低费方案", r.N("tot.low.count", t["low.count"], 0),
        "项、中/高费方案", r.N("tot.high.count", t["high.count"], 0), "项；", "总投资", r.q_money("tot.all.invest", t["all.invest"]), "万元，年经济效益",
        r.q_money("tot.all.benefit", t["all.benefit"]), "万元。", sid="concl.totals")
    env = _env_summary(r, "concl")
    if env:
        r.P("（2）", *env, sid="concl.env")
    if f.targets and "targets" not in f.omit:
        met = all(tg.claimed_met for tg in f.targets)
        r.P("（3）", "本轮审核设置的清洁生产目标" + ("全部完成" if met else "部分完成") + "。", sid="concl.targets")
    a = f.assessment
    if a is not None:
        r.P("（4）", r.pick(["对照", "依据"]), Seg(f.citations.indicator, key="cit.indicator"), "，公司清洁生产水平",
            Seg(f"达到{LEVEL_NAMES[a.claimed]}" if a.claimed else "未达到III级水平", key="lvl.claim"), "。", sid="concl.level")
    r.P(r.pick(["建议公司继续保持清洁生产工作机制，按计划实施剩余方案，适时开展新一轮清洁生产审核。",
                "今后公司将持续推进清洁生产，巩固审核成果，不断提高清洁生产水平。"]))


def appendix(r: Renderer) -> None:
    f, s = r.f, r.s
    r.unnumbered("appendix", r.pick(["附件", "附表", "附件及附表"]))
    r.P(r.pick(["附件1 营业执照（略）", "附件1 企业营业执照复印件（略）"]))
    r.P(r.pick(["附件2 排污许可证（略）", "附件2 排污许可证副本（略）"]))
    r.P(r.pick(["附件3 监测报告（略）", "附件3 方案实施前后监测报告（略）"]))
    months = range(1, 13)
    years = f.years if s.long else f.years[-1:]
    elec = f.carrier("electricity")
    for y in years:
        rows = []
        weights = [r.rng.uniform(0.85, 1.15) for _ in months]
        tot = sum(weights)
        prod_m = [f.output[y] * w / tot for w in weights]
        elec_m = [elec.qty[y] * w / tot for w in weights] if elec else [0] * 12
        water_m = [f.water[y] * w / tot for w in weights]
        for m, p, el, wa in zip(months, prod_m, elec_m, water_m):
            rows.append([f"{m}月", f"{p / r.product_unit()[1]:.{r.product_unit()[2] + 1}f}", f"{el:.0f}", f"{wa:.0f}"])
        r.table(f"{y}年逐月产量及水电消耗统计", [["月份", f"产量（{r.product_unit()[0]}）", "用电量（kWh）", "取水量（m³）"]], rows,
                tid=f"monthly.{y}", note_below="注：月度数据为生产统计台账原始记录，年度合计以统计年报为准。")
    if s.long:
        for y in f.years:
            for g in f.gases:
                rows = []
                for k in range(24):
                    m = k // 2 + 1
                    d = 5 if k % 2 == 0 else 20
                    for gp in g.pollutants:
                        v = gp.conc[y] * r.rng.uniform(0.7, 1.3)
                        rows.append([f"{y}-{m:02d}-{d:02d}", g.outlet, gp.name, f"{v:.2f}", f"{gp.limit:g}", "达标"])
                r.table(f"{y}年{g.outlet}排气筒自行监测数据", [["监测日期", "排放口", "监测因子", "浓度（mg/m³）", "限值（mg/m³）", "结论"]], rows,
                        tid=f"monitor.{y}.{g.outlet}", small=True)
            rows = []
            for k in range(52):
                for p in f.pollutants[:3]:
                    v = p.conc[y] * r.rng.uniform(0.6, 1.4)
                    rows.append([f"第{k + 1}周", p.name, f"{min(v, p.limit * 0.98):.{p.decimals}f}", f"{p.limit:g}"])
            r.table(f"{y}年废水总排口周监测数据", [["周次", "监测因子", "浓度（mg/L）", "限值（mg/L）"]], rows, tid=f"ww_monitor.{y}",
                    small=True)
        r.table("全厂设备清单", [["序号", "设备名称", "型号规格", "数量（台/套）", "所在工序"]], _equipment_rows(r, 240),
                tid="equipment_full", small=True)
        _daily_appendix(r)


def _daily_appendix(r: Renderer) -> None:
    """Daily ledgers and online-monitoring hours of the base year: what makes real reports 100+ pages."""
    import datetime as dt

    f = r.f
    y = f.base_year
    elec = f.carrier("electricity")
    day0 = dt.date(y, 1, 1)
    days = [day0 + dt.timedelta(days=k) for k in range(365)]
    w = [r.rng.uniform(0.8, 1.2) for _ in days]
    tot = sum(w)
    rows = []
    for d, x in zip(days, w):
        rows.append([d.strftime("%Y-%m-%d"), f"{(elec.qty[y] if elec else 0) * x / tot:.0f}", f"{f.water[y] * x / tot:.1f}",
                     f"{f.ww[y] * x / tot:.1f}", r.pick(["正常", "正常", "正常", "检修"])])
    r.table(f"{y}年逐日用电、用水及排水记录", [["日期", "用电量（kWh）", "取水量（m³）", "排水量（m³）", "生产状况"]], rows,
            tid=f"daily.{y}", small=True, note_below="注：逐日数据为计量台账记录，与年度统计可能存在抄表时间差。")
    pols = f.pollutants[:3]
    rows = []
    for d in days:
        rows.append([d.strftime("%Y-%m-%d")] + [f"{min(p.conc[y] * r.rng.uniform(0.6, 1.35), p.limit * 0.97):.{p.decimals}f}"
                                                for p in pols] + [f"{f.ww[y] / 365 * r.rng.uniform(0.8, 1.2):.1f}"])
    r.table(f"{y}年废水总排口在线监测日均值", [["日期"] + [f"{p.name}（mg/L）" for p in pols] + ["流量（m³/d）"]], rows,
            tid=f"online.{y}", small=True)
    g = f.gases[0]
    rows = []
    for k in range(31 * 24):
        d = dt.datetime(y, 10, 1) + dt.timedelta(hours=k)
        rows.append([d.strftime("%m-%d %H:00")] + [f"{gp.conc[y] * r.rng.uniform(0.5, 1.4):.2f}" for gp in g.pollutants] +
                    [f"{g.flow * r.rng.uniform(0.9, 1.1):.0f}"])
    r.table(f"{g.outlet}排气筒{y}年10月在线监测小时均值", [["时间"] + [f"{gp.name}（mg/m³）" for gp in g.pollutants] + ["风量（m³/h）"]],
            rows, tid=f"hourly.{y}", small=True)
