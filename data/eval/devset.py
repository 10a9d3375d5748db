"""Source of the matching dev set: writes workers.jsonl, jobs.jsonl and labels.jsonl next to this file.

Written by hand, as workers talk and as staff type ledgers, *before* any weight was tuned. Run
``.venv/bin/python data/eval/devset.py`` to regenerate the JSONL (the JSONL files are what the
benchmark and tests read).

Labels are graded relevance per worker over the postings (unlabelled = 0):
- 2 good: the kind of work the worker asked for (or plainly does), the worker can take it, and it sits
  in a city they want (or they said anywhere) at roughly the pay they asked for;
- 1 acceptable: the right work but another city or clearly lower pay, or neighbouring work
  (what a staff member would still mention) in a city they want;
- 0 otherwise, and always 0 when the worker cannot take the job: closed/filled, a required certificate
  the worker does not hold, outside the age range, below the minimum education.

The grader below encodes the labeller's own reading of each record: each posting's trade, each
worker's wanted and acceptable trades, and which certificates a certificate name really is
(``_req`` / ``_holds``: a human reading, independent of models.intake.certificates). The benchmark counts
hard-requirement violations against this same human reading. Fields starting with ``_`` are not
written to the ledgers. ``EVAL_YEAR`` is the year ages are computed in.
"""
from __future__ import annotations

import json
from pathlib import Path

EVAL_YEAR = 2026
HERE = Path(__file__).resolve().parent
EDU = {"小学及以下": 0, "初中": 1, "高中": 2, "中专/技校": 2, "大专": 3, "本科及以上": 4}
# Driving licences that cover others (A2 covers B2, C1, C2; B2 covers C1, C2; C1 covers C2).
COVERS = {"A2": {"A2", "B2", "C1", "C2"}, "B2": {"B2", "C1", "C2"}, "C1": {"C1", "C2"}, "C2": {"C2"}}


def J(ext, trade, employer, title, desc, city, smin, smax, age=None, edu=None, req=(), req_canon=(),
      skills=(), benefits=(), status="open", district=None):
    return {
        "external_id": ext, "employer_name": employer, "title": title, "description": desc, "city": city,
        "district": district, "salary_min": smin, "salary_max": smax, "headcount": 3,
        "age_min": age[0] if age else None, "age_max": age[1] if age else None, "education_min": edu,
        "required_certificates": list(req), "skills": list(skills), "benefits": list(benefits),
        "status": status, "_trade": trade, "_req": list(req_canon),
    }


