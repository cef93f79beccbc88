"""Воронка B2B: маркетинговые бюджеты и стоимость лида, состав лидов, MQL, цепочки касаний SDR/BDR."""

import numpy as np

# --- Маркетинговые бюджеты (среднемесячно в 2023 году, ₽, при scale=1) -----
B2B_BUDGET_2023 = {"content": 800_000, "ppc": 1_350_000, "events": 1_100_000,
                   "social": 400_000, "partners": 550_000, "outbound": 450_000}
SPEND_NOISE_SIGMA = 0.08           # месячный шум бюджета (логнормальный)

# --- B2B-лиды ---------------------------------------------------------------
# Стоимость лида по каналу, ₽ (число лидов = бюджет / стоимость)
B2B_COST_PER_LEAD = {"content": 15_000, "ppc": 11_700, "events": 38_500,
                     "social": 13_500, "partners": 23_000, "outbound": 5_400}
ORGANIC_LEADS_PER_MONTH_2023 = 40  # органические лиды (без бюджета) в месяц в 2023 году
EVENT_DAY_SHARE = 0.7              # доля лидов с мероприятий, пришедших в дни конференций
# Доли сегментов (smb, mid_market, enterprise) среди лидов канала
LEAD_SEGMENT_MIX = {
    "content": (0.67, 0.28, 0.05), "ppc": (0.81, 0.17, 0.02), "events": (0.44, 0.44, 0.12),
    "social": (0.79, 0.18, 0.03), "partners": (0.40, 0.48, 0.12), "outbound": (0.46, 0.44, 0.10),
    "organic": (0.72, 0.24, 0.04),
}
# Доли отраслей (в порядке schemas.INDUSTRIES) по сегментам
INDUSTRY_MIX = {
    "smb": (0.23, 0.07, 0.23, 0.10, 0.12, 0.12, 0.09, 0.04),
    "mid_market": (0.17, 0.13, 0.17, 0.16, 0.12, 0.08, 0.08, 0.09),
    "enterprise": (0.13, 0.20, 0.11, 0.18, 0.10, 0.05, 0.07, 0.16),
}
REGION_MIX = (0.42, 0.17, 0.33, 0.08)               # moscow, spb, regions, cis
# Уровень должности контакта (c_level, vp, head, manager, specialist) по сегментам
TITLE_MIX = {
    "smb": (0.22, 0.04, 0.22, 0.30, 0.22),
    "mid_market": (0.08, 0.08, 0.30, 0.34, 0.20),
    "enterprise": (0.03, 0.10, 0.32, 0.35, 0.20),
}
# Соответствие ICP: добавки к логиту конверсии по отрасли, должности и региону
INDUSTRY_FIT = {"retail": 0.25, "finance": 0.05, "it": 0.35, "manufacturing": -0.05,
                "logistics": 0.30, "education": -0.25, "healthcare": -0.10, "public_sector": -0.45}
TITLE_FIT = {"c_level": 0.35, "vp": 0.30, "head": 0.25, "manager": 0.0, "specialist": -0.45}
REGION_FIT = {"moscow": 0.10, "spb": 0.05, "regions": -0.05, "cis": -0.35}

# Входящие лиды: логит вероятности стать MQL по каналу (до учёта качества лида)
INBOUND_MQL_LOGIT = {"content": -0.95, "ppc": -1.75, "events": 0.15, "social": -1.85,
                     "partners": 0.45, "organic": -0.65}
DEMO_REQUEST_MQL_PROB = 0.95       # запрос демо почти всегда даёт MQL
NON_MQL_DISQUALIFY_SHARE = 0.4     # доля не-MQL, которых маркетинг сразу отсеивает

# --- Цепочки касаний SDR/BDR -----------------------------------------------
MAX_TOUCHES = 10
# Доли типов касаний (звонок, письмо, LinkedIn) в цепочке; первое касание
# входящего лида — чаще звонок («скорость реакции»)
TOUCH_TYPE_MIX = {"inbound": (0.50, 0.45, 0.05), "outbound": (0.55, 0.33, 0.12)}
INBOUND_FIRST_TOUCH_CALL = 0.8
MAX_TOUCHES_CHOICES = {"inbound": ((5, 6, 7, 8, 9), (0.15, 0.25, 0.25, 0.2, 0.15)),
                       "outbound": ((6, 7, 8, 9, 10), (0.1, 0.2, 0.3, 0.25, 0.15))}
# Отклик по номеру касания (множитель): растёт до 4-го касания, затем падает
TOUCH_RESPONSE_CURVE = np.array([0.55, 0.85, 1.10, 1.20, 1.10, 0.90, 0.70, 0.52, 0.40, 0.30])
# Базовая вероятность «контакта» (дозвон / ответ на письмо / ответ в LinkedIn)
ENGAGE_BASE = {"inbound": {"call": 0.30, "email": 0.10, "linkedin": 0.07},
               "outbound": {"call": 0.19, "email": 0.035, "linkedin": 0.045}}
NEGATIVE_SHARE_GIVEN_ENGAGED = {"inbound": 0.30, "outbound": 0.45}
# Входящие: логит вероятности назначить встречу при контакте, по каналу
INBOUND_MEETING_LOGIT = {"content": -1.0, "ppc": -1.55, "events": -0.45, "social": -1.45,
                         "partners": -0.2, "organic": -0.8}
# Холодные звонки: доля встреч среди состоявшихся разговоров по варианту начала
CALL_OPENER_MEETING_RATE = {"permission": 0.032, "problem": 0.058, "referral": 0.045}
OUTBOUND_EMAIL_MEETING_RATE = 0.18  # доля встреч среди ответов на холодные письма
OUTBOUND_LINKEDIN_MEETING_RATE = 0.12
EMAIL_TEMPLATE_REPLY_MULT = {"welcome_followup": 1.0, "case_study": 1.1, "roi_calc": 1.2,
                             "cold_intro": 0.9, "pain_question": 1.3, "breakup": 1.4}
EMAIL_OPEN_RATE = 0.45             # доля открытых среди писем без ответа
EMAIL_BOUNCE_RATE = 0.025          # недоставленные первые письма (неверный адрес)
LINKEDIN_ACCEPT_RATE = 0.30
MEETING_NO_SHOW_RATE = 0.12        # неявка на первую встречу (переносится)
OUTBOUND_MQL_MIN_TALK_SEC = 120    # исходящий лид — MQL после разговора дольше 2 минут
SQL_ACCEPT_RATE = 0.92             # доля SQL, которые AE принимает в сделку
NEGATIVE_REASONS = (("no_budget", "no_need", "competitor_contract", "wrong_contact"),
                    (0.32, 0.30, 0.20, 0.18))
