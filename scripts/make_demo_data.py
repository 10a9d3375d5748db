"""Generate Tongbang's demo data: ``data/demo/workers.jsonl``, ``jobs.jsonl`` and ``ledger_example.csv``.

    .venv/bin/python scripts/make_demo_data.py            # writes data/demo/ (committed)
    .venv/bin/python scripts/make_demo_data.py --out DIR  # elsewhere (the determinism test does this)

Deterministic: one seeded ``random.Random`` and no iteration over sets, so the same code writes the same
bytes. What it makes:

- about 2,000 workers (劳动力) from real partner counties of Chongqing (酉阳, 秀山, 彭水, 石柱, 城口, 巫溪,
  巫山, 奉节, 云阳) and Gansu (东乡, 积石山, 临夏县, 康乐, 广河, 和政, 宕昌, 礼县, 西和, 通渭, 岷县, 渭源,
  漳县), with valid resident ID numbers carrying the right area codes — older workers often still carry
  the code of their first ID (Sichuan-era 51xxxx codes for Chongqing, 陇南地区 6226xx / 定西地区 6224xx for
  Gansu) — mixed assistance statuses written the way ledgers write them (脱贫户, 监测户, 边缘户, 低保户 …),
  colloquial self-descriptions (会烧电焊, 在工地干过钢筋工, 开过叉车 …), certificates in varied wording
  (电焊证, 特种作业操作证（焊接与热切割作业）, N1证, C1驾照 …), desired cities, expected salary, needs;
  some ledger-style gaps (no phone, no ID number, no education …);
- about 500 postings from plausible Shandong employers (valid unified social credit codes registered in
  the district where they sit) in all 16 cities, titles from the 2022 occupational classification in a
  realistic blue-collar mix, salaries, age limits, education minimums, required certificates for some,
  benefits and varied descriptions; a few closed or filled;
- a 5-row example ledger with the contract's Chinese headers, GBK-encoded as Chinese Excel saves it.

Every row passes ``models.intake.records.clean_worker`` / ``clean_job`` (tests/test_demo_data.py checks it).
Ages are fixed against ``REFERENCE_DATE`` so the data stays valid (nobody turns under 16) in later years.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from models.intake import reference
from models.intake.records import JOB_FIELDS, WORKER_FIELDS
from models.intake.validation import credit_code_check_character, id_check_character

SEED = 20260601
REFERENCE_DATE = date(2026, 1, 1)
N_WORKERS = 2000
N_JOBS = 500
OUT_DIR = REPO / "data" / "demo"
OCCUPATIONS_CSV = REPO / "data" / "occupations" / "csco22.csv"

# --- where workers come from -----------------------------------------------------------------------------

#: (current code, share, older ID area codes still on IDs of people first registered before the change)
COUNTIES: list[tuple[str, int, tuple[str, ...]]] = [
    ("500242", 14, ("513524", "512329")),  # 酉阳
    ("500241", 9, ("513522", "512330")),   # 秀山
    ("500243", 10, ("513525", "512327")),  # 彭水
    ("500240", 7, ("513521", "512325")),   # 石柱
    ("500229", 5, ("511228", "512229")),   # 城口
    ("500238", 6, ("511227", "512228")),   # 巫溪
    ("500237", 6, ("511226", "512227")),   # 巫山
    ("500236", 7, ("511225", "512226")),   # 奉节
    ("500235", 7, ("511224", "512225")),   # 云阳
    ("622926", 12, ()),                    # 东乡族自治县
    ("622927", 8, ()),                     # 积石山
    ("622921", 7, ()),                     # 临夏县
    ("622922", 4, ()),                     # 康乐
    ("622924", 4, ()),                     # 广河
    ("622925", 3, ()),                     # 和政
    ("621223", 6, ("622623",)),            # 宕昌
    ("621226", 6, ("622628",)),            # 礼县
    ("621225", 5, ("622627",)),            # 西和
    ("621121", 6, ("622424",)),            # 通渭
    ("621126", 6, ("622429",)),            # 岷县
    ("621123", 4, ("622426",)),            # 渭源
    ("621125", 3, ("622428",)),            # 漳县
]

#: How ledgers write a county: full name, 县 short form, bare short form (the validator resolves them all).
COUNTY_SPELLINGS = {
    "500242": ("酉阳土家族苗族自治县", "酉阳县", "酉阳"), "500241": ("秀山土家族苗族自治县", "秀山县", "秀山"),
    "500243": ("彭水苗族土家族自治县", "彭水县", "彭水"), "500240": ("石柱土家族自治县", "石柱县", "石柱"),
    "500229": ("城口县", "城口县", "城口"), "500238": ("巫溪县", "巫溪县", "巫溪"), "500237": ("巫山县", "巫山县", "巫山"),
    "500236": ("奉节县", "奉节县", "奉节"), "500235": ("云阳县", "云阳县", "云阳"),
    "622926": ("东乡族自治县", "东乡县", "东乡"),
    "622927": ("积石山保安族东乡族撒拉族自治县", "积石山县", "积石山"),
    "622921": ("临夏县", "临夏县", "临夏州临夏县"), "622922": ("康乐县", "康乐县", "康乐"),
    "622924": ("广河县", "广河县", "广河"), "622925": ("和政县", "和政县", "和政"),
    "621223": ("宕昌县", "宕昌县", "宕昌"), "621226": ("礼县", "礼县", "陇南市礼县"), "621225": ("西和县", "西和县", "西和"),
    "621121": ("通渭县", "通渭县", "通渭"), "621126": ("岷县", "岷县", "定西岷县"), "621123": ("渭源县", "渭源县", "渭源"),
    "621125": ("漳县", "漳县", "漳县"),
}
PROVINCE_SPELLINGS = {"50": ("重庆市", "重庆", "重庆市"), "62": ("甘肃省", "甘肃", "甘肃省")}

SURNAMES = {
    "50": "冉田向杨彭白何张王李刘陈黄吴谭罗邓石龙姚曾秦任胡崔熊蒲",
    "62": "马马马妥何韩王张李赵杨陈苟包汪鲁刘孔蒲安冶喇石刘",
}
GIVEN_MALE = "建国军强明伟勇杰涛斌波辉刚磊鹏超亮华平林峰龙海成福贵文武东红兵忠孝有才德全学志永长春生"
GIVEN_FEMALE = "芳霞燕琴丽梅兰英红娟秀敏静艳桂花莉凤玲翠萍娥雪云香珍慧丹蓉"
DONGXIANG_MALE = ("穆萨", "尤素福", "哈比布", "伊布拉", "努海", "阿力", "舍木", "哈三", "牙古拜", "尔撒")
DONGXIANG_FEMALE = ("阿依舍", "法图麦", "麦尔燕", "海底彻", "则乃拜", "阿米乃")

# --- what workers did and want ---------------------------------------------------------------------------

#: trade -> (weight, male share, age range, experience phrases, desired-job phrases, skills, certificate
#: wordings (each a list a worker may hold), expected salary range)
TRADES: dict[str, tuple] = {
    "welder": (12, 0.97, (22, 55),
               ("会烧电焊", "在工地干过几年电焊", "船厂做过电焊，二保焊、手工焊都会", "在钢结构厂烧过三年焊",
                "会氩弧焊，焊过不锈钢", "在新疆工地烧了五年电焊，能烧仰焊", "跟师傅学过电焊，会二保焊"),
               ("电焊工", "焊工", "电焊", "找个烧焊的活", "电焊或者钢结构"),
               ("电焊", "二保焊", "氩弧焊", "气割", "手工焊", "看图"),
               ([], ["电焊证"], ["焊工证"], ["特种作业操作证（焊接与热切割作业）"], ["焊工操作证"], ["电焊证", "C1驾照"]),
               (6500, 10000)),
    "rebar": (8, 0.95, (25, 58),
              ("在工地干过钢筋工", "跟着老乡干了五年钢筋", "会绑钢筋、会看图纸", "在建筑工地干过钢筋和模板"),
              ("钢筋工", "工地上的活", "建筑工地", "钢筋"),
              ("钢筋绑扎", "钢筋下料", "看图"),
              ([], [], ["C1驾照"]),
              (6500, 9500)),
    "forklift": (7, 0.9, (22, 50),
                 ("开过叉车", "在仓库开了两年叉车", "物流园开叉车，电叉油叉都会", "在厂里开过叉车装卸货"),
                 ("叉车司机", "开叉车", "叉车工", "仓库叉车"),
                 ("叉车", "装卸", "仓库管理"),
                 (["叉车证"], ["N1证"], ["特种设备作业人员证（N1叉车）"], ["叉车证", "C1驾驶证"], []),
                 (5500, 7500)),
    "cleaner": (8, 0.15, (35, 58),
                ("做过保洁", "在酒店做过客房保洁", "在小区做过两年保洁", "在医院做过保洁"),
                ("保洁", "保洁员", "打扫卫生的活", "保洁或者宿管"),
                ("保洁", "打扫卫生"),
                ([], [], ["健康证"]),
                (3500, 4500)),
    "factory": (16, 0.55, (18, 45),
                ("在厂里做过普工", "电子厂流水线干过", "在东莞做过三年普工", "做过包装", "在食品厂做过包装工",
                 "在服装厂剪过线头", "在汽配厂做过装配"),
                ("普工", "进厂", "工厂普工", "电子厂", "流水线"),
                ("流水线", "包装", "装配", "质检"),
                ([], [], [], ["健康证"], ["C1驾照"]),
                (4500, 6500)),
    "caregiver": (5, 0.2, (30, 56),
                  ("照顾过家里老人", "在养老院做过护工", "在医院当过两年护工", "在县里养老院干过"),
                  ("护工", "养老护理员", "照顾老人"),
                  ("护理", "照顾老人"),
                  (["养老护理员证"], ["健康证"], [], ["养老护理员证", "健康证"]),
                  (4000, 6000)),
    "sewing": (6, 0.2, (20, 50),
               ("做过缝纫", "在服装厂踩过缝纫机", "会平车、会包缝", "在浙江服装厂做过车位"),
               ("缝纫工", "车位", "服装厂", "平车工"),
               ("平车", "包缝", "缝纫"),
               ([], []),
               (5000, 7500)),
    "electrician": (5, 0.97, (22, 55),
                    ("干过电工", "在工地拉过线", "厂里做维修电工", "在物业做过电工"),
                    ("电工", "维修电工", "水电工"),
                    ("电工", "水电安装", "配电"),
                    (["低压电工证"], ["电工证"], ["特种作业操作证（低压电工作业）"], ["低压电工证", "高压电工证"], []),
                    (5500, 8500)),
    "cook": (4, 0.6, (22, 52),
             ("在饭店炒过菜", "做过厨师", "在食堂帮过厨", "开过小饭馆"),
             ("厨师", "帮厨", "食堂厨师"),
             ("炒菜", "面点", "切配"),
             (["健康证"], ["厨师证", "健康证"], []),
             (5000, 8000)),
    "driver": (5, 0.99, (25, 55),
               ("开过大货车", "跑过长途货运", "开了十年货车", "给工地拉过渣土"),
               ("货车司机", "司机", "开车"),
               ("驾驶", "长途"),
               (["B2驾驶证"], ["A2驾照"], ["C1驾照"], ["B2驾照", "货运从业资格证"]),
               (7000, 11000)),
    "excavator": (3, 0.99, (22, 50),
                  ("开过挖机", "在工地开挖掘机", "在矿上开过铲车"),
                  ("挖机司机", "挖掘机", "开挖机"),
                  ("挖掘机", "装载机"),
                  (["挖掘机操作证"], ["挖机证"], [], ["铲车证"]),
                  (8000, 12000)),
    "security": (4, 0.9, (25, 58),
                 ("当过保安", "在小区做过门岗", "退伍后在厂里当保安"),
                 ("保安", "门卫"),
                 ("巡逻", "值班"),
                 (["保安员证"], []),
                 (3800, 5000)),
    "sorter": (6, 0.5, (18, 48),
               ("在快递公司分拣过", "双十一在仓库打过包", "做过快递分拣", "在电商仓库拣过货"),
               ("分拣员", "快递", "仓库"),
               ("分拣", "打包", "扫码"),
               ([], []),
               (4500, 6500)),
    "waiter": (4, 0.4, (18, 40),
               ("在饭店当过服务员", "做过传菜员", "在火锅店干过"),
               ("服务员", "酒店服务员"),
               ("服务", "点菜"),
               (["健康证"], [], ["健康证明"]),
               (3800, 5000)),
    "builder": (6, 0.95, (25, 58),
                ("在工地干过瓦工", "会砌墙、抹灰", "干过木工支模", "在工地搭过架子", "工地上啥都干过"),
                ("瓦工", "木工", "建筑工", "架子工", "工地"),
                ("砌墙", "抹灰", "支模", "搭架子"),
                ([], ["架子工证"], ["登高证"]),
                (6500, 10000)),
    "housekeeper": (3, 0.05, (30, 55),
                    ("做过住家保姆", "带过孩子", "做过家政", "给人家做过饭、带过老人"),
                    ("家政", "保姆", "育婴员"),
                    ("做饭", "带孩子", "家务"),
                    (["家政服务员证"], ["育婴员证"], ["健康证"], []),
                    (5000, 7500)),
    "seafood": (3, 0.35, (20, 50),
                ("在水产厂剥过虾", "做过海产品加工", "在冷库干过"),
                ("水产加工", "食品厂"),
                ("分拣", "加工"),
                (["健康证"], []),
                (4500, 6500)),
    "none": (8, 0.55, (18, 45),
             ("刚毕业，没有工作经验", "在家务农，没出过门", "一直在家种地养牛", "在家带孩子，想出去挣钱",
              "在县城打过零工", "在家种花椒，农闲想出去干"),
             ("普工", "什么都愿意学", "进厂", "学门技术", "愿意出去打工"),
             (),
             ([], [], ["C1驾照"]),
             (4000, 6000)),
}

TRAINING = ("想学电焊", "想学叉车", "想考个证", "想学厨师", "想学养老护理", "想学电工", "想学挖掘机", "")
NEEDS = ("包吃住", "夫妻房", "长白班", "包住", "五险一金", "不上夜班", "交通补贴")
EDUCATION_WRITTEN = (("小学", 10), ("文盲", 2), ("小学毕业", 3), ("初中", 40), ("初中毕业", 8), ("高中", 12),
                     ("中专", 7), ("技校", 3), ("职高", 3), ("大专", 5), ("专科", 2), ("本科", 2), ("大学本科", 1))
ASSISTANCE_WRITTEN = (("脱贫户", 20), ("脱贫人口", 10), ("脱贫享受政策人口", 14), ("监测户", 6), ("边缘户", 3),
                      ("防止返贫监测对象", 6), ("低保户", 5), ("低保对象", 3), ("特困人员", 1), ("五保户", 1),
                      ("一般农户", 10), ("一般农村劳动力", 18))
CITY_WEIGHTS = {"青岛": 16, "烟台": 10, "潍坊": 10, "济南": 10, "临沂": 8, "威海": 6, "日照": 6, "淄博": 5,
                "济宁": 5, "东营": 4, "泰安": 3, "德州": 3, "聊城": 3, "滨州": 3, "菏泽": 3, "枣庄": 2}

# --- employers and postings ------------------------------------------------------------------------------

#: Shares of postings per city (all 16 get some).
JOB_CITY_WEIGHTS = {"青岛": 60, "济南": 45, "烟台": 40, "潍坊": 40, "临沂": 35, "济宁": 25, "淄博": 25, "威海": 22,
                    "日照": 20, "东营": 16, "泰安": 15, "德州": 15, "聊城": 15, "滨州": 15, "菏泽": 15, "枣庄": 13}
COASTAL = ("青岛", "烟台", "威海", "日照", "东营", "潍坊", "滨州")
BRANDS = ("鑫达", "华信", "海晟", "泰和", "永盛", "宏远", "金诺", "瑞丰", "德润", "恒通", "利民", "天成", "兴旺",
          "祥瑞", "众诚", "嘉禾", "盛邦", "鲁顺", "润华", "正源", "博远", "康宁", "福瑞", "安泰", "百川", "万和",
          "立信", "广源", "伟业", "宝丰", "海纳", "同创", "佳禾", "信达", "德胜", "盛泰", "远航", "齐力", "华锐",
          "金港", "诚信", "宏达", "聚源", "汇通", "东岳", "蓝海", "沃德", "凯瑞", "中盛", "明阳")

#: industry -> (name pattern, cities it fits or None for all, credit-code prefix)
INDUSTRIES: dict[str, tuple[str, tuple[str, ...] | None, str]] = {
    "ship": ("{city}{brand}船舶重工有限公司", ("青岛", "烟台", "威海", "日照"), "91"),
    "machinery": ("{city}{brand}机械制造有限公司", None, "91"),
    "steel": ("山东{brand}钢结构工程有限公司", None, "91"),
    "construction": ("{city}{brand}建筑工程有限公司", None, "91"),
    "logistics": ("{city}{brand}物流有限公司", None, "91"),
    "food": ("{city}{brand}食品有限公司", None, "91"),
    "seafood": ("{city}{brand}水产有限公司", ("青岛", "烟台", "威海", "日照", "东营", "滨州"), "91"),
    "textile": ("{city}{brand}服饰有限公司", ("青岛", "潍坊", "滨州", "德州", "聊城", "菏泽", "济宁", "临沂"), "91"),
    "electronics": ("{city}{brand}电子科技有限公司", ("青岛", "烟台", "济南", "潍坊", "威海", "淄博", "临沂"), "91"),
    "elderly": ("{city}市{brand}颐养中心", None, "52"),
    "property": ("{city}{brand}物业管理有限公司", None, "91"),
    "catering": ("{city}{brand}餐饮管理有限公司", None, "91"),
    "hotel": ("{city}{brand}大酒店有限公司", None, "91"),
    "auto": ("{city}{brand}汽车零部件有限公司", ("济南", "青岛", "烟台", "潍坊", "聊城", "淄博", "德州"), "91"),
    "chemical": ("{city}{brand}化工有限公司", ("东营", "淄博", "滨州", "潍坊"), "91"),
    "ecommerce": ("{city}{brand}供应链管理有限公司", ("临沂", "菏泽", "济南", "青岛", "潍坊"), "91"),
    "housekeeping": ("{city}{brand}家政服务有限公司", None, "92"),
}

#: posting template -> (weight, occupation in csco22, titles, industries, salary band, age options,
#: education options, certificate wordings (probability, options), skills, duties)
POSTINGS: dict[str, tuple] = {
    "welder": (11, "焊工", ("电焊工", "焊工", "二保焊工", "氩弧焊工", "船厂电焊工", "钢结构焊工", "熟练电焊工"),
               ("ship", "machinery", "steel", "auto"), (7000, 12000), ((20, 50), (20, 55), (22, 50), (None, 55)),
               (None, None, "初中"), (0.75, ("焊工证", "特种作业操作证（焊接与热切割作业）", "电焊证")),
               ("二保焊", "氩弧焊", "手工焊", "立焊", "仰焊", "气割", "看图"),
               ("船体分段焊接，二保焊为主", "钢结构构件焊接，能看懂简单图纸", "机械设备结构件焊接",
                "不锈钢管道氩弧焊", "挂车、罐体焊接")),
    "rebar": (6, "钢筋工", ("钢筋工", "钢筋工（点工）", "钢筋班组工人"), ("construction", "steel"), (7000, 11000),
              ((20, 58), (22, 55), (None, 60)), (None,), (0.0, ()), ("钢筋绑扎", "钢筋下料", "看图"),
              ("住宅项目主体结构钢筋绑扎", "厂房基础钢筋制作安装", "按图纸下料、绑扎，按方量计件")),
    "forklift": (8, "起重装卸机械操作工", ("叉车司机", "叉车工", "仓库叉车司机", "电动叉车司机"),
                 ("logistics", "food", "machinery", "ecommerce", "chemical"), (5500, 8000),
                 ((20, 50), (22, 50), (20, 55)), (None, "初中"),
                 (0.95, ("叉车证", "特种设备作业人员证（N1叉车）", "N1证")), ("叉车", "装卸", "仓库管理"),
                 ("仓库货物装卸、转运，配合出入库", "车间物料转运，电动叉车", "成品装车、码垛")),
    "cleaner": (7, "保洁员", ("保洁员", "保洁", "物业保洁员", "酒店保洁员", "商场保洁员"), ("property", "hotel", "elderly"),
                (3500, 5000), ((30, 58), (35, 60), (None, 60)), (None,), (0.1, ("健康证",)), ("保洁",),
                ("小区公共区域日常保洁", "酒店客房清洁、布草更换", "写字楼卫生间、楼道清洁", "商场地面、卫生间保洁")),
    "caregiver": (6, "养老护理员", ("养老护理员", "护理员", "护工", "养老院护理员"), ("elderly",), (4500, 7000),
                  ((25, 55), (30, 58), (None, 55)), (None, "初中"), (0.35, ("养老护理员证", "健康证")),
                  ("护理", "照顾老人", "喂饭翻身"),
                  ("照顾失能、半失能老人日常起居", "协助老人吃饭、洗漱、翻身", "养老院生活照料，24小时轮班")),
    "factory": (18, "电子设备装接工", ("普工", "电子厂普工", "流水线操作工", "车间普工", "装配工", "包装工"),
                ("electronics", "machinery", "auto", "food", "textile"), (4500, 7000),
                ((18, 45), (18, 40), (18, 48), (20, 45)), (None, "初中", "初中"), (0.1, ("健康证",)),
                ("流水线", "装配", "包装", "质检"),
                ("流水线组装、插件，坐班", "产品装配、打包", "汽车零部件装配", "站立作业，按要求上下料", "食品包装、装箱")),
    "sewing": (6, "缝纫工", ("缝纫工", "车位工", "平车工", "服装厂缝纫工", "熟练平车工"), ("textile",), (5000, 8500),
               ((18, 50), (20, 48)), (None, "初中"), (0.0, ()), ("平车", "包缝", "计件"),
               ("服装缝制，计件工资", "运动服流水线车位", "家纺产品缝纫")),
    "electrician": (5, "电工", ("电工", "维修电工", "设备电工", "物业电工", "建筑电工"),
                    ("property", "machinery", "construction", "chemical", "hotel"), (5500, 9000),
                    ((22, 50), (25, 55)), ("初中", "中专/技校", None),
                    (0.95, ("低压电工证", "电工证（低压）", "特种作业操作证（低压电工作业）")),
                    ("电工", "配电", "设备维修", "PLC"),
                    ("车间设备日常电气维修", "小区配电房值班、水电维修", "工地临时用电安装")),
    "sorter": (7, "快件处理员", ("分拣员", "快递分拣员", "仓库分拣员", "物流分拣工", "打包员"),
               ("logistics", "ecommerce"), (4500, 7000), ((18, 50), (18, 45)), (None,), (0.0, ()),
               ("分拣", "打包", "扫码"),
               ("快递包裹分拣、扫码，夜班有补贴", "电商仓库拣货、打包", "按区域分拣上架")),
    "waiter": (5, "餐厅服务员", ("服务员", "餐厅服务员", "酒店服务员", "传菜员"), ("catering", "hotel"), (4000, 5500),
               ((18, 40), (18, 45)), (None,), (0.6, ("健康证", "健康证明")), ("服务", "点菜"),
               ("餐厅点菜、上菜、收台", "宴会厅服务", "传菜、收拾餐具")),
    "cook": (4, "中式烹调师", ("厨师", "炒锅", "中餐厨师", "食堂厨师", "帮厨"), ("catering", "hotel", "elderly", "food"),
             (5000, 9000), ((22, 50), (25, 55)), (None, "初中"), (0.8, ("健康证", "健康证明")), ("炒菜", "切配", "面点"),
             ("员工食堂大锅菜", "酒店中餐炒锅", "切配、打荷、帮厨")),
    "security": (5, "保安员", ("保安", "保安员", "门岗保安", "巡逻保安"), ("property", "hotel", "machinery"),
                 (3800, 5500), ((20, 55), (22, 58), (None, 60)), (None, "初中"), (0.3, ("保安员证",)),
                 ("巡逻", "门岗", "监控"), ("小区门岗、巡逻", "厂区门卫，24小时两班倒", "商场秩序维护")),
    "mason": (4, "砌筑工", ("瓦工", "砌筑工", "大工（瓦工）"), ("construction",), (7000, 11000),
              ((22, 58), (25, 60), (None, 58)), (None,), (0.0, ()), ("砌墙", "抹灰"),
              ("住宅项目砌筑、抹灰", "二次结构砌筑", "按方量计件，多劳多得")),
    "carpenter": (3, "手工木工", ("木工", "支模木工", "建筑木工"), ("construction",), (7500, 11000),
                  ((22, 58), (25, 60)), (None,), (0.0, ()), ("支模", "看图"),
                  ("主体结构支模", "铝模、木模安装", "按方量计件，多劳多得")),
    "scaffolder": (2, "架子工", ("架子工", "外架架子工"), ("construction", "ship"), (7500, 11000),
                   ((22, 55),), (None,), (0.85, ("架子工证", "登高架设证", "建筑施工特种作业操作资格证（建筑架子工）")),
                   ("搭架子",), ("外架搭设与拆除", "船坞脚手架搭设", "悬挑架、爬架作业，需持证")),
    "driver": (4, "道路货运汽车驾驶员", ("货车司机", "B2司机", "A2司机", "物流司机", "配送司机"),
               ("logistics", "ecommerce", "construction", "food"), (7000, 12000), ((25, 55), (25, 50)), (None, "初中"),
               (0.95, ("B2驾驶证", "A2驾照", "C1驾驶证")), ("驾驶", "长途", "配送"),
               ("省内干线运输", "市内配送，早出晚归", "工地渣土运输", "冷链车配送")),
    "excavator": (2, "挖掘铲运和桩工机械司机", ("挖掘机司机", "挖机司机", "挖掘机操作手"), ("construction",),
                  (8000, 12000), ((22, 50), (25, 55)), (None,), (0.8, ("挖掘机操作证", "挖机证")),
                  ("挖掘机", "装载机"), ("市政工地土方开挖", "矿区装载作业")),
    "painter": (3, "涂装工", ("喷漆工", "涂装工", "油漆工"), ("machinery", "auto", "ship", "steel"), (6000, 9000),
                ((20, 50),), (None, "初中"), (0.0, ()), ("喷漆", "打磨"), ("工程机械喷漆", "船体涂装", "钢结构防腐喷涂")),
    "loader": (4, "装卸搬运工", ("装卸工", "搬运工", "装卸搬运工"), ("logistics", "food", "ecommerce"), (5000, 8000),
               ((18, 50), (20, 50)), (None,), (0.0, ()), ("装卸",), ("货车装卸，计件", "仓库搬运、码垛")),
    "housekeeper": (3, "家政服务员", ("家政服务员", "住家保姆", "育婴员", "钟点工"), ("housekeeping",), (5000, 8000),
                    ((28, 55), (30, 55)), (None, "初中"), (0.5, ("健康证", "家政服务员证", "育婴员证")),
                    ("做饭", "带孩子", "家务"), ("住家照顾老人和做饭", "带一岁宝宝，做家务", "家庭保洁、做饭")),
    "machinist": (3, "车工", ("车工", "数控车工", "CNC操作工"), ("machinery", "auto"), (6000, 9000), ((20, 45),),
                  ("初中", "中专/技校"), (0.0, ()), ("数控车床", "看图", "量具"),
                  ("数控车床操作，能看图纸", "轴类零件加工", "CNC上下料、自检")),
    "inspector": (3, "质检员", ("质检员", "品检员"), ("electronics", "food", "auto", "textile"), (4500, 6500),
                  ((20, 40),), ("高中", "中专/技校"), (0.0, ()), ("质检", "量具"), ("来料检验、巡检", "成品外观检验")),
    "seafood": (4, "水产品加工工", ("水产加工工", "海产品加工工", "水产品加工工"), ("seafood",), (5000, 8000),
                ((18, 50), (20, 55)), (None,), (0.5, ("健康证",)), ("加工", "分拣"),
                ("虾类剥壳、分级，计件", "海参、鱿鱼初加工", "冷库分拣、包装")),
}

BENEFITS = ("包吃住", "五险一金", "包住", "包吃", "夫妻房", "长白班", "交通补贴", "节日福利", "免费工作餐", "年终奖",
            "加班费", "带薪年假", "全勤奖")
SHIFT_PHRASES = ("长白班，月休4天", "两班倒，夜班有补贴", "做六休一", "八小时工作制，双休", "白班为主，旺季加班",
                 "计件工资，多劳多得")
HOUSING_PHRASES = ("提供宿舍，4-6人间，有空调热水", "有夫妻房", "员工食堂，一天三餐", "公司附近有宿舍，步行5分钟",
                   "免费班车接送")
PAY_PHRASES = ("每月15号准时发工资", "试用期一个月，工资不打折", "入职即缴纳社保", "老乡多，有师傅带",
               "欢迎东西部协作地区劳动力", "可提供技能培训")


def _check_occupations() -> None:
    """Every posting template's occupation exists in the 2022 classification (csco22.csv)."""
    with OCCUPATIONS_CSV.open(encoding="utf-8") as fh:
        names = {row["name"].rstrip("LS/") for row in csv.DictReader(fh)}
    missing = [t[1] for t in POSTINGS.values() if t[1] not in names]
    if missing:
        raise SystemExit(f"occupations missing from csco22.csv: {missing}")