JOBS = [
    # --- welding 焊工 ---
    J("J001", "weld", "青岛北海船舶重工有限责任公司", "电焊工", "船体分段焊接，二保焊为主，会立焊、仰焊的优先，计件工资，多劳多得",
      "青岛", 9000, 13000, (20, 50), None, ["焊工证"], ["weld"], ["二保焊", "立焊"], ["包吃住", "五险一金"]),
    J("J002", "weld", "烟台中集来福士海洋工程有限公司", "船厂电焊工（持证上岗）",
      "海工平台结构焊接，需持特种作业操作证（焊接与热切割作业），能看懂简单图纸", "烟台", 10000, 15000, (22, 50), "初中",
      ["特种作业操作证（焊接与热切割作业）"], ["weld"], ["二氧化碳气体保护焊", "氩弧焊"], ["包住", "五险一金"]),
    J("J003", "weld", "潍坊恒信钢结构工程有限公司", "钢结构焊工", "厂房钢结构焊接，手工电弧焊、二保焊均可，长白班不倒班",
      "潍坊", 7000, 10000, (18, 55), None, ["电焊工证"], ["weld"], ["电弧焊", "二保焊"], ["包吃住", "长白班"]),
    J("J004", "weld", "济南鲁泰管道设备有限公司", "氩弧焊工", "不锈钢管道氩弧焊打底，要求三年以上经验", "济南", 8000, 12000,
      (20, 45), None, ["焊工证"], ["weld"], ["氩弧焊", "不锈钢"], ["五险一金", "班车"]),
    J("J005", "weld", "临沂市兰山区永盛机械加工厂", "学徒电焊工（可带）", "没经验可以带，有证优先，包吃住，学会了涨工资",
      "临沂", 4500, 6000, (18, 40), None, [], [], ["电焊"], ["包吃住"]),
    J("J006", "weld", "日照港达船舶修造有限公司", "电焊工", "修船电焊，持证，长期工", "日照", 8000, 11000, (20, 50), None,
      ["焊工证"], ["weld"], ["二保焊"], ["包住"], status="closed"),
    J("J007", "weld", "淄博齐鲁石化工程安装公司", "管道焊工", "石化装置管道焊接，持熔化焊接与热切割作业证", "淄博", 9000, 13000,
      (25, 45), "初中", ["熔化焊接与热切割作业证"], ["weld"], ["管道焊接", "氩电联焊"], ["五险一金", "包吃"]),
    # --- rebar 钢筋工, site labour ---
    J("J010", "rebar", "中建八局第一建设有限公司青岛项目部", "钢筋工", "工地钢筋绑扎、制作，点工包工都可以，工资月结",
      "青岛", 9000, 12000, (18, 58), None, [], [], ["钢筋绑扎"], ["包住"]),
    J("J011", "rebar", "济南城建集团", "钢筋工（绑扎）", "住宅项目主体钢筋绑扎，会看图下料的优先", "济南", 8500, 11000,
      (20, 55), None, [], [], ["钢筋绑扎", "看图下料"], ["包住", "工地食堂"]),
    J("J012", "rebar", "临沂华建建设有限公司", "钢筋班组长", "带10人左右钢筋班组，懂翻样，能看结构图", "临沂", 12000, 16000,
      (30, 50), None, [], [], ["钢筋翻样", "看图"], ["包住"]),
    J("J013", "site_labor", "烟台开发区宏达建筑劳务公司", "建筑工地普工（小工）", "工地搬运、清理、配合大工，不需要经验，日结",
      "烟台", 6000, 8000, (18, 60), None, [], [], [], ["包住"]),
    J("J123", "site_labor", "青岛城投建设工程有限公司", "建筑普工", "工地打杂、搬砖、清理，能吃苦", "青岛", 6000, 8000, (18, 60),
      None, [], [], [], ["包住"]),
    # --- forklift 叉车 ---
    J("J020", "forklift", "青岛港国际物流有限公司", "叉车司机", "港区仓库装卸，3吨柴油叉车，两班倒", "青岛", 6500, 8500,
      (20, 50), None, ["叉车证"], ["forklift"], ["叉车"], ["五险一金", "包吃"]),
    J("J021", "forklift", "潍坊盛和仓储有限公司", "仓库叉车工", "成品库装车卸车，需持特种设备作业人员证（N1）", "潍坊", 6000, 7500,
      (18, 50), None, ["特种设备作业人员证（N1）"], ["forklift"], ["叉车"], ["长白班", "包住"]),
    J("J022", "forklift", "济南传化公路港物流", "物流园区叉车工", "装卸货，有N1叉车证", "济南", 7000, 9000, (22, 45), None,
      ["N1叉车证"], ["forklift"], [], ["五险一金"]),
    J("J023", "forklift", "德州恒丰纺织有限公司", "叉车司机", "厂内原料、成品转运，须持证", "德州", 5500, 6500, (20, 50), None,
      ["叉车操作证"], ["forklift"], [], ["包住", "工作餐"]),
    J("J024", "forklift", "烟台京东物流亚洲一号", "前移式叉车司机", "高位货架上下架，电动前移式叉车，高中以上学历，会用手持终端",
      "烟台", 6500, 8000, (20, 40), "高中", ["叉车证"], ["forklift"], ["前移式叉车", "PDA"], ["五险一金", "包住"]),
    J("J025", "forklift", "青岛海尔物流", "叉车工", "招满", "青岛", 6000, 8000, (20, 45), None, ["叉车证"], ["forklift"],
      [], [], status="filled"),
    # --- electricians 电工, plumbing ---
    J("J030", "elec", "青岛双星轮胎工业有限公司", "维修电工", "车间设备电气维修，会看电气图纸，懂PLC优先，持低压电工证",
      "青岛", 6500, 9000, (22, 50), "中专/技校", ["低压电工证"], ["elec_low"], ["PLC", "电气维修"], ["五险一金", "包吃"]),
    J("J031", "elec", "济南万科物业服务有限公司", "物业电工", "小区配电、照明、水电维修，持电工证", "济南", 5000, 6500,
      (25, 55), None, ["电工证"], ["elec_low"], ["水电维修"], ["五险一金", "包吃"]),
    J("J032", "elec", "淄博热电集团", "高压电工", "变电站运行值班，持高压电工作业证", "淄博", 8000, 11000, (22, 45), "中专/技校",
      ["高压电工作业证"], ["elec_high"], ["变配电"], ["五险一金"]),
    J("J034", "elec", "潍坊华威电器有限公司", "电工学徒", "跟师傅学电工，适合年轻人，不要求证", "潍坊", 4000, 5000, (18, 30),
      None, [], [], [], ["包住"]),
    J("J033", "plumber", "临沂家美装饰工程有限公司", "水电工（家装）", "家装水电开槽、布管、穿线，有家装经验", "临沂", 6000, 10000,
      (20, 55), None, [], [], ["水电安装", "开槽布管"], []),
    J("J190", "plumber", "青岛海信广场装饰工程部", "水电安装工", "商场店铺装修水电安装，持电工上岗证", "青岛", 8000, 12000,
      (22, 55), None, ["电工上岗证"], ["elec_low"], ["水电安装"], ["包住"]),
    J("J191", "plumber", "济南热力工程公司", "管道工（暖通）", "供暖管道安装维修，冬季加班多", "济南", 7000, 10000, (22, 55), None,
      [], [], ["管道安装", "暖通"], ["五险一金"]),
    # --- kitchens 厨师, helpers ---
    J("J040", "cook", "济南超意兴快餐", "中餐厨师", "鲁菜馆炒锅师傅，会做家常菜，有健康证", "济南", 6000, 9000, (25, 50), None,
      ["健康证"], ["health"], ["炒菜", "鲁菜"], ["包吃住"]),
    J("J041", "cook", "青岛即发集团职工食堂", "食堂厨师", "工厂食堂大锅菜，500人就餐，长白班", "青岛", 5500, 7000, (25, 55), None,
      ["健康证"], ["health"], ["大锅菜"], ["包吃住", "长白班"]),
    J("J042", "cook", "烟台福山大面馆", "面点师", "包子、馒头、面条，早班", "烟台", 5000, 6500, (22, 50), None,
      ["健康证"], ["health"], ["面点"], ["包吃"]),
    J("J043", "cook", "潍坊富华大酒店", "厨师长", "管理后厨十余人，出菜品方案，高中以上", "潍坊", 10000, 15000, (30, 50), "高中",
      ["健康证"], ["health"], ["菜品研发", "后厨管理"], ["包吃住", "五险一金"]),
    J("J046", "cook", "青岛地铁8号线项目部", "工地食堂做饭", "给工地60来号人做饭，家常饭菜就行", "青岛", 4000, 5000, (35, 60),
      None, [], [], ["做饭"], ["包吃住"]),
    J("J044", "kitchen_helper", "青岛船歌鱼水饺", "帮厨/切配", "洗菜切菜配菜，需健康证", "青岛", 4000, 5000, (18, 50), None,
      ["健康证"], ["health"], ["切配"], ["包吃住"]),
    J("J045", "kitchen_helper", "济南舜和酒店", "洗碗工", "后厨洗碗、打扫卫生", "济南", 3500, 4200, (18, 60), None, [], [],
      [], ["包吃"]),
    # --- cleaning, hotel ---
    J("J050", "clean", "青岛万象城物业", "商场保洁员", "商场公共区域保洁，三班倒可选", "青岛", 3000, 3600, (30, 60), None, [], [],
      [], ["包吃"]),
    J("J051", "clean", "济南绿地物业", "小区保洁", "小区楼道、地面清扫", "济南", 3000, 3500, (35, 62), None, [], [], [], []),
    J("J053", "clean", "威海国际金融中心物业", "写字楼保洁（长白班）", "写字楼日常保洁，早八晚五", "威海", 3200, 3800, (30, 58), None,
      [], [], [], ["长白班", "五险一金"]),
    J("J052", "hotel", "烟台金海湾酒店", "客房服务员", "做房、更换布草", "烟台", 3800, 4800, (18, 45), None, [], [], [],
      ["包吃住"]),
    # --- security ---
    J("J060", "security", "青岛中安保安服务有限公司", "小区保安", "小区门岗巡逻，退伍军人优先", "青岛", 3800, 4500, (18, 55), "初中",
      [], [], [], ["包吃住"]),
    J("J061", "security", "济南二机床集团", "工厂门卫/保安", "厂区门岗值班", "济南", 3500, 4200, (20, 58), None, [], [], [], ["包吃"]),
    J("J062", "security", "临沂保安服务总公司", "保安员（持保安证优先）", "商场、银行网点安保", "临沂", 3500, 4000, (18, 50), None,
      [], [], [], ["包住"]),
    J("J063", "security", "威海市商业银行", "押运保安", "现金押运，持保安员证，退伍军人优先", "威海", 6000, 7500, (22, 40), "高中",
      ["保安员证"], ["security"], [], ["五险一金"]),
    J("J064", "security", "济南华联仓储", "仓库门卫（夜班）", "夜间看守仓库，年龄大点也行", "济南", 3000, 3500, (40, 65), None,
      [], [], [], ["包住"]),
    # --- factory lines 普工 ---
    J("J070", "pack", "青岛歌尔电子有限公司", "电子厂普工", "流水线组装耳机配件，坐着干活，长白班，无需经验", "青岛", 4800, 6000,
      (18, 40), "初中", [], [], [], ["包吃住", "长白班", "五险一金"]),
    J("J071", "pack", "潍坊乐港食品股份有限公司", "包装工", "食品包装、贴标、装箱", "潍坊", 4200, 5200, (18, 50), None, [], [],
      ["包装"], ["包吃", "长白班"]),
    J("J072", "pack", "烟台杰瑞汽车零部件有限公司", "汽车零部件装配工", "装配线，两班倒，夫妻可同厂", "烟台", 5500, 7000, (18, 45),
      "初中", [], [], ["装配"], ["包住", "夫妻房"]),
    J("J075", "pack", "济宁如意科技园", "普工（计件）", "车间普工，计件多劳多得，夫妻工优先安排夫妻房", "济宁", 5000, 8000, (18, 48),
      None, [], [], [], ["包吃住", "夫妻房"]),
    J("J076", "pack", "临沂市费县华顺木业", "木业厂普工", "板材上下料、打包", "临沂", 4500, 6000, (18, 55), None, [], [], [],
      ["包住", "夫妻房"]),
    J("J077", "pack", "滨州魏桥电子", "电子厂普工", "已招满", "滨州", 4500, 5500, (18, 40), None, [], [], [], ["包吃住"],
      status="closed"),
    J("J078", "qc", "青岛海尔智能家电", "质检员", "来料、成品检验，会用卡尺，高中以上", "青岛", 4500, 5500, (20, 35), "高中", [], [],
      ["卡尺", "质量检验"], ["五险一金", "包吃"]),
    J("J073", "textile", "德州华源纺织", "挡车工", "纺纱车间看车接头，三班倒", "德州", 4500, 6000, (18, 45), None, [], [],
      ["接头"], ["包吃住"]),
    J("J074", "chem_op", "淄博鲁华泓锦新材料", "化工操作工", "装置巡检、DCS操作，四班三运转，高中以上", "淄博", 6000, 8000,
      (20, 40), "高中", [], [], ["DCS", "巡检"], ["五险一金", "班车"]),
    J("J079", "chem_op", "东营华泰化工", "化工外操", "化工装置外操巡检，中专化工类专业优先", "东营", 6500, 8500, (20, 38),
      "中专/技校", [], [], ["巡检"], ["五险一金", "包住"]),
    # --- drivers ---
    J("J080", "truck", "青岛顺丰速运", "重型货车司机（A2）", "干线运输，持A2驾驶证，两人一车", "青岛", 10000, 14000, (25, 50),
      None, ["A2驾驶证"], ["A2"], [], ["包住", "五险一金"]),
    J("J081", "truck", "济南德邦物流", "城配货车司机", "市内配送，4.2米厢货，持B2驾照", "济南", 7000, 9000, (25, 50), None,
      ["B2驾照"], ["B2"], [], ["五险一金"]),
    J("J082", "truck", "临沂天源国际物流", "大货车司机（跑长途）", "半挂跑长途，需A2驾驶证和道路运输从业资格证", "临沂", 12000,
      16000, (25, 55), None, ["A2驾驶证", "道路运输从业资格证（货运）"], ["A2", "freight"], [], ["包住"]),
    J("J083", "driver_c", "潍坊歌尔物流", "厂区送货员（小车）", "厂区间小车送货，持C1驾驶证", "潍坊", 5000, 6500, (20, 50), None,
      ["C1驾驶证"], ["C1"], [], ["包住"]),
    J("J084", "driver_c", "济南高新区管委会后勤中心", "商务车司机", "单位接待用车，C1驾照，五年驾龄，高中以上", "济南", 6000, 7500,
      (28, 50), "高中", ["C1驾照"], ["C1"], [], ["五险一金"]),
    J("J085", "driver_c", "烟台芝罘区鑫源商贸", "面包车送货司机", "给超市送货，C2驾驶证即可", "烟台", 5000, 6000, (20, 50), None,
      ["C2驾驶证"], ["C2"], ["送货"], []),
    # --- warehouse, loading, delivery ---
    J("J090", "warehouse", "济南苏宁物流", "仓库分拣员", "按单拣货、复核，两班倒", "济南", 4500, 6000, (18, 45), None, [], [],
      ["拣货"], ["包住"]),
    J("J091", "loading", "临沂中通快递分拨中心", "快递分拣装卸工", "夜班卸车、分拣，计件", "临沂", 5000, 7000, (18, 45), None, [], [],
      [], ["包住"]),
    J("J092", "warehouse", "青岛利群物流", "仓管员", "出入库登记、盘点，会用Excel，高中以上", "青岛", 4500, 5500, (22, 40), "高中",
      [], [], ["出入库", "Excel"], ["五险一金"]),
    J("J093", "loading", "潍坊安能物流", "物流装卸工", "货车装卸，计件，能吃苦", "潍坊", 6000, 9000, (18, 50), None, [], [], [],
      ["包吃住"]),
    J("J094", "delivery", "美团外卖济南站", "外卖骑手", "全职骑手，自备电动车或租车，多劳多得", "济南", 6000, 10000, (18, 50),
      None, [], [], ["电动车"], []),
    J("J095", "delivery", "青岛韵达快递", "快递派送员", "片区快递派送，三轮车公司提供", "青岛", 6000, 9000, (20, 45), None, [],
      [], [], ["包住"]),
    # --- sewing ---
    J("J100", "sewing", "青岛即发服装", "服装厂缝纫工（平车）", "平缝机缝制，计件，熟手优先", "青岛", 5000, 8000, (18, 50), None, [],
      [], ["平车", "缝纫"], ["包吃住", "夫妻房"]),
    J("J101", "sewing", "潍坊孚日家纺", "家纺厂车工", "毛巾、床品缝制", "潍坊", 4500, 7000, (18, 52), None, [], [], ["缝纫"],
      ["包住"]),
    J("J102", "sewing", "济宁金乡手套厂", "手套厂缝纫工", "手套缝制，计件", "济宁", 4000, 6000, (20, 55), None, [], [], ["缝纫"],
      ["包吃"]),
    # --- care, domestic ---
    J("J110", "care", "济南市第三社会福利院", "养老院护理员", "照顾失能老人起居，养老护理员证优先，可培训", "济南", 4000, 5000,
      (25, 55), None, [], [], ["护理"], ["包吃住"]),
    J("J111", "care", "青岛市立医院后勤服务公司", "医院护工", "病房陪护，需健康证", "青岛", 5000, 7000, (30, 58), None, ["健康证"],
      ["health"], ["陪护"], ["包住"]),
    J("J112", "care", "烟台颐和养老中心", "养老护理员（持证）", "持养老护理员证，照护失能半失能老人", "烟台", 5000, 6000, (25, 55),
      "初中", ["养老护理员证"], ["care"], ["护理"], ["包吃住", "五险一金"]),
    J("J113", "nanny", "济南好月嫂家政", "育婴师/月嫂", "上户带新生儿，持育婴员证", "济南", 7000, 12000, (25, 50), None,
      ["育婴员证"], ["nanny"], ["育婴"], ["包吃住"]),
    J("J114", "nanny", "青岛阿姨来了家政", "住家保姆", "照顾老人和做家务，住家", "青岛", 5500, 7000, (30, 55), None, [], [],
      ["做饭", "家务"], ["包吃住"]),
    # --- building trades ---
    J("J120", "mason", "济南中铁十局劳务分包", "瓦工（砌墙抹灰）", "砌砖、抹灰，有经验的大工", "济南", 9000, 13000, (25, 58), None,
      [], [], ["砌墙", "抹灰"], ["包住"]),
    J("J121", "carpenter", "青岛青建集团", "木工（支模）", "主体结构支模、加固", "青岛", 10000, 14000, (25, 55), None, [], [],
      ["支模"], ["包住"]),
    J("J122", "furniture", "临沂亿和家具", "家具厂木工", "开料、封边、排钻", "临沂", 5500, 8000, (20, 50), None, [], [],
      ["开料", "封边"], ["包住", "夫妻房"]),
    J("J124", "painter", "潍坊金鼎装饰", "油漆工（家装）", "刮腻子、刷乳胶漆", "潍坊", 7000, 10000, (22, 55), None, [], [],
      ["刮腻子", "乳胶漆"], []),
    J("J125", "painter", "济南鲁班建设", "外墙真石漆施工", "外墙真石漆、保温，高空作业", "济南", 8000, 12000, (22, 50), None, [],
      [], ["真石漆"], ["包住"]),
    J("J126", "scaffold", "日照钢铁建设公司", "架子工", "搭设拆除脚手架，持登高架设作业证", "日照", 10000, 13000, (22, 50),
      None, ["登高架设作业证"], ["scaffold"], ["脚手架"], ["包吃住"]),
    J("J130", "excavator", "青岛地铁集团施工队", "挖掘机司机", "土方开挖，持挖掘机操作证", "青岛", 9000, 14000, (22, 50), None,
      ["挖掘机操作证"], ["excavator"], [], ["包住"]),
    J("J131", "excavator", "济宁兖矿建设", "挖掘机操作手（矿山）", "露天矿挖机，有挖机证", "济宁", 10000, 15000, (22, 55), None,
      ["挖机证"], ["excavator"], [], ["包吃住"]),
    J("J132", "crane", "烟台建工集团", "塔吊司机", "建筑工地塔吊操作，持特种设备作业人员证（塔式起重机司机）", "烟台", 10000,
      13000, (22, 50), None, ["特种设备作业人员证（塔式起重机司机）"], ["tower_crane"], [], ["包住"]),
    J("J133", "crane", "淄博钢铁集团", "行车工（天车）", "车间桥式起重机操作，持桥式起重机司机证", "淄博", 6000, 8000, (20, 45),
      None, ["桥式起重机司机证"], ["bridge_crane"], [], ["五险一金", "班车"]),
    # --- machining ---
    J("J140", "cnc", "青岛海德威科技", "数控车床操作工", "数控车床上下料、对刀，会FANUC系统编程优先", "青岛", 6000, 9000,
      (18, 40), "中专/技校", [], [], ["数控编程", "FANUC"], ["五险一金", "包吃"]),
    J("J141", "cnc", "济南二机床集团", "CNC加工中心学徒", "加工中心学徒，包教会", "济南", 4500, 6000, (18, 30), "初中", [], [],
      ["加工中心"], ["包吃住"]),
    J("J142", "mechanic", "潍柴动力配套厂", "设备维修工", "车间设备机械维修，钳工基础", "潍坊", 7000, 9000, (22, 50), None,
      [], [], ["钳工", "设备维修"], ["五险一金"]),
    # --- food processing ---
    J("J150", "food_proc", "潍坊得利斯食品", "肉食品分割工", "猪肉分割，计件，需健康证", "潍坊", 5500, 8000, (18, 50), None,
      ["健康证"], ["health"], ["分割"], ["包吃住"]),
    J("J151", "food_proc", "临沂金锣食品", "食品厂生产工", "火腿肠生产线，长白班，需健康证", "临沂", 4500, 5500, (18, 48), None,
      ["健康证"], ["health"], [], ["长白班", "包住"]),
    J("J152", "food_proc", "烟台东方海洋", "海产品加工工", "海参、扇贝加工，夫妻工有夫妻房，需健康证", "烟台", 4500, 6500, (18, 55),
      None, ["健康证"], ["health"], [], ["包吃住", "夫妻房"]),
    J("J153", "food_proc", "威海好当家海洋食品", "水产加工工", "鱼类剖杀、冷冻，需健康证", "威海", 4500, 6000, (18, 55), None,
      ["健康证"], ["health"], [], ["包吃住"]),
    # --- farming ---
    J("J160", "farm", "寿光蔬菜产业集团", "蔬菜大棚管理员", "管理3个大棚，种植西红柿黄瓜，夫妻房", "潍坊", 4000, 6000, (25, 60),
      None, [], [], ["大棚种植"], ["包住", "夫妻房"]),
    J("J161", "farm", "栖霞苹果合作社", "果园工人", "苹果套袋、摘果", "烟台", 3500, 5000, (25, 62), None, [], [], [],
      ["包吃住"]),
    J("J162", "farm", "日照岚山茶场", "采茶工", "季节性采茶", "日照", 3000, 4500, (20, 60), None, [], [], [], ["包吃住"]),
    # --- shops, service, office ---
    J("J170", "cashier", "济南银座超市", "超市收银员", "收银、理货", "济南", 3500, 4200, (18, 40), "初中", [], [], ["收银"],
      ["五险一金"]),
    J("J171", "waiter", "青岛海底捞", "餐厅服务员", "前厅服务，包吃住", "青岛", 4000, 5000, (18, 40), None, [], [], [],
      ["包吃住"]),
    J("J172", "front_desk", "青岛香格里拉大酒店", "酒店前台", "入住退房接待，大专以上，形象好", "青岛", 4000, 5000, (20, 30), "大专",
      [], [], ["接待"], ["五险一金", "包吃"]),
    J("J173", "sales", "济南海尔专卖店", "门店销售/导购", "家电销售，底薪加提成", "济南", 4500, 8000, (20, 35), "高中", [], [],
      ["销售"], ["五险一金"]),
    J("J174", "phone_sales", "淄博众信网络", "电话销售", "电话邀约客户，底薪加提成", "淄博", 4000, 10000, (18, 35), "中专/技校",
      [], [], ["沟通"], []),
    J("J180", "office", "济南高新控股", "行政文员", "文件整理、会议安排，熟练Office，大专以上", "济南", 4000, 5000, (22, 35),
      "大专", [], [], ["Office"], ["五险一金"]),
    J("J181", "accounting", "青岛信和财务咨询", "会计", "代理记账，持初级会计职称，大专以上", "青岛", 5000, 7000, (22, 40), "大专",
      ["初级会计职称"], ["accountant"], ["记账", "报税"], ["五险一金"]),
]


