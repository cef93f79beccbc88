"""Сделки и компании: места и цены, скидки, цикл, вероятность выигрыша, конкуренты, MEDDIC, допродажи."""

# --- Сделки -----------------------------------------------------------------
# Мест операторов в контракте: медиана по сегменту и логнормальный разброс
SEATS_MEDIAN = {"smb": 12, "mid_market": 62, "enterprise": 390}
SEATS_SIGMA = {"smb": 0.55, "mid_market": 0.55, "enterprise": 0.55}
SEATS_EMPLOYEE_REF = {"smb": 30, "mid_market": 300, "enterprise": 3000}
# Прайс «Сфера Деск», ₽ за место оператора в месяц (с 2025 года +8 %)
SEAT_PRICE = {"smb": 1_990, "mid_market": 1_690, "enterprise": 1_490}
PRICE_INCREASE_2025 = 0.08
DISCOUNT_LEVELS = (0.0, 0.05, 0.10, 0.15, 0.20)
DISCOUNT_MIX = {"smb": (0.55, 0.25, 0.15, 0.05, 0.0), "mid_market": (0.3, 0.3, 0.25, 0.1, 0.05),
                "enterprise": (0.1, 0.2, 0.3, 0.25, 0.15)}
SE_INVOLVEMENT = {"smb": 0.08, "mid_market": 0.65, "enterprise": 0.92}
# Длительность цикла сделки, дни: медиана по сегменту (логнормальное распределение)
CYCLE_MEDIAN_DAYS = {"smb": 28, "mid_market": 65, "enterprise": 125}
CYCLE_SIGMA = 0.5
CYCLE_INDUSTRY_MULT = {"public_sector": 1.35, "finance": 1.15, "manufacturing": 1.1}
STAGE_DURATION_SHAPE = (2.0, 2.5, 2.0, 1.6)   # доли цикла на стадиях (Дирихле)
# Логит вероятности выигрыша: база по сегменту и добавки
WIN_LOGIT_BASE = {"smb": -1.55, "mid_market": -1.9, "enterprise": -2.1}
WIN_CHANNEL_EFFECT = {"content": 0.0, "ppc": -0.25, "events": 0.3, "social": -0.2,
                      "partners": 0.45, "outbound": -0.35, "organic": 0.15}
WIN_DEAL_QUALITY_COEF = 1.2        # влияние скрытого «качества сделки»
WIN_RAMP_PENALTY = 2.0             # новичок без рампа теряет столько логита
WIN_SE_EFFECT = 0.25
COMPETITOR_PROB = {"smb": 0.35, "mid_market": 0.5, "enterprise": 0.65}
COMPETITOR_MIX = {"smb": (0.35, 0.2, 0.05, 0.4), "mid_market": (0.35, 0.3, 0.2, 0.15),
                  "enterprise": (0.2, 0.3, 0.45, 0.05)}  # helppro, servicebox, globalitsm, opendesk
COMPETITOR_WIN_EFFECT = {"helppro": -0.25, "servicebox": -0.3, "globalitsm": -0.5, "opendesk": -0.15}
LOSS_REASON_MIX = (0.25, 0.0, 0.32, 0.23, 0.20)  # price, competitor, no_decision, timing, missing_features
COMPETITOR_LOSS_SHARE = 0.5        # при наличии конкурента — доля проигрышей именно ему
# MEDDIC: смещение по элементу (чем ниже, тем реже есть подтверждение)
MEDDIC_BIAS = {"meddic_metrics": 0.0, "meddic_economic_buyer": -0.35,
               "meddic_decision_criteria": 0.15, "meddic_decision_process": -0.2,
               "meddic_identify_pain": 0.45, "meddic_champion": -0.1}
MEDDIC_THRESHOLDS = (0.1, 1.35)    # пороги 0/1 и 1/2 для скрытой оценки
# Письма, звонки и сообщения по сделке между встречами — на 30 дней сделки, по сегменту.
# В CRM записывают содержательные касания (отправил КП, согласовал следующий шаг, ответил на
# вопрос безопасности), а не каждую реплику. В малом бизнесе — около касания в неделю; в
# крупном на стороне клиента несколько человек (ИТ, безопасность, закупки, руководитель
# поддержки), и касаний больше. Касаний на сделку (цепочка по лиду, встречи и переписка):
# средний бизнес — 12–24, крупный — 24–60 (askedwellndleads). Верхний предел — на сделку.
OPP_FOLLOWUPS_PER_30_DAYS = {"smb": 3.5, "mid_market": 4.5, "enterprise": 6.0}
DEAL_FOLLOWUP_CAP = {"smb": 10, "mid_market": 25, "enterprise": 45}
# Кто делает касание между встречами: AE, пресейл (SE, если он есть в сделке) или
# руководитель продаж (звонок «первого лица» в крупных сделках).
DEAL_FOLLOWUP_BY = {"smb": (1.0, 0.0, 0.0), "mid_market": (0.85, 0.15, 0.0), "enterprise": (0.68, 0.22, 0.10)}
# Встреч на стадии сделки: в крупном бизнесе на стадии — две встречи (демонстрация разным
# группам, техническая сессия с пресейлом, согласование с безопасностью и закупками).
DEAL_MEETINGS_PER_STAGE = {"smb": 1, "mid_market": 1, "enterprise": 2}
# Тип такого касания: письмо — 55 %, остальное — звонок, Telegram, WhatsApp. С контактом
# по сделке в России переписываются в мессенджерах (LinkedIn заблокирован с 2016 года);
# Telegram — чаще, WhatsApp — реже, в основном с владельцами малого бизнеса.
DEAL_FOLLOWUP_EMAIL_SHARE = 0.55
DEAL_FOLLOWUP_OTHER_MIX = (0.80, 0.14, 0.06)   # звонок, Telegram, WhatsApp

# --- Компании: повторные обращения и допродажи ---------------------------------
REPEAT_LEAD_SHARE = 0.13           # доля лидов от компаний, уже приходивших раньше
UPSELL_SHARE = 0.4                 # из повторных лидов со сделкой — доля от действующих клиентов
UPSELL_SEATS_SHARE = 0.3           # допродажа (upsell) — около 30 % мест обычной сделки
