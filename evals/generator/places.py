"""Real Chinese administrative divisions (province / prefecture city / county) for fictional
enterprises, read from the data file shipped in the ``cpca`` package.

Place-name rules check that a report's cities agree with the enterprise's address, so the
places must be real; the enterprises themselves are fictional. ``cpca/__init__`` imports
``pkg_resources`` (absent with recent setuptools), so the CSV is located through the import
machinery without executing the package.
"""

from __future__ import annotations

import csv
import importlib.util
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Municipalities and SARs have no prefecture-city level the way reports write addresses.
_SKIP_PROVINCES = {"11", "12", "31", "50", "71", "81", "82"}


@dataclass(frozen=True)
class Place:
    province: str
    city: str
    county: str
    adcode: str

    @property
    def city_short(self) -> str:
        return _strip_suffix(self.city, ("市", "地区", "盟", "自治州"))

    @property
    def county_short(self) -> str:
        return _strip_suffix(self.county, ("县", "区", "市", "旗"))

    @property
    def province_short(self) -> str:
        for suf in ("省", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区"):
            if self.province.endswith(suf):
                return self.province[: -len(suf)]
        return self.province


def _strip_suffix(name: str, suffixes: tuple[str, ...]) -> str:
    for s in suffixes:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return name


def _adcodes_csv() -> Path | None:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "resources" / "adcodes.csv"
        if p.exists():
            return p
    return None


# Used only when cpca is not installed: a few real divisions so generation still works.
_FALLBACK = [
    ("江苏省", "苏州市", "吴江区", "320509"), ("江苏省", "常州市", "武进区", "320412"),
    ("浙江省", "绍兴市", "柯桥区", "330603"), ("浙江省", "台州市", "黄岩区", "330003"),
    ("广东省", "江门市", "新会区", "440705"), ("山东省", "潍坊市", "寿光市", "370783"),
    ("河北省", "保定市", "清苑区", "130608"), ("安徽省", "芜湖市", "繁昌区", "340212"),
    ("湖北省", "孝感市", "汉川市", "420984"), ("四川省", "德阳市", "旌阳区", "510603"),
    ("福建省", "泉州市", "晋江市", "350582"), ("河南省", "新乡市", "获嘉县", "410724"),
]


@lru_cache(maxsize=1)
def all_places() -> tuple[Place, ...]:
    path = _adcodes_csv()
    if path is None:
        return tuple(Place(p, c, k, a) for p, c, k, a in _FALLBACK)
    names: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names[row["adcode"]] = row["name"]
    out = []
    for code, name in names.items():
        if code[6:] != "000000" or code[4:6] == "00" or code[:2] in _SKIP_PROVINCES:
            continue
        if name in ("市辖区", "县") or not name.endswith(("区", "县", "市")):
            continue
        prov = names.get(code[:2] + "0" * 10)
        city = names.get(code[:4] + "0" * 8)
        if not prov or not city or city in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        out.append(Place(prov, city, name, code[:6]))
    out.sort(key=lambda p: p.adcode)
    return tuple(out)


def pick_place(rng: random.Random, exclude_provinces: set[str] | None = None) -> Place:
    pool = [p for p in all_places() if not exclude_provinces or p.province not in exclude_provinces]
    return rng.choice(pool)


def capital_city(province: str) -> str | None:
    """The provincial capital (used for agencies registered in the capital)."""
    caps = {
        "河北省": "石家庄市", "山西省": "太原市", "内蒙古自治区": "呼和浩特市", "辽宁省": "沈阳市",
        "吉林省": "长春市", "黑龙江省": "哈尔滨市", "江苏省": "南京市", "浙江省": "杭州市", "安徽省": "合肥市",
        "福建省": "福州市", "江西省": "南昌市", "山东省": "济南市", "河南省": "郑州市", "湖北省": "武汉市",
        "湖南省": "长沙市", "广东省": "广州市", "广西壮族自治区": "南宁市", "海南省": "海口市",
        "四川省": "成都市", "贵州省": "贵阳市", "云南省": "昆明市", "西藏自治区": "拉萨市", "陕西省": "西安市",
        "甘肃省": "兰州市", "青海省": "西宁市", "宁夏回族自治区": "银川市", "新疆维吾尔自治区": "乌鲁木齐市",
    }
    return caps.get(province)