def W(ext, name, birth, edu, desired, exp, certs=(), holds=(), cities=(), salary=None, needs=(), skills=(),
      good=(), ok=(), gender=None, county="东乡族自治县", province="甘肃省", status="脱贫享受政策人口"):
    return {
        "external_id": ext, "name": name, "gender": gender, "birth_year": birth, "hukou_province": province,
        "hukou_county": county, "assistance_status": status, "education": edu, "skills": list(skills),
        "certificates": list(certs), "experience": exp, "desired_jobs": desired, "desired_cities": list(cities),
        "expected_salary": salary, "needs": list(needs), "_holds": list(holds), "_good": list(good), "_ok": list(ok),
    }


CQ = {"province": "重庆市", "county": "酉阳土家族苗族自治县"}
WORKERS = [
    W("W01", "王建国", 1978, "初中", "电焊工", "在船厂干了十来年电焊，二保焊、手工焊都会，能烧仰焊", ["焊工证"], ["weld"],
      ["青岛", "烟台"], 9000, ["包吃住"], good=["weld"], gender="男"),
    W("W02", "李强", 1990, "高中", "焊工或者钢结构", "钢结构厂做过三年焊接，会看图", ["特种作业操作证（焊接与热切割作业）"],
      ["weld"], ["潍坊"], 7000, good=["weld"], ok=["mechanic"], gender="男"),
    W("W03", "张伟", 1988, "初中", "会烧电焊，啥活都行", "跟老乡在工地烧过两年电焊，没考证", [], [], [], 6000, ["包吃住"],
      good=["weld"], ok=["site_labor", "pack", "loading"], gender="男", **CQ),
    W("W04", "赵海", 1971, "初中", "氩弧焊", "不锈钢管道氩弧焊二十多年", ["焊工证（氩弧焊）"], ["weld"], ["济南", "潍坊"], 8000,
      good=["weld"], gender="男"),
    W("W05", "孙丽", 1995, "中专/技校", "电工", "在小区物业做过两年电工，修过配电箱、换过线路", ["低压电工作业证"], ["elec_low"],
      ["济南", "青岛"], 6000, good=["elec"], ok=["plumber"], gender="女"),
    W("W06", "刘洋", 1985, "中专/技校", "维修电工/设备维修", "机械厂设备维修五年，电气机械都懂点", ["电工证"], ["elec_low"],
      ["青岛"], 8000, good=["elec", "mechanic"], ok=["cnc", "plumber"], gender="男"),
    W("W07", "陈刚", 1980, "初中", "叉车司机", "开过几年叉车，在物流园装卸", ["叉车证"], ["forklift"], ["青岛", "潍坊"], 6500,
      ["包住"], good=["forklift"], ok=["warehouse", "loading"], gender="男"),
    W("W08", "周明", 1992, "高中", "叉车", "仓库里开过电动叉车，也干过仓管", ["N1证"], ["forklift"], [], 6000,
      good=["forklift"], ok=["warehouse"], gender="男", **CQ),
    W("W09", "吴军", 1993, "初中", "叉车工", "叉车开了两年，证还没考", [], [], ["潍坊"], 6000, good=["forklift"],
      ok=["warehouse", "loading"], gender="男"),
    W("W10", "郑大勇", 1976, "小学及以下", "钢筋工", "在工地扎过钢筋，干了八年", [], [], ["青岛", "济南"], 9000, ["包住"],
      good=["rebar"], ok=["site_labor", "mason"], gender="男"),
    W("W11", "马文", 1968, "初中", "钢筋工、木工都行", "工地上干了二十多年，钢筋木工都做过", [], [], [], 8000,
      good=["rebar", "carpenter"], ok=["site_labor"], gender="男", **CQ),
    W("W12", "何秀英", 1978, "初中", "保洁", "在商场干过保洁", [], [], ["青岛"], 3500, ["包吃"], good=["clean"],
      ok=["hotel", "kitchen_helper"], gender="女"),
    W("W13", "罗梅", 1972, "小学及以下", "保洁、洗碗都行", "饭店洗碗三年", [], [], ["济南"], 3200,
      good=["clean", "kitchen_helper"], gender="女", **CQ),
    W("W14", "高志", 1998, "高中", "保安", "当过兵，退伍后做过两年保安", ["保安员证"], ["security"], ["威海", "青岛"], 5000,
      good=["security"], gender="男"),
    W("W15", "梁成", 1966, "初中", "门卫、保安", "在厂里看大门十年", [], [], ["济南"], 3000, good=["security"], gender="男"),
    W("W16", "韩雪", 2000, "中专/技校", "电子厂普工，想要长白班", "在苏州电子厂干过流水线", [], [], ["青岛"], 5000,
      ["长白班", "包吃住"], good=["pack"], ok=["qc", "warehouse"], gender="女"),
    W("W17", "杨东", 1987, "初中", "找个两口子一起干的厂，普工就行", "在江苏做过汽车配件装配", [], [], ["烟台", "济宁", "临沂"],
      5500, ["夫妻房", "包住"], good=["pack"], ok=["food_proc", "furniture", "loading"], gender="男"),
    W("W18", "朱红", 1983, "初中", "缝纫工", "服装厂踩了十年平车", [], [], ["青岛", "潍坊"], 6000, ["包吃住"], good=["sewing"],
      ok=["textile"], gender="女"),
    W("W19", "冯秀兰", 1970, "小学及以下", "护工", "在医院照顾过病人，伺候过瘫痪老人", ["健康证"], ["health"], ["青岛"], 5000,
      good=["care"], ok=["nanny", "clean"], gender="女", **CQ),
    W("W20", "曹敏", 1985, "高中", "养老护理", "养老院干过两年", ["养老护理员职业技能等级证书"], ["care"], ["烟台", "济南"], 5000,
      good=["care"], ok=["nanny"], gender="女"),
    W("W21", "许娟", 1990, "初中", "月嫂、育婴师", "带过两个孩子，做过一年月嫂", ["育婴师证", "健康证"], ["nanny", "health"],
      ["济南", "青岛"], 8000, good=["nanny"], ok=["care"], gender="女"),
    W("W22", "邓飞", 1984, "初中", "大车司机", "开了八年半挂，跑过长途", ["A2驾照", "货运资格证"], ["A2", "freight"], [], 12000,
      ["包住"], good=["truck"], ok=["driver_c"], gender="男"),
    W("W23", "彭亮", 1991, "高中", "司机", "开过三年网约车", ["C1驾驶证"], ["C1"], ["济南"], 6000, good=["driver_c"],
      ok=["delivery"], gender="男"),
    W("W24", "曾辉", 1995, "初中", "送货司机", "面包车送过货", ["C2驾照"], ["C2"], ["烟台", "潍坊"], 5500, good=["driver_c"],
      ok=["delivery", "loading"], gender="男"),
    W("W25", "谢东", 1975, "初中", "挖掘机", "开钩机十几年，土方、矿山都干过", ["挖掘机驾驶员证"], ["excavator"], ["济宁", "临沂"],
      10000, ["包吃住"], good=["excavator"], gender="男"),
    W("W26", "唐军", 1982, "初中", "塔吊司机", "在工地开塔吊六年", ["塔吊司机证"], ["tower_crane"], ["烟台"], 9000,
      good=["crane"], gender="男"),
    W("W27", "董磊", 1999, "中专/技校", "数控车床", "技校学的数控，实习做过加工中心", [], [], ["青岛"], 6000, good=["cnc"],
      ok=["mechanic", "qc"], gender="男"),
    W("W28", "萧平", 1987, "初中", "厨师", "县城饭店炒锅五年，会做鲁菜", ["健康证"], ["health"], ["济南", "淄博"], 7000,
      ["包吃住"], good=["cook"], ok=["kitchen_helper"], gender="男"),
    W("W29", "田芳", 1980, "初中", "食堂做饭", "学校食堂做过大锅饭", [], [], [], 4500, good=["cook"], ok=["kitchen_helper"],
      gender="女", **CQ),
    W("W30", "袁强", 1989, "初中", "瓦工", "砌墙抹灰都会，干了十年", [], [], ["济南"], 10000, ["包住"], good=["mason"],
      ok=["site_labor", "painter"], gender="男"),
    W("W31", "蒋勇", 1986, "初中", "木工（支模板）", "建筑木工，支模加固", [], [], ["青岛", "日照"], 10000, good=["carpenter"],
      ok=["furniture", "site_labor"], gender="男"),
    W("W32", "沈杰", 1994, "大专", "会计、文员", "代账公司做过两年出纳", ["初级会计证"], ["accountant"], ["济南", "青岛"], 5000,
      good=["accounting", "office"], ok=["cashier"], gender="男"),
    W("W33", "韩梅", 2001, "高中", "收银、超市", "奶茶店收过银", [], [], ["济南"], 3800, good=["cashier"],
      ok=["sales", "waiter"], gender="女"),
    W("W34", "魏刚", 1979, "小学及以下", "装卸、搬运，力气活", "物流园装卸三年", [], [], ["潍坊", "临沂"], 6000, ["包吃住"],
      good=["loading"], ok=["site_labor", "pack", "warehouse"], gender="男", **CQ),
    W("W35", "吕晨", 1997, "初中", "外卖/快递", "送过一年外卖", [], [], ["济南", "青岛"], 7000, good=["delivery"],
      ok=["warehouse", "loading"], gender="男"),
    W("W36", "孔祥", 1973, "初中", "大棚种菜", "家里种了二十年大棚西红柿", [], [], ["潍坊"], 4000, ["夫妻房"], good=["farm"],
      gender="男"),
    W("W37", "宋涛", 1996, "中专/技校", "化工操作工", "化工厂DCS外操巡检两年", [], [], ["淄博", "东营"], 7000,
      good=["chem_op"], ok=["qc"], gender="男"),
    W("W38", "金鑫", None, None, "电工、水电工", "家装水电干了十年", ["低压电工证"], ["elec_low"], ["青岛"], 8000,
      good=["plumber", "elec"], gender="男", **CQ),
    W("W39", "钱多", 1988, None, "叉车司机", "厂里开叉车", ["厂内机动车辆驾驶证"], ["forklift"], ["济南", "烟台"], 6500,
      good=["forklift"], ok=["warehouse"], gender="男"),
    W("W40", "孙桂芝", 1964, "小学及以下", "打扫卫生", "在学校做过保洁", [], [], ["济南"], 3000, good=["clean"],
      ok=["kitchen_helper"], gender="女", **CQ),
    W("W41", "胡斌", 2008, "初中", "学电焊", "没干过，想学门手艺", [], [], ["临沂"], 4000, ["包吃住"], good=["weld"],
      ok=["pack", "cnc"], gender="男"),
    W("W42", "黄磊", 1985, "初中", "油漆工", "家装刷墙、刮腻子、真石漆都干过", [], [], ["潍坊", "济南"], 8000, good=["painter"],
      ok=["mason"], gender="男"),
    W("W43", "林峰", 1983, "初中", "架子工", "搭脚手架八年", ["登高作业证（架子工）"], ["scaffold"], ["日照"], 9000,
      good=["scaffold"], ok=["site_labor"], gender="男"),
    W("W44", "贾平", 1978, "初中", "海鲜加工、食品厂", "在荣成做过海产品加工", ["健康证"], ["health"], ["烟台", "威海"], 5000,
      ["包吃住", "夫妻房"], good=["food_proc"], ok=["pack"], gender="男"),
    W("W45", "白雪", 1999, "大专", "前台、文员", "酒店前台干过一年", [], [], ["青岛"], 4500, good=["front_desk", "office"],
      ok=["cashier", "sales"], gender="女"),
]