def _weighted(rng: random.Random, pairs) -> str:
    items = list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def _make_id(area: str, born: date, male: bool, used: set[str], rng: random.Random) -> str:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        first17 = f"{area}{born:%Y%m%d}{seq:03d}"
        number = first17 + id_check_character(first17)
        if number not in used:
            used.add(number)
            return number


def _phone(rng: random.Random, used: set[str]) -> str:
    prefixes = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157",
                "158", "159", "166", "173", "177", "180", "181", "183", "187", "188", "189", "191", "199")
    while True:
        number = rng.choice(prefixes) + f"{rng.randrange(0, 10**8):08d}"
        if number not in used:
            used.add(number)
            return number


def _name(rng: random.Random, province: str, county: str, male: bool) -> str:
    surname = rng.choice(SURNAMES[province])
    if county in ("622926", "622927") and rng.random() < 0.35:
        return surname + rng.choice(DONGXIANG_MALE if male else DONGXIANG_FEMALE)
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return surname + given


def _salary_written(rng: random.Random, amount: int):
    style = rng.random()
    if style < 0.55:
        return amount
    if style < 0.7:
        return str(amount)
    if style < 0.8 and amount % 1000 == 0:
        return f"{amount // 1000}千"
    if style < 0.87 and amount % 1000 == 0:
        return f"{amount / 10000:g}万"
    if style < 0.93:
        return f"{amount}元"
    return f"{amount}以上"


