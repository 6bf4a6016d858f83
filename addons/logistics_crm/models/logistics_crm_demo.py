import logging
import random
import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

# the portal user of the story (login and password)
DEMO_PORTAL_LOGIN = "greenvalley"
SEED = 2026
_logger = logging.getLogger(__name__)


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


class _Year:
    """The demo year as played so far: what is still to come (orders,
    deliveries, backorders, payments, complaints), oldest first."""

    def __init__(self, rng, now, partners):
        self.rng = rng
        self.now = now
        self.partners = partners
        self.orders = []  # plans of the orders still to place
        self.placed = 0  # orders placed so far
        self.deliveries = {}  # sale.order: (shipper, when it leaves or None)
        self.backorders = {}  # stock.picking: when it leaves
        self.to_invoice = []  # (sale.order, shipper)
        self.payments = []  # (statement date, account.move)
        self.complaints = []  # plans of the complaints still to file


class LogisticsCrmDemo(models.AbstractModel):
    _name = "logistics.crm.demo"
    _description = "Logistics CRM demo story"

    @api.model
    def _load_demo(self):
        """Create the demo story of a third-party logistics company: thirty
        shippers with a year of orders, deliveries (some late, short or
        damaged), invoices (some overdue), complaints in every stage with
        ratings, a credit note and returns.

        The year is played month by month, and each month ends with a regrade
        as of that day: the grade history and the tier notes are those a year
        of grading leaves, and each order gets the SLA policy and the star of
        its customer's grade when it was placed. Deterministic: a seeded
        random generator, dates relative to today."""
        started = time.monotonic()
        company = self.env.company
        if (
            self.env["res.users"]
            .with_context(active_test=False)
            .search_count([("login", "=", DEMO_PORTAL_LOGIN)])
        ):
            # a reinstall: the story's customers, orders and portal user
            # outlived the uninstall (they belong to Sales, not to this
            # module); grade them again instead of creating them twice
            self.env["logistics.grading.policy"]._get_for_company(
                company
            )._compute_grades()
            _logger.info("Logistics CRM demo: already present, customers regraded")
            return
        now = fields.Datetime.now().replace(microsecond=0)
        year = _Year(random.Random(SEED), now, self._demo_partners())
        self._demo_plan_orders(year)
        self._demo_plan_complaints(year)
        policy = self.env["logistics.grading.policy"]._get_for_company(company)
        for months in range(REGRADE_MONTHS, 0, -1):
            run = (now - relativedelta(months=months)).replace(
                hour=20, minute=0, second=0
            )
            self._demo_play(year, run)
            self._demo_grade(policy, run)
        # after last month's regrade, some salespeople lower the potential of
        # customers moving volume elsewhere
        for shipper in SHIPPERS:
            if shipper["downgrade"]:
                partner = year.partners[shipper["key"]]
                partner.customer_potential = shipper["downgrade"]
        self._demo_play(year, now)
        policy._compute_grades()
        # what a manager does after a regrade: open deadlines follow the
        # tiers, and the open deliveries of new key accounts get their star
        self._demo_recompute_deadlines()
        self.env["stock.picking"].search(
            [
                ("picking_type_code", "=", "outgoing"),
                ("state", "not in", ("done", "cancel")),
            ]
        )._star_priority_deliveries()
        self.env["logistics.sla.status"]._cron_check_deadlines()
        # the demo customers' addresses are examples: no rating e-mails
        self.env["mail.mail"].search(
            [("model", "=", "logistics.complaint"), ("state", "=", "outgoing")]
        ).unlink()
        _logger.info(
            "Logistics CRM demo: %s customers, %s orders in %.0f s",
            len(year.partners),
            year.placed,
            time.monotonic() - started,
        )

    @api.model
    def _demo_play(self, year, until):
        """Play the story up to ``until``: orders placed, deliveries made,
        invoices posted and paid, complaints filed and handled."""
        self._demo_place_orders(year, until)
        self._demo_deliver(year, until)
        self._demo_invoice(year, until)
        self._demo_complaints(year, until)
        self._demo_analyze()

    @api.model
    def _demo_analyze(self):
        """Refresh the planner's statistics: the demo writes a year of orders,
        deliveries and accounting in one transaction, and without them
        PostgreSQL plans Odoo's stock and reconciliation queries for the empty
        tables of a new database (minutes instead of seconds)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
        tables = [SQL.identifier(table) for (table,) in self.env.cr.fetchall()]
        self.env.cr.execute(SQL("ANALYZE %s", SQL(", ").join(tables)))

    @api.model
    def _demo_grade(self, policy, when):
        """Regrade as of ``when``'s day, and date the history rows and the
        tier notes of the run at ``when``."""
        History = self.env["logistics.grade.history"]
        Message = self.env["mail.message"]
        last = History.search([], order="id desc", limit=1).id or 0
        last_message = Message.search([], order="id desc", limit=1).id or 0
        policy._compute_grades(today=when.date())
        History.search([("id", ">", last)]).write({"date": when})
        Message.search(
            [("id", ">", last_message), ("model", "=", "res.partner")]
        ).write({"date": when})

    # ------------------------------------------------------------------
    # Customers and orders
    # ------------------------------------------------------------------

    @api.model
    def _demo_partners(self):
        ref = self.env.ref
        term = ref("account.account_payment_term_30days")
        partners = {}
        for shipper in SHIPPERS:
            domain = shipper["key"]
            partner = self.env["res.partner"].create(
                {
                    "name": shipper["name"],
                    "is_company": True,
                    "city": shipper["city"],
                    "country_id": ref("base.cn").id,
                    "email": f"logistics@{domain}.example.com",
                    "website": f"https://{domain}.example.com",
                    "category_id": [
                        Command.set(
                            ref(f"logistics_crm.partner_tag_{shipper['tag']}").ids
                        )
                    ],
                    "user_id": ref(shipper["user"]).id,
                    "customer_potential": shipper["potential"],
                    "property_payment_term_id": term.id,
                }
            )
            name = shipper["contact"]
            login = ".".join(name.split()[:2]).lower()
            self.env["res.partner"].create(
                {
                    "name": name,
                    "parent_id": partner.id,
                    "type": "contact",
                    "function": "Logistics manager",
                    "email": f"{login}@{domain}.example.com",
                }
            )
            partners[shipper["key"]] = partner
        # a strategic contract: the manager keeps the pharma distributor in A
        partners["jiuzhou"].write(
            {
                "customer_tier_locked": True,
                "customer_tier_id": ref("logistics_crm.customer_tier_a").id,
                "customer_tier_lock_reason": "Strategic cold-chain contract",
                "customer_tier_lock_until": fields.Date.context_today(self)
                + timedelta(days=180),
            }
        )
        named = [partners[s["key"]].id for s in SHIPPERS if s["policy"]]
        ref("logistics_crm.sla_policy_demo_cold_chain").partner_ids = [
            Command.set(named)
        ]
        portal_contact = partners["greenvalley"].child_ids[:1]
        self.env["res.users"].with_context(no_reset_password=True).create(
            {
                "login": DEMO_PORTAL_LOGIN,
                "password": DEMO_PORTAL_LOGIN,
                "partner_id": portal_contact.id,
                "group_ids": [Command.set(ref("base.group_portal").ids)],
            }
        )
        return partners

    @api.model
    def _order_days(self, rng, shipper):
        days, day = [], shipper["first"]
        while day >= shipper["last"]:
            days.append(day)
            day -= max(1, round(shipper["every"] * rng.uniform(0.6, 1.4)))
        if days[-1] != shipper["last"]:
            days.append(shipper["last"])
        return days + list(shipper["extra"])

    @api.model
    def _order_date(self, rng, now, days_ago):
        date = now - timedelta(days=days_ago)
        # orders come in on working days, in office hours (UTC+8)
        if days_ago and date.weekday() >= 5:
            date -= timedelta(days=date.weekday() - 4)
        return date.replace(hour=rng.randint(0, 7), minute=rng.choice((0, 15, 30, 45)))

    @api.model
    def _demo_plan_orders(self, year):
        """Draw every order of the year: its customer, date and lines."""
        ref = self.env.ref
        products = {
            key: ref(f"logistics_crm.product_demo_{key}")
            for key in ("freight", "cold_chain", "express", "pallet", "parcel")
        }
        rng, plans = year.rng, []
        for shipper in SHIPPERS:
            partner = year.partners[shipper["key"]]
            span = max(shipper["first"] - shipper["last"], 1)
            for days_ago in self._order_days(rng, shipper):
                progress = min(max((shipper["first"] - days_ago) / span, 0.0), 1.0)
                amount = round(
                    shipper["amount"]
                    * (1 + shipper["trend"] * progress)
                    * rng.uniform(0.8, 1.2),
                    -1,
                )
                goods = products[CONSU[shipper["kind"]]]
                if shipper["kind"] == "parcel":
                    units = max(5, round(amount / 60))
                else:
                    units = max(1, round(amount / 900))
                vals = {
                    "partner_id": partner.id,
                    "user_id": partner.user_id.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": products[SERVICE[shipper["kind"]]].id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "purchase_price": round(
                                    amount * (1 - shipper["margin"]), 2
                                ),
                            }
                        ),
                        Command.create(
                            {"product_id": goods.id, "product_uom_qty": units}
                        ),
                    ],
                }
                plans.append(
                    {
                        "shipper": shipper,
                        "date": self._order_date(rng, year.now, days_ago),
                        "pending": days_ago in shipper["pending"],
                        "vals": vals,
                    }
                )
        plans.sort(key=lambda plan: plan["date"])
        for number, plan in enumerate(plans, 1000):
            key = plan["shipper"]["key"][:3].upper()
            plan["vals"]["client_order_ref"] = f"PO-{key}-{number}"
        year.orders = plans

    @api.model
    def _demo_place_orders(self, year, until):
        """Confirm the orders placed up to ``until``, then date them back with
        their SLA clock (the deadline of the policy of the customer's grade
        of the day) and their delivery (planned for the order date, as Odoo
        plans it without a customer lead time)."""
        count = next(
            (i for i, plan in enumerate(year.orders) if plan["date"] > until),
            len(year.orders),
        )
        plans, year.orders = year.orders[:count], year.orders[count:]
        if not plans:
            return
        # no chatter tracking for a year of history: it costs seconds here
        orders = (
            self.env["sale.order"]
            .with_context(tracking_disable=True)
            .create([plan["vals"] for plan in plans])
        )
        orders.action_confirm()
        year.placed += len(orders)
        for order, plan in zip(orders, plans, strict=True):
            date = plan["date"]
            order.date_order = date
            order.sla_status_ids.write({"date_start": date, "resumed_on": date})
            order.picking_ids.move_ids.write({"date": date, "date_deadline": date})
        orders.sla_status_ids._recompute_deadlines()
        for order, plan in zip(orders, plans, strict=True):
            shipper = plan["shipper"]
            leaves = None
            if not plan["pending"]:
                leaves = self._demo_delivery_date(year.rng, order, shipper)
            year.deliveries[order] = (shipper, leaves)
            year.to_invoice.append((order, shipper))

    @api.model
    def _demo_recompute_deadlines(self):
        """Give the open SLA clocks the policy of the customers' grade."""
        self.env["logistics.sla.status"].search(
            [("state", "in", ("ongoing", "warning", "paused"))]
        )._recompute_deadlines()

    # ------------------------------------------------------------------
    # Deliveries
    # ------------------------------------------------------------------

    @api.model
    def _demo_delivery_date(self, rng, order, shipper):
        """When the order's delivery is made: on time or late against the
        order's SLA deadline."""
        deadline = order.sla_deadline or order.date_order + timedelta(days=3)
        if rng.random() < shipper["late"]:
            return deadline + timedelta(hours=rng.uniform(3, 54))
        lead = (deadline - order.date_order).total_seconds()
        return order.date_order + timedelta(seconds=lead * rng.uniform(0.3, 0.9))

    @api.model
    def _demo_deliver(self, year, until):
        """Validate the deliveries made up to ``until``, some short (with or
        without a backorder), and the backorders completed by then; stop the
        orders' SLA clocks at the real delivery dates."""
        rng = year.rng
        Picking = self.env["stock.picking"]
        done_on, short, backorder = {}, [], []
        for order, (shipper, leaves) in list(year.deliveries.items()):
            if not leaves or leaves > until:
                continue
            del year.deliveries[order]
            picking = order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing"
            )
            done_on[picking] = leaves
            is_short = rng.random() < shipper["partial"]
            for move in picking.move_ids:
                ratio = rng.uniform(0.6, 0.9) if is_short else 1.0
                move.quantity = max(1, int(move.product_uom_qty * ratio))
            if is_short:
                (backorder if rng.random() < 0.5 else short).append(picking.id)
        pickings = Picking.union(*done_on)
        orders = pickings.sale_id
        if pickings:
            # the clocks are stopped below, at the real delivery dates
            orders.sla_status_ids.write({"state": "reached"})
            pickings.with_context(
                skip_backorder=True, picking_ids_not_to_backorder=short
            ).button_validate()
            for picking, leaves in done_on.items():
                picking.date_done = leaves
            for later in Picking.search([("backorder_id", "in", backorder)]):
                year.backorders[later] = done_on[later.backorder_id] + timedelta(
                    days=rng.uniform(1.5, 3)
                )
        completed = Picking.union(
            *(picking for picking, leaves in year.backorders.items() if leaves <= until)
        )
        if completed:
            for move in completed.move_ids:
                move.quantity = move.product_uom_qty
            completed.sale_id.sla_status_ids.write({"state": "reached"})
            completed.with_context(skip_backorder=True).button_validate()
            for picking in completed:
                picking.date_done = year.backorders.pop(picking)
            orders |= completed.sale_id
        # orders waiting for their backorder keep a running clock
        orders.sla_status_ids.filtered(lambda s: s.kind == "delivery").write(
            {"state": "ongoing", "reached_on": False}
        )
        orders.write({"sla_reached_on": False})
        orders._sla_check_delivered()

    # ------------------------------------------------------------------
    # Invoices and payments
    # ------------------------------------------------------------------

    @api.model
    def _demo_invoice(self, year, until):
        """Invoice the orders a week old by ``until``, one invoice per order,
        on the delivery date; customers settle their statement once a month,
        on the 25th, around the due dates (some invoices are never paid)."""
        rng = year.rng
        count = next(
            (
                i
                for i, (order, __) in enumerate(year.to_invoice)
                if order.date_order >= until - timedelta(days=7)
            ),
            len(year.to_invoice),
        )
        to_invoice, year.to_invoice = year.to_invoice[:count], year.to_invoice[count:]
        if to_invoice:
            sale_orders = self.env["sale.order"].union(*(o for o, __ in to_invoice))
            sale_orders.with_context(tracking_disable=True)._create_invoices(
                grouped=True
            )
            invoices = self.env["account.move"]
            unpaid = {}
            for order, shipper in to_invoice:
                invoice = order.invoice_ids.with_context(tracking_disable=True)
                invoice.invoice_date = (order.sla_reached_on or order.date_order).date()
                invoices |= invoice
                unpaid[invoice.id] = rng.random() < shipper["unpaid"]
            invoices.sorted("invoice_date").action_post()
            for invoice in invoices:
                if unpaid[invoice.id]:
                    continue
                paid_on = invoice.invoice_date_due + timedelta(days=rng.randint(-12, 9))
                run = paid_on + relativedelta(day=25)
                if run < paid_on:
                    run += relativedelta(months=1)
                year.payments.append((run, invoice))
        today = until.date()
        runs = {}
        for run, invoice in year.payments:
            if run <= today:
                runs.setdefault(run, []).append(invoice.id)
        year.payments = [(run, inv) for run, inv in year.payments if run > today]
        Register = self.env["account.payment.register"].with_context(
            active_model="account.move", tracking_disable=True
        )
        # one payment per customer and statement run
        for date, ids in sorted(runs.items()):
            Register.with_context(active_ids=ids).create(
                {"payment_date": date, "group_payment": True}
            )._create_payments()

    # ------------------------------------------------------------------
    # Complaints
    # ------------------------------------------------------------------

    @api.model
    def _demo_plan_complaints(self, year):
        """Date every complaint of the story: the open ones in working time
        before now, the others in days."""
        calendar = self.env.company.resource_calendar_id
        plans = []
        for customer, type_key, stage_key, days_ago, *handling in COMPLAINTS:
            if stage_key in OPEN_STAGES:
                hours = days_ago * calendar.hours_per_day + year.rng.uniform(1.2, 1.8)
                reported = calendar.plan_hours(-hours, year.now, compute_leaves=True)
            else:
                hours = year.rng.uniform(1, 5)
                reported = year.now - timedelta(days=days_ago, hours=hours)
            plans.append((reported, customer, type_key, stage_key, *handling))
        year.complaints = sorted(plans, key=lambda plan: plan[0])

    @api.model
    def _demo_complaint_order(self, partner, type_key, reported):
        SaleOrder = self.env["sale.order"]
        if type_key == "late":
            # a delivery still not made past its deadline
            held = SaleOrder.search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "=", "sale"),
                    ("sla_reached_on", "=", False),
                    ("sla_deadline", "<", reported),
                ],
                order="sla_deadline desc",
                limit=1,
            )
            if held:
                return held
        orders = SaleOrder.search(
            [
                ("partner_id", "=", partner.id),
                ("sla_reached_on", "<", reported),
            ],
            order="sla_reached_on desc",
            limit=10,
        )
        matching = {
            "late": orders.filtered(lambda o: not o.sla_on_time),
            "short": orders.filtered(lambda o: not o.sla_in_full),
        }.get(type_key)
        return (matching or orders)[:1]

    @api.model
    def _demo_complaints(self, year, until):
        """File the complaints reported up to ``until``, then handle them."""
        ref = self.env.ref
        count = next(
            (i for i, plan in enumerate(year.complaints) if plan[0] > until),
            len(year.complaints),
        )
        plans, year.complaints = year.complaints[:count], year.complaints[count:]
        complaints = []
        for plan in plans:
            reported, customer, type_key, stage_key, cause_key, rating = plan[:6]
            subject, extras = plan[6:]
            partner = year.partners[customer]
            order = self._demo_complaint_order(partner, type_key, reported)
            pickings = order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing"
            )
            picking = pickings.filtered(lambda p: p.state == "done")[:1] or pickings[:1]
            vals = {
                "name": subject,
                "partner_id": partner.child_ids[:1].id or partner.id,
                "user_id": partner.user_id.id,
                "sale_order_id": order.id,
                "picking_id": picking.id,
                "invoice_id": order.invoice_ids.filtered(lambda m: m.state == "posted")[
                    :1
                ].id,
                "complaint_type_id": ref(f"logistics_crm.complaint_type_{type_key}").id,
                "date_reported": reported,
                "description": f"<p>{subject}. Order {order.client_order_ref}.</p>",
                "damaged_qty": extras.get("damaged", 0.0),
                "claim_amount": extras.get("claim", 0.0),
            }
            if "priority" in extras:
                vals["priority"] = extras["priority"]
            complaint = self.env["logistics.complaint"].create(vals)
            complaints.append(
                (complaint, type_key, stage_key, cause_key, rating, extras)
            )
        for complaint, *handling in complaints:
            self._demo_handle(year.rng, complaint, *handling)

    @api.model
    def _demo_handle(
        self, rng, complaint, type_key, stage_key, cause_key, rating, extras
    ):
        """Move the complaint to its stage as the team did, then put the SLA
        clocks and the closing date back to when it happened. The open
        complaints were answered in time; some closed ones were not."""
        ref = self.env.ref
        reported = complaint.date_reported
        now = fields.Datetime.now()
        if stage_key == "new":
            return
        closing = stage_key in ("resolved", "closed")
        if cause_key:
            cause = ref(f"logistics_crm.complaint_cause_{cause_key}")
            complaint.write(
                {
                    "root_cause_id": cause.id,
                    "responsibility": cause.responsibility,
                    "resolution": RESOLUTIONS.get(
                        type_key, "Handled with the customer."
                    ),
                    "corrective_action": "Checked with the team and the carrier.",
                    "compensation_amount": extras.get("compensation", 0.0),
                }
            )
        statuses = complaint.sla_status_ids
        response = statuses.filtered(lambda s: s.kind == "response")
        resolution = statuses.filtered(lambda s: s.kind == "resolution")
        answer_by = response.deadline
        complaint.stage_id = ref(f"logistics_crm.complaint_stage_{stage_key}")
        if stage_key == "cancelled":
            return
        if stage_key in OPEN_STAGES and answer_by:
            answered = reported + (answer_by - reported) * rng.uniform(0.2, 0.8)
        else:
            answered = reported + timedelta(hours=rng.uniform(0.3, 6))
        closed = reported + timedelta(hours=rng.uniform(5, 70))
        self._demo_reach(response, min(answered, now))
        if stage_key == "waiting":
            waiting = answered + timedelta(hours=rng.uniform(1, 4))
            self._demo_pause(resolution, min(waiting, now))
        if closing:
            closed = min(closed, now - timedelta(hours=1))
            self._demo_reach(resolution, closed)
            complaint.date_closed = closed
            if rating:
                complaint.rating_apply(
                    rating,
                    token=complaint._rating_get_access_token(),
                    feedback=FEEDBACK[rating],
                )
        if extras.get("credit"):
            complaint.action_create_credit_note()
            if extras["credit"] == "post":
                complaint.credit_note_id.invoice_date = closed.date()
                complaint.credit_note_id.action_post()
        if extras.get("return"):
            self._demo_return(complaint, extras.get("damaged", 1))

    @api.model
    def _demo_pause(self, statuses, when):
        statuses = statuses.filtered(lambda s: s.state == "paused")
        statuses.write({"state": "ongoing", "consumed_hours": 0.0})
        statuses._pause(when)

    @api.model
    def _demo_reach(self, statuses, when):
        statuses = statuses.filtered(lambda s: s.state in ("reached", "failed"))
        statuses.write({"state": "ongoing", "reached_on": False})
        statuses._reach(when)

    @api.model
    def _demo_return(self, complaint, quantity):
        action = complaint.action_create_return()
        wizard = (
            self.env["stock.return.picking"]
            .with_context(**action["context"])
            .create({})
        )
        line = wizard.product_return_moves.filtered(
            lambda m: m.product_id.type == "consu"
        )[:1]
        line.quantity = min(quantity, line.move_quantity)
        wizard.action_create_returns()
        returned = complaint.return_picking_id
        for move in returned.move_ids:
            move.quantity = move.product_uom_qty
        returned.button_validate()
