"""Fictional enterprise, agency and person names (the places are real, see places.py)."""

from __future__ import annotations

import random

BRANDS = [
    "恒盛", "鑫达", "华锐", "永泰", "金禾", "宏远", "瑞丰", "嘉诚", "天润", "昌隆", "宝信", "明辉", "德润", "中瑞",
    "汇丰源", "润通", "凯鑫", "博远", "佳和", "东宸", "远航", "益康", "奥邦", "华晟", "振邦", "三禾", "信诺",
    "丰泽", "骏达", "恒通", "富源", "隆盛", "万泰", "晨光", "正元", "精诚", "锦程", "鸿运", "瑞祥",
    "宇航", "通达", "祥和", "康源", "盛元", "泓源", "汇川", "同舟", "立信", "新杰", "百川", "鼎盛", "巨力",
]

AGENCY_WORDS = [
    ("环保科技有限公司", 3), ("环境咨询有限公司", 2), ("节能环保技术服务有限公司", 2), ("环境工程技术有限公司", 2),
    ("清洁生产技术服务中心", 1), ("生态环境科技有限公司", 2), ("环境技术咨询有限公司", 1),
]
AGENCY_BRANDS = [
    "绿源", "清源", "碧水", "蓝天", "青山", "绿洲", "净美", "澄清", "环宇", "中环", "绿色家园", "天蓝", "清华同创",
    "科环", "启明", "绿邦", "禾田", "清风", "洁源", "思创", "环智", "金环", "瑞清", "森蓝", "和清", "博环",
]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌红志宏海波鹏飞玲燕辉健林峰亮晶琳浩宇凯欣怡")


def person(rng: random.Random) -> str:
    n = 1 if rng.random() < 0.35 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(n))


def people(rng: random.Random, k: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < k:
        p = person(rng)
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def enterprise_name(rng: random.Random, place_short: str, industry_words: tuple[str, ...]) -> tuple[str, str]:
    """(full name, short name) such as ('吴江恒盛印染有限公司', '恒盛印染')."""
    brand = rng.choice(BRANDS)
    word = rng.choice(industry_words)
    form = rng.choice(["有限公司", "有限公司", "股份有限公司", "有限责任公司"])
    prefix = place_short if rng.random() < 0.7 else ""
    return f"{prefix}{brand}{word}{form}", f"{brand}{word}"


def agency_name(rng: random.Random, place_short: str) -> str:
    words, weights = zip(*AGENCY_WORDS)
    word = rng.choices(words, weights)[0]
    return f"{place_short}{rng.choice(AGENCY_BRANDS)}{word}"