def make_workers(rng: random.Random) -> list[dict]:
    """About 2,000 worker ledger rows (SCHEMA.md field names), see the module docstring."""
    counties = [(code, w, old) for code, w, old in COUNTIES]
    trades = list(TRADES.items())
    used_ids: set[str] = set()
    used_phones: set[str] = set()
    rows = []
    for n in range(1, N_WORKERS + 1):
        code, _w, old_codes = rng.choices(counties, weights=[c[1] for c in counties])[0]
        province = code[:2]
        trade, spec = rng.choices(trades, weights=[t[1][0] for t in trades])[0]
        _weight, male_share, (age_lo, age_hi), experience, desired, skills, certs, (sal_lo, sal_hi) = spec
        male = rng.random() < male_share
        age = rng.randint(age_lo, age_hi)
        born = date(REFERENCE_DATE.year - age - 1, 1, 1) + timedelta(days=rng.randrange(0, 365))
        area = code
        if old_codes and born.year <= 1985 and rng.random() < 0.5:
            area = rng.choice(old_codes)  # first ID issued before the county's code changed
        id_number = _make_id(area, born, male, used_ids, rng)
        row: dict = {"external_id": f"W{n:05d}", "name": _name(rng, province, code, male)}
        if rng.random() > 0.03:
            row["id_number"] = id_number
        else:  # no ID number on the ledger: gender and birth year written instead
            row["gender"] = "男" if male else "女"
            row["birth_year"] = born.year
        if rng.random() > 0.06:
            phone = _phone(rng, used_phones)
            row["phone"] = phone if rng.random() > 0.1 else f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        if "id_number" in row and rng.random() < 0.3:
            row["gender"] = "男" if male else "女"
        row["hukou_province"] = rng.choice(PROVINCE_SPELLINGS[province])
        row["hukou_county"] = rng.choices(COUNTY_SPELLINGS[code], weights=(5, 4, 2))[0]
        if rng.random() > 0.04:
            row["assistance_status"] = _weighted(rng, ASSISTANCE_WRITTEN)
        if rng.random() > 0.08:
            education = _weighted(rng, EDUCATION_WRITTEN)
            if age >= 45 and education in ("大专", "专科", "本科", "大学本科"):
                education = "初中"
            row["education"] = education
        row["skills"] = rng.sample(skills, k=min(len(skills), rng.randint(0, 3))) if skills else []
        row["certificates"] = list(rng.choice(certs))
        row["experience"] = "，".join(rng.sample(experience, k=rng.choice((1, 1, 2))))
        row["desired_jobs"] = rng.choice(desired)
        k = rng.choices((0, 1, 2, 3), weights=(25, 35, 28, 12))[0]
        cities = []
        while len(cities) < k:
            city = _weighted(rng, CITY_WEIGHTS.items())
            if city not in cities:
                cities.append(city)
        row["desired_cities"] = [c + "市" if rng.random() < 0.2 else c for c in cities] or (
            ["不限"] if rng.random() < 0.2 else [])
        if rng.random() > 0.1:
            row["expected_salary"] = _salary_written(rng, rng.randrange(sal_lo, sal_hi + 1, 500))
        needs = []
        for need, share in (("包吃住", 0.5), ("夫妻房", 0.12), ("长白班", 0.2), ("五险一金", 0.15), ("不上夜班", 0.05)):
            if rng.random() < share:
                needs.append(need)
        if "包吃住" not in needs and rng.random() < 0.15:
            needs.append("包住")
        row["needs"] = needs
        if trade == "none" or rng.random() < 0.12:
            wanted = rng.choice(TRAINING)
            if wanted:
                row["training_wanted"] = wanted
        rows.append(row)
    return rows