def can_take(worker: dict, job: dict) -> bool:
    """The labeller's reading of the hard requirements (independent of the system's code)."""
    if job["status"] != "open":
        return False
    holds = set()
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


def grade(worker: dict, job: dict) -> int:
    """Graded relevance (2 good, 1 acceptable, 0 not) as described in the module docstring."""
    if not can_take(worker, job):
        return 0
    trade = job["_trade"]
    in_city = not worker["desired_cities"] or job["city"] in worker["desired_cities"]
    pay_ok = not worker["expected_salary"] or (job["salary_max"] or 0) >= 0.9 * worker["expected_salary"]
    if trade in worker["_good"]:
        return 2 if in_city and pay_ok else 1
    if trade in worker["_ok"]:
        return 1 if in_city else 0
    return 0


def public(record: dict) -> dict:
    return {k: v for k, v in record.items() if not k.startswith("_") and v is not None}


def main() -> None:
    with open(HERE / "jobs.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(public(job), ensure_ascii=False) + "\n" for job in JOBS)
    with open(HERE / "workers.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(public(worker), ensure_ascii=False) + "\n" for worker in WORKERS)
    with open(HERE / "labels.jsonl", "w", encoding="utf-8") as fh:
        for worker in WORKERS:
            grades = {job["external_id"]: g for job in JOBS if (g := grade(worker, job))}
            feasible = [job["external_id"] for job in JOBS if can_take(worker, job)]
            fh.write(json.dumps({"worker": worker["external_id"], "grades": grades, "feasible": feasible},
                                ensure_ascii=False) + "\n")
    print(f"{len(WORKERS)} workers, {len(JOBS)} jobs written to {HERE}")


if __name__ == "__main__":
    main()
