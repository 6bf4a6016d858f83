"""The demo story's data: the shippers of a third-party logistics company
and the complaints of their year. Plain tables, read by ``generator``; never
imported by the addon itself."""

# the portal user of the story (login and password)
DEMO_PORTAL_LOGIN = "greenvalley"
SEED = 2026


def _shipper(key, name, city, tag, **values):
    """One demo customer of the third-party logistics company.

    ``first``/``last``/``every``: days ago of the first and the last order and
    the mean days between orders; ``extra``: further orders (days ago);
    ``amount``: freight price of an order, growing by ``trend`` over the
    period; ``margin``: share of the price kept; ``late``, ``partial``,
    ``unpaid``: probability that a delivery is late, short, that an invoice is
    never paid; ``downgrade``: the potential the salesperson sets after last
    month's grading (an at-risk customer moving volume elsewhere); ``kind``:
    ftl (pallets by truck), cold (cold chain) or parcel (e-commerce
    fulfilment); ``pending``: days ago of orders whose delivery has not left
    the warehouse yet (waiting for today's truck, or held past its deadline)."""
    shipper = {
        "key": key,
        "name": name,
        "city": city,
        "tag": tag,
        "potential": "medium",
        "user": "base.user_admin",
        "contact": "",
        "first": 360,
        "last": 5,
        "every": 30,
        "extra": (),
        "amount": 5000,
        "trend": 0.0,
        "margin": 0.25,
        "late": 0.08,
        "partial": 0.04,
        "unpaid": 0.0,
        "kind": "ftl",
        "policy": False,
        "downgrade": False,
        "pending": (),
    }
    shipper.update(values)
    return shipper


DEMO = "base.user_demo"