def _shandong_districts() -> dict[str, list[reference.County]]:
    out: dict[str, list[reference.County]] = {}
    for county in reference.COUNTIES.values():
        city = reference.SHANDONG_CITY_BY_CODE.get(county.city_code)
        if city and not county.is_development_zone:
            out.setdefault(city, []).append(county)
    return out


def _credit_code(rng: random.Random, prefix: str, area: str, used: set[str]) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        org = "MA" + rng.choice("0123456789") + "".join(rng.choice(alphabet) for _ in range(6))
        first17 = prefix + area + org
        code = first17 + credit_code_check_character(first17)
        if code not in used:
            used.add(code)
            return code


def make_employers(rng: random.Random) -> list[dict]:
    """About 160 employers: name, credit code, city, district (a real county-level division of the city)."""
    districts = _shandong_districts()
    used_names: set[str] = set()
    used_codes: set[str] = set()
    employers = []
    industries = list(INDUSTRIES.items())
    for city, weight in JOB_CITY_WEIGHTS.items():
        for _ in range(max(3, weight // 3)):
            fitting = [(k, v) for k, v in industries if v[1] is None or city in v[1]]
            industry, (pattern, _cities, prefix) = rng.choice(fitting)
            for _attempt in range(50):
                name = pattern.format(city=city, brand=rng.choice(BRANDS))
                if name not in used_names:
                    break
            used_names.add(name)
            county = rng.choice(districts[city])
            employers.append({"name": name, "industry": industry, "city": city, "county": county,
                              "credit_code": _credit_code(rng, prefix, county.code, used_codes)})
    return employers


def _description(rng: random.Random, duties: tuple[str, ...], benefits: list[str]) -> str:
    parts = rng.sample(duties, k=min(len(duties), rng.choice((1, 1, 2))))
    parts.append(rng.choice(SHIFT_PHRASES))
    if "包吃住" in benefits or "包住" in benefits:
        parts.append(rng.choice(HOUSING_PHRASES))
    if rng.random() < 0.6:
        parts.append(rng.choice(PAY_PHRASES))
    return "；".join(parts) + "。"


def make_jobs(rng: random.Random, employers: list[dict]) -> list[dict]:
    """About 500 postings across all 16 cities (SCHEMA.md field names)."""
    templates = list(POSTINGS.items())
    by_city: dict[str, list[dict]] = {}
    for employer in employers:
        by_city.setdefault(employer["city"], []).append(employer)
    cities = list(JOB_CITY_WEIGHTS)
    plan = [c for c in cities for _ in range(8)]  # every city gets at least 8 postings
    plan += rng.choices(cities, weights=list(JOB_CITY_WEIGHTS.values()), k=N_JOBS - len(plan))
    rows = []
    for n, city in enumerate(plan, start=1):
        # A template whose industries exist in this city, then an employer of such an industry.
        present = {e["industry"] for e in by_city[city]}
        fitting = [(k, t) for k, t in templates if any(i in present for i in t[3])]
        key, spec = rng.choices(fitting, weights=[t[0] for _k, t in fitting])[0]
        (_w, _occupation, titles, industries, (sal_lo, sal_hi), ages, educations, (cert_p, cert_options),
         skills, duties) = spec
        candidates = [e for e in by_city[city] if e["industry"] in industries]
        employer = rng.choice(candidates) if candidates else rng.choice(by_city[city])
        salary_min = rng.randrange(sal_lo, sal_hi - 999, 500)
        salary_max = min(salary_min + rng.choice((1000, 1500, 2000, 3000)), 15000)
        age_min, age_max = rng.choice(ages)
        benefits = []
        for benefit, share in zip(BENEFITS, (0.45, 0.5, 0.2, 0.1, 0.12, 0.2, 0.1, 0.25, 0.2, 0.15, 0.15, 0.1, 0.1)):
            if rng.random() < share:
                benefits.append(benefit)
        if "包吃住" in benefits:
            benefits = [b for b in benefits if b not in ("包住", "包吃")]
        row: dict = {
            "external_id": f"J{n:04d}",
            "employer_name": employer["name"],
            "employer_credit_code": employer["credit_code"],
            "title": rng.choice(titles),
            "description": _description(rng, duties, benefits),
            "city": city if rng.random() < 0.7 else city + "市",
        }
        if rng.random() < 0.75:
            county = employer["county"]
            short = sorted(reference.short_forms(county.name) - {county.name}, key=len)
            row["district"] = short[-1] if short and rng.random() < 0.25 else county.name
        row["salary_min"] = salary_min
        row["salary_max"] = salary_max
        row["headcount"] = rng.choice((1, 2, 3, 5, 5, 8, 10, 10, 20, 30, 50))
        if age_min is not None:
            row["age_min"] = age_min
        if age_max is not None:
            row["age_max"] = age_max
        education = rng.choice(educations)
        if education:
            row["education_min"] = education
        if cert_options and rng.random() < cert_p:
            row["required_certificates"] = [rng.choice(cert_options)]
            if key == "driver" and rng.random() < 0.3:
                row["required_certificates"].append("货运从业资格证")
        else:
            row["required_certificates"] = []
        row["skills"] = rng.sample(skills, k=min(len(skills), rng.randint(0, 2)))
        row["benefits"] = benefits
        status = rng.random()
        row["status"] = "open" if status < 0.9 else ("closed" if status < 0.96 else "filled")
        rows.append(row)
    return rows


def _ledger_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(value)
    return str(value)


def write_all(out: Path) -> dict[str, int]:
    """Write the demo files into ``out``; returns row counts."""
    _check_occupations()
    rng = random.Random(SEED)
    workers = make_workers(rng)
    employers = make_employers(rng)
    jobs = make_jobs(rng, employers)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("workers.jsonl", workers), ("jobs.jsonl", jobs)):
        with (out / name).open("w", encoding="utf-8", newline="\n") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    fields = [f for f, spec in WORKER_FIELDS.items() if spec.stored]
    with (out / "ledger_example.csv").open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([WORKER_FIELDS[f].label for f in fields])
        for row in workers[:5]:
            writer.writerow([_ledger_cell(row.get(f)) for f in fields])
    assert set(JOB_FIELDS) >= {k for row in jobs for k in row}
    return {"workers": len(workers), "jobs": len(jobs), "employers": len({j["employer_name"] for j in jobs}),
            "cities": len({j["city"].removesuffix("市") for j in jobs})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default data/demo)")
    args = parser.parse_args(argv)
    counts = write_all(args.out)
    print(f"写入 {args.out}: 求职者 {counts['workers']} 人，岗位 {counts['jobs']} 个"
          f"（{counts['employers']} 家用人单位，{counts['cities']} 个城市），示例台账 5 行")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
