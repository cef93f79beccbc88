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
# MEDDIC — как AE заполняет поля в CRM (допущение генератора, калибровка — по AUC в benchmarks.yml).
# Исход сделки разыгрывается по логиту выигрыша (выше) в форме скрытой переменной: выигрыш ⇔
# логит + ε > 0, где ε (логистический шум) — всё, что решится по ходу сделки: ушёл чемпион,
# заморозили бюджет, конкурент сбросил цену. Каждое поле MEDDIC — шумное измерение «состояния
# сделки»: её части логита (без базы сегмента, поэтому смена доли выигрышей не сдвигает уровни)
# и той доли ε, которую AE успел узнать. Доказательства копятся: записанный уровень не убывает.
MEDDIC_REVEALED = (0.1, 0.25, 0.4, 0.55, 0.55)  # доля ε, известная на входе в discovery … negotiation и к закрытию
MEDDIC_SIGNAL = 0.35               # вес состояния сделки в скрытой оценке поля
# «Своя» стадия элемента — когда его обычно выясняют: боль — на первой встрече, метрики, критерии
# и чемпиона — к демо, экономического покупателя и процесс решения — к предложению.
MEDDIC_ELEMENT_STAGE = {"meddic_metrics": 1, "meddic_economic_buyer": 2, "meddic_decision_criteria": 1,
                        "meddic_decision_process": 2, "meddic_identify_pain": 0, "meddic_champion": 1}
MEDDIC_EARLY_PENALTY = 0.6         # штраф скрытой оценки за каждую стадию до «своей»
MEDDIC_STAGE_GAIN = 0.1            # прибавка за каждую стадию после «своей»
# Смещение по элементу (чем ниже, тем реже подтверждение); к ЛПР крупного клиента пробиться труднее
MEDDIC_BIAS = {"meddic_metrics": 0.0, "meddic_economic_buyer": -0.35,
               "meddic_decision_criteria": 0.15, "meddic_decision_process": -0.2,
               "meddic_identify_pain": 0.45, "meddic_champion": -0.1}
MEDDIC_ENTERPRISE_EB_PENALTY = 0.35
# Шум записи: у каждого AE своя манера (один ставит «подтверждено» со слов клиента, другой ждёт
# документа), у каждой пары «сделка — поле» своя постоянная ошибка, на каждой стадии — случайная.
MEDDIC_REP_BIAS_SD = 0.45
MEDDIC_OPTIMISM = 0.25             # продавцы в среднем завышают квалификацию своих сделок
MEDDIC_FIELD_NOISE_SD = 0.9
MEDDIC_STAGE_NOISE_SD = 0.4
MEDDIC_THRESHOLDS = (0.0, 1.4)     # пороги 0/1 и 1/2 для скрытой оценки
# При подписании договора ЛПР и процесс согласования становятся известны: в выигранной сделке AE
# с такой вероятностью ставит им «подтверждено» задним числом (итоговая запись — не снимок стадии)
MEDDIC_SIGNED_CONFIRM = 0.25
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
