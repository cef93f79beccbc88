"""Сделки и компании: места и цены, скидки, цикл, вероятность выигрыша, конкуренты, MEDDIC, допродажи."""

# --- Сделки -----------------------------------------------------------------
# Мест операторов в контракте: оператор — сотрудник, который работает с заявками
# (ИТ-поддержка, сервис, АХО), поэтому мест — доля штата, а не больше штата.
# Места = медиана × (сотрудники / опорный размер) ^ эластичность × логнормальный шум;
# эластичность < 1: с ростом компании доля операторов в штате падает.
SEATS_MEDIAN = {"smb": 5, "mid_market": 45, "enterprise": 140}
SEATS_EMPLOYEE_REF = {"smb": 25, "mid_market": 300, "enterprise": 2000}
SEATS_EMPLOYEE_ELASTICITY = {"smb": 0.6, "mid_market": 0.6, "enterprise": 0.5}
SEATS_SIGMA = {"smb": 0.45, "mid_market": 0.5, "enterprise": 0.45}
SEATS_MIN = 2                      # меньше двух операторов service desk не покупают
# Потолок мест — доля штата (логика: операторы — часть сотрудников, и чем крупнее
# компания, тем меньше эта доля; первый договор корпорации — первая очередь внедрения)
SEATS_MAX_SHARE = {"smb": 0.5, "mid_market": 0.25, "enterprise": 0.12}
# Прайс «Сфера Деск», ₽ за место оператора в месяц (с 2025 года +8 %). Редакции, как у
# сервис-деск-вендоров: базовая для малого бизнеса по цене российских облачных helpdesk
# (HelpDeskEddy — 1 500 ₽ при оплате за год и 2 000 ₽ помесячно, helpdeskeddy2025price),
# ITSM-редакция (SLA, каталог услуг, интеграции) и корпоративная (CMDB, on-premise, SSO)
# дороже за место, как Starter → Growth → Pro у Freshservice ($19 → $49 → $99, freshservice2026pricing).
# Скидка за объём — через DISCOUNT_MIX.
SEAT_PRICE = {"smb": 1_990, "mid_market": 3_990, "enterprise": 5_490}
PRICE_INCREASE_2025 = 0.08
DISCOUNT_LEVELS = (0.0, 0.05, 0.10, 0.15, 0.20)
DISCOUNT_MIX = {"smb": (0.55, 0.25, 0.15, 0.05, 0.0), "mid_market": (0.3, 0.3, 0.25, 0.1, 0.05),
                "enterprise": (0.1, 0.2, 0.3, 0.25, 0.15)}
SE_INVOLVEMENT = {"smb": 0.08, "mid_market": 0.65, "enterprise": 0.92}
# Длительность цикла сделки, дни: медиана по сегменту (логнормальное распределение)
CYCLE_MEDIAN_DAYS = {"smb": 28, "mid_market": 65, "enterprise": 125}
CYCLE_SIGMA = 0.5
# Крупнее сделка внутри сегмента — дольше цикл: больше согласующих, пилот, закупочная
# процедура. Цикл × (места / медиана сегмента) ^ 0,45 (askedwellndleads: цикл растёт с чеком)
CYCLE_SIZE_ELASTICITY = 0.45
CYCLE_INDUSTRY_MULT = {"public_sector": 1.35, "finance": 1.15, "manufacturing": 1.1}
STAGE_DURATION_SHAPE = (2.0, 2.5, 2.0, 1.6)   # доли цикла на стадиях (Дирихле)
# Логит вероятности выигрыша: база по сегменту и добавки
# Доля выигранных падает с размером сделки: малый бизнес 25–40 %, средний 15–30 %,
# крупный 15–20 % (knowleendwinrate, croreportndwinrate) — база ставит сегменты в середину.
WIN_LOGIT_BASE = {"smb": -1.5, "mid_market": -2.3, "enterprise": -2.8}
WIN_SIZE_COEF = -0.3               # внутри сегмента крупная сделка выигрывается реже
WIN_CHANNEL_EFFECT = {"content": 0.0, "ppc": -0.25, "events": 0.3, "social": -0.2,
                      "partners": 0.45, "outbound": -0.35, "organic": 0.15}
WIN_DEAL_QUALITY_COEF = 1.2        # влияние скрытого «качества сделки»
WIN_RAMP_PENALTY = 2.0             # новичок без рампа теряет столько логита
WIN_SE_EFFECT = 0.25
# Конкуренты. Западный ITSM-вендор «ГлобалITSM» (globalitsm; как ServiceNow, Atlassian,
# Zendesk) в 2022 году ушёл с российского рынка и прекратил поддержку: в 2023–2025 годах
# он не участвует в тендерах, а остаётся системой, с которой клиенты уходят по
# импортозамещению (naumen2024importsd). Живые соперники — российские вендоры; в крупном
# бизнесе главный — «ЭталонITSM» (etalonitsm; как Naumen и SimpleOne).
COMPETITOR_PROB = {"smb": 0.35, "mid_market": 0.5, "enterprise": 0.65}
COMPETITOR_MIX = {"smb": (0.35, 0.2, 0.0, 0.4, 0.05), "mid_market": (0.33, 0.3, 0.0, 0.15, 0.22),
                  "enterprise": (0.12, 0.3, 0.0, 0.03, 0.55)}  # helppro, servicebox, globalitsm, opendesk, etalonitsm