# Thirty shippers of a third-party logistics company: key accounts with weekly
# volume, growing accounts, general and low-value customers, new ones, some
# at risk, two lost and one won back.
SHIPPERS = [
    # key accounts
    _shipper(
        "youpin", "Youpin E-commerce 优品电商", "Hangzhou", "ecommerce",
        potential="high", contact="Zhang Wei 张伟", first=364, last=1, every=12,
        amount=30000, trend=0.4, margin=0.2, late=0.04, partial=0.05,
        kind="parcel", pending=(1,),
    ),
    _shipper(
        "huaxin", "Huaxin Electronics 华新电子", "Shenzhen", "manufacturing",
        potential="high", contact="Li Na 李娜", first=362, last=1, every=15,
        amount=30000,
        trend=0.15, margin=0.18, late=0.03, partial=0.03, pending=(1,),
    ),
    _shipper(
        "jiuzhou", "Jiuzhou Pharma Distribution 九州医药", "Beijing", "pharma",
        potential="high", user=DEMO, contact="Wang Fang 王芳", first=360, last=1,
        every=16, amount=22000, trend=0.25, margin=0.24, late=0.03, partial=0.02,
        kind="cold", policy=True, extra=(4,), pending=(4,),
    ),
    _shipper(
        "changjiang", "Changjiang Auto Parts 长江汽配", "Wuhan", "automotive",
        potential="high", user=DEMO, contact="Liu Yang 刘洋", first=358, last=1,
        every=15,
        amount=24000, trend=0.1, margin=0.2, late=0.05, partial=0.05, unpaid=0.02,
        extra=(5,), pending=(5, 1),
    ),
    _shipper(
        "xinyue", "Xinyue Retail Chain 鑫悦连锁", "Shanghai", "retail",
        potential="high", contact="Chen Jie 陈杰", first=363, last=1, every=13,
        amount=21000, trend=0.3, margin=0.19, late=0.03, partial=0.04,
        pending=(1,),
    ),
    # growth
    _shipper(
        "greenvalley", "Green Valley Fresh 绿谷生鲜", "Guangzhou", "cold",
        potential="high", user=DEMO, contact="Chen Jing 陈静", first=300, last=2,
        every=22, amount=9000, trend=0.9, margin=0.26, late=0.12, partial=0.05,
        kind="cold", policy=True,
    ),
    _shipper(
        "dongfang", "Dongfang Home Furnishings 东方家居", "Foshan", "consumer",
        contact="Zhao Lei 赵磊", first=350, last=4, every=26, amount=12000,
        trend=0.1, margin=0.22, late=0.12, partial=0.06, unpaid=0.05,
    ),
    _shipper(
        "ruida", "Ruida Machinery 瑞达机械", "Tianjin", "manufacturing",
        user=DEMO, contact="Sun Qiang 孙强", first=355, last=6, every=26,
        amount=14000, margin=0.23, late=0.06,
    ),
    _shipper(
        "bluewave", "Bluewave Cross-border 蓝波跨境", "Ningbo", "ecommerce",
        potential="high", contact="Zhou Min 周敏", first=80, last=1, every=10,
        amount=11000, trend=0.5, margin=0.2, late=0.05, partial=0.05,
        kind="parcel",
    ),
    _shipper(
        "tianyi", "Tianyi Textiles 天逸纺织", "Suzhou", "manufacturing",
        potential="low", user=DEMO, contact="Wu Hao 吴昊", first=360, last=5,
        every=25, amount=9000, trend=0.2, margin=0.24, unpaid=0.05,
    ),
    _shipper(
        "jinxiu", "Jinxiu Cosmetics 锦绣化妆品", "Shanghai", "ecommerce",
        contact="Xu Li 徐丽", first=340, last=3, every=25, amount=8000,
        trend=0.5, margin=0.28, late=0.07, kind="parcel",
    ),
    _shipper(
        "hengtong", "Hengtong Building Materials 恒通建材", "Chengdu",
        "manufacturing", potential="low", user=DEMO, contact="Ma Jun 马军",
        first=362, last=8, every=30, amount=15000, trend=-0.2, margin=0.18,
        late=0.12, partial=0.05, unpaid=0.12,
    ),
    _shipper(
        "sunrise", "Sunrise Dairy 晨光乳业", "Hohhot", "cold", user=DEMO,
        contact="Hu Xin 胡欣", first=364, last=95, every=20, amount=10000,
        margin=0.25, late=0.15, partial=0.05, unpaid=0.1, kind="cold",
        potential="high", downgrade="low",
    ),
    # general
    _shipper(
        "meilin", "Meilin Kitchen Appliances 美林厨电", "Ningbo", "consumer",
        potential="low", contact="Guo Tao 郭涛", first=340, last=12, every=55,
        amount=3500, margin=0.27, late=0.1, partial=0.05, unpaid=0.05,
    ),
    _shipper(
        "haibin", "Haibin Seafood 海滨水产", "Qingdao", "cold", user=DEMO,
        contact="Lin Hai 林海", first=330, last=10, every=50, amount=3500,
        trend=0.2, margin=0.3, late=0.15, partial=0.05, unpaid=0.05, kind="cold",
    ),
    _shipper(
        "qiming", "Qiming Stationery 启明文具", "Nanjing", "consumer",
        potential="low", contact="He Yu 何宇", first=350, last=20, every=50,
        amount=3500, margin=0.3, kind="parcel",
    ),
    _shipper(
        "anxin", "Anxin Medical Devices 安心医疗", "Changsha", "pharma",
        user=DEMO, contact="Gao Yan 高燕", first=320, last=15, every=55,
        amount=6000, trend=0.3, margin=0.26, late=0.05,
    ),
    _shipper(
        "baicao", "Baicao Tea 百草茶业", "Xiamen", "consumer", contact="Luo Ping 罗平",
        first=720, last=470, every=45, extra=(35, 9), amount=4000, margin=0.3,
        kind="parcel",
    ),
    _shipper(
        "kaida", "Kaida Sports 凯达体育", "Xiamen", "consumer", potential="medium",
        user=DEMO, contact="Zheng Kai 郑凯", first=340, last=110, every=30,
        amount=5000, margin=0.26, late=0.1, unpaid=0.1, downgrade="none",
    ),
    _shipper(
        "fenghua", "Fenghua Toys 丰华玩具", "Shantou", "consumer", potential="low",
        contact="Liang Hua 梁华", first=300, last=6, every=45, amount=4000,
        trend=0.4, margin=0.28, partial=0.1,
    ),
    _shipper(
        "zhongke", "Zhongke Lab Supplies 中科实验", "Hefei", "pharma", user=DEMO,
        contact="Song Bo 宋博", first=70, last=5, every=20, amount=3000,
        margin=0.3,
    ),
    _shipper(
        "huamei", "Huamei Printing 华美印刷", "Dongguan", "manufacturing",
        potential="none", contact="Tang Mei 唐梅", first=360, last=30, every=60,
        amount=4000, margin=0.22, unpaid=0.2,
    ),
    # low value, lost
    _shipper(
        "xiaoyu", "Xiaoyu Handmade 小雨手工", "Dali", "ecommerce", potential="none",
        user=DEMO, contact="Yu Xiao 于晓", first=300, last=75, every=90,
        amount=600, margin=0.32, kind="parcel", trend=-0.5,
    ),
    _shipper(
        "harbor", "Harbor Chemicals 港湾化工", "Ningbo", "chemicals",
        potential="none", contact="Feng Gang 冯刚", first=700, last=420, every=60,
        amount=15000, margin=0.2,
    ),
    _shipper(
        "northstar", "Northstar Outdoor 北极星户外", "Harbin", "consumer",
        potential="low", user=DEMO, contact="Dong Bin 董斌", first=650, last=400,
        every=70, amount=5000, margin=0.24,
    ),
    _shipper(
        "goldenbridge", "Golden Bridge Trading 金桥贸易", "Yiwu", "retail",
        potential="none", contact="Jiang Tao 蒋涛", first=330, last=90, every=70,
        amount=1200, margin=0.2, late=0.1, unpaid=0.7, trend=-0.5,
    ),
    _shipper(
        "corner", "Corner Bookshop 街角书店", "Suzhou", "retail", potential="none",
        user=DEMO, contact="Shen Yue 沈悦", first=280, last=100, every=80,
        amount=300, margin=0.35, kind="parcel",
    ),
    _shipper(
        "lotus", "Lotus Flower Shop 莲花花艺", "Kunming", "cold", potential="low",
        contact="Cao Lan 曹兰", first=250, last=120, every=45, amount=800,
        margin=0.3, late=0.2, kind="cold", downgrade="none",
    ),
    _shipper(
        "pearl", "Pearl River Recycling 珠江回收", "Guangzhou", "manufacturing",
        potential="none", user=DEMO, contact="Peng Fei 彭飞", first=40, last=10,
        every=30, amount=1500, margin=0.25,
    ),
    _shipper(
        "minghui", "Minghui Furniture Outlet 明辉家具", "Foshan", "consumer",
        potential="low", contact="Xie Ming 谢明", first=320, last=170, every=50,
        amount=1800, margin=0.22, late=0.15, unpaid=0.5, trend=-0.5, downgrade="none",
    ),
]  # fmt: skip

