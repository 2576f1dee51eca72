"""Industry profiles: what a plant of each industry makes, consumes, emits and can improve.

Numbers are plausible orders of magnitude for Chinese small/medium plants, not statistics;
the fact model draws from these ranges and then computes everything else exactly. Indicator
tables are simplified renderings in the structure of the integrated 清洁生产评价指标体系
(I/II/III 基准值, class and indicator weights, 限定性指标 marked with *); the 电镀 rows for
water per rinse and metal utilisation follow the public table in shared/domain
(indicator_systems.md §3.1), the other thresholds are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ASPECTS = ("原辅材料和能源", "技术工艺", "设备", "过程控制", "产品", "废弃物", "管理", "员工")


@dataclass(frozen=True)
class Carrier:
    key: str
    name: str
    unit: str  # model unit
    coef: float  # kgce per model unit (GB/T 2589-2020 annex values as commonly reproduced)
    coef_unit: str
    price: float  # yuan per model unit
    step: float  # rounding granularity of annual quantities (model unit)


CARRIERS: dict[str, Carrier] = {
    "electricity": Carrier("electricity", "电力", "kWh", 0.1229, "kgce/kWh", 0.72, 100),
    "natural_gas": Carrier("natural_gas", "天然气", "m³", 1.2143, "kgce/m³", 3.6, 10),
    "steam": Carrier("steam", "蒸汽", "t", 128.6, "kgce/t", 230.0, 1),
    "coal": Carrier("coal", "原煤", "t", 714.3, "kgce/t", 850.0, 1),
    "diesel": Carrier("diesel", "柴油", "t", 1457.1, "kgce/t", 7800.0, 0.1),
}
# Superseded/other coefficients used by the UNI_OLD_COEF defect (no statement of 当量值/等价值).
OLD_ELECTRICITY_COEF = 0.404  # kgce/kWh, an old 等价值 figure still copied into reports
EQUIVALENT_ELECTRICITY_COEF = 0.3030  # 等价值 with a stated source year, used by some clean reports
GRID_CO2_2022 = 0.5366  # kgCO2/kWh, MEE+NBS 2022 national grid factor (domain.md §4.2)
WATER_PRICE = 4.2  # yuan per m³ including sewage fee


@dataclass(frozen=True)
class ProductSpec:
    name: str
    unit: str
    cap: tuple[float, float]
    step: float
    price: float  # yuan per unit (for 产值)
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class RawSpec:
    name: str
    intensity: tuple[float, float]  # t per product unit
    price: float  # yuan per t
    hazardous: bool = False
    use: str = ""  # where it is used


@dataclass(frozen=True)
class PollSpec:
    name: str
    conc: tuple[float, float]  # mg/L discharged
    limit: float
    decimals: int = 1


@dataclass(frozen=True)
class GasSpec:
    source: str
    outlet: str
    flow: tuple[float, float]  # m³/h
    hours: tuple[int, int]
    pollutants: tuple[tuple[str, tuple[float, float], float], ...]  # (name, conc range mg/m³, limit)
    treatment: str


@dataclass(frozen=True)
class SolidSpec:
    name: str
    category: str
    intensity: tuple[float, float]  # t per product unit
    disposal: str


@dataclass(frozen=True)
class OptionSpec:
    name: str
    aspect: str
    cls: str  # "low" (无/低费) or "high" (中/高费)
    desc: str
    effects: tuple[tuple[str, float, float], ...] = ()  # (resource, frac_lo, frac_hi) of plant use
    invest: tuple[float, float] = (0.0, 0.0)  # 万元
    needs: str = ""  # carrier/raw that must exist in the plant


@dataclass(frozen=True)
class BalanceItem:
    name: str
    share: tuple[float, float]  # share of the balance total
    content: tuple[float, float] | None = None  # element content % (element balances)


@dataclass(frozen=True)
class BalanceSpec:
    title: str  # e.g. '镀镍线槽液化学品物料平衡'
    unit_scale: str  # 't' or 'kg'
    total: tuple[float, float]  # total input per year in t
    inputs: tuple[BalanceItem, ...]
    outputs: tuple[BalanceItem, ...]  # the last output absorbs rounding ("损失" type)


@dataclass(frozen=True)
class IndicatorSpec:
    cls: str
    cls_weight: float
    name: str
    unit: str
    weight: float
    kind: str  # "le" | "ge" | "qual"
    levels: tuple[str | float, str | float, str | float]
    metric: str = ""  # model metric for quantitative indicators
    limiting: bool = False


@dataclass(frozen=True)
class Industry:
    key: str
    name: str
    sector: str
    name_words: tuple[str, ...]
    product: ProductSpec
    raws: tuple[RawSpec, ...]
    energy: dict[str, tuple[float, float]]  # carrier -> intensity per product unit
    water: tuple[float, float]  # m³ per product unit
    discharge_ratio: tuple[float, float]
    pollutants: tuple[PollSpec, ...]
    gases: tuple[GasSpec, ...]
    solids: tuple[SolidSpec, ...]
    process: tuple[str, ...]
    process_notes: tuple[str, ...]
    workshops: tuple[str, ...]
    material_balance: BalanceSpec
    element_balance: BalanceSpec
    element: str  # e.g. '镍（Ni）'
    options: tuple[OptionSpec, ...]
    water_standard: str
    gas_standard: str
    indicator_title: str | None  # current integrated 评价指标体系, None if the industry has none
    indicators: tuple[IndicatorSpec, ...] = ()
    old_standard: str = ""  # superseded HJ/T standard a careless report cites
    water_units: tuple[str, ...] = field(default=())
    rinses: int = 0
    int_unit: str = ""  # intensity basis as reports write it, e.g. '万m²', '百米', 't'
    int_factor: float = 1.0  # product units per intensity basis unit  # 电镀: number of rinse stages (water per rinse indicator)


# ---- options shared by every industry ---------------------------------------------------------
COMMON_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("车间照明更换为LED节能灯具", "设备", "low", "将车间及仓库{n}盏金卤灯、荧光灯更换为LED灯具，同功率照度提高、耗电下降。",
               (("electricity", 0.003, 0.008),), (1.0, 4.5)),
    OptionSpec("压缩空气管网查漏及压力优化", "过程控制", "low", "对压缩空气管网开展超声波查漏，修复漏点{n}处，并将供气压力由0.75 MPa下调至0.65 MPa。",
               (("electricity", 0.004, 0.012),), (0.5, 2.5)),
    OptionSpec("完善水、电三级计量器具配备", "管理", "low", "在各车间及主要用水、用能设备加装计量表{n}块，实行分区计量、按月考核。",
               (("water", 0.008, 0.02),), (1.0, 3.5)),
    OptionSpec("加强设备巡检，治理跑冒滴漏", "设备", "low", "建立设备点检表，每班巡检阀门、法兰和管道接口，当年整改漏点{n}处。",
               (("water", 0.01, 0.025),), (0.3, 1.5)),
    OptionSpec("开展清洁生产全员培训", "员工", "low", "分批组织生产班组长及一线员工学习清洁生产知识和岗位操作规程，全年培训{n}人次。",
               (), (0.2, 0.8)),
    OptionSpec("建立能源消耗定额考核制度", "管理", "low", "按车间下达月度用电、用水定额，与班组绩效挂钩，超耗扣分、节约奖励。",
               (("electricity", 0.004, 0.01),), (0.0, 0.0)),
    OptionSpec("优化生产排班，减少设备空载运行", "过程控制", "low", "集中安排生产批次，非生产时段关停辅助设备，减少空载运行时间约{n} h/月。",
               (("electricity", 0.005, 0.012),), (0.0, 0.0)),
    OptionSpec("危险废物贮存间规范化整治", "废弃物", "low", "危废暂存间增设防渗托盘、导流沟和标识标牌，完善出入库台账。",
               (), (1.0, 3.0)),
    OptionSpec("原辅材料定额领用", "管理", "low", "仓库按生产计划定额发料，车间退料登记，杜绝超领和随意堆放。",
               (("raw0", 0.004, 0.01),), (0.0, 0.0)),
    OptionSpec("蒸汽管道及阀门保温修复", "设备", "low", "对厂区蒸汽管道、阀门和法兰破损保温层进行修复，共计约{n} m。",
               (("steam", 0.01, 0.02),), (1.0, 4.0), needs="steam"),
    OptionSpec("蒸汽冷凝水回收利用", "废弃物", "low", "将间接加热设备冷凝水收集至热水箱，回用于锅炉补水或清洗工序。",
               (("steam", 0.015, 0.03), ("water", 0.005, 0.012)), (2.0, 4.8), needs="steam"),
    OptionSpec("清洗及冲洗用水定量控制", "过程控制", "low", "地面及设备冲洗改用高压水枪并安装自闭阀，按班组核定冲洗用水量。",
               (("water", 0.005, 0.015),), (0.3, 1.5)),
    OptionSpec("变压器经济运行", "设备", "low", "根据负荷情况合理调整{n}台变压器的投切，提高负载率，减少空载损耗。",
               (("electricity", 0.002, 0.006),), (0.0, 0.0)),
    OptionSpec("循环水泵更换为高效节能水泵", "设备", "low", "将{n}台老旧循环水泵更换为二级能效水泵。",
               (("electricity", 0.003, 0.008),), (2.0, 4.8)),
    OptionSpec("废包装材料分类回收", "废弃物", "low", "纸箱、编织袋、塑料桶等包装物分类收集，可返厂的包装桶返回供应商重复使用。",
               (), (0.2, 1.0)),
    OptionSpec("原辅材料仓库防雨防潮整治", "原辅材料和能源", "low", "原料堆场加盖防雨棚，地面硬化并设置导流沟，减少原料受潮损耗。",
               (("raw0", 0.002, 0.006),), (2.0, 4.8)),
    OptionSpec("推行生产现场6S管理", "管理", "low", "在各车间推行整理、整顿、清扫、清洁、素养、安全管理，每月检查评比。",
               (), (0.3, 1.0)),
    OptionSpec("完善岗位操作规程", "员工", "low", "修订{n}个关键岗位的操作规程，明确加料量、温度、时间等控制要求。",
               (), (0.0, 0.5)),
    OptionSpec("办公及生活区节水器具改造", "设备", "low", "办公楼及宿舍更换感应式水龙头、节水型坐便器共{n}套。",
               (("water", 0.002, 0.006),), (0.8, 2.5)),
    OptionSpec("建立清洁生产合理化建议奖励制度", "管理", "low", "设立合理化建议箱，对被采纳的建议按效益给予奖励。",
               (), (0.2, 0.6)),
    OptionSpec("加强产品质量控制，降低不合格品率", "产品", "low", "增加首件检验和过程巡检频次，对不合格品原因每周分析通报。",
               (("raw0", 0.003, 0.008),), (0.0, 1.0)),
    OptionSpec("雨污分流管网排查整治", "废弃物", "low", "排查厂区雨水、污水管网，封堵错接口{n}处，初期雨水收集后送污水站处理。",
               (), (2.0, 4.8)),
    OptionSpec("空调及办公用电管理", "管理", "low", "夏季空调温度不低于26 ℃，下班后切断办公设备电源。",
               (("electricity", 0.001, 0.003),), (0.0, 0.0)),
    OptionSpec("空压机更换为永磁变频螺杆空压机", "设备", "high", "淘汰{n}台工频螺杆空压机，更换为二级压缩永磁变频空压机并配套集中控制。",
               (("electricity", 0.02, 0.04),), (25.0, 60.0)),
    OptionSpec("厂房屋顶分布式光伏发电", "原辅材料和能源", "high", "利用厂房屋顶建设约{n} kWp分布式光伏，所发电量自发自用、余电上网。",
               (("electricity", 0.05, 0.09),), (180.0, 420.0)),
)

# ---- industry profiles ---------------------------------------------------------------------
ELECTROPLATING = Industry(
    key="electroplating",
    name="电镀",
    sector="金属表面处理及热处理加工（C3360）",
    name_words=("电镀", "表面处理", "五金制品", "金属表面处理"),
    product=ProductSpec("电镀件（镀层面积）", "m²", (300_000, 1_200_000), 1000, 38.0,
                        ("五金配件镀镍", "卫浴配件镀铬", "汽车零部件镀锌")),
    raws=(
        RawSpec("镍板", (1.6e-5, 2.8e-5), 135_000, False, "镀镍阳极"),
        RawSpec("硫酸镍", (8e-6, 1.5e-5), 32_000, True, "镀镍槽液"),
        RawSpec("氯化镍", (2e-6, 4e-6), 38_000, True, "镀镍槽液"),
        RawSpec("铬酐", (3e-6, 7e-6), 26_000, True, "镀铬槽液"),
        RawSpec("硫酸铜", (6e-6, 1.2e-5), 21_000, True, "酸铜槽液"),
        RawSpec("盐酸（31%）", (2e-4, 4e-4), 650, True, "酸洗活化"),
        RawSpec("氢氧化钠", (5e-5, 1.1e-4), 3_200, True, "除油及废水处理"),
        RawSpec("除油粉", (2e-5, 5e-5), 9_000, False, "化学除油"),
    ),
    energy={"electricity": (6.0, 10.0), "natural_gas": (0.25, 0.55), "diesel": (2e-6, 5e-6)},
    water=(0.16, 0.30),
    discharge_ratio=(0.82, 0.9),
    pollutants=(
        PollSpec("化学需氧量", (28, 62), 80, 1),
        PollSpec("氨氮", (2.0, 9.5), 15, 2),
        PollSpec("总镍", (0.08, 0.38), 0.5, 3),
        PollSpec("总铬", (0.15, 0.75), 1.0, 3),
        PollSpec("总铜", (0.08, 0.40), 0.5, 3),
    ),
    gases=(
        GasSpec("酸洗及镀槽酸雾", "DA001", (16_000, 32_000), (4_000, 6_000),
                (("氯化氢", (4.0, 14.0), 30.0), ("硫酸雾", (3.0, 12.0), 30.0)), "碱液喷淋塔"),
        GasSpec("镀铬槽铬酸雾", "DA002", (8_000, 15_000), (3_000, 5_000),
                (("铬酸雾", (0.008, 0.035), 0.05),), "铬雾回收器+喷淋塔"),
    ),
    solids=(
        SolidSpec("电镀污泥", "危险废物 HW17（336-064-17）", (3.5e-5, 6.5e-5), "委托有资质单位处置"),
        SolidSpec("废槽液及槽渣", "危险废物 HW17（336-063-17）", (4e-6, 9e-6), "委托有资质单位处置"),
        SolidSpec("废包装桶", "危险废物 HW49（900-041-49）", (1e-6, 3e-6), "委托有资质单位处置"),
    ),
    process=("上挂", "化学除油", "水洗", "酸洗活化", "水洗", "酸性镀铜", "回收", "逆流水洗", "镀镍", "回收",
             "逆流水洗", "镀铬", "回收", "水洗", "烘干", "下挂检验"),
    process_notes=(
        "工件经上挂后依次进入化学除油槽、酸洗活化槽，去除表面油污和氧化皮；",
        "前处理后进入酸性镀铜、光亮镀镍工序，镀后经回收槽和三级逆流漂洗；",
        "装饰性工件最后镀铬，出槽后经回收、水洗、烘干，下挂检验合格后包装入库。",
        "各镀槽均设置回收槽，清洗废水按含铬、含镍、综合废水分质收集，送厂内废水处理站处理。",
    ),
    workshops=("镀镍生产线", "镀铬生产线", "前处理车间", "废水处理站"),
    material_balance=BalanceSpec(
        "镀镍生产线槽液化学品物料平衡", "kg", (18.0, 45.0),
        (BalanceItem("镍板", (0.55, 0.62)), BalanceItem("硫酸镍", (0.22, 0.27)), BalanceItem("氯化镍", (0.06, 0.08)),
         BalanceItem("硼酸及光亮剂", (0.05, 0.1))),
        (BalanceItem("镀层带走", (0.60, 0.66)), BalanceItem("回收槽回收回用", (0.14, 0.2)),
         BalanceItem("清洗水带出进入废水处理", (0.1, 0.14)), BalanceItem("滤渣及阳极泥", (0.02, 0.04)),
         BalanceItem("其他损耗", (0.01, 0.03))),
    ),
    element_balance=BalanceSpec(
        "镍元素平衡", "kg", (14.0, 32.0),
        (BalanceItem("镍板", (0.68, 0.74), (99.9, 99.9)), BalanceItem("硫酸镍", (0.18, 0.24), (22.3, 22.3)),
         BalanceItem("氯化镍", (0.05, 0.08), (24.7, 24.7))),
        (BalanceItem("镀层", (0.86, 0.9)), BalanceItem("回收槽回用", (0.03, 0.05)),
         BalanceItem("电镀污泥", (0.04, 0.07)), BalanceItem("随尾水排放", (0.0004, 0.001)),
         BalanceItem("滤芯及阳极泥", (0.005, 0.012))),
    ),
    element="镍（Ni）",
    options=(
        OptionSpec("镀件出槽延长滴液时间并增设滴液架", "过程控制", "low", "镀镍、镀铬槽出槽滴液时间由5 s延长至12 s，减少槽液带出量。",
                   (("raw1", 0.015, 0.03), ("water", 0.004, 0.01)), (0.5, 2.0)),
        OptionSpec("镀液连续过滤及定期除杂", "过程控制", "low", "镀镍槽增设滤芯过滤机连续过滤，每周低电流电解除杂，延长槽液寿命。",
                   (("raw1", 0.01, 0.02),), (2.0, 4.5)),
        OptionSpec("挂具绝缘包覆维护", "设备", "low", "定期检查挂具绝缘层，破损处重新浸塑，减少挂具上镀镍。",
                   (("raw0", 0.01, 0.02),), (0.8, 2.5)),
        OptionSpec("清洗水槽加装流量计和自动控制阀", "设备", "low", "各逆流漂洗槽进水加装转子流量计和电磁阀，停线自动断水。",
                   (("water", 0.02, 0.04),), (2.0, 4.8)),
        OptionSpec("镀镍线改造为多级逆流漂洗并增设回收槽", "技术工艺", "high", "将镀镍后单槽清洗改为三级逆流漂洗，并增设两级回收槽，回收液补回镀槽。",
                   (("water", 0.12, 0.2), ("raw1", 0.04, 0.08)), (35.0, 80.0)),
        OptionSpec("含镍废水膜分离回收系统", "废弃物", "high", "新建处理能力{n} m³/d的含镍废水“超滤+反渗透”回用系统，浓水蒸发回收镍盐，产水回用于漂洗。",
                   (("water", 0.1, 0.18), ("raw1", 0.05, 0.1)), (90.0, 220.0)),
        OptionSpec("手动线改造为全自动龙门式电镀线", "设备", "high", "将{n}条手动挂镀线改造为PLC控制的龙门式自动线，精确控制浸镀时间和电流密度。",
                   (("electricity", 0.03, 0.06), ("raw0", 0.02, 0.04)), (120.0, 300.0)),
    ),
    water_standard="《电镀污染物排放标准》（GB 21900-2008）表2",
    gas_standard="《电镀污染物排放标准》（GB 21900-2008）表5",
    indicator_title="《电镀行业清洁生产评价指标体系》",
    indicators=(
        IndicatorSpec("生产工艺及装备指标", 0.33, "采用清洁生产工艺", "—", 0.15, "qual",
                      ("民用产品采用低铬或三价铬钝化、无氰镀锌，使用金属回收工艺", "民用产品采用低铬或三价铬钝化、无氰镀锌", "使用金属回收工艺")),
        IndicatorSpec("生产工艺及装备指标", 0.33, "清洁生产过程控制", "—", 0.15, "qual",
                      ("镀镍、锌溶液连续过滤，及时补加和调整溶液", "镀镍溶液连续过滤，及时补加和调整溶液", "定期去除溶液中杂质")),
        IndicatorSpec("生产工艺及装备指标", 0.33, "电镀生产线要求", "—", 0.4, "qual",
                      ("采用节能措施，70%生产线实现自动化或半自动化", "采用节能措施，50%生产线实现自动化或半自动化", "电镀生产线采用节能措施")),
        IndicatorSpec("生产工艺及装备指标", 0.33, "有节水设施", "—", 0.3, "qual",
                      ("逆流漂洗、淋洗、喷洗，有用水计量装置和在线回收设施", "逆流漂洗、喷淋等，有用水计量装置", "无单槽清洗")),
        IndicatorSpec("资源消耗指标", 0.10, "单位产品每次清洗取水量", "L/m²", 1.0, "le", (8, 24, 40), "water_per_rinse", True),
        IndicatorSpec("资源综合利用指标", 0.18, "镍利用率", "%", 0.8, "ge", (95, 85, 80), "element_util"),
        IndicatorSpec("资源综合利用指标", 0.18, "电镀用水重复利用率", "%", 0.2, "ge", (60, 40, 30), "reuse_rate"),
        IndicatorSpec("污染物产生指标", 0.16, "电镀废水处理率", "%", 0.5, "ge", (100, 100, 100), "ww_treated", True),
        IndicatorSpec("污染物产生指标", 0.16, "有减少重金属污染物污染预防措施", "—", 0.5, "qual",
                      ("使用四项以上减少镀液带出措施", "使用三项以上减少镀液带出措施", "使用二项以上减少镀液带出措施"), "", True),
        IndicatorSpec("清洁生产管理指标", 0.23, "环境法律法规标准执行情况", "—", 0.4, "qual",
                      ("废水、废气、噪声排放符合国家和地方标准，总量符合排污许可要求", "同I级", "同I级"), "", True),
        IndicatorSpec("清洁生产管理指标", 0.23, "环境管理体系", "—", 0.3, "qual",
                      ("通过ISO 14001认证并有效运行", "建立环境管理体系并有效运行", "有环境管理制度")),
        IndicatorSpec("清洁生产管理指标", 0.23, "危险化学品管理", "—", 0.3, "qual",
                      ("符合危险化学品安全管理条例，设专人管理", "同I级", "同I级")),
    ),
    old_standard="《清洁生产标准 电镀行业》（HJ/T 314-2006）",
    water_units=("前处理线", "镀铜线", "镀镍线", "镀铬线", "纯水制备", "废水处理站", "生活用水"),
    rinses=8,
    int_unit="万m²",
    int_factor=10_000.0,
)

DYEING = Industry(
    key="dyeing",
    name="印染",
    sector="棉印染精加工（C1713）",
    name_words=("印染", "纺织印染", "染整", "纺织科技"),
    product=ProductSpec("印染布", "万米", (3_000, 12_000), 10, 52_000.0, ("纯棉染色布", "涤棉印花布", "弹力布")),
    raws=(
        RawSpec("坯布", (1.25, 1.45), 16_000, False, "染整加工"),
        RawSpec("活性染料", (0.010, 0.018), 48_000, False, "染色"),
        RawSpec("分散染料", (0.004, 0.009), 42_000, False, "染色"),
        RawSpec("液碱（32%）", (0.18, 0.32), 900, True, "前处理及丝光"),
        RawSpec("双氧水（27.5%）", (0.06, 0.11), 1_100, True, "漂白"),
        RawSpec("元明粉", (0.08, 0.15), 600, False, "染色促染"),
        RawSpec("纯碱", (0.04, 0.08), 2_100, False, "固色"),
        RawSpec("印染助剂", (0.03, 0.06), 8_500, False, "前处理及后整理"),
    ),
    energy={"electricity": (2600.0, 4000.0), "steam": (9.0, 15.0), "natural_gas": (90.0, 150.0)},
    water=(130.0, 200.0),
    discharge_ratio=(0.85, 0.9),
    pollutants=(
        PollSpec("化学需氧量", (55, 150), 200, 1),
        PollSpec("氨氮", (4.0, 14.0), 20, 2),
        PollSpec("总氮", (9.0, 24.0), 30, 2),
        PollSpec("苯胺类", (0.15, 0.6), 1.0, 3),
    ),
    gases=(
        GasSpec("定型机废气", "DA001", (25_000, 45_000), (5_000, 6_800),
                (("颗粒物", (4.0, 14.0), 20.0), ("非甲烷总烃", (8.0, 35.0), 60.0)), "水喷淋+静电除油"),
    ),
    solids=(
        SolidSpec("污水站污泥", "一般工业固体废物", (0.4, 0.8), "委托电厂掺烧"),
        SolidSpec("废染料助剂包装桶", "危险废物 HW49（900-041-49）", (0.002, 0.005), "委托有资质单位处置"),
        SolidSpec("边角布料", "一般工业固体废物", (0.02, 0.04), "外售综合利用"),
    ),
    process=("坯布检验", "翻缝", "烧毛", "退浆", "煮练", "漂白", "丝光", "染色", "水洗", "皂洗", "烘干", "拉幅定型", "预缩",
             "成品检验", "打卷包装"),
    process_notes=(
        "坯布经检验、翻缝后进入前处理联合机，依次完成烧毛、退浆、煮练和漂白；",
        "丝光工序采用液碱浓度约220 g/L，淡碱经回收后部分回用；",
        "染色采用连续轧染和溢流染色两种方式，染后经水洗、皂洗、烘干；",
        "后整理经拉幅定型、预缩，成品检验合格后打卷包装入库。",
    ),
    workshops=("染整车间（前处理及染色）", "印花车间", "定型车间", "污水处理站"),
    material_balance=BalanceSpec(
        "染色车间物料平衡", "t", (900.0, 2600.0),
        (BalanceItem("半制品布（干重）", (0.9, 0.93)), BalanceItem("染料", (0.008, 0.014)),
         BalanceItem("元明粉", (0.03, 0.045)), BalanceItem("纯碱及助剂", (0.02, 0.035))),
        (BalanceItem("染色布（干重）", (0.88, 0.9)), BalanceItem("进入废水的染料助剂", (0.06, 0.08)),
         BalanceItem("布屑及回修损耗", (0.01, 0.018)), BalanceItem("其他损失", (0.005, 0.012))),
    ),
    element_balance=BalanceSpec(
        "碱平衡（以NaOH计）", "t", (120.0, 380.0),
        (BalanceItem("液碱（32%）", (0.7, 0.78), (32.0, 32.0)), BalanceItem("淡碱回收回用", (0.22, 0.3), (8.0, 8.0))),
        (BalanceItem("布面中和带走", (0.14, 0.2)), BalanceItem("淡碱回收", (0.24, 0.3)),
         BalanceItem("进入废水", (0.46, 0.56)), BalanceItem("其他损失", (0.01, 0.03))),
    ),
    element="碱（NaOH）",
    options=(
        OptionSpec("染料助剂自动称量配送", "原辅材料和能源", "low", "染料、助剂改为电子秤称量并建立配方数据库，减少称量误差和回修。",
                   (("raw1", 0.01, 0.025),), (2.5, 4.8)),
        OptionSpec("冷却水回收用于前处理", "废弃物", "low", "染色机冷却水经管道收集至清水池，回用于退浆、煮练工序。",
                   (("water", 0.02, 0.045),), (1.5, 4.5)),
        OptionSpec("定型机排风量优化调节", "过程控制", "low", "根据车速和布种调节定型机排风机频率，降低排风带走的热量。",
                   (("natural_gas", 0.015, 0.03),), (0.5, 2.0)),
        OptionSpec("提高一次染色合格率", "管理", "low", "严格执行工艺卡，加强小样复样和对色管理，减少回修。",
                   (("steam", 0.01, 0.02), ("water", 0.008, 0.015)), (0.0, 0.0)),
        OptionSpec("溢流染色机更换为气流染色机", "设备", "high", "淘汰{n}台常温溢流染色机，更换为低浴比气流染色机，浴比由1:8降至1:4。",
                   (("water", 0.08, 0.14), ("steam", 0.1, 0.18), ("raw5", 0.1, 0.2)), (220.0, 480.0)),
        OptionSpec("定型机废气余热回收", "技术工艺", "high", "在{n}台定型机排风管道上加装热管换热器，回收热量预热新风。",
                   (("natural_gas", 0.08, 0.12),), (60.0, 140.0)),
        OptionSpec("丝光淡碱回收装置", "废弃物", "high", "新建淡碱蒸发浓缩回收装置，丝光淡碱浓缩后回用，减少液碱消耗和废水碱度。",
                   (("raw3", 0.2, 0.32),), (90.0, 200.0)),
        OptionSpec("印染废水深度处理中水回用", "废弃物", "high", "新建处理能力{n} m³/d的“超滤+反渗透”中水回用系统，产水回用于前处理水洗。",
                   (("water", 0.14, 0.22),), (160.0, 380.0)),
    ),
    water_standard="《纺织染整工业水污染物排放标准》（GB 4287-2012）间接排放限值",
    gas_standard="《大气污染物综合排放标准》（GB 16297-1996）",
    indicator_title="《印染行业清洁生产评价指标体系》",
    indicators=(
        IndicatorSpec("生产工艺及装备指标", 0.25, "前处理工艺", "—", 0.35, "qual",
                      ("采用高效短流程前处理工艺", "采用短流程前处理工艺", "采用常规前处理工艺")),
        IndicatorSpec("生产工艺及装备指标", 0.25, "染色设备", "—", 0.35, "qual",
                      ("采用浴比1:5以下的低浴比染色设备", "采用浴比1:8以下的染色设备", "采用常规染色设备")),
        IndicatorSpec("生产工艺及装备指标", 0.25, "在线监测与自动控制", "—", 0.3, "qual",
                      ("染化料自动配送、工艺参数在线监控", "工艺参数在线监控", "主要工艺参数有记录")),
        IndicatorSpec("资源能源消耗指标", 0.30, "单位产品取水量", "t/百米", 0.4, "le", (1.3, 1.7, 2.1), "water_int", True),
        IndicatorSpec("资源能源消耗指标", 0.30, "单位产品综合能耗", "kgce/百米", 0.4, "le", (20, 26, 32), "energy_int"),
        IndicatorSpec("资源能源消耗指标", 0.30, "水重复利用率", "%", 0.2, "ge", (45, 35, 25), "reuse_rate"),
        IndicatorSpec("污染物产生指标", 0.25, "单位产品废水产生量", "t/百米", 0.5, "le", (1.1, 1.5, 1.9), "ww_int", True),
        IndicatorSpec("污染物产生指标", 0.25, "单位产品化学需氧量排放量", "kg/百米", 0.5, "le", (0.12, 0.2, 0.3), "cod_int"),
        IndicatorSpec("清洁生产管理指标", 0.20, "环境法律法规执行情况", "—", 0.5, "qual",
                      ("污染物排放达标，总量符合排污许可要求", "同I级", "同I级"), "", True),
        IndicatorSpec("清洁生产管理指标", 0.20, "清洁生产审核及管理制度", "—", 0.5, "qual",
                      ("按要求开展审核，方案全部实施，管理制度健全", "按要求开展审核，中/高费方案实施率≥60%", "按要求开展审核")),
    ),
    old_standard="《清洁生产标准 纺织业（棉印染）》（HJ/T 185-2006）",
    water_units=("前处理车间", "染色车间", "印花车间", "定型车间", "空压站冷却", "污水处理站", "生活用水"),
    int_unit="百米",
    int_factor=0.01,
)

PHARMA = Industry(
    key="pharma",
    name="化工/制药",
    sector="化学药品原料药制造（C2710）",
    name_words=("药业", "制药", "生物医药", "医药化工"),
    product=ProductSpec("原料药", "t", (180, 1200), 1, 420_000.0, ("头孢类中间体", "解热镇痛类原料药", "医药中间体")),
    raws=(
        RawSpec("二氯甲烷", (0.18, 0.32), 2_600, True, "萃取溶剂"),
        RawSpec("甲醇", (0.12, 0.25), 2_300, True, "反应及结晶溶剂"),
        RawSpec("主原料（中间体A）", (0.95, 1.15), 68_000, False, "缩合反应"),
        RawSpec("辅料（中间体B）", (0.4, 0.6), 35_000, False, "缩合反应"),
        RawSpec("盐酸（31%）", (0.3, 0.5), 650, True, "酸化"),
        RawSpec("液碱（32%）", (0.25, 0.45), 900, True, "中和"),
        RawSpec("活性炭", (0.02, 0.04), 9_500, False, "脱色"),
    ),
    energy={"electricity": (2800.0, 5200.0), "steam": (14.0, 26.0), "natural_gas": (60.0, 160.0)},
    water=(28.0, 55.0),
    discharge_ratio=(0.72, 0.82),
    pollutants=(
        PollSpec("化学需氧量", (120, 260), 500, 1),
        PollSpec("氨氮", (6.0, 30.0), 45, 2),
        PollSpec("总氮", (12.0, 50.0), 70, 2),
        PollSpec("二氯甲烷", (0.05, 0.25), 0.3, 3),
    ),
    gases=(
        GasSpec("工艺废气RTO焚烧", "DA001", (12_000, 25_000), (6_500, 7_600),
                (("非甲烷总烃", (8.0, 40.0), 60.0), ("二氯甲烷", (2.0, 12.0), 20.0)), "二级冷凝+RTO蓄热焚烧"),
        GasSpec("污水站废气", "DA002", (5_000, 10_000), (7_200, 8_000),
                (("氨", (0.5, 3.0), 20.0), ("硫化氢", (0.05, 0.4), 5.0)), "碱洗+生物滤池"),
    ),
    solids=(
        SolidSpec("精馏残液", "危险废物 HW02（271-001-02）", (0.06, 0.12), "委托有资质单位焚烧处置"),
        SolidSpec("废活性炭", "危险废物 HW02（271-003-02）", (0.02, 0.045), "委托有资质单位焚烧处置"),
        SolidSpec("污水站污泥", "危险废物 HW02（271-005-02）", (0.05, 0.1), "委托有资质单位处置"),
    ),
    process=("投料", "缩合反应", "萃取分层", "溶剂回收", "酸化结晶", "离心", "精制脱色", "重结晶", "干燥", "粉碎混合", "包装"),
    process_notes=(
        "主原料与辅料在反应釜中于40～55 ℃缩合反应，反应液以二氯甲烷萃取分层；",
        "有机相经常压及减压蒸馏回收二氯甲烷，回收溶剂经检验合格后套用；",
        "浓缩液酸化结晶、离心，湿品经活性炭脱色、甲醇重结晶精制；",
        "精品经双锥真空干燥、粉碎混合后包装入库，各工序不凝气收集送RTO处理。",
    ),
    workshops=("合成车间", "精制车间", "溶剂回收车间", "污水处理站"),
    material_balance=BalanceSpec(
        "合成车间物料平衡", "t", (600.0, 2400.0),
        (BalanceItem("主原料（中间体A）", (0.32, 0.36)), BalanceItem("辅料（中间体B）", (0.15, 0.18)),
         BalanceItem("二氯甲烷（含回收套用）", (0.3, 0.36)), BalanceItem("酸碱及其他辅料", (0.12, 0.16))),
        (BalanceItem("粗品", (0.36, 0.4)), BalanceItem("回收二氯甲烷", (0.28, 0.33)), BalanceItem("母液及精馏残液", (0.1, 0.13)),
         BalanceItem("进入废水", (0.14, 0.18)), BalanceItem("废气（有组织及无组织）", (0.01, 0.02))),
    ),
    element_balance=BalanceSpec(
        "二氯甲烷平衡", "t", (300.0, 900.0),
        (BalanceItem("新鲜二氯甲烷", (0.12, 0.2), (100.0, 100.0)), BalanceItem("回收套用二氯甲烷", (0.8, 0.88), (100.0, 100.0))),
        (BalanceItem("精馏回收", (0.8, 0.86)), BalanceItem("有组织废气（进入RTO）", (0.06, 0.09)),
         BalanceItem("无组织排放", (0.008, 0.015)), BalanceItem("进入废水", (0.015, 0.03)),
         BalanceItem("精馏残液带走", (0.03, 0.05))),
    ),
    element="二氯甲烷",
    options=(
        OptionSpec("溶剂储罐氮封及呼吸阀改造", "设备", "low", "二氯甲烷、甲醇储罐增设氮封系统和呼吸阀，减少大小呼吸损失。",
                   (("raw0", 0.01, 0.02),), (2.5, 4.8)),
        OptionSpec("冷凝器定期清洗提高回收率", "过程控制", "low", "每季度清洗溶剂回收冷凝器，冷冻盐水出口温度控制在−10 ℃以下。",
                   (("raw0", 0.01, 0.025),), (0.5, 2.0)),
        OptionSpec("离心母液分类收集套用", "废弃物", "low", "结晶母液按批次分类收集，检测合格的母液套用于下一批结晶。",
                   (("raw2", 0.005, 0.012),), (1.0, 3.5)),
        OptionSpec("反应釜温度自动控制", "过程控制", "low", "反应釜夹套蒸汽加装调节阀和温度联锁，避免超温和蒸汽浪费。",
                   (("steam", 0.015, 0.03),), (2.0, 4.5)),
        OptionSpec("溶剂精馏回收装置升级改造", "技术工艺", "high", "将间歇蒸馏改为连续精馏塔回收二氯甲烷，回收率由约88%提高到95%以上。",
                   (("raw0", 0.1, 0.18), ("steam", 0.03, 0.06)), (120.0, 300.0)),
        OptionSpec("MVR蒸发器替代三效蒸发", "设备", "high", "高盐废水预处理改用MVR机械蒸汽再压缩蒸发器，蒸汽消耗大幅下降。",
                   (("steam", 0.18, 0.3),), (220.0, 500.0)),
        OptionSpec("RTO余热回收副产蒸汽", "技术工艺", "high", "RTO出口烟气加装余热锅炉，副产0.6 MPa饱和蒸汽并入厂区蒸汽管网。",
                   (("steam", 0.05, 0.09),), (80.0, 180.0)),
    ),
    water_standard="园区污水处理厂接管标准及《化学合成类制药工业水污染物排放标准》（GB 21904-2008）",
    gas_standard="《制药工业大气污染物排放标准》（GB 37823-2019）",
    indicator_title="《化学原料药制造业清洁生产评价指标体系》",
    indicators=(
        IndicatorSpec("生产工艺及装备指标", 0.25, "反应及分离过程密闭化", "—", 0.5, "qual",
                      ("全部采用密闭反应、密闭离心和管道输送", "主要工序密闭", "部分工序密闭")),
        IndicatorSpec("生产工艺及装备指标", 0.25, "自动化控制水平", "—", 0.5, "qual",
                      ("反应过程DCS控制", "主要参数自动控制", "主要参数有记录")),
        IndicatorSpec("资源能源消耗指标", 0.30, "单位产品取水量", "m³/t", 0.35, "le", (30, 45, 60), "water_int", True),
        IndicatorSpec("资源能源消耗指标", 0.30, "单位产品综合能耗", "tce/t", 0.35, "le", (3.0, 4.0, 5.0), "energy_int_t"),
        IndicatorSpec("资源能源消耗指标", 0.30, "溶剂回收率", "%", 0.3, "ge", (90, 85, 80), "element_util"),
        IndicatorSpec("污染物产生指标", 0.25, "单位产品废水产生量", "m³/t", 0.5, "le", (25, 35, 45), "ww_int", True),
        IndicatorSpec("污染物产生指标", 0.25, "单位产品化学需氧量排放量", "kg/t", 0.5, "le", (6, 9, 12), "cod_int"),
        IndicatorSpec("清洁生产管理指标", 0.20, "环境法律法规执行情况", "—", 0.5, "qual",
                      ("污染物排放达标，总量符合排污许可要求", "同I级", "同I级"), "", True),
        IndicatorSpec("清洁生产管理指标", 0.20, "泄漏检测与修复（LDAR）", "—", 0.5, "qual",
                      ("按规定开展LDAR并建立台账", "开展LDAR", "定期检查动静密封点")),
    ),
    old_standard="《清洁生产标准 化学原料药制造业》",
    water_units=("合成车间", "精制车间", "溶剂回收", "循环冷却系统", "纯化水制备", "污水处理站", "生活用水"),
    int_unit="t",
    int_factor=1.0,
)

FOUNDRY = Industry(
    key="foundry",
    name="铸造/机械",
    sector="黑色金属铸造（C3391）",
    name_words=("铸造", "机械铸造", "精密铸造", "机械制造"),
    product=ProductSpec("铸件", "t", (8_000, 32_000), 10, 9_800.0, ("球墨铸铁件", "灰铸铁件", "机床铸件")),
    raws=(
        RawSpec("生铁", (0.38, 0.46), 3_300, False, "熔炼"),
        RawSpec("废钢", (0.42, 0.52), 2_700, False, "熔炼"),
        RawSpec("硅铁及合金", (0.012, 0.02), 7_800, False, "孕育及合金化"),
        RawSpec("原砂", (0.12, 0.22), 260, False, "造型"),
        RawSpec("呋喃树脂", (0.008, 0.014), 11_000, True, "造型粘结"),
        RawSpec("固化剂", (0.003, 0.006), 4_500, True, "造型"),
        RawSpec("涂料", (0.004, 0.008), 6_000, False, "型腔涂覆"),
    ),
    energy={"electricity": (620.0, 760.0), "natural_gas": (18.0, 38.0), "diesel": (4e-4, 9e-4)},
    water=(1.0, 2.2),
    discharge_ratio=(0.3, 0.45),
    pollutants=(
        PollSpec("化学需氧量", (120, 260), 500, 1),
        PollSpec("氨氮", (10.0, 30.0), 45, 2),
    ),
    gases=(
        GasSpec("中频炉熔炼废气", "DA001", (30_000, 60_000), (3_800, 5_200), (("颗粒物", (4.0, 15.0), 30.0),), "布袋除尘器"),
        GasSpec("浇注及落砂废气", "DA002", (40_000, 80_000), (3_800, 5_200),
                (("颗粒物", (5.0, 18.0), 30.0), ("非甲烷总烃", (6.0, 30.0), 100.0)), "布袋除尘+活性炭吸附"),
    ),
    solids=(
        SolidSpec("废砂", "一般工业固体废物", (0.05, 0.1), "外售制砖综合利用"),
        SolidSpec("炉渣", "一般工业固体废物", (0.02, 0.035), "外售综合利用"),
        SolidSpec("除尘灰", "一般工业固体废物", (0.005, 0.01), "外售综合利用"),
        SolidSpec("废活性炭", "危险废物 HW49（900-039-49）", (2e-4, 5e-4), "委托有资质单位处置"),
    ),
    process=("配料", "中频炉熔炼", "球化孕育", "浇注", "冷却", "落砂", "清理打磨", "抛丸", "热处理", "检验", "涂装", "入库"),
    process_notes=(
        "生铁、废钢和回炉料按配料单加入中频感应电炉熔炼，出铁温度约1 480～1 520 ℃；",
        "铁液经球化、孕育处理后浇入呋喃树脂砂型，冷却后落砂；",
        "旧砂经破碎、磁选、再生后回用于造型；铸件经清理打磨、抛丸、必要的热处理后检验；",
        "合格铸件按客户要求进行底漆涂装后入库。",
    ),
    workshops=("熔化工部", "造型工部", "清理工部", "涂装工部"),
    material_balance=BalanceSpec(
        "熔化工部物料平衡", "t", (9_000.0, 36_000.0),
        (BalanceItem("生铁", (0.33, 0.38)), BalanceItem("废钢", (0.38, 0.44)), BalanceItem("回炉料", (0.18, 0.24)),
         BalanceItem("硅铁及合金", (0.012, 0.02))),
        (BalanceItem("合格铸件", (0.7, 0.76)), BalanceItem("浇冒口及废品回炉", (0.19, 0.24)), BalanceItem("炉渣", (0.02, 0.03)),
         BalanceItem("烧损及飞溅", (0.012, 0.02))),
    ),
    element_balance=BalanceSpec(
        "铁元素平衡", "t", (8_000.0, 32_000.0),
        (BalanceItem("生铁", (0.36, 0.4), (93.5, 93.5)), BalanceItem("废钢", (0.4, 0.46), (98.0, 98.0)),
         BalanceItem("回炉料", (0.16, 0.22), (94.0, 94.0))),
        (BalanceItem("合格铸件", (0.72, 0.76)), BalanceItem("浇冒口及废品回炉", (0.2, 0.24)), BalanceItem("炉渣含铁", (0.006, 0.012)),
         BalanceItem("除尘灰含铁", (0.002, 0.005)), BalanceItem("烧损", (0.004, 0.01))),
    ),
    element="铁（Fe）",
    options=(
        OptionSpec("中频炉炉盖改造及加料保温", "过程控制", "low", "中频炉熔炼过程中及时加盖，缩短开盖加料时间，减少热辐射损失。",
                   (("electricity", 0.008, 0.018),), (1.5, 4.5)),
        OptionSpec("优化浇冒口设计提高工艺出品率", "技术工艺", "low", "利用凝固模拟软件优化{n}类铸件浇冒口系统，工艺出品率提高约2个百分点。",
                   (("raw0", 0.01, 0.025),), (2.0, 4.8)),
        OptionSpec("除尘器滤袋定期更换及压差监控", "设备", "low", "布袋除尘器加装压差计，按压差及时清灰、更换破损滤袋。",
                   (), (1.0, 3.0)),
        OptionSpec("控制树脂加入量", "原辅材料和能源", "low", "混砂机树脂、固化剂加入量按砂温分档调整，并定期标定泵量。",
                   (("raw4", 0.03, 0.06),), (0.5, 2.0)),
        OptionSpec("旧砂热法再生系统", "废弃物", "high", "新建{n} t/h旧砂热法再生线，再生砂回用于造型，减少新砂采购和废砂外排。",
                   (("raw3", 0.3, 0.5),), (120.0, 260.0)),
        OptionSpec("更换高效节能中频炉", "设备", "high", "将{n}台老式KGPS中频炉更换为IGBT串联谐振中频炉，吨铁水电耗明显下降。",
                   (("electricity", 0.05, 0.08),), (150.0, 320.0)),
        OptionSpec("热处理炉烟气余热回收", "技术工艺", "high", "热处理炉排烟加装换热器预热助燃空气，降低天然气消耗。",
                   (("natural_gas", 0.08, 0.12),), (40.0, 100.0)),
    ),
    water_standard="园区污水处理厂接管标准及《污水综合排放标准》（GB 8978-1996）三级标准",
    gas_standard="《铸造工业大气污染物排放标准》（GB 39726-2020）",
    indicator_title=None,
    old_standard="",
    water_units=("中频炉冷却", "空压站冷却", "湿式除尘", "绿化及道路", "生活用水"),
    int_unit="t",
    int_factor=1.0,
)

PAPER = Industry(
    key="paper",
    name="造纸",
    sector="纸板制造（C2223）",
    name_words=("纸业", "造纸", "包装材料", "纸品"),
    product=ProductSpec("箱纸板及瓦楞原纸", "t", (80_000, 320_000), 100, 3_100.0, ("牛皮箱纸板", "高强瓦楞原纸")),
    raws=(
        RawSpec("废纸（OCC）", (1.08, 1.16), 1_550, False, "制浆"),
        RawSpec("淀粉", (0.018, 0.03), 3_600, False, "表面施胶"),
        RawSpec("施胶剂", (0.002, 0.004), 8_000, False, "浆内施胶"),
        RawSpec("助留助滤剂", (0.0006, 0.0012), 15_000, False, "湿部化学品"),
        RawSpec("杀菌剂", (0.0001, 0.0003), 18_000, True, "白水系统"),
    ),
    energy={"electricity": (300.0, 440.0), "steam": (1.5, 2.1)},
    water=(5.0, 9.0),
    discharge_ratio=(0.75, 0.85),
    pollutants=(
        PollSpec("化学需氧量", (38, 78), 80, 1),
        PollSpec("氨氮", (1.5, 6.5), 8, 2),
        PollSpec("总氮", (5.0, 10.5), 12, 2),
        PollSpec("总磷", (0.15, 0.65), 0.8, 3),
    ),
    gases=(
        GasSpec("污水站厌氧沼气燃烧及干燥部排气", "DA001", (8_000, 16_000), (7_200, 8_000),
                (("颗粒物", (3.0, 9.0), 20.0), ("二氧化硫", (5.0, 30.0), 50.0), ("氮氧化物", (40.0, 120.0), 150.0)),
                "低氮燃烧"),
    ),
    solids=(
        SolidSpec("浆渣", "一般工业固体废物", (0.03, 0.05), "委托电厂焚烧发电"),
        SolidSpec("污水站污泥", "一般工业固体废物", (0.015, 0.03), "脱水后委托焚烧"),
        SolidSpec("废铁丝及塑料", "一般工业固体废物", (0.004, 0.008), "外售综合利用"),
    ),
    process=("废纸碎解", "高浓除渣", "粗筛", "轻杂质分离", "精筛", "浓缩", "磨浆", "流送", "网部成形", "压榨", "前干燥", "表面施胶",
             "后干燥", "压光", "卷取", "复卷包装"),
    process_notes=(
        "外购废纸经链板输送机送入水力碎浆机碎解，浆料经高浓除渣、粗筛、轻杂质分离和精筛净化；",
        "净化浆料经多盘浓缩机浓缩、双盘磨磨浆后进入流送系统；",
        "纸机采用叠网成形，经三道压榨、前干燥、膜转移施胶、后干燥、压光后卷取；",
        "纸机白水经多盘回收机回收纤维，清白水回用于碎浆和喷淋。",
    ),
    workshops=("制浆抄纸生产线", "蒸汽及热力系统", "污水处理站", "原料及成品仓储"),
    material_balance=BalanceSpec(
        "制浆抄纸物料平衡（绝干）", "t", (60_000.0, 260_000.0),
        (BalanceItem("废纸（绝干）", (0.94, 0.96)), BalanceItem("淀粉", (0.02, 0.03)), BalanceItem("填料及化学品", (0.01, 0.02))),
        (BalanceItem("成品纸（绝干）", (0.86, 0.89)), BalanceItem("浆渣", (0.04, 0.06)), BalanceItem("污泥（绝干）", (0.03, 0.05)),
         BalanceItem("白水流失纤维", (0.005, 0.012))),
    ),
    element_balance=BalanceSpec(
        "纤维平衡（绝干）", "t", (55_000.0, 240_000.0),
        (BalanceItem("废纸纤维", (0.96, 0.98), (88.0, 88.0)), BalanceItem("回收白水纤维", (0.02, 0.04), (100.0, 100.0))),
        (BalanceItem("成品纸纤维", (0.88, 0.91)), BalanceItem("浆渣带走纤维", (0.03, 0.045)), BalanceItem("多盘回收纤维", (0.02, 0.04)),
         BalanceItem("污泥带走纤维", (0.015, 0.03)), BalanceItem("随废水流失", (0.003, 0.008))),
    ),
    element="纤维",
    options=(
        OptionSpec("白水分级回用", "废弃物", "low", "调整白水管网，浓白水回用于碎浆，清白水回用于网部喷淋，减少清水补充。",
                   (("water", 0.03, 0.05),), (2.0, 4.8)),
        OptionSpec("真空泵密封水循环利用", "设备", "low", "真空泵密封水经冷却塔降温后循环使用。",
                   (("water", 0.015, 0.03),), (2.0, 4.5)),
        OptionSpec("纸机毛布定期清洗及更换", "过程控制", "low", "制定毛布清洗和更换周期，提高压榨脱水效率。",
                   (("steam", 0.008, 0.015),), (0.5, 2.0)),
        OptionSpec("加强废纸原料分级验收", "原辅材料和能源", "low", "废纸按等级分堆存放，严格控制水分和杂质含量。",
                   (("raw0", 0.004, 0.01),), (0.0, 0.0)),
        OptionSpec("压榨部改造为靴式压榨", "技术工艺", "high", "纸机第三压榨改为靴式压榨，出压榨干度提高约4个百分点，降低干燥部蒸汽消耗。",
                   (("steam", 0.08, 0.12),), (320.0, 600.0)),
        OptionSpec("干燥部气罩热回收", "技术工艺", "high", "干燥部密闭气罩排风加装气-气和气-水换热器，预热送风和工艺热水。",
                   (("steam", 0.04, 0.07),), (80.0, 160.0)),
        OptionSpec("透平真空风机替代水环真空泵", "设备", "high", "以{n}台高速透平真空风机替代水环真空泵，节电并取消密封水。",
                   (("electricity", 0.04, 0.07), ("water", 0.02, 0.04)), (160.0, 380.0)),
    ),
    water_standard="《制浆造纸工业水污染物排放标准》（GB 3544-2008）表2",
    gas_standard="《锅炉大气污染物排放标准》（GB 13271-2014）",
    indicator_title="《制浆造纸行业清洁生产评价指标体系》",
    indicators=(
        IndicatorSpec("生产工艺及装备指标", 0.2, "废纸制浆工艺", "—", 0.5, "qual",
                      ("采用高浓碎解、多段筛选净化等先进工艺", "采用中浓碎解及多段筛选", "采用常规碎解净化")),
        IndicatorSpec("生产工艺及装备指标", 0.2, "纸机白水回收", "—", 0.5, "qual",
                      ("白水全部回收并分级回用", "白水回收率≥90%", "白水部分回收")),
        IndicatorSpec("资源能源消耗指标", 0.35, "单位产品取水量", "m³/t", 0.4, "le", (6, 9, 12), "water_int", True),
        IndicatorSpec("资源能源消耗指标", 0.35, "单位产品综合能耗", "kgce/t", 0.4, "le", (250, 300, 350), "energy_int"),
        IndicatorSpec("资源能源消耗指标", 0.35, "水重复利用率", "%", 0.2, "ge", (90, 85, 80), "reuse_rate"),
        IndicatorSpec("污染物产生指标", 0.25, "单位产品废水产生量", "m³/t", 0.5, "le", (5, 7.5, 10), "ww_int", True),
        IndicatorSpec("污染物产生指标", 0.25, "单位产品化学需氧量排放量", "kg/t", 0.5, "le", (0.3, 0.5, 0.8), "cod_int"),
        IndicatorSpec("清洁生产管理指标", 0.20, "环境法律法规执行情况", "—", 1.0, "qual",
                      ("污染物排放达标，总量符合排污许可要求", "同I级", "同I级"), "", True),
    ),
    old_standard="《清洁生产标准 造纸工业（废纸制浆）》（HJ 468-2009）",
    water_units=("制浆车间", "抄纸车间", "真空系统", "蒸汽冷凝水系统", "污水处理站", "生活用水"),
    int_unit="t",
    int_factor=1.0,
)

BREWERY = Industry(
    key="brewery",
    name="食品/酿造",
    sector="啤酒制造（C1513）",
    name_words=("啤酒", "酿酒", "酒业", "饮品"),
    product=ProductSpec("啤酒", "kL", (60_000, 260_000), 100, 3_800.0, ("听装啤酒", "瓶装啤酒", "桶装鲜啤")),
    raws=(
        RawSpec("麦芽", (0.125, 0.15), 3_900, False, "糖化"),
        RawSpec("大米", (0.035, 0.055), 3_600, False, "糊化"),
        RawSpec("酒花及制品", (0.0002, 0.0004), 180_000, False, "煮沸"),
        RawSpec("硅藻土", (0.0008, 0.0014), 2_800, False, "过滤"),
        RawSpec("液碱（32%）", (0.0012, 0.0022), 900, True, "CIP清洗"),
        RawSpec("二氧化碳（外购）", (0.002, 0.006), 700, False, "灌装背压"),
    ),
    energy={"electricity": (60.0, 92.0), "natural_gas": (7.0, 13.0)},
    water=(3.4, 5.4),
    discharge_ratio=(0.62, 0.74),
    pollutants=(
        PollSpec("化学需氧量", (28, 70), 80, 1),
        PollSpec("氨氮", (1.5, 9.0), 15, 2),
        PollSpec("总磷", (0.2, 0.9), 1.0, 3),
    ),
    gases=(
        GasSpec("燃气锅炉烟气", "DA001", (9_000, 18_000), (5_500, 7_000),
                (("颗粒物", (1.5, 5.0), 10.0), ("二氧化硫", (2.0, 8.0), 20.0), ("氮氧化物", (22.0, 48.0), 50.0)),
                "低氮燃烧器"),
    ),
    solids=(
        SolidSpec("麦糟", "一般工业固体废物（副产品）", (0.18, 0.24), "外售作饲料"),
        SolidSpec("废酵母", "一般工业固体废物（副产品）", (0.015, 0.025), "外售综合利用"),
        SolidSpec("废硅藻土", "一般工业固体废物", (0.0015, 0.003), "委托综合利用"),
        SolidSpec("污水站污泥", "一般工业固体废物", (0.004, 0.008), "委托处置"),
    ),
    process=("原料粉碎", "糊化", "糖化", "过滤", "煮沸", "回旋沉淀", "冷却充氧", "发酵", "贮酒", "过滤", "清酒", "灌装", "杀菌",
             "贴标包装"),
    process_notes=(
        "大米粉碎后在糊化锅糊化，麦芽经增湿粉碎后与糊化醪在糖化锅混合糖化；",
        "糖化醪经过滤槽过滤，麦汁煮沸时分次添加酒花，热凝固物经回旋沉淀槽分离；",
        "麦汁经板式换热器冷却、充氧后进入锥形发酵罐，主酵、后酵及贮酒周期约18～25 d；",
        "成熟酒经硅藻土过滤、清酒罐缓冲后灌装、杀菌、贴标包装。",
    ),
    workshops=("糖化车间", "发酵车间", "包装车间", "动力车间"),
    material_balance=BalanceSpec(
        "糖化车间物料平衡（以干物质计）", "t", (8_000.0, 40_000.0),
        (BalanceItem("麦芽（干基）", (0.7, 0.76)), BalanceItem("大米（干基）", (0.22, 0.28)), BalanceItem("酒花及辅料", (0.005, 0.012))),
        (BalanceItem("麦汁浸出物", (0.7, 0.74)), BalanceItem("麦糟（干基）", (0.22, 0.26)), BalanceItem("热凝固物", (0.01, 0.02)),
         BalanceItem("其他损失", (0.006, 0.015))),
    ),
    element_balance=BalanceSpec(
        "化学需氧量（COD）平衡", "t", (600.0, 2_400.0),
        (BalanceItem("糖化车间排水COD", (0.3, 0.38), None), BalanceItem("发酵车间排水COD", (0.28, 0.36), None),
         BalanceItem("包装车间排水COD", (0.28, 0.36), None)),
        (BalanceItem("厌氧处理去除", (0.72, 0.8)), BalanceItem("好氧处理去除", (0.16, 0.22)), BalanceItem("随污泥带走", (0.01, 0.02)),
         BalanceItem("随尾水排放", (0.005, 0.012))),
    ),
    element="化学需氧量（COD）",
    options=(
        OptionSpec("CIP清洗程序优化", "过程控制", "low", "按设备类型重新设定CIP清洗时间和碱液浓度，末道清洗水回收作下一次预冲洗。",
                   (("water", 0.025, 0.045), ("raw4", 0.05, 0.1)), (1.5, 4.5)),
        OptionSpec("洗瓶机末道喷淋水回用", "废弃物", "low", "洗瓶机末道清水喷淋水回收至预浸槽使用。",
                   (("water", 0.02, 0.035),), (2.0, 4.8)),
        OptionSpec("杀菌机热水保温及温控优化", "设备", "low", "隧道式杀菌机各温区加装自动温控阀，停机时保温，减少热水溢流。",
                   (("natural_gas", 0.015, 0.03),), (1.5, 4.0)),
        OptionSpec("提高麦汁收得率", "技术工艺", "low", "优化麦芽粉碎度和洗糟水温度、洗糟次数，提高浸出物收得率。",
                   (("raw0", 0.008, 0.015),), (0.0, 0.0)),
        OptionSpec("麦汁煮沸二次蒸汽回收", "技术工艺", "high", "煮沸锅加装二次蒸汽冷凝器和能量回收罐，回收热水用于麦汁预热。",
                   (("natural_gas", 0.1, 0.15),), (90.0, 200.0)),
        OptionSpec("冷冻系统变频及智能控制改造", "设备", "high", "{n}台螺杆制冷机组加装变频器，冷媒泵、冷却塔风机联动控制。",
                   (("electricity", 0.05, 0.08),), (45.0, 110.0)),
        OptionSpec("发酵二氧化碳回收装置", "废弃物", "high", "新建{n} kg/h发酵CO2回收装置，回收的二氧化碳用于灌装背压，替代外购。",
                   (("raw5", 0.6, 0.85),), (110.0, 250.0)),
    ),
    water_standard="《啤酒工业污染物排放标准》（GB 19821-2005）",
    gas_standard="《锅炉大气污染物排放标准》（GB 13271-2014）",
    indicator_title=None,
    old_standard="",
    water_units=("糖化车间", "发酵车间", "包装车间", "动力车间", "污水处理站", "生活用水"),
    int_unit="kL",
    int_factor=1.0,
)

INDUSTRIES: dict[str, Industry] = {i.key: i for i in (ELECTROPLATING, DYEING, PHARMA, FOUNDRY, PAPER, BREWERY)}