COMPETITOR_WIN_EFFECT = {"helppro": -0.25, "servicebox": -0.3, "globalitsm": 0.0, "opendesk": -0.15,
                         "etalonitsm": -0.5}
# Система, с которой клиент переходит (replaced_system): доля сделок с заменой системы
# и состав заменяемых систем по сегментам; остальные ведут заявки в почте и таблицах.
# Уход с «ГлобалITSM» — вынужденная миграция со сроком (поддержки нет, ПО не обновляется),
# поэтому такая сделка выигрывается чаще (+0,3 к логиту). Доли — допущение генератора.
REPLACED_SYSTEM_PROB = {"smb": 0.2, "mid_market": 0.45, "enterprise": 0.7}
REPLACED_SYSTEM_MIX = {"smb": (0.45, 0.2, 0.0, 0.35, 0.0), "mid_market": (0.25, 0.25, 0.35, 0.1, 0.05),
                       "enterprise": (0.05, 0.15, 0.7, 0.0, 0.1)}
REPLACED_GLOBALITSM_WIN_EFFECT = 0.3
# Бюджетный календарь клиентов: госзаказчики по 44-ФЗ закупают по плану-графику в пределах
# лимитов бюджетных обязательств года — с 1 января по 31 декабря (lbo2023limits), госкомпании
# по 223-ФЗ и корпорации живут по годовым и квартальным бюджетам. Допущение курса: к концу
# года и квартала подписание стягивают, чтобы законтрактовать лимиты. Выигрыш,
# который пришёлся бы на первые CLOSE_PULL_WINDOW_DAYS дней после конца квартала,
# с вероятностью CLOSE_PULL_QUARTER (после декабря — CLOSE_PULL_DECEMBER) × вес сегмента
# × множитель госсектора подписывают в последние CLOSE_PULL_LAST_DAYS дней квартала.
# Январь: новогодние каникулы (ст. 112 ТК РФ) и лимиты, доведённые только к концу
# месяца, — часть январских подписаний уходит на февраль (CLOSE_JANUARY_DEFER).
# Сила эффектов — допущение; ориентир — доли декабря и января (логика: ≠ 1/12).
CLOSE_PULL_WINDOW_DAYS = 25
CLOSE_PULL_QUARTER = 0.25
CLOSE_PULL_DECEMBER = 0.55
CLOSE_PULL_LAST_DAYS = 8
CLOSE_PULL_SEGMENT = {"smb": 0.5, "mid_market": 1.0, "enterprise": 1.3}
CLOSE_PULL_PUBLIC_MULT = 1.4
CLOSE_JANUARY_DEFER = 0.35
LOSS_REASON_MIX = (0.25, 0.0, 0.32, 0.23, 0.20)  # price, competitor, no_decision, timing, missing_features
COMPETITOR_LOSS_SHARE = 0.5        # при наличии конкурента — доля проигрышей именно ему
# MEDDIC: смещение по элементу (чем ниже, тем реже есть подтверждение)
MEDDIC_BIAS = {"meddic_metrics": 0.0, "meddic_economic_buyer": -0.35,
               "meddic_decision_criteria": 0.15, "meddic_decision_process": -0.2,
               "meddic_identify_pain": 0.45, "meddic_champion": -0.1}
MEDDIC_THRESHOLDS = (0.1, 1.35)    # пороги 0/1 и 1/2 для скрытой оценки
OPP_FOLLOWUPS_PER_30_DAYS = 1.1    # письма, звонки и сообщения AE между встречами
# Тип такого касания: письмо — 55 %, остальное — звонок, Telegram, WhatsApp. С контактом
# по сделке в России переписываются в мессенджерах (LinkedIn заблокирован с 2016 года);
# Telegram — чаще, WhatsApp — реже, в основном с владельцами малого бизнеса.
DEAL_FOLLOWUP_EMAIL_SHARE = 0.55
DEAL_FOLLOWUP_OTHER_MIX = (0.80, 0.14, 0.06)   # звонок, Telegram, WhatsApp

# --- Компании: повторные обращения и допродажи ---------------------------------
REPEAT_LEAD_SHARE = 0.13           # доля лидов от компаний, уже приходивших раньше
UPSELL_SHARE = 0.4                 # из повторных лидов со сделкой — доля от действующих клиентов
UPSELL_SEATS_SHARE = 0.3           # допродажа (upsell) — около 30 % мест обычной сделки