# (customer, type, stage, days ago, cause, rating, subject, extras); the age
# of the open ones (new, in progress, waiting) counts working days, as their
# SLA clocks do: most are within their deadlines, two are breached
COMPLAINTS = [
    ("youpin", "late", "closed", 300, "carrier", 4,
     "Parcels of the 618 campaign delivered a day late", {}),
    ("youpin", "damaged", "closed", 200, "packaging", 5,
     "Crushed cartons: 12 units of skin care damaged",
     {"damaged": 12, "claim": 2400, "compensation": 1800, "credit": "post"}),
    ("huaxin", "short", "closed", 250, "warehouse", 4,
     "Two pallets of PCB boards missing from the shipment", {}),
    ("huaxin", "damaged", "closed", 120, "carrier", 3,
     "Forklift damage to one pallet of displays",
     {"damaged": 1, "claim": 3200, "compensation": 2500, "credit": "draft",
      "return": True}),
    ("jiuzhou", "late", "closed", 280, "carrier", 2,
     "Vaccines arrived after the cold-chain window", {"priority": "3"}),
    ("jiuzhou", "documentation", "closed", 150, "order_entry", 5,
     "Temperature log missing from the delivery documents", {}),
    ("changjiang", "late", "closed", 220, "carrier", 3,
     "Brake discs late for the assembly line", {}),
    ("changjiang", "wrong_item", "closed", 90, "warehouse", 4,
     "Wrong part numbers picked for the Wuhan plant", {}),
    ("xinyue", "short", "closed", 180, "inventory", 5,
     "Store replenishment short by 30 cartons", {}),
    ("greenvalley", "late", "closed", 140, "carrier", 2,
     "Fresh produce delivered late, partly spoiled", {"claim": 900}),
    ("greenvalley", "damaged", "closed", 60, "packaging", 4,
     "Broken crates of strawberries",
     {"damaged": 2, "claim": 600, "compensation": 450, "return": True}),
    ("dongfang", "damaged", "closed", 210, "warehouse", 1,
     "Sofa scratched during handling",
     {"damaged": 1, "claim": 1500, "compensation": 1200}),
    ("dongfang", "late", "closed", 100, "carrier", 3,
     "Showroom delivery missed the opening day", {}),
    ("hengtong", "billing", "closed", 160, "order_entry", 2,
     "Storage invoiced twice", {}),
    ("sunrise", "late", "closed", 200, "carrier", 1,
     "Yoghurt delivery missed the supermarket slot", {}),
    ("sunrise", "damaged", "closed", 130, "packaging", 2,
     "Reefer seal broken, 40 cases lost", {"damaged": 40, "claim": 2000}),
    ("haibin", "late", "closed", 190, "carrier", 3,
     "Seafood held at the Qingdao hub overnight", {}),
    ("kaida", "attitude", "closed", 170, "carrier", 2,
     "Driver refused to unload at the store", {}),
    ("ruida", "short", "resolved", 40, "inventory", 5,
     "One crate of spare parts missing", {}),
    ("tianyi", "documentation", "resolved", 35, "order_entry", 0,
     "Customs declaration with wrong HS code", {}),
    ("jinxiu", "damaged", "resolved", 25, "packaging", 4,
     "Leaking lotion bottles in two cartons", {"damaged": 24, "claim": 480}),
    ("meilin", "late", "resolved", 30, "carrier", 0,
     "Range hoods delivered two days late", {}),
    ("goldenbridge", "billing", "resolved", 45, "customer", 3,
     "Disputed fuel surcharge", {}),
    ("minghui", "damaged", "resolved", 140, "warehouse", 1,
     "Table legs broken in transit", {"damaged": 4, "claim": 800}),
    ("anxin", "wrong_item", "resolved", 20, "warehouse", 0,
     "Wrong batch of syringes delivered", {}),
    ("youpin", "short", "in_progress", 1.5, False, 0,
     "Short delivery: 40 parcels missing", {}),
    ("changjiang", "late", "in_progress", 1, False, 0,
     "Gearboxes still not at the plant", {}),
    ("bluewave", "damaged", "in_progress", 2, False, 0,
     "Water damage on export cartons", {"damaged": 15, "claim": 1100}),
    # waiting for the carrier's assessment: the resolution deadline has passed
    ("dongfang", "damaged", "in_progress", 6, False, 0,
     "Wardrobe doors cracked", {"damaged": 3, "claim": 900}),
    ("lotus", "billing", "in_progress", 2.5, False, 0,
     "Cold storage days invoiced after pick-up", {}),
    ("xinyue", "documentation", "waiting", 1, False, 0,
     "Proof of delivery unsigned for three stores", {}),
    ("huaxin", "billing", "waiting", 2, False, 0,
     "Credit of the returned pallet not yet on the statement", {}),
    ("qiming", "lost", "waiting", 3, False, 0,
     "Carton of notebooks lost in transit", {}),
    # urgent: to be answered within a working hour, and not answered yet
    ("jiuzhou", "late", "new", 0, False, 0,
     "Insulin shipment still not delivered", {"priority": "3"}),
    ("greenvalley", "damaged", "new", 0, False, 0,
     "Frozen dumplings thawed on arrival", {"claim": 700}),
    ("fenghua", "short", "new", 0, False, 0,
     "Half of the toy order arrived", {}),
    ("xiaoyu", "attitude", "new", 0.5, False, 0,
     "Courier rude on the phone", {}),
    ("youpin", "other", "cancelled", 60, False, 0, "Filed twice by mistake", {}),
    ("pearl", "other", "cancelled", 5, False, 0, "Question, not a complaint", {}),
]  # fmt: skip

RESOLUTIONS = {
    "late": "Apologised; the carrier's penalty is passed on to the customer.",
    "damaged": "Damaged goods replaced; compensation agreed with the customer.",
    "short": "Missing goods found in the hub and delivered the next day.",
    "wrong_item": "Correct items delivered, wrong ones collected.",
    "documentation": "Corrected documents sent to the customer.",
    "billing": "Invoice corrected and explained to the customer.",
    "attitude": "Driver briefed by the carrier; apology sent.",
    "lost": "Carton traced and delivered.",
}
FEEDBACK = {
    1: "Too slow, we lost the sale.",
    2: "Solved, but it took too long.",
    3: "Acceptable.",
    4: "Good follow-up.",
    5: "Very fast and professional, thank you.",
}
CONSU = {"ftl": "pallet", "cold": "pallet", "parcel": "parcel"}
SERVICE = {"ftl": "freight", "cold": "cold_chain", "parcel": "express"}
OPEN_STAGES = ("new", "in_progress", "waiting")
# the demo year is graded once a month, as of that day, like the history of a
# year of regrades (a row for each customer whose score or tier changed)
REGRADE_MONTHS = 11
