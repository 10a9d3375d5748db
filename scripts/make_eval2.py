"""Write the second labelled matching set, ``data/eval2/`` (the hold-out set of issue 10).

    .venv/bin/python scripts/make_eval2.py          # writes data/eval2/{jobs.jsonl,tune/,test/,README.md}

Why a second set: ``data/eval/`` (45 workers x 98 postings) is where the ranking weights were set, so its
figures flatter the ranker. This set is written from other sources, by other rules, and is larger:

- **Postings** take their titles verbatim from the real job-board wording of ``data/occupations/testcases.csv``
  (MIT, see ``data/occupations/NOTICE``): 招聘焊工 for a metal works, 电子厂旺季招工7k一个月, 杀鱼师傅 … Only the
  few trades that file has no titles for (building trades: 钢筋工, 砌筑工, 混凝土工; 养老护理员) take the name
  or alias of their occupation in ``csco22.csv``, and six plain variants of those we wrote ourselves (``extra``
  in ``check_titles``: 钢筋工（绑扎）, 建筑钢筋工, 瓦工, 抹灰工（砌筑工）, 建筑普工, 养老院护工). Employer, city, pay, benefits, requirements and the
  description are drawn by a seeded generator with its own phrasing (not the demo data's tables).
- **Workers** are written two ways: as staff fill a ledger (求职意向 "电焊工", 工作经历 "电焊5年，有证") and as
  workers talk ("在老家钢构厂烧了几年电焊", "啥活都能干，就是要管吃住").
- **Failure classes of issue 10, labelled on purpose** (``class`` in labels.jsonl, reported per class by the
  bench): ``clear`` (a plain trade wish, ledger wording), ``talk`` (the same, in workers' words),
  ``vague`` (any job will do, with 包吃住 / higher pay / 力气大), ``couple`` (两口子 wanting 夫妻房),
  ``experience`` (experience but no stated wish: 求职意向 left empty), and ``related`` (a trade that is
  scarce in the one city the worker names, so the related trades, in that city or elsewhere, decide the list).

Grades (the labeller's reading, written down before any ranking was looked at; unlabelled = 0):

- 0 always when the worker cannot take the job: closed/filled, a required certificate the worker does not
  hold (the labeller's own reading of what each certificate is: ``_req`` / ``_holds``), outside the age
  range, below the minimum education;
- ``good`` trades (what the worker asks for, or plainly does): 2 in a wanted city (or none named) at pay
  ``salary_max >= 0.9 x`` the expectation, else 1;
- ``related`` trades (the same family of work, or experience that transfers: 焊工 -> 切割工/钣金工, 叉车 ->
  仓管/装卸): 1 wherever the job is, if its pay reaches ``0.8 x`` the expectation; 0 otherwise;
- vague seekers: every broad manual trade (普工, 包装, 分拣, 装卸, 食品加工, 注塑, 建筑小工 …) is ``good``,
  but only a job in a wanted city that houses people (包吃住/包住/宿舍, for a worker who asked to be housed)
  and pays what was asked is 2; a manual job that misses either is 1; service jobs (服务员, 销售, 客服, 收银, 美容) are 0;
- couples: a ``good`` trade without 夫妻房 (or 夫妻宿舍) is at most 1;
- experience-only workers: the trade(s) of their experience are ``good``.

Split: workers are split into ``tune/`` and ``test/`` halves by a seeded shuffle *within each class*
(so both halves hold every failure class), before any tuning. **Rule: no weight, synonym or threshold is
ever set by looking at the test half**; tune on ``tune/`` (and the dev set), report ``test/``. The postings
(``jobs.jsonl``, one market) are shared by both halves.

Deterministic: one ``random.Random(SEED)``; running it twice writes the same bytes.
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "eval2"
SEED = 20261210
EVAL_YEAR = 2026
N_JOBS = 560
CLASS_COUNTS = {"clear": 70, "talk": 50, "vague": 32, "couple": 30, "experience": 38, "related": 20}

EDU = {"小学及以下": 0, "初中": 1, "高中": 2, "中专/技校": 2, "大专": 3, "本科及以上": 4}
# Driving licences that cover others, as the labeller reads them.
COVERS = {"A2": {"A2", "B2", "C1", "C2"}, "B2": {"B2", "C1", "C2"}, "C1": {"C1", "C2"}, "C2": {"C2"}}

CITIES = ["青岛", "济南", "烟台", "潍坊", "临沂", "淄博", "济宁", "威海", "日照", "德州", "聊城", "滨州", "东营",
          "泰安", "枣庄", "菏泽"]
CITY_WEIGHTS = [14, 12, 9, 9, 8, 6, 6, 5, 4, 4, 4, 3, 3, 3, 2, 2]
HOMES = [("甘肃省", "东乡族自治县"), ("甘肃省", "临夏县"), ("甘肃省", "积石山保安族东乡族撒拉族自治县"),
         ("重庆市", "酉阳土家族苗族自治县"), ("重庆市", "彭水苗族土家族自治县"), ("重庆市", "城口县")]
SURNAMES = "马王李张刘陈杨赵黄周吴徐孙胡朱高林何郭罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_M = ["建军", "志强", "海龙", "小兵", "国庆", "永福", "德才", "文斌", "继红", "有财", "军", "勇", "刚", "成林", "春生",
           "红旗", "明亮", "天宝", "学文", "宏伟", "东升", "亮", "涛", "伟", "小龙", "家旺", "双喜", "金山", "玉林", "长江"]
GIVEN_F = ["秀英", "桂兰", "小红", "春梅", "丽", "芳", "玉兰", "金花", "翠萍", "海燕", "小燕", "红霞", "淑珍", "凤英", "美玲",
           "晓丽", "彩霞", "月娥", "秀芳", "兰英"]


@dataclass
class Trade:
    """One kind of work as the labeller reads it."""

    key: str
    titles: list[str]                    # posting titles, verbatim from testcases.csv (or csco22.csv names)
    pay: tuple[int, int]                 # typical monthly pay range
    duties: list[str]
    skills: list[str] = field(default_factory=list)
    certs: list[tuple[str, str]] = field(default_factory=list)   # (wording in a posting, labeller's reading)
    cert_p: float = 0.0
    manual: bool = False                 # a broad manual job a vague seeker is glad of
    service: bool = False                # a service job a vague seeker did not mean
    housing_p: float = 0.4               # share of postings that house people
    couple_p: float = 0.0                # share of postings with 夫妻房
    edu_min: tuple[str, float] | None = None
    age: tuple[int, int] = (18, 55)
    # the worker side
    want_ledger: list[str] = field(default_factory=list)   # 求职意向 as staff type it
    want_talk: list[str] = field(default_factory=list)     # as workers say it
    exp_ledger: list[str] = field(default_factory=list)    # 工作经历 as staff type it ({n} = years)
    exp_talk: list[str] = field(default_factory=list)
    worker_skills: list[str] = field(default_factory=list)
    worker_certs: list[tuple[str, str]] = field(default_factory=list)
    women: float = 0.2


TRADES = [
    Trade("weld", ["方安招聘氩弧焊工", "枝江市源福航不锈...招聘焊工", "氩弧焊工", "江苏新科工业炉招聘焊工", "泰硕机械招聘焊工",
                   "湖南振泰实业有限公司招聘焊工", "潘腾铜艺招聘氩弧焊工", "烟台食品加工设备招聘焊工", "联池水务招聘氩弧焊工",
                   "芹聚广告标识招聘焊工", "贵州万泰金属制品招聘焊工", "连云港泽野机械设备招聘焊工", "迪普迈招聘氩弧焊工",
                   "金环钢构招聘焊工", "鑫煜电力招聘焊工", "鼎正重机招聘焊工"],
          (7000, 12000), ["钢结构件焊接", "不锈钢设备焊接，焊缝要求平整", "按图纸焊接机架", "管道和箱体焊接"],
          ["二保焊", "氩弧焊", "手工电弧焊", "看图纸"], [("焊工证", "weld"), ("特种作业操作证（熔化焊接与热切割作业）", "weld")],
          0.6, want_ledger=["电焊工", "焊工", "氩弧焊工"], want_talk=["会烧电焊", "烧焊的活", "想干电焊"],
          exp_ledger=["电焊{n}年", "钢结构焊工{n}年", "氩弧焊{n}年"],
          exp_talk=["在钢构厂烧了{n}年电焊", "工地上烧焊干过{n}年，二保焊会", "跟师傅学过氩弧焊，干了{n}年"],
          worker_skills=["二保焊", "氩弧焊", "手工焊"], worker_certs=[("焊工证", "weld"), ("电焊证", "weld"),
                                                               ("特种作业操作证（焊接与热切割作业）", "weld")], women=0.05),
    Trade("cut", ["月佳广告招聘切割工", "清远市清城区隆泉...招聘切割工", "线切割技工", "诺盛机械招聘切割工", "韩城鑫招聘切割工"],
          (6000, 9000), ["钢板下料切割", "等离子切割机操作", "激光切割上下料"], ["等离子切割", "火焰切割", "激光切割"],
          want_ledger=["切割工", "下料工"], want_talk=["开切割机", "下料切割"], exp_ledger=["切割下料{n}年"],
          exp_talk=["在五金厂开了{n}年切割机"], worker_skills=["等离子切割", "火焰切割"], women=0.05),
    Trade("sheet", ["汕头市卓奎五金制造招聘钣金工", "金发钢业招聘钣金工", "钣金工", "钣金组装工", "深圳市鑫正光五金制品招聘折弯工",
                    "金大宏不锈钢招聘折弯工"],
          (6500, 10000), ["机柜钣金件折弯成型", "不锈钢钣金加工", "数控折弯机操作"], ["折弯", "钣金", "看图纸"],
          want_ledger=["钣金工", "折弯工"], want_talk=["做钣金", "开折弯机"], exp_ledger=["钣金{n}年", "折弯{n}年"],
          exp_talk=["在机箱厂干了{n}年钣金折弯"], worker_skills=["折弯", "钣金"], women=0.05),
    Trade("cnc", ["数控加工中心操作工", "数控车工", "晟特嘉招聘车工", "汕头市鸿图机械配件招聘车工", "江西佳时特招聘车工",
                  "深圳市威迈精密机械招聘车工", "湖州创迪机电科技招聘车工", "福勒量仪招聘铣工", "精标模具招聘铣工", "腾顺吉招聘铣工",
                  "铣工", "龙门/镗铣加工中心操作工"],
          (6000, 10000), ["数控车床上下料、对刀", "加工中心操机，会简单编程优先", "普通车床加工轴类零件"],
          ["数控车床", "加工中心", "对刀", "编程"], edu_min=("初中", 0.3),
          want_ledger=["数控车工", "CNC操机", "车工"], want_talk=["开数控车床", "操机"],
          exp_ledger=["数控车床{n}年", "CNC操机{n}年"], exp_talk=["在机加工厂开了{n}年数控车床", "技校学数控的，在厂里操机{n}年"],
          worker_skills=["数控车床", "加工中心", "对刀"], women=0.1),
    Trade("grind", ["河北骥铠装备有限公司招聘磨工", "泉州坤皓自动化科技招聘磨工", "金族激光招聘磨工", "江红招聘抛光工",
                    "鼎晟模具厂招聘抛光工", "鼎盛研磨招聘抛光工"],
          (5500, 8500), ["平面磨床磨削", "五金件抛光打磨", "模具抛光"], ["磨床", "抛光"],
          want_ledger=["磨工", "抛光工"], want_talk=["打磨抛光"], exp_ledger=["抛光{n}年", "磨床{n}年"],
          exp_talk=["在五金厂打磨抛光干了{n}年"], worker_skills=["抛光", "磨床"], women=0.2),
    Trade("fitter", ["模具工", "模具钳工", "江门市名德五金制...招聘模具工", "盈盛精密机械招聘模具工", "易尔富来普招聘钳工",
                     "浙江威川招聘钳工", "金弘宇招聘钳工", "蓝青环保招聘钳工"],
          (7000, 11000), ["设备装配、调试", "模具维修保养", "钳工划线、钻孔、攻丝"], ["装配", "模具维修", "钳工"],
          want_ledger=["钳工", "模具工"], want_talk=["修模具", "干钳工"], exp_ledger=["钳工{n}年", "模具维修{n}年"],
          exp_talk=["在模具厂修了{n}年模具"], worker_skills=["钳工", "模具维修"], women=0.05),
    Trade("inject", ["新吴蓝天招聘注塑工", "武汉博莱瑞招聘注塑工", "济宁鸿润招聘注塑工", "金辉豪招聘注塑工",
                     "武进区洛阳昕荣机...招聘喷塑工", "浙江百凯通讯科技招聘喷塑工"],
          (5000, 7500), ["注塑机旁取件、修毛边", "喷塑线挂件", "看机器，两班倒"], ["注塑", "修毛边"], manual=True,
          housing_p=0.6, couple_p=0.2, want_ledger=["注塑工", "普工（注塑）"], want_talk=["进厂看注塑机"],
          exp_ledger=["注塑{n}年"], exp_talk=["在塑料厂看了{n}年注塑机"], worker_skills=["注塑"], women=0.4),
    Trade("general", ["普工", "普工/操作工", "普工操作工", "生产操作工", "生产车间普工", "电子厂招普工", "昆山大型电子厂 高工资8000",
                      "曹县电子厂长白班月4000+", "电子厂旺季招工7k一个月", "星光美时招聘普工/操作工",
                      "红板科技股份有限公司招聘普工/操作工", "操作工 包吃包住（一厂）", "普工+包吃包住+综合薪资5-6k+汽车厂",
                      "组装工", "锐星招聘组装工", "摄像头镜片组装22/时白班包吃住", "线束操作工 (MJ001441)",
                      "生产一线操作工（山东宏旭化学）", "普工，生产员"],
          (4500, 7500), ["流水线组装", "车间操作，简单易学", "坐班组装电子元件", "按作业指导书操作设备"], ["组装", "流水线"],
          manual=True, housing_p=0.65, couple_p=0.3, age=(18, 50),
          want_ledger=["普工", "操作工", "电子厂普工"], want_talk=["进厂干普工", "进电子厂", "厂里流水线"],
          exp_ledger=["电子厂普工{n}年", "流水线{n}年"], exp_talk=["在东莞电子厂干了{n}年流水线", "在汽配厂装配干过{n}年"],
          worker_skills=["组装"], women=0.45),
    Trade("pack", ["陶瓷包装工", "电商打包员", "电商打包工", "电商仓库打包发货员", "淘宝配货打包员", "沙发打包杂工",
                   "数据线打包坐班26/小时"],
          (4000, 6500), ["电商订单打包发货", "产品装箱贴标", "成品包装、封箱"], ["打包", "贴标"], manual=True, housing_p=0.5,
          couple_p=0.2, want_ledger=["包装工", "打包员"], want_talk=["打包发货", "包装的活"], exp_ledger=["包装{n}年", "打包发货{n}年"],
          exp_talk=["在电商仓库打了{n}年包"], worker_skills=["打包"], women=0.6),
    Trade("sort", ["物流分拣员", "物流仓库分拣260一天", "美团优选物流分拣6500+/月", "江夏分拣岗+包吃住", "日薪179-190元直招分拣员",
                   "物流小件分拣包装+白班坐岗", "物流数据线分拣员月8K", "物流分拣五险一金包住月8000", "美团招聘理货员"],
          (4500, 8000), ["快递包裹分拣上架", "按单拣货配货", "夜班分拣，计件"], ["分拣", "扫码"], manual=True, housing_p=0.5,
          couple_p=0.15, want_ledger=["分拣员", "物流分拣"], want_talk=["快递分拣", "物流园分拣"], exp_ledger=["快递分拣{n}年"],
          exp_talk=["在快递公司分拣干过{n}年"], worker_skills=["分拣", "扫码"], women=0.4),
    Trade("loading", ["搬运工", "装卸工", "装卸搬运工", "搬运装卸工", "搬运工/装卸工", "物流装卸工、码车工", "来挑战物流装卸月10000",
                      "高薪招装卸工8k+（提供食宿）", "跟车送货（不开车）"],
          (6000, 10000), ["货车装车卸车，计件", "仓库搬运码垛", "跟车装卸货"], ["装卸", "码垛"], manual=True, housing_p=0.55,
          couple_p=0.05, age=(18, 55), want_ledger=["装卸工", "搬运工"], want_talk=["装卸搬运", "出力气的活"],
          exp_ledger=["装卸{n}年", "搬运{n}年"], exp_talk=["在物流园装卸了{n}年车", "码头上扛过{n}年包"], worker_skills=["装卸"],
          women=0.02),
    Trade("warehouse", ["服装仓库管理员", "浙江振高招聘仓库管理员", "精恒智能家具招聘仓库管理员", "苏州宝迈通讯招聘仓库管理员",
                        "收料员/仓库管理员", "新厂仓库管理员380一天可周结", "药厂仓库管理长白7500+"],
          (4500, 7000), ["出入库登记、盘点", "物料收发，会用电脑", "库存台账"], ["盘点", "电脑", "出入库"], edu_min=("初中", 0.5),
          want_ledger=["仓管", "仓库管理员"], want_talk=["管仓库"], exp_ledger=["仓管{n}年"], exp_talk=["在厂里管过{n}年仓库，出入库都会"],
          worker_skills=["盘点", "出入库"], women=0.4),
    Trade("forklift", ["无锡-叉车司机", "比亚迪汽车工业招聘叉车工", "金钢龙招聘叉车工", "青岛拓见招聘叉车工", "顺心捷达招聘叉车工"],
          (6000, 8500), ["仓库叉车装卸", "厂内物料转运", "电动叉车上下货"], ["叉车", "电动叉车"],
          [("叉车证", "forklift"), ("特种设备作业人员证（N1）", "forklift"), ("N1叉车证", "forklift")], 0.8,
          want_ledger=["叉车司机", "叉车工"], want_talk=["开叉车"], exp_ledger=["叉车{n}年"], exp_talk=["在物流园开了{n}年叉车"],
          worker_skills=["叉车"], worker_certs=[("叉车证", "forklift"), ("N1证", "forklift")], women=0.05),
    Trade("truck", ["货运司机", "长途货运司机", "短途货运司机", "牵引车司机", "货车司机（参与搬货）", "招长期稳定货运司机",
                    "新郑货运司机驾驶员", "物流司机", "货运司机b2", "货运司机8k+"],
          (8000, 14000), ["干线运输，跑省内", "9米6厢车配送", "半挂长途"], ["长途", "厢车"],
          [("B2驾驶证", "B2"), ("A2驾驶证", "A2")], 0.9, age=(23, 55),
          want_ledger=["货车司机", "大车司机"], want_talk=["开大车", "跑长途"], exp_ledger=["货车司机{n}年", "开半挂{n}年"],
          exp_talk=["开了{n}年大货车跑长途"], worker_certs=[("A2驾照", "A2"), ("B2驾照", "B2")], women=0.02),
    Trade("driver_c", ["招聘小车司机", "新能源小车司机", "物流送货司机", "送货司机", "招开车司机送货", "无锡市区短途配送司机",
                       "招C1司机15名不装不卸", "物流园仓库直招送货司机C"],
          (5000, 8000), ["面包车市区送货", "公司用车接送", "城配送货，不装卸"], ["开车", "熟悉路线"], [("C1驾驶证", "C1")], 0.9,
          age=(22, 55), want_ledger=["司机", "送货司机"], want_talk=["开车送货", "开小车"], exp_ledger=["送货司机{n}年"],
          exp_talk=["开面包车送了{n}年货"], worker_certs=[("C1驾照", "C1")], women=0.1),
    Trade("delivery", ["送餐员", "海口直招美团骑手", "物流配送员", "电动车送货员", "江苏德尔得招聘快递员", "菜鸟直送招聘快递员",
                       "顺丰快递员", "站点直招外卖骑手就近分配（提供住宿）", "石碣招外卖送餐员管吃住配车"],
          (6000, 10000), ["电动车送外卖，多劳多得", "快递派送，片区固定", "配送上门"], ["电动车", "导航"], housing_p=0.5,
          want_ledger=["快递员", "外卖骑手"], want_talk=["送外卖", "送快递"], exp_ledger=["外卖{n}年", "快递员{n}年"],
          exp_talk=["在城里送了{n}年外卖"], worker_skills=["电动车"], women=0.1),
    Trade("cook", ["拾味客招聘后厨", "捉鸭记餐厅招聘厨师", "政惠招聘厨师", "晨驰餐饮招聘后厨", "海底捞餐饮招聘后厨",
                   "济南喜鑫隆餐饮服...招聘厨师", "瑞科能源集团招聘厨师", "湘菜厨师长", "粤菜厨师", "梅姨火锅招聘厨师",
                   "泰安米村泰壹餐饮...招聘厨师", "桥西区御春府餐饮店招聘凉菜厨师"],
          (6000, 10000), ["炒锅，会家常菜", "食堂大锅菜", "后厨出品"], ["炒锅", "大锅菜", "凉菜"], [("健康证", "health")], 0.5,
          housing_p=0.7, want_ledger=["厨师", "炒锅"], want_talk=["炒菜", "饭店掌勺"], exp_ledger=["厨师{n}年", "炒锅{n}年"],
          exp_talk=["在县城饭店炒了{n}年菜", "工地食堂做过{n}年大锅饭"], worker_skills=["炒锅", "大锅菜"],
          worker_certs=[("健康证", "health")], women=0.3),
    Trade("kitchen", ["永修县明洞主题餐饮店招聘洗碗工", "潍坊高新区匠心校...招聘洗碗工", "解记面馆招聘洗碗工", "管事员（洗碗工）",
                      "火锅切配", "火锅配菜", "餐饮切配", "配菜打荷", "肉档切配", "西餐厨工"],
          (3500, 5500), ["后厨洗碗、收拾", "切菜配菜", "帮厨打杂"], ["切配", "洗碗"], housing_p=0.7,
          want_ledger=["帮厨", "洗碗工", "切配"], want_talk=["饭店后厨帮忙", "洗碗"], exp_ledger=["饭店帮厨{n}年", "洗碗{n}年"],
          exp_talk=["在饭店洗了{n}年碗", "后厨切配干过{n}年"], worker_skills=["切配"], women=0.6),
    Trade("waiter", ["服务员", "树生餐饮店招聘服务员", "海底捞招聘传菜员", "服务员(东街店)", "湘派厨嫂餐饮招聘服务员",
                     "海港宴中骏店招聘服务员", "楼层服务员", "私厨服务员", "江川右餐饮服务中心招聘服务员", "椒江磊磊餐饮店招聘传菜员"],
          (3500, 6000), ["点菜传菜", "前厅服务", "收拾桌面，迎客"], ["传菜", "点菜"], service=True, housing_p=0.7,
          age=(18, 40), want_ledger=["服务员", "传菜员"], want_talk=["饭店服务员"], exp_ledger=["饭店服务员{n}年"],
          exp_talk=["在火锅店当了{n}年服务员"], worker_skills=["点菜"], women=0.6),
    Trade("clean", ["清洁工", "物业保洁员", "酒店保洁员", "酒店保洁", "民宿保洁阿姨", "酒店客房保洁", "酒店客房大姐",
                    "高薪白班保洁8小时休4不加班", "酒吧保洁", "酒店客房服务员"],
          (3000, 5000), ["小区公共区域保洁", "客房打扫、换床单", "写字楼保洁"], ["保洁", "客房"], housing_p=0.35, age=(18, 60),
          want_ledger=["保洁", "保洁员"], want_talk=["打扫卫生", "搞卫生"], exp_ledger=["保洁{n}年", "酒店客房{n}年"],
          exp_talk=["在商场做了{n}年保洁", "在宾馆打扫过{n}年客房"], worker_skills=["保洁"], women=0.85),
    Trade("security", ["门卫", "物业保安", "物业保安员", "秩序维护员/保安员", "明安保安招聘保安", "汇景物业招聘保安",
                       "海螺物业招聘保安", "融创服务招聘保安", "鸿辉制衣招聘保安", "日结轻松保安+包吃住", "招聘坐岗看守员包吃住",
                       "消防保安8000/月"],
          (3500, 6000), ["小区门岗值守", "厂区巡逻", "夜间看守"], ["巡逻", "值守"], [("保安员证", "security")], 0.25,
          housing_p=0.5, couple_p=0.05, age=(18, 60), want_ledger=["保安", "门卫"], want_talk=["看大门", "当保安"],
          exp_ledger=["保安{n}年", "门卫{n}年"], exp_talk=["在小区当了{n}年保安", "厂里看过{n}年大门"],
          worker_certs=[("保安证", "security")], women=0.05),
    Trade("care", ["精神科护工", "养老护理员", "医疗护理员", "养老院护工"],
          (4000, 6500), ["照护失能老人起居", "医院陪护", "喂饭、翻身、擦洗"], ["照护", "翻身"], [("养老护理员证", "care")], 0.3,
          housing_p=0.6, age=(25, 58), want_ledger=["护工", "养老护理"], want_talk=["伺候老人", "照顾病人"],
          exp_ledger=["护工{n}年", "养老院护理{n}年"], exp_talk=["在医院照顾了{n}年病人", "在养老院伺候过{n}年老人"],
          worker_skills=["照护"], worker_certs=[("护工证", "care")], women=0.8),
    Trade("nanny", ["月嫂", "金牌月嫂", "育婴师", "月子中心月嫂", "母婴护理员", "高端保姆（非中介）", "白班保姆", "育婴师月嫂",
                    "高薪诚聘月嫂", "母婴公司招月嫂20-55岁", "招保姆接送孩子家务做饭"],
          (6000, 12000), ["照顾产妇和新生儿", "住家带娃做饭", "育儿、辅食"], ["带娃", "做饭"], [("育婴员证", "nanny")], 0.35,
          housing_p=0.6, age=(25, 55), want_ledger=["月嫂", "育婴师", "保姆"], want_talk=["带孩子", "当保姆"],
          exp_ledger=["月嫂{n}年", "育婴{n}年"], exp_talk=["帮人带了{n}年孩子", "当过{n}年住家保姆"], worker_skills=["带娃"],
          worker_certs=[("育婴师证", "nanny")], women=0.98),
    Trade("elec", ["电工", "维修电工", "物业电工", "设备维修电工", "明源机械招聘电工", "江苏麦森招聘电工", "湖北新慧铭重工招聘电工",
                   "辽宁瑞达电力建设招聘电工", "装配电工"],
          (6000, 10000), ["厂区设备电路维修", "配电柜维护", "小区强弱电维修"], ["配电", "电路维修", "PLC"],
          [("低压电工作业证", "elec"), ("电工证", "elec")], 0.85, want_ledger=["电工", "维修电工"], want_talk=["干电工", "接线修电"],
          exp_ledger=["电工{n}年", "维修电工{n}年"], exp_talk=["在厂里当了{n}年电工"], worker_skills=["配电", "电路维修"],
          worker_certs=[("电工证", "elec"), ("低压电工证", "elec")], women=0.03),
    Trade("plumb", ["水电工", "水电维修工", "物业水电维修", "沃德尔招聘水电工", "潍坊市艾家水电安...招聘水电工",
                    "烟台华贤建筑工程安装招聘水电工", "顺安集团招聘水电工", "物业水电工（小区维修工）"],
          (6000, 9500), ["家装水电开槽布管", "小区水电维修", "工地水电安装"], ["水管", "布线"],
          want_ledger=["水电工"], want_talk=["家装水电", "修水电"], exp_ledger=["水电{n}年"], exp_talk=["搞了{n}年家装水电"],
          worker_skills=["布线", "水管"], women=0.02),
    Trade("mechanic", ["机修工", "设备机修工", "机修学徒", "歌尔招聘机修工", "正泰电器招聘机修工", "晨光文具直招机修工",
                       "海洲机械招聘机修工", "设备维修员"],
          (6000, 9500), ["生产设备保养维修", "机修，懂气动液压优先", "设备点检"], ["设备维修", "气动", "液压"],
          want_ledger=["机修工", "设备维修"], want_talk=["修机器"], exp_ledger=["机修{n}年", "设备维修{n}年"],
          exp_talk=["在纺织厂修了{n}年机器"], worker_skills=["设备维修"], women=0.03),
    Trade("auto", ["汽车维修工", "汽车修理工", "汽修学徒工", "汽车机修师傅", "汽车维修技师", "途虎养车机修工", "汽车维修中工",
                   "荣嘉汽车维修招聘机修工"],
          (5000, 9000), ["汽车保养、换件", "底盘发动机维修", "快修保养"], ["保养", "换胎", "发动机"],
          want_ledger=["汽修", "汽车维修工"], want_talk=["修车"], exp_ledger=["汽修{n}年"], exp_talk=["在修理厂修了{n}年车"],
          worker_skills=["保养"], women=0.02),
    Trade("painter", ["有一家装饰招聘油漆工", "柏丽雅招聘油漆工", "起云装饰招聘油漆工", "青岛汗沽建材招聘油漆工",
                      "杭州文速智能招聘油漆工", "永高展具招聘油漆工", "汽车喷漆工"],
          (6500, 10000), ["家装刮腻子刷乳胶漆", "家具喷漆", "墙面涂料施工"], ["刮腻子", "喷漆", "乳胶漆"],
          want_ledger=["油漆工"], want_talk=["刷墙", "刮大白"], exp_ledger=["油漆工{n}年"], exp_talk=["搞装修刷了{n}年墙"],
          worker_skills=["刮腻子", "喷漆"], women=0.1),
    Trade("carpenter", ["新理念建筑装饰招聘木工", "苏州苏好装饰工程招聘木工", "沐歌家具厂招聘木工", "豪尚家具招聘木工",
                        "禄梵家居招聘木工", "简木匠招聘木工", "海纳德招聘木工", "韦海工艺招聘木工"],
          (7000, 11000), ["家装吊顶、做柜子", "家具厂木工开料", "实木家具制作"], ["吊顶", "开料", "封边"],
          want_ledger=["木工"], want_talk=["干木工活", "木匠"], exp_ledger=["木工{n}年"], exp_talk=["跟着装修队干了{n}年木工"],
          worker_skills=["吊顶", "开料"], women=0.02),
    Trade("rebar", ["钢筋工", "钢筋工（绑扎）", "建筑钢筋工"],
          (8000, 12000), ["主体钢筋绑扎", "钢筋下料制作", "工地钢筋，点工包工都有"], ["钢筋绑扎", "看图下料"], manual=True,
          housing_p=0.8, age=(18, 58), want_ledger=["钢筋工"], want_talk=["扎钢筋"], exp_ledger=["钢筋工{n}年"],
          exp_talk=["在工地扎了{n}年钢筋"], worker_skills=["钢筋绑扎"], women=0.02),
    Trade("mason", ["砌筑工", "瓦工", "抹灰工（砌筑工）"],
          (8000, 12000), ["砌墙抹灰", "砌砖、贴砖", "二次结构砌筑"], ["砌墙", "抹灰", "贴砖"], manual=True, housing_p=0.8,
          age=(18, 60), want_ledger=["瓦工", "砌筑工"], want_talk=["砌墙", "泥瓦匠"], exp_ledger=["瓦工{n}年"],
          exp_talk=["砌墙抹灰干了{n}年"], worker_skills=["砌墙", "抹灰"], women=0.02),
    Trade("site", ["建筑普工", "混凝土工"],
          (6000, 9000), ["工地小工，搬运清理", "浇筑振捣混凝土", "工地打杂，配合大工"], ["搬运", "振捣"], manual=True, housing_p=0.85,
          couple_p=0.1, age=(18, 60), want_ledger=["建筑小工", "工地普工"], want_talk=["工地上干小工", "工地打杂"],
          exp_ledger=["工地小工{n}年"], exp_talk=["在工地上干了{n}年小工"], worker_skills=["搬运"], women=0.05),
    Trade("sewing", ["缝纫工", "晟熙鸿窗饰招聘缝纫工", "石家庄运唯商贸招聘缝纫工", "绍兴市柯桥区孙彪...招聘缝纫工",
                     "洛阳市尼腾工贸招聘缝纫工", "蚌埠米沃新材料科技招聘缝纫工", "柏缘商贸招聘样衣工", "服装绣花工"],
          (5000, 8500), ["服装厂平车缝制，计件", "窗帘缝制", "样衣制作"], ["平车", "包缝", "样衣"], manual=True, housing_p=0.6,
          couple_p=0.25, want_ledger=["缝纫工", "车工（服装）"], want_talk=["踩缝纫机", "服装厂车位"],
          exp_ledger=["缝纫{n}年", "服装厂平车{n}年"], exp_talk=["在服装厂踩了{n}年平车", "在家做过{n}年窗帘缝纫"],
          worker_skills=["平车", "包缝"], women=0.85),
    Trade("qc", ["质检员", "服装质检专员", "电子厂质检员（月7000）包吃住", "检验员", "船体质检员", "电芯来料检验员",
                 "质检坐着上班260一天"],
          (4500, 7000), ["来料检验", "成品外观检查", "巡检记录"], ["检验", "卡尺"], edu_min=("初中", 0.6), housing_p=0.5,
          want_ledger=["质检员", "品检"], want_talk=["厂里做质检"], exp_ledger=["质检{n}年"], exp_talk=["在电子厂做了{n}年品检"],
          worker_skills=["检验"], women=0.5),
    Trade("food", ["杀鱼工", "杀鱼师傅", "水产品加工工", "水产品原料处理工", "畜禽屠宰加工工", "食品保健品生产"],
          (4500, 7500), ["海鲜初加工", "冷库分割包装", "食品车间流水线"], ["分割", "冷库"], manual=True, housing_p=0.75,
          couple_p=0.35, want_ledger=["食品加工", "海鲜加工"], want_talk=["食品厂", "杀鱼"], exp_ledger=["食品厂{n}年", "海产品加工{n}年"],
          exp_talk=["在荣成海产厂干了{n}年", "在肉联厂分割过{n}年"], worker_skills=["分割"], women=0.5),
    Trade("farm", ["饲养员", "猪场饲养员", "饲养员（急招）", "种植技术员", "绿化工", "绿化养护人员", "家禽饲养员"],
          (4000, 7000), ["猪场饲喂、清粪", "大棚蔬菜管理", "苗木绿化养护"], ["饲养", "大棚"], manual=True, housing_p=0.85,
          couple_p=0.45, age=(18, 60), want_ledger=["养殖", "饲养员"], want_talk=["喂猪", "种地的活"],
          exp_ledger=["养殖{n}年", "种大棚{n}年"], exp_talk=["家里喂了{n}年猪", "种了{n}年大棚"], worker_skills=["饲养"], women=0.3),
    Trade("cashier", ["收银员", "收银", "超市收银员（正东上街店）", "网吧收银", "物业收银员", "收银员包吃住",
                      "肇州世纪华辰超市连锁招聘收银", "珠海湾一号收银员"],
          (3500, 5000), ["超市收银", "前台收银对账"], ["收银", "电脑"], service=True, age=(18, 45), edu_min=("初中", 0.4),
          want_ledger=["收银员"], want_talk=["超市收银"], exp_ledger=["收银{n}年"], exp_talk=["在超市收了{n}年银"],
          worker_skills=["收银"], women=0.8),
    Trade("sales", ["招聘导购员月入5000+", "招聘营业员，欢迎有志之士加入！", "新能源汽车销售顾问", "置业顾问", "早晚班店员6-8k+五险餐补",
                    "药店店员"],
          (4000, 9000), ["门店销售，底薪加提成", "导购接待"], ["销售", "沟通"], service=True, age=(18, 40), edu_min=("高中", 0.5),
          want_ledger=["销售", "导购"], want_talk=["卖东西"], exp_ledger=["销售{n}年"], exp_talk=["在商场卖了{n}年衣服"],
          worker_skills=["销售"], women=0.6),
    Trade("cs", ["淘宝客服", "招聘客服", "朝九晚六+电话客服", "游戏客服", "抖音客服专员"],
          (3500, 6000), ["线上客服回复", "电话回访"], ["打字", "电脑"], service=True, age=(18, 35), edu_min=("高中", 0.7),
          want_ledger=["客服"], want_talk=["坐办公室打字"], exp_ledger=["客服{n}年"], exp_talk=["做过{n}年淘宝客服"],
          worker_skills=["打字"], women=0.7),
    Trade("beauty", ["美发学徒", "理发师", "招聘美容师", "美甲师", "足疗按摩师"],
          (4000, 9000), ["到店顾客服务", "学徒带薪学习"], ["美发", "按摩"], service=True, age=(18, 35),
          want_ledger=["美发", "美容"], want_talk=["学理发"], exp_ledger=["美发{n}年"], exp_talk=["在理发店干了{n}年"],
          worker_skills=["美发"], women=0.7),
]
BY_KEY = {t.key: t for t in TRADES}
# The labeller's reading of which trades are related (same family, or experience that transfers).
RELATED = {
    "weld": {"cut", "sheet"}, "cut": {"weld", "sheet"}, "sheet": {"weld", "cut", "cnc"},
    "cnc": {"grind", "fitter", "sheet"}, "grind": {"cnc", "fitter"}, "fitter": {"cnc", "grind", "mechanic"},
    "inject": {"general", "qc"}, "general": {"pack", "inject", "qc", "sort"}, "pack": {"general", "sort"},
    "sort": {"pack", "loading", "warehouse"}, "loading": {"sort", "pack", "warehouse", "site"},
    "warehouse": {"sort", "forklift"}, "forklift": {"warehouse", "loading"}, "truck": {"driver_c"},
    "driver_c": {"truck", "delivery"}, "delivery": {"driver_c", "sort"}, "cook": {"kitchen"},
    "kitchen": {"cook", "waiter"}, "waiter": {"kitchen", "cashier"}, "clean": {"kitchen"}, "security": set(),
    "care": {"nanny", "clean"}, "nanny": {"care"}, "elec": {"plumb", "mechanic"}, "plumb": {"elec"},
    "mechanic": {"elec", "fitter", "auto"}, "auto": {"mechanic"}, "painter": {"carpenter", "mason"},
    "carpenter": {"painter", "mason"}, "rebar": {"mason", "carpenter", "site"}, "mason": {"rebar", "painter", "site"},
    "site": {"rebar", "mason", "loading"}, "sewing": {"general", "qc"}, "qc": {"general"}, "food": {"general", "pack"},
    "farm": {"food"}, "cashier": {"sales", "waiter"}, "sales": {"cashier"}, "cs": {"sales"}, "beauty": set(),
}
MANUAL = {t.key for t in TRADES if t.manual}
SERVICE = {t.key for t in TRADES if t.service}
HOUSING_WORDS = ("包吃住", "包住", "包食宿", "管吃住", "宿舍", "提供住宿", "夫妻房")
COUPLE_WORDS = ("夫妻房", "夫妻宿舍")
# How many postings each trade gets (manual work is most of this market).
POSTING_WEIGHT = {"general": 5, "loading": 3, "sort": 3, "pack": 3, "weld": 3, "food": 2, "site": 2, "security": 2,
                  "clean": 2, "cook": 2, "kitchen": 2, "waiter": 2, "sales": 2, "delivery": 2}
COMPANY_WORDS = ["恒达", "鑫源", "宏发", "瑞丰", "金桥", "华盛", "永兴", "东方", "正泰", "鲁信", "海川", "泰和", "盛世",
                 "广源", "新锐", "万通", "德润", "嘉禾", "康帕斯", "联创", "天成", "明珠", "康达", "富华"]
COMPANY_KIND = {"weld": "机械制造", "cut": "金属制品", "sheet": "钣金科技", "cnc": "精密机械", "grind": "模具", "fitter": "机械",
                "inject": "塑胶制品", "general": "电子科技", "pack": "电子商务", "sort": "物流", "loading": "物流",
                "warehouse": "供应链", "forklift": "仓储物流", "truck": "运输", "driver_c": "商贸", "delivery": "配送服务",
                "cook": "餐饮管理", "kitchen": "餐饮", "waiter": "餐饮", "clean": "物业服务", "security": "保安服务",
                "care": "养老服务", "nanny": "家政服务", "elec": "机电", "plumb": "建筑安装", "mechanic": "纺织",
                "auto": "汽车服务", "painter": "装饰工程", "carpenter": "家居", "rebar": "建设工程", "mason": "建筑劳务",
                "site": "建筑劳务", "sewing": "服饰", "qc": "电子", "food": "食品", "farm": "农牧", "cashier": "商业连锁",
                "sales": "商贸", "cs": "网络科技", "beauty": "美业"}
BENEFIT_EXTRA = ["五险一金", "长白班", "班车", "餐补", "全勤奖", "节日福利", "两班倒"]


def check_titles() -> None:
    """Every posting title is a testcases.csv title or a csco22.csv occupation name/alias (no invented wording)."""
    with (ROOT / "data/occupations/testcases.csv").open(encoding="utf-8", newline="") as fh:
        known = {row["job_name"].strip() for row in csv.DictReader(fh)}
    with (ROOT / "data/occupations/csco22.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            known.add(row["name"].strip())
            known.update(a.strip() for a in (row["alias"] or "").replace("，", ",").replace("、", ",").split(","))
    extra = {"钢筋工（绑扎）", "建筑钢筋工", "瓦工", "抹灰工（砌筑工）", "建筑普工", "养老院护工"}
    for trade in TRADES:
        for title in trade.titles:
            if title not in known and title not in extra:
                raise SystemExit(f"title not from the source files: {trade.key}: {title}")


def employer_name(rng: random.Random, trade: Trade, city: str) -> str:
    return f"{city}{rng.choice(COMPANY_WORDS)}{COMPANY_KIND[trade.key]}有限公司"


def make_job(rng: random.Random, i: int, trade: Trade) -> dict:
    city = rng.choices(CITIES, CITY_WEIGHTS)[0]
    lo, hi = trade.pay
    smin = int(round(rng.uniform(lo * 0.85, lo * 1.15), -2))
    smax = int(round(max(smin + 500, rng.uniform(hi * 0.85, hi * 1.15)), -2))
    benefits: list[str] = []
    r = rng.random()
    if r < trade.housing_p:
        benefits.append(rng.choice(["包吃住", "包吃住", "包住", "提供宿舍"]))
        if rng.random() < trade.couple_p / max(trade.housing_p, 0.01):
            benefits.append(rng.choice(["夫妻房", "夫妻房", "夫妻宿舍"]))
    elif rng.random() < 0.4:
        benefits.append(rng.choice(["包吃", "餐补"]))
    benefits += rng.sample(BENEFIT_EXTRA, k=rng.choice((0, 1, 1, 2)))
    if "长白班" in benefits and "两班倒" in benefits:
        benefits.remove("两班倒")
    benefits = list(dict.fromkeys(benefits))
    req, req_canon = [], []
    if trade.certs and rng.random() < trade.cert_p:
        text, canon = rng.choice(trade.certs)
        req, req_canon = [text], [canon]
    age_lo, age_hi = trade.age
    age = None
    if rng.random() < 0.6:
        age = (age_lo + rng.choice((0, 0, 2, 4)), age_hi - rng.choice((0, 0, 3, 5)))
    edu = None
    if trade.edu_min and rng.random() < trade.edu_min[1]:
        edu = trade.edu_min[0]
    duty = rng.choice(trade.duties)
    extra = rng.choice(["", "，有经验优先", "，新手可学", "，长期稳定", "，工资按月发", "，多劳多得"])
    perks = "，" + "、".join(b for b in benefits if b != "两班倒") if benefits else ""
    status = "open" if rng.random() > 0.05 else rng.choice(["closed", "filled"])
    return {
        "external_id": f"E2J{i:04d}", "employer_name": employer_name(rng, trade, city), "title": rng.choice(trade.titles),
        "description": f"{duty}{extra}{perks}", "city": city, "salary_min": smin, "salary_max": smax,
        "headcount": rng.choice((1, 2, 3, 5, 10, 20)), "age_min": age[0] if age else None,
        "age_max": age[1] if age else None, "education_min": edu, "required_certificates": req,
        "skills": rng.sample(trade.skills, k=min(len(trade.skills), rng.choice((0, 1, 1, 2)))),
        "benefits": benefits, "status": status, "_trade": trade.key, "_req": req_canon,
    }


def make_jobs(rng: random.Random) -> list[dict]:
    keys = [t.key for t in TRADES]
    weights = [POSTING_WEIGHT.get(k, 1) for k in keys]
    jobs = []
    # Every trade at least 6 postings, the rest by weight.
    order = [k for k in keys for _ in range(6)]
    order += rng.choices(keys, weights, k=N_JOBS - len(order))
    rng.shuffle(order)
    for i, key in enumerate(order, start=1):
        jobs.append(make_job(rng, i, BY_KEY[key]))
    return jobs


def _person(rng: random.Random, trade: Trade | None) -> dict:
    woman = rng.random() < (trade.women if trade else 0.2)
    province, county = rng.choice(HOMES)
    return {"name": rng.choice(SURNAMES) + rng.choice(GIVEN_F if woman else GIVEN_M), "gender": "女" if woman else "男",
            "hukou_province": province, "hukou_county": county,
            "assistance_status": rng.choices(["脱贫享受政策人口", "防止返贫监测对象", "一般农村劳动力"], [6, 2, 2])[0]}


def _birth_year(rng: random.Random, lo: int = 22, hi: int = 56) -> int | None:
    if rng.random() < 0.05:
        return None
    return EVAL_YEAR - rng.randint(lo, hi)


def _education(rng: random.Random) -> str | None:
    if rng.random() < 0.05:
        return None
    return rng.choices(list(EDU), [3, 9, 3, 2, 1, 0.3])[0]


def _cities(rng: random.Random, k_weights=(3, 4, 2, 1)) -> list[str]:
    k = rng.choices((0, 1, 2, 3), k_weights)[0]
    out: list[str] = []
    while len(out) < k:
        c = rng.choices(CITIES, CITY_WEIGHTS)[0]
        if c not in out:
            out.append(c)
    return out


def _holds(rng: random.Random, trade: Trade, p: float = 0.55) -> tuple[list[str], list[str]]:
    if trade.worker_certs and rng.random() < p:
        text, canon = rng.choice(trade.worker_certs)
        return [text], [canon]
    return [], []


def _salary(rng: random.Random, trade: Trade | None, bump: float = 1.0) -> int | None:
    if rng.random() < 0.12:
        return None
    lo, hi = trade.pay if trade else (5000, 8000)
    return int(round(rng.uniform(lo, (lo + hi) / 2) * bump, -2))


def trade_worker(rng: random.Random, i: int, cls: str, trade: Trade) -> dict:
    """A worker of one trade: ledger wording ('clear'), workers' words ('talk'), no stated wish ('experience')
    or a single city where the trade is scarce ('related')."""
    n = rng.randint(1, 12)
    talk = cls in ("talk", "experience") or (cls == "related" and rng.random() < 0.5)
    exp = rng.choice(trade.exp_talk if talk else trade.exp_ledger).format(n=n)
    certs, holds = _holds(rng, trade)
    if cls == "clear" and certs and rng.random() < 0.5:
        exp += "，有证"
    want = "" if cls == "experience" else rng.choice(trade.want_talk if talk else trade.want_ledger)
    if talk and want and rng.random() < 0.4:
        want = rng.choice(["想找", "想干", "还是干"]) + want
    skills = rng.sample(trade.worker_skills, k=min(len(trade.worker_skills), rng.choice((0, 0, 1, 2)))) if not talk else []
    needs = rng.choice([[], [], ["包吃住"], ["包住"], ["长白班"]])
    cities = _cities(rng) if cls != "related" else [rng.choice(CITIES[6:])]
    rec = _person(rng, trade) | {
        "external_id": "", "birth_year": _birth_year(rng), "education": _education(rng), "skills": skills,
        "certificates": certs, "experience": exp, "desired_jobs": want, "desired_cities": cities,
        "expected_salary": _salary(rng, trade), "needs": needs,
        "_class": cls, "_good": [trade.key], "_related": sorted(RELATED[trade.key]), "_holds": holds,
    }
    return rec


VAGUE_WANTS = ["啥活都行", "什么活都能干", "有活就干", "力气大，能吃苦，啥活都行", "工资高点就行", "找个挣钱多的活",
               "普工、小工都行", "只要管吃住，干啥都行", "出力气的活都可以"]
VAGUE_EXP = ["在老家种地", "在工地上打过零工", "没出过门，在家务农", "干过几个月零工", "在砖厂搬过砖", "以前在外面打零工，啥都干过"]
COUPLE_WANTS = ["两口子一起进厂", "夫妻俩找个厂", "和老婆一起干，普工就行", "两口子找个包住的活", "夫妻工，进厂普工",
                "和老公一起，找个食品厂或者电子厂"]


def vague_worker(rng: random.Random) -> dict:
    rec = _person(rng, None) | {
        "external_id": "", "birth_year": _birth_year(rng, 20, 52), "education": rng.choice(["小学及以下", "初中", "初中", None]),
        "skills": [], "certificates": [], "experience": rng.choice(VAGUE_EXP + [""]),
        "desired_jobs": rng.choice(VAGUE_WANTS), "desired_cities": _cities(rng, (5, 3, 2, 0)),
        "expected_salary": rng.choice([5000, 6000, 6000, 7000, None]), "needs": rng.choice([["包吃住"], ["包住"], ["包吃住"], []]),
        "_class": "vague", "_good": sorted(MANUAL), "_related": [], "_holds": [],
    }
    return rec


def couple_worker(rng: random.Random) -> dict:
    base = rng.choice(["general", "food", "pack", "sewing", "farm", "inject"])
    trade = BY_KEY[base]
    rec = _person(rng, trade) | {
        "external_id": "", "birth_year": _birth_year(rng, 24, 50), "education": _education(rng), "skills": [],
        "certificates": [], "experience": rng.choice(trade.exp_talk).format(n=rng.randint(1, 8)),
        "desired_jobs": rng.choice(COUPLE_WANTS), "desired_cities": _cities(rng, (3, 4, 2, 1)),
        "expected_salary": rng.choice([4500, 5000, 5500, 6000, None]),
        "needs": rng.choice([["夫妻房"], ["夫妻房", "包吃"], ["包住", "夫妻房"]]),
        "_class": "couple", "_good": sorted({"general", "pack", "food", "inject", base}),
        "_related": sorted({"sort", "qc"} | RELATED[base]), "_holds": [],
    }
    return rec


def make_workers(rng: random.Random, jobs: list[dict]) -> list[dict]:
    workers: list[dict] = []
    keys = [t.key for t in TRADES]
    per_city: dict[tuple[str, str], int] = {}
    for job in jobs:
        per_city[(job["_trade"], job["city"])] = per_city.get((job["_trade"], job["city"]), 0) + 1
    for cls, count in CLASS_COUNTS.items():
        for _ in range(count):
            if cls == "vague":
                workers.append(vague_worker(rng))
            elif cls == "couple":
                workers.append(couple_worker(rng))
            else:
                trade = BY_KEY[rng.choice(keys)]
                rec = trade_worker(rng, len(workers), cls, trade)
                if cls == "related":
                    # a city where this trade has at most one posting, so related trades decide the list
                    scarce = [c for c in CITIES if per_city.get((trade.key, c), 0) <= 1]
                    rec["desired_cities"] = [rng.choice(scarce or CITIES)]
                workers.append(rec)
    for i, w in enumerate(workers, start=1):
        w["external_id"] = f"E2W{i:03d}"
    return workers


# --- the labeller's reading --------------------------------------------------------------------------------

def can_take(worker: dict, job: dict) -> bool:
    """Hard requirements as the labeller reads them (independent of the system's code)."""
    if job["status"] != "open":
        return False
    holds: set[str] = set()
    for h in worker["_holds"]:
        holds |= COVERS.get(h, {h})
    if any(r not in holds for r in job["_req"]):
        return False
    if worker["birth_year"]:
        age = EVAL_YEAR - worker["birth_year"]
        if job["age_min"] is not None and age < job["age_min"]:
            return False
        if job["age_max"] is not None and age > job["age_max"]:
            return False
    below = job["education_min"] and worker["education"] and EDU[worker["education"]] < EDU[job["education_min"]]
    return not below


def _offers(job: dict, words) -> bool:
    text = " ".join(job["benefits"]) + job["description"] + job["title"]
    return any(w in text for w in words)


def grade(worker: dict, job: dict) -> int:
    """Graded relevance (2 good, 1 acceptable, 0 not) as the module docstring says."""
    if not can_take(worker, job):
        return 0
    trade = job["_trade"]
    cities = worker["desired_cities"]
    in_city = not cities or job["city"] in cities
    expected = worker["expected_salary"]
    pay = job["salary_max"] or 0
    pay_ok = not expected or pay >= 0.9 * expected
    cls = worker["_class"]
    if cls == "vague":
        if trade not in MANUAL:
            return 0
        housed = not worker["needs"] or _offers(job, HOUSING_WORDS)
        return 2 if housed and pay_ok and in_city else 1
    if trade in worker["_good"]:
        if cls == "couple" and not _offers(job, COUPLE_WORDS):
            return 1
        return 2 if in_city and pay_ok else 1
    if trade in worker["_related"]:
        return 1 if not expected or pay >= 0.8 * expected else 0
    return 0


def public(record: dict) -> dict:
    return {k: v for k, v in record.items() if not k.startswith("_") and v is not None}


def split(rng: random.Random, workers: list[dict]) -> tuple[list[dict], list[dict]]:
    """Tune/test halves by worker, a seeded shuffle within each class."""
    tune, test = [], []
    for cls in CLASS_COUNTS:
        members = [w for w in workers if w["_class"] == cls]
        rng.shuffle(members)
        half = len(members) // 2
        tune += members[:half]
        test += members[half:]
    key = lambda w: w["external_id"]
    return sorted(tune, key=key), sorted(test, key=key)


def write_jsonl(path: Path, records) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def labels_of(workers: list[dict], jobs: list[dict]) -> list[dict]:
    out = []
    for w in workers:
        grades = {j["external_id"]: g for j in jobs if (g := grade(w, j))}
        feasible = [j["external_id"] for j in jobs if can_take(w, j)]
        out.append({"worker": w["external_id"], "class": w["_class"], "grades": grades, "feasible": feasible})
    return out


README = """# data/eval2: the hold-out matching set (issue 10)

Written by `scripts/make_eval2.py` (seeded; rerun it to regenerate the same bytes). Read its docstring for
the sources, the grading rules and the failure classes.

- `jobs.jsonl`: {jobs} postings (one market, shared by both halves), titles verbatim from
  `data/occupations/testcases.csv` (a few building/care trades from `csco22.csv` names).
- `tune/` and `test/`: `workers.jsonl` and `labels.jsonl` of {tune} and {test} workers, split by worker within
  each class before any tuning.

**Rule: no weight, synonym or threshold is ever set by looking at `test/`.** Tune on `tune/` and `data/eval/`;
`scripts/bench_matching_quality.py` reports all three.

Classes (`class` in labels.jsonl): {classes}.
"""


def main() -> int:
    check_titles()
    rng = random.Random(SEED)
    jobs = make_jobs(rng)
    workers = make_workers(rng, jobs)
    tune, test = split(random.Random(SEED + 1), workers)
    write_jsonl(OUT / "jobs.jsonl", (public(j) for j in jobs))
    for name, half in (("tune", tune), ("test", test)):
        write_jsonl(OUT / name / "workers.jsonl", (public(w) for w in half))
        write_jsonl(OUT / name / "labels.jsonl", labels_of(half, jobs))
    classes = ", ".join(f"{k} {v}" for k, v in CLASS_COUNTS.items())
    (OUT / "README.md").write_text(README.format(jobs=len(jobs), tune=len(tune), test=len(test), classes=classes),
                                   encoding="utf-8")
    graded = sum(len(item["grades"]) for item in labels_of(workers, jobs))
    print(f"{len(jobs)} postings, {len(workers)} workers ({len(tune)} tune / {len(test)} test), {graded} graded pairs "
          f"written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
