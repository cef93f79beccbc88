"""Генератор синтетических данных компании «Сфера Софт» (2023–2025).

Одна вымышленная компания, две линии бизнеса:

* B2B — «Сфера Деск», SaaS для службы поддержки (годовые контракты, MRR);
* B2C — «Сфера Планер», приложение-планировщик (подписки и разовые покупки).

Все таблицы связаны в одну историю: бюджет канала → лиды канала → SDR
квалифицирует лид (MQL → SQL) → сделка AE со стадиями, MEDDIC и заметками →
выигранная сделка → клиент с помесячным MRR → использование продукта и
обращения в поддержку → возможный отток.

Запуск из командной строки::

    python -m salesbook.data.generate --scale 1 --out datasets

Все «ручки реализма» (конверсии, отток, цены, сезонность) — константы
в начале модуля. Генерация детерминирована: одинаковые ``seed`` и ``scale``
дают побайтно одинаковые файлы.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from salesbook.data import schemas as S

# ==========================================================================
# Параметры реализма
# ==========================================================================

DEFAULT_SEED = 20250101
START_DATE = "2023-01-01"          # первый день данных
END_DATE = "2025-12-31"            # последний день данных
N_MONTHS = 36

# --- Сезонность и рост -----------------------------------------------------
# Сезонность B2B-спроса и бюджета по месяцам (1 = средний месяц):
# январь и май — праздники, сентябрь–ноябрь — высокий сезон
B2B_MONTH_SEASONALITY = np.array([0.62, 0.95, 1.10, 1.08, 0.78, 0.98,
                                  0.88, 0.86, 1.12, 1.18, 1.16, 1.02])
# Распределение бюджета мероприятий по месяцам: конференции весной и осенью
EVENTS_MONTH_SEASONALITY = np.array([0.05, 0.55, 1.70, 1.90, 0.65, 0.85,
                                     0.15, 0.15, 1.55, 2.05, 1.75, 0.45])
# Сезонность B2C-регистраций: январь («новый год — новые планы») и сентябрь
B2C_SIGNUP_SEASONALITY = np.array([1.40, 1.10, 1.00, 0.95, 0.82, 0.78,
                                   0.80, 0.88, 1.25, 1.05, 0.95, 1.02])
BUDGET_GROWTH_PER_YEAR = 0.30      # рост маркетингового бюджета год к году (+30 %)
ORGANIC_GROWTH_PER_YEAR = 0.45     # органика растёт быстрее: бренд и SEO

# --- Маркетинговые бюджеты (среднемесячно в 2023 году, ₽, при scale=1) -----
B2B_BUDGET_2023 = {"content": 800_000, "ppc": 1_350_000, "events": 1_100_000,
                   "social": 400_000, "partners": 550_000, "outbound": 450_000}
B2C_BUDGET_2023 = {"app_ads": 85_000, "social": 40_000, "influencers": 40_000, "aso": 15_000}
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
REPEAT_LEAD_SHARE = 0.13           # доля лидов от компаний, уже приходивших раньше
UPSELL_SHARE = 0.4                 # из повторных лидов со сделкой — доля от действующих клиентов
UPSELL_SEATS_SHARE = 0.3           # допродажа (upsell) — около 30 % мест обычной сделки

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

# --- Команда ------------------------------------------------------------------
# План найма: (месяц, роль, команда, человек при scale=1). Первые сотрудники
# каждой роли/команды наняты до старта данных и не увольняются («ядро»).
HIRING_PLAN = (
    ("2022-11", "manager", "smb", 1),
    ("2022-12", "AE", "smb", 2), ("2022-12", "AE", "mid_market", 2),
    ("2022-12", "AE", "enterprise", 1), ("2022-12", "SDR", "", 2), ("2022-12", "BDR", "", 1),
    ("2022-12", "SE", "mid_market", 1), ("2022-12", "CSM", "", 1),
    ("2023-03", "AE", "smb", 1), ("2023-03", "SDR", "", 1), ("2023-03", "CSM", "", 1),
    ("2023-06", "AE", "mid_market", 1), ("2023-06", "BDR", "", 1),
    ("2023-09", "AE", "smb", 1), ("2023-09", "AE", "enterprise", 1), ("2023-09", "SE", "enterprise", 1),
    ("2023-09", "SDR", "", 1), ("2023-09", "manager", "mid_market", 1),
    ("2024-02", "AE", "smb", 2), ("2024-02", "AE", "mid_market", 1), ("2024-02", "AE", "enterprise", 1),
    ("2024-02", "SDR", "", 2), ("2024-02", "BDR", "", 1), ("2024-02", "CSM", "", 1),
    ("2024-02", "manager", "enterprise", 1),
    ("2024-09", "AE", "mid_market", 1), ("2024-09", "SE", "mid_market", 1), ("2024-09", "SDR", "", 1),
    ("2024-09", "CSM", "", 1),
    ("2025-02", "AE", "smb", 2), ("2025-02", "AE", "mid_market", 1), ("2025-02", "AE", "enterprise", 1),
    ("2025-02", "SDR", "", 1), ("2025-02", "BDR", "", 1), ("2025-02", "CSM", "", 1),
    ("2025-02", "manager", "", 1),
    ("2025-06", "AE", "smb", 1), ("2025-06", "SE", "enterprise", 1), ("2025-06", "SDR", "", 1),
    ("2025-06", "CSM", "", 1),
)
# Месячная вероятность увольнения (SDR/BDR ≈ 25–30 % в год, кроме «ядра»)
MONTHLY_ATTRITION = {"SDR": 0.035, "BDR": 0.035, "AE": 0.011, "SE": 0.007, "CSM": 0.010,
                     "manager": 0.005}
REPLACEMENT_LAG_MONTHS = (1, 2)    # через сколько месяцев нанимают замену
# Оклад в месяц, ₽ (диапазон)
BASE_SALARY_RANGE = {"SDR": (75_000, 100_000), "BDR": (85_000, 110_000), "SE": (210_000, 260_000),
                     "CSM": (120_000, 155_000), "manager": (300_000, 380_000),
                     "AE_smb": (130_000, 165_000), "AE_mid_market": (170_000, 210_000),
                     "AE_enterprise": (230_000, 290_000)}
AE_ANNUAL_QUOTA = {"smb": 12_000_000, "mid_market": 36_000_000, "enterprise": 60_000_000}
RAMP_MONTHS = {"AE_smb": 3, "AE_mid_market": 4, "AE_enterprise": 6, "SDR": 2, "BDR": 2, "SE": 3,
               "CSM": 2, "manager": 2}
REP_SKILL_SIGMA = 0.3              # разброс «таланта» продавцов (логит)
SDR_NOTICE_DAYS = 60               # за столько дней до ухода SDR не получает новых лидов

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
OPP_FOLLOWUPS_PER_30_DAYS = 1.1    # письма/звонки AE между встречами

# --- Клиенты: MRR, отток, расширение ----------------------------------------
# Базовый месячный логo-отток по сегменту
CHURN_BASE_MONTHLY = {"smb": 0.033, "mid_market": 0.013, "enterprise": 0.005}
CHURN_EARLY_MULT = 1.5             # месяцы 2–4 жизни клиента: онбординг
CHURN_RENEWAL_MULT = 3.5           # месяц продления годового договора (13-й, 25-й)
CHURN_OTHER_MULT = 0.8
HEALTH_AR = 0.85                   # «здоровье» клиента — AR(1)-процесс
HEALTH_NOISE = 0.5
HEALTH_CHURN_COEF = 0.8            # отток ∝ exp(−0.8·здоровье)
EXPANSION_MONTHLY_PROB = {"smb": 0.025, "mid_market": 0.035, "enterprise": 0.05}
EXPANSION_SEATS_SHARE = (0.08, 0.35)
CONTRACTION_MONTHLY_PROB = {"smb": 0.014, "mid_market": 0.012, "enterprise": 0.010}
CONTRACTION_SEATS_SHARE = (0.08, 0.25)
RENEWAL_INDEXATION = 0.07          # индексация цены при продлении
RENEWAL_INDEXATION_PROB = 0.6

# --- Продукт и поддержка ----------------------------------------------------
LOGINS_PER_ACTIVE_USER = 16
NPS_SURVEY_RESPONSE_RATE = 0.45    # опрос раз в квартал
TICKETS_PER_SEAT_POWER = 0.45      # обращений в месяц ∝ мест^0.45
TICKETS_BASE = 0.25
TICKET_PRIORITY_MIX = (0.25, 0.50, 0.18, 0.07)
TICKET_CATEGORY_MIX = (0.30, 0.35, 0.15, 0.07, 0.13)
RESOLUTION_MEDIAN_HOURS = {"low": 40, "normal": 22, "high": 10, "critical": 3}
CSAT_RESPONSE_RATE = 0.45

# --- Себестоимость ----------------------------------------------------------
B2B_COGS_SHARE = {"hosting": 0.085, "support_team": 0.09, "licenses": 0.03, "payment_fees": 0.006}
B2B_COGS_FIXED = {"hosting": 120_000, "support_team": 150_000, "licenses": 40_000, "payment_fees": 0}
B2C_COGS_SHARE = {"hosting": 0.07, "support_team": 0.04, "licenses": 0.02}
APP_STORE_FEE = {"ios": 0.22, "android": 0.20, "web": 0.03}  # средняя комиссия магазинов/эквайринга

# --- Расходы на продажи и маркетинг -----------------------------------------
PAYROLL_TAX_RATE = 0.30            # упрощённая плоская ставка страховых взносов
AE_COMMISSION = 0.08               # комиссия AE с ACV выигранной сделки
SDR_COMMISSION = 0.03              # SDR/BDR с ACV сделок из их лидов
SE_COMMISSION = 0.015
MANAGER_COMMISSION = 0.01
CSM_EXPANSION_BONUS = 0.04         # CSM с годового прироста (expansion × 12)
SALES_TOOLS_PER_HEAD = 10_000      # CRM, телефония, базы контактов — в месяц на человека
CS_TOOLS_PER_HEAD = 7_000
OVERHEAD_PER_HEAD = 25_000         # офис, техника
MARKETING_TOOLS_2023 = 200_000     # маркетинговые сервисы в месяц (растут с бюджетом)
AGENCY_FEE_SHARE = 0.08            # агентская комиссия от медиабюджета B2B
MARKETER_SALARY = 175_000
MARKETING_HEADCOUNT = (3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8)   # по кварталам 2023–2025

# --- B2C «Сфера Планер» -----------------------------------------------------
B2C_COST_PER_SIGNUP = {"app_ads": 320, "social": 280, "influencers": 400, "aso": 110}
B2C_ORGANIC_SIGNUPS_2023 = 220     # органических регистраций в месяц в 2023 году
B2C_PLATFORM_MIX = {"app_ads": (0.35, 0.60, 0.05), "social": (0.30, 0.45, 0.25),
                    "influencers": (0.40, 0.50, 0.10), "aso": (0.45, 0.55, 0.0),
                    "organic": (0.30, 0.40, 0.30)}
B2C_REGION_MIX = (0.30, 0.12, 0.48, 0.10)
B2C_PAY_PROB = 0.085               # доля платящих среди регистраций (до множителей)
B2C_PAY_CHANNEL_MULT = {"app_ads": 0.9, "social": 0.8, "influencers": 0.55, "aso": 1.2, "organic": 1.25}
B2C_PAY_PLATFORM_MULT = {"ios": 1.35, "android": 0.8, "web": 1.0}
B2C_PAY_REGION_MULT = {"moscow": 1.2, "spb": 1.1, "regions": 0.9, "cis": 0.7}
B2C_ANNUAL_SHARE = 0.36            # доля выбирающих годовую подписку
B2C_TRIAL_DAYS = 7
B2C_MONTHLY_RETENTION = (0.62, 0.92, 0.55)  # первое продление, асимптота, скорость выхода
B2C_ANNUAL_RENEWAL = 0.55
B2C_PACK_PROB = {"payer": 0.18, "free": 0.03}
B2C_PRICE_CHANGE_DATE = "2024-07-01"
B2C_PRICES = {"monthly_sub": (299, 349), "annual_sub": (2_490, 2_990), "pro_pack": (749, 749)}

# --- A/B-тесты писем -------------------------------------------------------
# (id, дата старта, получателей при scale=1, {вариант: (open, reply | open, meeting | reply)})
EMAIL_EXPERIMENTS = (
    ("EXP01", "2024-03-11", 2400, {"A": (0.38, 0.08, 0.30), "B": (0.46, 0.14, 0.30)}),
    ("EXP02", "2024-06-03", 1800, {"A": (0.41, 0.085, 0.28), "B": (0.41, 0.085, 0.28)}),
    ("EXP03", "2025-02-10", 600, {"A": (0.42, 0.10, 0.30), "B": (0.44, 0.13, 0.30)}),
    ("EXP04", "2025-09-15", 2700, {"A": (0.40, 0.08, 0.28), "B": (0.40, 0.095, 0.28),
                                   "C": (0.44, 0.125, 0.30)}),
)

# --- Исследование клиентов (survey_responses) -------------------------------
# Осенью 2025 года маркетинг и продукт провели исследование: глубинные интервью,
# анкету и пользовательские сессии. Генерируется последним шагом из готовых
# таблиц и отдельным потоком случайных чисел — остальные таблицы от него не зависят.
RESEARCH_WINDOW = ("2025-09-01", "2025-11-28")   # интервью и пользовательские сессии
SURVEY_SENT_DATE = "2025-10-06"                  # рассылка анкеты; ответы — в течение 3 недель
SURVEY_REPLY_DAYS = 21
# Анкету получили все компании из базы; отвечают по-разному — смещение выборки:
# действующие клиенты отвечают охотнее всех, ушедшие и проигранные — редко
SURVEY_RESPONSE_RATE = {"customer": 0.30, "churned": 0.08, "lost_prospect": 0.05, "prospect": 0.03}
SURVEY_LOST_SINCE = "2024-01-01"                 # проигранные сделки для рассылки — с 2024 года
# Интервью: сколько человек каждого типа (при scale=1); AE и CSM зовут на интервью
# в основном средний и крупный бизнес — веса сегментов smb, mid_market, enterprise
INTERVIEW_TARGETS = {"customer": 18, "churned": 8, "lost_prospect": 14, "prospect": 8}
INTERVIEW_SEGMENT_WEIGHT = (1.0, 3.0, 6.0)
USER_SESSIONS = 30                               # сессии с операторами действующих клиентов
# Роль респондента (support_head, it_head, executive, operator) по методу
RESPONDENT_ROLE_MIX = {"survey": (0.60, 0.20, 0.15, 0.05), "interview": (0.50, 0.25, 0.25, 0.0)}
# Боли (в порядке schemas.PAIN_CODES): вероятность, что респондент сегмента сам назовёт боль
PAIN_MENTION_PROB = {
    "smb": (0.30, 0.55, 0.12, 0.40, 0.15, 0.12, 0.10, 0.03, 0.14),
    "mid_market": (0.46, 0.15, 0.56, 0.36, 0.14, 0.26, 0.18, 0.08, 0.05),
    "enterprise": (0.36, 0.10, 0.40, 0.15, 0.20, 0.45, 0.45, 0.45, 0.02),
    "user_session": (0.15, 0.45, 0.02, 0.55, 0.45, 0.15, 0.02, 0.0, 0.02),  # операторы
}
# Сила боли 1–5 (среднее до шума) по сегментам
PAIN_INTENSITY = {
    "smb": (3.4, 3.3, 2.6, 3.0, 2.8, 3.2, 3.5, 3.0, 3.6),
    "mid_market": (4.4, 2.8, 2.4, 2.1, 2.7, 4.7, 3.5, 3.6, 3.2),
    "enterprise": (4.0, 2.6, 3.2, 2.5, 3.0, 4.3, 4.2, 4.6, 3.0),
    "user_session": (3.2, 3.6, 2.5, 3.8, 3.5, 3.0, 2.5, 2.5, 2.5),
}
PAIN_INTENSITY_NOISE = 0.7
MAX_PAINS = 3
# Проигранные и ушедшие чаще и острее говорят об интеграциях (как в причинах проигрыша)
INTEGRATION_PAIN_MULT = {"lost_prospect": 1.6, "churned": 1.5}
# Клиенты вспоминают боль «до внедрения» — чуть слабее
CUSTOMER_INTENSITY_SHIFT = -0.2
# Выгоды (в порядке schemas.GAIN_CODES)
GAIN_MENTION_PROB = {
    "smb": (0.45, 0.25, 0.35, 0.10, 0.22, 0.35),
    "mid_market": (0.40, 0.30, 0.25, 0.45, 0.14, 0.15),
    "enterprise": (0.30, 0.25, 0.20, 0.50, 0.10, 0.20),
    "user_session": (0.50, 0.10, 0.45, 0.05, 0.05, 0.02),
}
GAIN_IMPORTANCE = (3.9, 3.5, 3.4, 3.7, 3.3, 3.4)
MAX_GAINS = 2
# Наводящий закрытый вопрос анкеты о быстром запуске: его задают всем, и ответы завышены
LEADING_QUESTION_GAIN = "quick_launch"
LEADING_QUESTION_IMPORTANCE = 4.3
# Заявленная готовность платить за место оператора в месяц: доля от прайса 2025 года
WTP_RELATIONSHIP_FACTOR = {"customer": 1.05, "churned": 0.70, "lost_prospect": 0.65, "prospect": 0.80}
WTP_SIGMA = 0.3
WTP_NO_ANSWER = 0.15

# ==========================================================================
# Календарь и служебные функции
# ==========================================================================

_START = np.datetime64(START_DATE, "D")
_START_M = np.datetime64(START_DATE[:7], "M")
N_DAYS = int((np.datetime64(END_DATE, "D") - _START).astype(int)) + 1
END_DAY = N_DAYS - 1
NA = -(10 ** 6)  # «нет даты» во внутренних целочисленных массивах дней

_SEG_IDX = {s: i for i, s in enumerate(S.SEGMENTS)}
_IND_IDX = {s: i for i, s in enumerate(S.INDUSTRIES)}
_LEAD_CH_IDX = {s: i for i, s in enumerate(S.LEAD_CHANNELS)}


def _month_start(m):
    """Номер дня начала месяца m (0 = январь 2023)."""
    return ((_START_M + np.asarray(m)).astype("datetime64[D]") - _START).astype(np.int64)


def _month_of(days):
    d = _START + np.asarray(days).astype("timedelta64[D]")
    return (d.astype("datetime64[M]") - _START_M).astype(np.int64)


MONTH_START = _month_start(np.arange(N_MONTHS + 1))
MONTH_LEN = np.diff(MONTH_START)
MONTH_END = MONTH_START[1:] - 1


def _weekday(days):
    return (np.asarray(days) + 6) % 7       # 2023-01-01 — воскресенье; 0 = понедельник


def _to_workday(days):
    days = np.asarray(days)
    wd = _weekday(days)
    return days + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


def _b2b_day_weights():
    dates = _START + np.arange(N_DAYS).astype("timedelta64[D]")
    md = pd.DatetimeIndex(dates)
    w = np.where(_weekday(np.arange(N_DAYS)) < 5, 1.0, 0.12)
    hol = ((md.month == 1) & (md.day <= 8)) | ((md.month == 5) & md.day.isin([1, 2, 3, 9, 10, 11]))
    hol |= ((md.month == 2) & (md.day == 23)) | ((md.month == 3) & (md.day == 8))
    hol |= ((md.month == 6) & (md.day == 12)) | ((md.month == 11) & (md.day == 4))
    w[np.asarray(hol)] = 0.08
    return w


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _choice_codes(rng, n, probs):
    """n категориальных кодов 0..k-1 с вероятностями probs (векторно)."""
    p = np.asarray(probs, dtype=float)
    return np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right").clip(0, len(p) - 1)


def _choice_rows(rng, probs_rows):
    """Для каждой строки матрицы вероятностей — один код."""
    c = np.cumsum(probs_rows / probs_rows.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs_rows))[:, None]
    return (u > c).sum(axis=1).clip(0, probs_rows.shape[1] - 1)


def _ids(prefix, n, width):
    width = max(width, len(str(max(n, 1))))
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


def _fmt_days(days):
    days = np.asarray(days, dtype=np.int64)
    na = days == NA
    s = np.datetime_as_string(_START + np.where(na, 0, days).astype("timedelta64[D]"), unit="D")
    s = s.astype(object)
    s[na] = ""
    return s


def _month_str(m):
    return _fmt_days(MONTH_START[np.asarray(m)])


def _scaled_count(rng, x):
    """Стохастическое округление: сохраняет ожидание при малом масштабе."""
    x = np.asarray(x, dtype=float)
    return (np.floor(x) + (rng.random(x.shape) < (x - np.floor(x)))).astype(np.int64)


def _growth(m, rate):
    return (1 + rate) ** (np.asarray(m) / 12.0)


def _sample_days_in_month(rng, m, n, weights):
    lo, hi = MONTH_START[m], MONTH_START[m + 1]
    w = weights[lo:hi]
    c = np.cumsum(w) / w.sum()
    return lo + np.searchsorted(c, rng.random(n), side="right").clip(0, hi - lo - 1)


def _codes_to(values, codes):
    return np.asarray(values, dtype=object)[codes]


def _nullable_int(values, present):
    """Целочисленный столбец с пропусками (пусто там, где present=False)."""
    return pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64), ~np.asarray(present, dtype=bool))


def _round2(x):
    return np.round(np.asarray(x, dtype=float), 2)


# ==========================================================================
# Имена
# ==========================================================================

_MALE_NAMES = ("Александр Алексей Андрей Антон Артём Борис Вадим Василий Виктор Владимир Владислав "
               "Георгий Глеб Григорий Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл Константин "
               "Леонид Максим Матвей Михаил Никита Николай Олег Павел Пётр Роман Руслан Сергей "
               "Станислав Степан Тимур Фёдор Юрий Ярослав").split()
_FEMALE_NAMES = ("Александра Алина Алиса Анастасия Анна Валерия Вера Виктория Дарья Диана Ева "
                 "Екатерина Елена Елизавета Жанна Ирина Карина Кристина Ксения Лариса Любовь "
                 "Людмила Маргарита Марина Мария Надежда Наталья Нина Оксана Олеся Ольга Полина "
                 "Светлана София Татьяна Ульяна Юлия Яна").split()
_PATRONYMICS = ("Александрович Андреевич Алексеевич Дмитриевич Игоревич Сергеевич Владимирович "
                "Михайлович Николаевич Олегович Павлович Петрович Викторович Юрьевич Евгеньевич "
                "Константинович Романович Максимович Денисович Артёмович Вадимович Геннадьевич "
                "Борисович Васильевич Григорьевич Станиславович Валерьевич Анатольевич Леонидович "
                "Егорович").split()
_SURNAMES = ("Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков "
             "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров "
             "Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев "
             "Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков "
             "Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов "
             "Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов "
             "Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев "
             "Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков "
             "Назаров Калинин Исаев Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов "
             "Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Трофимов Леонов Соболев Ермаков "
             "Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов "
             "Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов "
             "Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Савин Шубин").split()


def _person_names(rng, n):
    """n уникальных ФИО (вымышленные сочетания распространённых имён)."""
    nm, nf, npat, ns = len(_MALE_NAMES), len(_FEMALE_NAMES), len(_PATRONYMICS), len(_SURNAMES)
    total_m, total_f = nm * npat * ns, nf * npat * ns
    idx = rng.choice(total_m + total_f, size=n, replace=False)
    out = np.empty(n, dtype=object)
    male = idx < total_m
    im = idx[male]
    out[male] = [f"{_SURNAMES[i % ns]} {_MALE_NAMES[(i // ns) % nm]} {_PATRONYMICS[i // (ns * nm)]}"
                 for i in im]
    jf = idx[~male] - total_m
    out[~male] = [f"{_SURNAMES[i % ns]}а {_FEMALE_NAMES[(i // ns) % nf]} "
                  f"{_PATRONYMICS[i // (ns * nf)].replace('ович', 'овна').replace('евич', 'евна')}"
                  for i in jf]
    return out


_COMPANY_ROOTS = ("Вектор Альфа Гранит Север Восток Меридиан Орбита Сигма Атлант Горизонт Импульс Квант "
                  "Лидер Монолит Нева Парус Ресурс Спектр Стимул Титан Феникс Цифра Эталон Юпитер "
                  "Якорь Аврора Байкал Волга Гарант Дельта Енисей Заря Исток Кристалл Ладога "
                  "Магистраль Неон Олимп Прайм Радуга Союз Тайга Урал Фокус Хронос Эверест Янтарь "
                  "Алтай Берег Вертикаль Гамма Домино Эра Интеграл Каскад Лотос Норд Омега Пульс Ритм "
                  "Тренд Факел Элемент Аспект Бриз Виток Грань Кедр Луч Маяк Ника Оникс Платина Рубин "
                  "Сапфир Терра Форт Ясень Азимут Базис Вега Галактика Держава Зенит Изумруд Континент "
                  "Лига Нота Опора Пилот Рассвет Старт Флагман Циркон Штурман Экспресс Арсенал Бастион "
                  "Вояж Гольфстрим Дирижабль Жемчуг Ирбис Кварц Лазурит Малахит Навигатор Обсидиан "
                  "Полюс Регата Сокол Трилистник Утёс Фрегат Хорс Цитадель Эльбрус").split()
_INDUSTRY_SUFFIXES = {
    "retail": "Ритейл Маркет Торг Трейд Шоп Опт Продукт Стор".split(),
    "finance": "Финанс Капитал Инвест Кредит Лизинг Страхование Платежи Брокер".split(),
    "it": "Софт Тех Диджитал Системс Лаб Дата Клауд Информ".split(),
    "manufacturing": "Пром Завод Маш Металл Пласт Строй Техника Индустрия".split(),
    "logistics": "Логистик Транс Карго Экспедиция Авто Доставка Терминал Склад".split(),
    "education": "Академия Образование Эдьюкейшн Скул Лекторий Знание Курсы Кампус".split(),
    "healthcare": "Мед Клиник Фарм Медсервис Здоровье Диагностика Медлаб Дент".split(),
}
_NAME_TAILS = ("", " Групп", " Плюс", " Про", " Сервис", " Регион")
_NAME_TAIL_WEIGHTS = (5.0, 1.0, 1.0, 1.0, 1.0, 1.0)   # чаще — без «хвоста»
_PUBLIC_PREFIXES = ("Центр цифрового развития", "Многофункциональный центр", "Центр информатизации",
                    "Дирекция транспортных услуг", "Центр социального обслуживания",
                    "Агентство инвестиционного развития", "Центр занятости населения",
                    "Дирекция по благоустройству", "Центр обработки обращений граждан",
                    "Информационно-аналитический центр", "Дирекция жилищных услуг",
                    "Центр энергосбережения", "Архив документов", "Дирекция культурных программ")
_PUBLIC_PLACES = ("Северогорска Краснодольска Новоборска Белореченска Приозёрска Заречинска "
                  "Светлогорья Каменногорска Верхнедольска Лесногорска Озёрска Тихореченска "
                  "Ясногорска Березняков Сосновска Подгорска Новоселья Речицы Высокогорья "
                  "Дубравинска Ключевска Зеленодольска Старогорска Никольска Покровска Вознесенска "
                  "Рябиновска Кедровска Черноречья Снежинска Луговска Медногорска Солнечногорья "
                  "Ольховска Студёнска Берёзовки Малиновска Житомировска Ивановки Троицка").split()


def _company_names(rng, industry_codes, segment_codes):
    """Уникальные правдоподобные вымышленные названия компаний."""
    n = len(industry_codes)
    out = np.empty(n, dtype=object)
    form_probs = {0: (0.82, 0.16, 0.02), 1: (0.62, 0.32, 0.06), 2: (0.30, 0.48, 0.22)}
    forms = np.array(["ООО", "АО", "ПАО"], dtype=object)
    for ind_i, ind in enumerate(S.INDUSTRIES):
        sel = np.flatnonzero(industry_codes == ind_i)
        if len(sel) == 0:
            continue
        if ind == "public_sector":
            base = [f"{p} {pl}" for p in _PUBLIC_PREFIXES for pl in _PUBLIC_PLACES]
            pforms = np.array(["ГБУ", "ГАУ", "МКУ", "ФГБУ"], dtype=object)
            k = len(base) * len(pforms)
            pick = rng.choice(k, size=len(sel), replace=len(sel) > k)
            base = np.array(base, dtype=object)
            names = pforms[pick % 4] + " „" + base[pick // 4] + "“"
        else:
            suf = _INDUSTRY_SUFFIXES[ind]
            nr, nsuf, nt = len(_COMPANY_ROOTS), len(suf), len(_NAME_TAILS)
            k = nr * nsuf * nt
            w = np.repeat(np.array(_NAME_TAIL_WEIGHTS), nr * nsuf)
            pick = rng.choice(k, size=len(sel), replace=len(sel) > k, p=w / w.sum())
            seg = segment_codes[sel]
            fcode = np.empty(len(sel), dtype=np.int64)
            for s in range(3):
                m = seg == s
                fcode[m] = _choice_codes(rng, int(m.sum()), form_probs[s])
            roots = np.array(_COMPANY_ROOTS, dtype=object)
            sufs = np.array(suf, dtype=object)
            tails = np.array(_NAME_TAILS, dtype=object)
            names = (forms[fcode] + " „" + roots[pick % nr] + " " + sufs[(pick // nr) % nsuf]
                     + tails[pick // (nr * nsuf)] + "“")
        out[sel] = names
    # гарантия уникальности при больших масштабах: «… 2», «… 3»
    s = pd.Series(out)
    dup = s.groupby(s).cumcount().to_numpy()
    if dup.max(initial=0) > 0:
        m = dup > 0
        trimmed = pd.Series(out[m]).str[:-1].to_numpy(dtype=object)
        out[m] = trimmed + " " + (dup[m] + 1).astype(str).astype(object) + "“"
    return out


# ==========================================================================
# Шаги генерации
# ==========================================================================

class _Ctx:
    """Общее состояние генерации (массивы numpy, коды вместо строк)."""


def _make_reps(ctx):
    rng = ctx.rng["reps"]
    rows = []  # (hire_day, role, team, anchor)
    seen = set()
    for month, role, team, count in HIRING_PLAN:
        m = (np.datetime64(month, "M") - _START_M).astype(int)
        key = (role, team)
        anchor = key not in seen and m < 0
        seen.add(key)
        n = int(_scaled_count(rng, np.array([count * ctx.scale]))[0])
        if anchor:
            n = max(n, 1)
        ms = _month_start(m)
        ml = _month_start(m + 1) - ms
        for j in range(n):
            rows.append((int(ms + rng.integers(0, ml)), role, team, anchor and j == 0))
    hire = np.array([r[0] for r in rows], dtype=np.int64)
    role = np.array([r[1] for r in rows], dtype=object)
    team = np.array([r[2] for r in rows], dtype=object)
    anchor = np.array([r[3] for r in rows], dtype=bool)
    exit_ = np.full(len(rows), NA, dtype=np.int64)
    hazard_of = np.vectorize(lambda r: MONTHLY_ATTRITION[r], otypes=[float])
    for m in range(N_MONTHS):
        active = (hire <= MONTH_START[m]) & (exit_ == NA) & ~anchor
        leave = active & (rng.random(len(hire)) < hazard_of(role))
        idx = np.flatnonzero(leave)
        if len(idx) == 0:
            continue
        exit_[idx] = MONTH_START[m] + rng.integers(0, MONTH_LEN[m], len(idx))
        lag = rng.integers(REPLACEMENT_LAG_MONTHS[0], REPLACEMENT_LAG_MONTHS[1] + 1, len(idx))
        rm = m + lag
        ok = rm < N_MONTHS
        idx, rm = idx[ok], rm[ok]
        new_hire = MONTH_START[rm] + (rng.random(len(idx)) * MONTH_LEN[rm]).astype(np.int64)
        hire = np.concatenate([hire, new_hire])
        role = np.concatenate([role, role[idx]])
        team = np.concatenate([team, team[idx]])
        anchor = np.concatenate([anchor, np.zeros(len(idx), bool)])
        exit_ = np.concatenate([exit_, np.full(len(idx), NA, np.int64)])
    role_order = {r: i for i, r in enumerate(S.ROLES)}
    order = np.lexsort((rng.random(len(hire)), np.vectorize(role_order.get)(role), hire))
    hire, role, team, anchor, exit_ = hire[order], role[order], team[order], anchor[order], exit_[order]
    n = len(hire)
    key = np.where(role == "AE", np.char.add("AE_", team.astype(str)), role).astype(object)
    lo = np.array([BASE_SALARY_RANGE[k][0] for k in key])
    hi = np.array([BASE_SALARY_RANGE[k][1] for k in key])
    base = np.round((lo + rng.random(n) * (hi - lo)) / 5000) * 5000
    ctx.reps = dict(hire=hire, exit=exit_, role=role, team=team, anchor=anchor, base=base,
                    ramp=np.array([RAMP_MONTHS[k] for k in key], dtype=np.int64),
                    skill=rng.normal(0, REP_SKILL_SIGMA, n),
                    ids=_ids("R", n, 3), names=_person_names(ctx.rng["names"], n))
    quota = np.array([AE_ANNUAL_QUOTA.get(t, np.nan) if r == "AE" else np.nan
                      for r, t in zip(role, team)])
    ctx.tables["reps"] = pd.DataFrame({
        "rep_id": ctx.reps["ids"], "full_name": ctx.reps["names"], "role": role,
        "team": np.where(team == "", None, team), "hire_date": _fmt_days(hire),
        "exit_date": _fmt_days(exit_), "base_salary_rub": base,
        "annual_quota_rub": quota, "ramp_months": ctx.reps["ramp"],
    })


def _ramp_factor(ctx, rep_idx, days):
    r = ctx.reps
    months = (np.asarray(days) - r["hire"][rep_idx]) / 30.44
    return np.clip((months + 0.5) / np.maximum(r["ramp"][rep_idx], 1), 0.0, 1.0)


def _assign_reps(ctx, rng, role, days, teams=None, notice=0):
    """Для каждого события (дня) выбрать сотрудника роли ``role`` (и команды),
    работающего весь месяц события; новички получают меньше работы (рамп)."""
    r = ctx.reps
    n = len(days)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return out
    months = np.clip(_month_of(days), 0, N_MONTHS - 1)
    teams = np.full(n, "", dtype=object) if teams is None else np.asarray(teams, dtype=object)
    role_mask = r["role"] == role
    for m in np.unique(months):
        sel_m = months == m
        elig = role_mask & (r["hire"] <= MONTH_START[m]) & (
            (r["exit"] == NA) | (r["exit"] >= MONTH_END[m] + notice))
        for t in np.unique(teams[sel_m]):
            sel = np.flatnonzero(sel_m & (teams == t))
            cand = np.flatnonzero(elig & (r["team"] == t)) if t != "" else np.flatnonzero(elig)
            if len(cand) == 0:
                cand = np.flatnonzero(elig)
            if len(cand) == 0:
                cand = np.flatnonzero(role_mask & r["anchor"])
            if len(cand) == 0:
                continue
            w = 0.15 + 0.85 * _ramp_factor(ctx, cand, MONTH_START[m])
            out[sel] = cand[_choice_codes(rng, len(sel), w)]
    return out


def _make_marketing_spend(ctx):
    rng = ctx.rng["spend"]
    m = np.arange(N_MONTHS)
    moy = m % 12
    rows = []
    ctx.b2b_spend = np.zeros((N_MONTHS, len(S.B2B_CHANNELS)))
    ctx.b2c_spend = np.zeros((N_MONTHS, len(S.B2C_CHANNELS)))
    for line, budgets, arr in (("b2b", B2B_BUDGET_2023, ctx.b2b_spend),
                               ("b2c", B2C_BUDGET_2023, ctx.b2c_spend)):
        for j, (ch, base) in enumerate(budgets.items()):
            season = EVENTS_MONTH_SEASONALITY if ch == "events" else B2B_MONTH_SEASONALITY
            noise = np.exp(rng.normal(0, SPEND_NOISE_SIGMA, N_MONTHS))
            spend = base * ctx.scale * _growth(m, BUDGET_GROWTH_PER_YEAR) * season[moy] * noise
            spend = np.round(spend / 100) * 100
            arr[:, j] = spend
            rows.append(pd.DataFrame({"m": m, "business_line": line, "channel": ch,
                                      "spend_rub": spend}))
    df = pd.concat(rows, ignore_index=True)
    df = df.sort_values(["m", "business_line", "channel"], kind="stable")
    df.insert(0, "month", _month_str(df["m"].to_numpy()))
    ctx.tables["marketing_spend"] = df.drop(columns="m").reset_index(drop=True)


def _make_lead_skeleton(ctx):
    rng = ctx.rng["leads"]
    weights = _b2b_day_weights()
    days_l, ch_l = [], []
    n_ch = len(S.LEAD_CHANNELS)
    for m in range(N_MONTHS):
        lam = np.zeros(n_ch)
        for j, ch in enumerate(S.B2B_CHANNELS):
            lam[j] = ctx.b2b_spend[m, j] / B2B_COST_PER_LEAD[ch]
        lam[n_ch - 1] = (ORGANIC_LEADS_PER_MONTH_2023 * ctx.scale
                         * _growth(m, ORGANIC_GROWTH_PER_YEAR) * B2B_MONTH_SEASONALITY[m % 12])
        counts = rng.poisson(lam * np.exp(rng.normal(0, 0.06, n_ch)))
        for j in range(n_ch):
            c = int(counts[j])
            if c == 0:
                continue
            d = _sample_days_in_month(rng, m, c, weights)
            if S.LEAD_CHANNELS[j] == "events":
                # конференции: большая часть лидов приходит в 1–2 дня мероприятий
                wd = np.flatnonzero(_weekday(np.arange(MONTH_START[m], MONTH_START[m + 1])) < 3)
                conf = MONTH_START[m] + rng.choice(wd, size=min(2, len(wd)), replace=False)
                on = rng.random(c) < EVENT_DAY_SHARE
                d[on] = conf[rng.integers(0, len(conf), on.sum())] + rng.integers(0, 2, on.sum())
            if S.LEAD_CHANNELS[j] == "outbound":
                d = _to_workday(d)
            d = np.minimum(d, MONTH_END[m])
            days_l.append(d)
            ch_l.append(np.full(c, j))
    day = np.concatenate(days_l)
    ch = np.concatenate(ch_l)
    order = np.lexsort((rng.random(len(day)), ch, day))
    day, ch = day[order], ch[order]
    n = len(day)
    seg = np.empty(n, dtype=np.int64)
    for j, c in enumerate(S.LEAD_CHANNELS):
        sel = ch == j
        seg[sel] = _choice_codes(rng, int(sel.sum()), LEAD_SEGMENT_MIX[c])
    ind = np.empty(n, dtype=np.int64)
    title = np.empty(n, dtype=np.int64)
    emp = np.empty(n, dtype=np.int64)
    for s, sname in enumerate(S.SEGMENTS):
        sel = seg == s
        k = int(sel.sum())
        ind[sel] = _choice_codes(rng, k, INDUSTRY_MIX[sname])
        title[sel] = _choice_codes(rng, k, TITLE_MIX[sname])
        if sname == "smb":
            emp[sel] = np.floor(np.exp(rng.uniform(np.log(5), np.log(100), k)))
        elif sname == "mid_market":
            emp[sel] = np.floor(np.exp(rng.uniform(np.log(100), np.log(1000), k)))
        else:
            emp[sel] = np.minimum(np.floor(1000 * (1 + rng.pareto(1.4, k))), 80_000)
    for s, (lo, hi) in enumerate(S.SEGMENT_EMPLOYEE_BOUNDS.values()):
        emp[seg == s] = np.clip(emp[seg == s], lo, hi)
    region = _choice_codes(rng, n, REGION_MIX)
    q = rng.normal(0, 1, n)
    chn = np.array(S.LEAD_CHANNELS, dtype=object)[ch]
    is_out = chn == "outbound"
    # признаки скоринга — шумно отражают скрытое «намерение» q
    visit_eff = pd.Series(chn).map({"ppc": 0.3, "content": 0.2, "organic": 0.35, "events": -0.2,
                                    "partners": -0.2, "social": 0.1, "outbound": -1.1}).to_numpy()
    visits = rng.poisson(np.exp(0.9 + 0.35 * q + visit_eff))
    pages = visits + rng.poisson(visits * np.exp(0.35 + 0.2 * q))
    downloads = rng.poisson(np.exp(-1.3 + 0.4 * q + np.where(chn == "content", 1.2, 0.0)
                                   - np.where(is_out, 1.0, 0.0)))
    webinar = rng.random(n) < _sigmoid(-2.5 + 0.55 * q + np.where(np.isin(chn, ["content", "events"]),
                                                                  0.8, 0.0) - np.where(is_out, 1.5, 0))
    demo = rng.random(n) < _sigmoid(-2.7 + 1.0 * q + np.where(np.isin(chn, ["ppc", "organic"]), 0.3, 0)
                                    - np.where(is_out, 2.0, 0.0))
    opens = rng.poisson(np.exp(1.0 + 0.3 * q - np.where(is_out, 0.8, 0.0)))
    fit = (np.array([INDUSTRY_FIT[i] for i in S.INDUSTRIES])[ind]
           + np.array([TITLE_FIT[t] for t in S.JOB_TITLE_LEVELS])[title]
           + np.array([REGION_FIT[r] for r in S.REGIONS])[region])
    ctx.leads = dict(day=day, ch=ch, chn=chn, seg=seg, ind=ind, title=title, emp=emp, region=region,
                     q=q, fit=fit, is_out=is_out, visits=visits, pages=pages, downloads=downloads,
                     webinar=webinar, demo=demo, opens=opens)


def _simulate_sequences(ctx):
    """Цепочки касаний SDR (входящие MQL) и BDR (исходящие лиды)."""
    rng = ctx.rng["sequence"]
    L = ctx.leads
    n = len(L["day"])
    # --- входящие: автоматический MQL по скорингу
    mql_logit = pd.Series(L["chn"]).map(INBOUND_MQL_LOGIT).fillna(0).to_numpy() + 1.0 * L["q"] \
        + 0.3 * L["fit"]
    inbound_mql = ~L["is_out"] & (
        (rng.random(n) < _sigmoid(mql_logit)) | (L["demo"] & (rng.random(n) < DEMO_REQUEST_MQL_PROB)))
    mql_day = np.full(n, NA, dtype=np.int64)
    mql_day[inbound_mql] = L["day"][inbound_mql] + _choice_codes(rng, int(inbound_mql.sum()),
                                                                 (0.6, 0.3, 0.1))
    start_all = np.where(L["is_out"], L["day"], _to_workday(np.where(inbound_mql, mql_day, 0)))
    worked = (inbound_mql | L["is_out"]) & (start_all <= END_DAY)
    w = np.flatnonzero(worked)
    start = start_all[w]
    sdr = np.full(n, -1, dtype=np.int64)
    wi = w[~L["is_out"][w]]
    wo = w[L["is_out"][w]]
    sdr[wi] = _assign_reps(ctx, rng, "SDR", start[~L["is_out"][w]], notice=SDR_NOTICE_DAYS)
    sdr[wo] = _assign_reps(ctx, rng, "BDR", start[L["is_out"][w]], notice=SDR_NOTICE_DAYS)
    rep_w = sdr[w]
    ramp = _ramp_factor(ctx, rep_w, start)
    skill = ctx.reps["skill"][rep_w]
    out_w = L["is_out"][w]
    q_w, fit_w = L["q"][w], L["fit"][w]
    eng_mult = np.exp(0.35 * q_w + 0.3 * fit_w + skill) * (0.75 + 0.25 * ramp)
    # вероятность встречи при контакте
    in_meet = _sigmoid(pd.Series(L["chn"][w]).map(INBOUND_MEETING_LOGIT).fillna(0).to_numpy()
                       + 0.9 * q_w + 0.6 * fit_w + skill + 0.3 * (ramp - 1))
    cold_mult = np.exp(0.5 * q_w + 0.6 * fit_w + skill)
    cold_mult = cold_mult / cold_mult[out_w].mean() if out_w.any() else cold_mult
    cold_mult = cold_mult * (0.7 + 0.3 * ramp)
    kmax = np.where(out_w, np.array(MAX_TOUCHES_CHOICES["outbound"][0])[
        _choice_codes(rng, len(w), MAX_TOUCHES_CHOICES["outbound"][1])],
        np.array(MAX_TOUCHES_CHOICES["inbound"][0])[
        _choice_codes(rng, len(w), MAX_TOUCHES_CHOICES["inbound"][1])])
    types = ("call", "email", "linkedin")
    eng_base = np.array([[ENGAGE_BASE["inbound"][t] for t in types],
                         [ENGAGE_BASE["outbound"][t] for t in types]])
    opener_rate = np.array([CALL_OPENER_MEETING_RATE[o] for o in S.CALL_OPENERS])
    tmpl_in = np.array([S.EMAIL_TEMPLATES.index(t) for t in ("welcome_followup", "case_study", "roi_calc")])
    tmpl_out = np.array([S.EMAIL_TEMPLATES.index(t) for t in ("cold_intro", "pain_question", "case_study")])
    tmpl_mult = np.array([EMAIL_TEMPLATE_REPLY_MULT[t] for t in S.EMAIL_TEMPLATES])
    breakup = S.EMAIL_TEMPLATES.index("breakup")
    oc = {o: i for i, o in enumerate(S.ALL_ACTIVITY_OUTCOMES)}

    alive = np.ones(len(w), dtype=bool)
    day = start.copy()
    result = np.zeros(len(w), dtype=np.int64)   # 0 в работе, 1 встреча, 2 отказ, 3 bounce, 4 исчерпан
    result_day = np.full(len(w), NA, dtype=np.int64)
    first_pos = np.full(len(w), NA, dtype=np.int64)   # первый квалифицирующий контакт (outbound MQL)
    recs = []
    for k in range(MAX_TOUCHES):
        if k > 0:
            day = _to_workday(day + 1 + rng.poisson(1.5, len(w)))
        exhausted = alive & (k >= kmax)          # все касания цепочки сделаны
        result[exhausted] = 4
        result_day[exhausted] = day[exhausted]
        alive &= ~exhausted
        alive &= day <= END_DAY                  # следующее касание уже после конца данных
        idx = np.flatnonzero(alive)
        if len(idx) == 0:
            break
        o = out_w[idx].astype(np.int64)
        ttype = np.where(o == 1, _choice_codes(rng, len(idx), TOUCH_TYPE_MIX["outbound"]),
                         _choice_codes(rng, len(idx), TOUCH_TYPE_MIX["inbound"]))
        if k == 0:
            first_call = (o == 0) & (rng.random(len(idx)) < INBOUND_FIRST_TOUCH_CALL)
            ttype[first_call] = 0
        is_call, is_email, is_li = ttype == 0, ttype == 1, ttype == 2
        tmpl = np.full(len(idx), -1)
        tmpl[is_email & (o == 0)] = tmpl_in[rng.integers(0, 3, (is_email & (o == 0)).sum())]
        tmpl[is_email & (o == 1)] = tmpl_out[rng.integers(0, 3, (is_email & (o == 1)).sum())]
        last = is_email & (k == kmax[idx] - 1)
        tmpl[last] = breakup
        opener = np.full(len(idx), -1)
        cold = is_call & (o == 1)
        opener[cold] = rng.integers(0, len(S.CALL_OPENERS), cold.sum())
        p_eng = eng_base[o, ttype] * eng_mult[idx] * TOUCH_RESPONSE_CURVE[k]
        p_eng = np.where(tmpl >= 0, p_eng * tmpl_mult[np.maximum(tmpl, 0)], p_eng)
        engaged = rng.random(len(idx)) < np.clip(p_eng, 0, 0.95)
        p_meet = np.where(o == 0, in_meet[idx],
                          np.where(cold, opener_rate[np.maximum(opener, 0)],
                                   np.where(is_email, OUTBOUND_EMAIL_MEETING_RATE,
                                            OUTBOUND_LINKEDIN_MEETING_RATE)) * cold_mult[idx])
        u = rng.random(len(idx))
        meet = engaged & (u < np.clip(p_meet, 0, 0.95))
        neg_share = np.where(o == 1, NEGATIVE_SHARE_GIVEN_ENGAGED["outbound"],
                             NEGATIVE_SHARE_GIVEN_ENGAGED["inbound"])
        neg = engaged & ~meet & (rng.random(len(idx)) < neg_share)
        pos = engaged & ~neg
        bounce = is_email & ~engaged & (k <= 1) & (rng.random(len(idx)) < EMAIL_BOUNCE_RATE)
        # исходы для таблицы активностей
        outc = np.empty(len(idx), dtype=np.int64)
        outc[is_call] = np.where(meet[is_call], oc["meeting_booked"],
                                 np.where(neg[is_call], oc["not_interested"],
                                          np.where(engaged[is_call], oc["connected"], oc["no_answer"])))
        opened = rng.random(len(idx)) < EMAIL_OPEN_RATE
        outc[is_email] = np.where(meet[is_email], oc["meeting_booked"],
                                  np.where(engaged[is_email], oc["replied"],
                                           np.where(bounce[is_email], oc["bounced"],
                                                    np.where(opened[is_email], oc["opened"],
                                                             oc["sent"]))))
        acc = rng.random(len(idx)) < LINKEDIN_ACCEPT_RATE
        outc[is_li] = np.where(engaged[is_li], oc["replied"],
                               np.where(acc[is_li], oc["accepted"], oc["ignored"]))
        dur = np.full(len(idx), -1)
        talk = is_call & engaged
        dur[talk] = np.round(np.exp(rng.normal(np.log(150), 0.6, talk.sum()))
                             * np.where(meet[talk], 2.2, np.where(neg[talk], 0.35, 1.0)))
        dur[is_call & ~engaged] = 0
        recs.append(dict(w=idx, day=day[idx], type=ttype, touch=np.full(len(idx), k + 1),
                         opener=opener, tmpl=tmpl, outcome=outc, dur=dur))
        gi = idx
        # MQL у исходящих: встреча, ответ на письмо/в LinkedIn или разговор дольше 2 минут
        qualifying = meet | (pos & ~is_call) | (pos & is_call & (dur >= OUTBOUND_MQL_MIN_TALK_SEC))
        fp = qualifying & (first_pos[gi] == NA)
        first_pos[gi[fp]] = day[gi[fp]]
        for mask, code in ((meet, 1), (neg & ~meet, 2), (bounce, 3)):
            sel = gi[mask]
            result[sel] = code
            result_day[sel] = day[sel]
            alive[sel] = False
    done = alive & (kmax <= MAX_TOUCHES)          # дошли до конца самой длинной цепочки
    result[done] = 4
    # встречи-квалификации (SQL) и неявки
    met = np.flatnonzero(result == 1)
    meet_day = _to_workday(result_day[met] + 1 + rng.poisson(2, len(met)))
    noshow = rng.random(len(met)) < MEETING_NO_SHOW_RATE
    held_day = np.where(noshow, _to_workday(meet_day + 3 + rng.poisson(2, len(met))), meet_day)
    mrec_w = np.concatenate([met[noshow], met])
    mrec_day = np.concatenate([meet_day[noshow], held_day])
    mrec_out = np.concatenate([np.full(noshow.sum(), oc["no_show"]), np.full(len(met), oc["held"])])
    keep = mrec_day <= END_DAY
    recs.append(dict(w=mrec_w[keep], day=mrec_day[keep], type=np.full(keep.sum(), 3),
                     touch=np.full(keep.sum(), -1), opener=np.full(keep.sum(), -1),
                     tmpl=np.full(keep.sum(), -1), outcome=mrec_out[keep],
                     dur=np.full(keep.sum(), -1)))
    sql_day_w = np.full(len(w), NA, dtype=np.int64)
    sql_day_w[met] = np.where(held_day <= END_DAY, held_day, NA)

    # --- статусы лидов
    status = np.full(n, "new", dtype=object)
    reason = np.full(n, None, dtype=object)
    sql_day = np.full(n, NA, dtype=np.int64)
    # входящие не-MQL: часть сразу отсеяна маркетингом, остальные — в «прогреве»
    mql_day[inbound_mql & ~worked] = NA             # MQL случится уже после 31.12.2025
    non = np.flatnonzero(~worked & ~inbound_mql)
    dq = rng.random(len(non)) < NON_MQL_DISQUALIFY_SHARE
    status[non[dq]] = "disqualified"
    reason[non[dq]] = np.where(rng.random(dq.sum()) < 0.5, "wrong_contact", "no_need")
    # исходящие: MQL = первый квалифицирующий контакт
    mql_day[wo] = first_pos[L["is_out"][w]]
    has_mql = mql_day[w] != NA
    status[w[has_mql]] = "mql"
    res = result
    neg_reason = _codes_to(NEGATIVE_REASONS[0], _choice_codes(rng, len(w), NEGATIVE_REASONS[1]))
    for code, rsn in ((2, None), (3, "wrong_contact"), (4, "no_response")):
        sel = res == code
        status[w[sel]] = "disqualified"
        reason[w[sel]] = neg_reason[sel] if rsn is None else rsn
    # встреча назначена, но ещё не прошла — лид остаётся MQL (у outbound MQL уже есть)
    sq = sql_day_w != NA
    sql_day[w[sq]] = sql_day_w[sq]
    status[w[sq]] = "sql"
    accept = rng.random(n) < SQL_ACCEPT_RATE
    opp_day = np.full(n, NA, dtype=np.int64)
    sqi = np.flatnonzero(sql_day != NA)
    od = _to_workday(sql_day[sqi] + rng.poisson(1.5, len(sqi)))
    rej = ~accept[sqi]
    status[sqi[rej]] = "disqualified"
    reason[sqi[rej]] = np.where(rng.random(rej.sum()) < 0.5, "no_budget", "no_need")
    conv = ~rej & (od <= END_DAY)
    opp_day[sqi[conv]] = od[conv]
    status[sqi[conv]] = "converted"
    ctx.leads.update(mql_day=mql_day, sql_day=sql_day, status=status, reason=reason, sdr=sdr,
                     opp_day=opp_day)
    # активности по лидам
    act = {k: np.concatenate([r[k] for r in recs]) for k in recs[0]}
    act["lead"] = w[act.pop("w")]
    act["rep"] = sdr[act["lead"]]
    ex = ctx.reps["exit"][act["rep"]]
    ok = (ex == NA) | (act["day"] <= ex)           # после увольнения SDR касаний нет
    ctx.lead_acts = {k: v[ok] for k, v in act.items()}


def _assign_accounts(ctx):
    """Компании: большинство лидов — новые компании, часть — повторные обращения.

    Повторный лид со сделкой попадает либо в компанию, которая ещё ничего не
    покупала, либо (доля UPSELL_SHARE) к действующему клиенту — тогда его сделка
    становится допродажей (upsell), а выигрыш даёт расширение MRR, а не нового клиента.
    """
    rng = ctx.rng["accounts"]
    L, O = ctx.leads, ctx.opp
    n = len(L["day"])
    converted = L["status"] == "converted"
    repeat = rng.random(n) < REPEAT_LEAD_SHARE
    upsell_try = rng.random(n) < UPSELL_SHARE
    oi = L["opp_idx"]
    won_day = np.full(n, NA, dtype=np.int64)          # дата выигрыша сделки лида (если выиграна)
    wl = np.flatnonzero(oi >= 0)
    ok = O["won"][oi[wl]] & O["is_closed"][oi[wl]]
    won_day[wl[ok]] = O["close"][oi[wl[ok]]]
    target = np.arange(n)
    upsell = np.zeros(n, dtype=bool)
    grp = L["seg"] * len(S.INDUSTRIES) + L["ind"]
    for g in np.unique(grp):
        in_g = grp == g
        rep = np.flatnonzero(in_g & repeat)
        if len(rep) == 0:
            continue
        cand = np.flatnonzero(in_g & ~repeat & ~converted)     # уже отсортированы по дате
        if len(cand):
            k = np.searchsorted(L["day"][cand], L["day"][rep] - 30, side="right")
            ok = k > 0
            target[rep[ok]] = cand[(rng.random(ok.sum()) * k[ok]).astype(np.int64)]
        # допродажи: компания стала клиентом хотя бы за 30 дней до нового лида
        cust = np.flatnonzero(in_g & ~repeat & (won_day != NA))
        up = rep[converted[rep] & upsell_try[rep]]
        if len(cust) and len(up):
            avail = won_day[cust] + 30
            order = np.argsort(avail, kind="stable")
            cust, avail = cust[order], avail[order]
            k = np.searchsorted(avail, L["day"][up], side="right")
            ok = k > 0
            target[up[ok]] = cust[(rng.random(ok.sum()) * k[ok]).astype(np.int64)]
            upsell[up[ok]] = True
    # не больше одной сделки «нового клиента» и одной допродажи на компанию
    for kind in (~upsell, upsell):
        sel = converted & (target != np.arange(n)) & kind
        ci = np.flatnonzero(sel)
        dup = pd.Series(target[ci]).duplicated(keep="first").to_numpy()
        target[ci[dup]] = ci[dup]
        upsell[ci[dup]] = False
    # сегмент/отрасль совпадают по группе; сотрудники и регион — как у компании
    L["emp"] = L["emp"][target]
    L["region"] = L["region"][target]
    roots, acc = np.unique(target, return_inverse=True)   # roots по возрастанию = по дате
    L["acc"] = acc
    O["upsell"] = upsell[O["li"]]
    na = len(roots)
    ctx.acc = dict(seg=L["seg"][roots], ind=L["ind"][roots], emp=L["emp"][roots],
                   region=L["region"][roots], ids=_ids("A", na, 5),
                   since=np.full(na, NA, np.int64), churned=np.full(na, NA, np.int64))


_NOTE_TEMPLATES = {
    "meddic_metrics": {
        2: ("Метрики согласованы: цель — сократить время первого ответа с {h1} до {h2} ч.",
            "Клиент посчитал эффект: минус {pct} % повторных обращений, ROI-модель утверждена.",
            "Зафиксировали KPI пилота: SLA не ниже {sla} %, время решения −{pct} %."),
        1: ("Метрики обсуждали в общих чертах, цифр пока нет.",
            "Хотят «ускорить поддержку», целевые показатели не сформулированы.",
            "Обещали прислать текущие показатели SLA, ждём."),
        0: ("Бизнес-метрики не обсуждались.", "Какой эффект ждут от внедрения — непонятно."),
    },
    "meddic_economic_buyer": {
        2: ("ЛПР — {eb}, встреча согласована на {date}.", "Бюджет подтвердил {eb} на встрече {date}.",
            "{Eb} лично участвовал в демо, бюджет заложен."),
        1: ("ЛПР, вероятно, {eb}, но напрямую не общались.", "Выход на {eb} обещали после демо.",
            "Бюджет «есть», но кто подписывает — уточняем."),
        0: ("Кто подписывает бюджет — неизвестно.", "Общаемся только с исполнителем, к ЛПР не пускают."),
    },
    "meddic_decision_criteria": {
        2: ("Критерии выбора получены письменно: интеграция с {system}, SLA-отчёты, цена за оператора.",
            "Чек-лист требований на {n} пунктов, закрываем все.",
            "Ключевые критерии — {crit}; по всем совпадаем."),
        1: ("Критерии выбора озвучены устно: важны {crit}.", "Требования меняются от встречи к встрече."),
        0: ("Критерии выбора не ясны.", "По чему будут сравнивать решения — не выяснили."),
    },
    "meddic_decision_process": {
        2: ("Процесс согласования понятен: пилот {weeks} нед., затем закупка.",
            "Решение — до {date}, юристы уже смотрят договор.",
            "Согласование: ИТ → безопасность → финансы, сроки расписаны до {date}."),
        1: ("Процесс закупки описали примерно, сроки плавают.",
            "Нужен тендер, но регламент пока не прислали."),
        0: ("Как принимается решение — не выяснили.", "Этапы согласования неизвестны."),
    },
    "meddic_identify_pain": {
        2: ("Боль: SLA по заявкам срываются на {pct} %.",
            "Боль: операторы тонут в почте, {n} заявок в день без приоритизации.",
            "Боль: нет единой базы знаний, {pct} % обращений — повторные."),
        1: ("Жалуются на текущую систему, но конкретики мало.",
            "Боль есть у линии поддержки, руководство её пока не признаёт."),
        0: ("Явной боли не нашли, «смотрим рынок».", "Текущим решением в целом довольны."),
    },
    "meddic_champion": {
        2: ("Чемпион — {champ}, активно продвигает нас внутри.",
            "{Champ} сам собрал рабочую группу и ведёт пилот."),
        1: ("Есть симпатизирующий контакт ({champ}), но влияния мало.",
            "{Champ} за нас, но в решении участвует слабо."),
        0: ("Чемпиона нет.", "Внутреннего сторонника пока не нашли."),
    },
}
_EB_BY_SEG = {"smb": ("генеральный директор", "собственник бизнеса", "коммерческий директор"),
              "mid_market": ("финансовый директор", "операционный директор", "ИТ-директор"),
              "enterprise": ("CIO", "вице-президент по операциям", "финансовый директор",
                             "директор по цифровой трансформации")}
_CHAMPS = ("руководитель поддержки", "руководитель сервис-деска", "ИТ-менеджер",
           "директор по клиентскому сервису", "старший администратор")
_SYSTEMS = ("1С", "Битрикс24", "amoCRM", "Active Directory", "Jira", "IP-телефонией")
_CRITS = ("цена и скорость внедрения", "интеграции и отчётность", "SLA и безопасность",
          "импортозамещение и установка в контуре", "удобство для операторов")
_COMP_RU = {"helppro": "ХелпПро", "servicebox": "СервисБокс", "globalitsm": "ГлобалITSM",
            "opendesk": "ОпенДеск"}


def _fill_template(tpl, values):
    """Подставить массивы значений в шаблон (векторно, без цикла по строкам)."""
    parts = re.split(r"\{(\w+)\}", tpl)
    n = len(next(iter(values.values())))
    out = np.full(n, parts[0], dtype=object)
    for i in range(1, len(parts), 2):
        out = out + values[parts[i]] + parts[i + 1]
    return out


def _capitalize(arr):
    s = pd.Series(arr, dtype=object)
    return (s.str[:1].str.upper() + s.str[1:]).to_numpy(dtype=object)


def _make_notes(rng, meddic, seg, created, competitor):
    n = len(seg)
    elems = list(S.MEDDIC_COLUMNS)
    dd = _fmt_days(np.minimum(created + rng.integers(7, 35, n), created + 40))
    dds = pd.Series(dd, dtype=object)
    date_s = (dds.str[8:10] + "." + dds.str[5:7]).to_numpy(dtype=object)
    eb = np.empty(n, dtype=object)
    for s, sname in enumerate(S.SEGMENTS):
        sel = seg == s
        eb[sel] = np.array(_EB_BY_SEG[sname], dtype=object)[rng.integers(0, len(_EB_BY_SEG[sname]),
                                                                         sel.sum())]
    champ = np.array(_CHAMPS, dtype=object)[rng.integers(0, len(_CHAMPS), n)]
    h1 = rng.integers(8, 49, n)
    vals = {
        "date": date_s, "eb": eb, "Eb": _capitalize(eb), "champ": champ, "Champ": _capitalize(champ),
        "h1": h1.astype(str).astype(object),
        "h2": np.maximum(1, np.round(h1 * rng.uniform(0.25, 0.6, n))).astype(int).astype(str).astype(object),
        "pct": rng.integers(15, 46, n).astype(str).astype(object),
        "sla": rng.integers(90, 99, n).astype(str).astype(object),
        "n": (rng.integers(4, 40, n) * np.array([1, 3, 10])[seg]).astype(str).astype(object),
        "weeks": rng.integers(2, 7, n).astype(str).astype(object),
        "system": np.array(_SYSTEMS, dtype=object)[rng.integers(0, len(_SYSTEMS), n)],
        "crit": np.array(_CRITS, dtype=object)[rng.integers(0, len(_CRITS), n)],
    }
    n_sent = _choice_codes(rng, n, (0.3, 0.45, 0.25)) + 1
    order = np.argsort(rng.random((n, len(elems))), axis=1)
    notes = np.full(n, "", dtype=object)
    for slot in range(3):
        active = n_sent > slot
        e_idx = order[:, slot]
        sent = np.full(n, "", dtype=object)
        for ei, e in enumerate(elems):
            for lvl, tpls in _NOTE_TEMPLATES[e].items():
                sel = active & (e_idx == ei) & (meddic[:, ei] == lvl)
                if not sel.any():
                    continue
                t_idx = rng.integers(0, len(tpls), sel.sum())
                si = np.flatnonzero(sel)
                for ti, tpl in enumerate(tpls):
                    sub = si[t_idx == ti]
                    if len(sub):
                        sent[sub] = _fill_template(tpl, {k: v[sub] for k, v in vals.items()})
        sep = np.where((notes != "") & (sent != ""), " ", "")
        notes = notes + sep + sent
    comp = competitor >= 0
    cs = comp & (rng.random(n) < 0.6)
    names = np.array([_COMP_RU[c] for c in S.COMPETITORS], dtype=object)
    phr = np.where(rng.random(n) < 0.5, "Параллельно смотрят «", "В шорт-листе также «")
    notes[cs] = notes[cs] + " " + phr[cs] + names[competitor[cs]] + "»."
    return notes


def _make_opportunities(ctx):
    """Сделки из SQL-лидов: владелец, исход, стадии, MEDDIC, заметки, активности."""
    rng = ctx.rng["opps"]
    L = ctx.leads
    ctx.lead_ids = _ids("L", len(L["day"]), 6)
    li = np.flatnonzero(L["opp_day"] != NA)
    li = li[np.lexsort((li, L["opp_day"][li]))]
    n = len(li)
    created = L["opp_day"][li]
    seg = L["seg"][li]
    segn = np.array(S.SEGMENTS, dtype=object)[seg]
    owner = _assign_reps(ctx, rng, "AE", created, teams=segn)
    se_need = rng.random(n) < np.array([SE_INVOLVEMENT[s] for s in S.SEGMENTS])[seg]
    se = np.full(n, -1, dtype=np.int64)
    si = np.flatnonzero(se_need)
    se_team = np.where(segn[si] == "smb", "mid_market", segn[si])
    se[si] = _assign_reps(ctx, rng, "SE", created[si], teams=se_team)
    ramp = _ramp_factor(ctx, owner, created)
    skill = ctx.reps["skill"][owner]
    # скрытое качество сделки: частично из качества лида
    d = 0.55 * L["q"][li] + 0.35 * L["fit"][li] + rng.normal(0, 0.8, n)
    seat_noise = np.empty(n)     # места считаются позже, когда известна компания
    for s, sname in enumerate(S.SEGMENTS):
        sel = seg == s
        seat_noise[sel] = rng.normal(0, SEATS_SIGMA[sname], sel.sum())
    year = 2023 + _month_of(created) // 12
    price = np.array([SEAT_PRICE[s] for s in S.SEGMENTS])[seg] * np.where(year >= 2025,
                                                                         1 + PRICE_INCREASE_2025, 1.0)
    disc = np.empty(n)
    for s, sname in enumerate(S.SEGMENTS):
        sel = seg == s
        disc[sel] = np.array(DISCOUNT_LEVELS)[_choice_codes(rng, sel.sum(), DISCOUNT_MIX[sname])]
    # конкуренты
    comp = np.full(n, -1, dtype=np.int64)
    has_comp = rng.random(n) < np.array([COMPETITOR_PROB[s] for s in S.SEGMENTS])[seg]
    for s, sname in enumerate(S.SEGMENTS):
        sel = has_comp & (seg == s)
        comp[sel] = _choice_codes(rng, sel.sum(), COMPETITOR_MIX[sname])
    comp_eff = np.where(comp >= 0, np.array([COMPETITOR_WIN_EFFECT[c] for c in S.COMPETITORS])[
        np.maximum(comp, 0)], 0.0)
    chn = L["chn"][li]
    logit = (np.array([WIN_LOGIT_BASE[s] for s in S.SEGMENTS])[seg]
             + pd.Series(chn).map(WIN_CHANNEL_EFFECT).to_numpy()
             + WIN_DEAL_QUALITY_COEF * d + skill + WIN_RAMP_PENALTY * (ramp - 1)
             + np.where(se >= 0, WIN_SE_EFFECT, 0) * (seg > 0) + comp_eff + 0.5 * disc)
    won = rng.random(n) < _sigmoid(logit)
    # стадия проигрыша: слабые сделки отваливаются раньше
    u = _sigmoid(0.8 * d + rng.normal(0, 0.7, n))
    lost_stage = np.digitize(u, [0.35, 0.62, 0.82])
    last_open = np.where(won, 3, lost_stage)
    cyc_med = np.array([CYCLE_MEDIAN_DAYS[s] for s in S.SEGMENTS])[seg] * pd.Series(
        np.array(S.INDUSTRIES, dtype=object)[L["ind"][li]]).map(CYCLE_INDUSTRY_MULT).fillna(1.0).to_numpy()
    cyc = cyc_med * np.exp(rng.normal(0, CYCLE_SIGMA, n))
    cyc = np.where(won, cyc, cyc * (0.3 + 0.7 * (last_open + 1) / 4) * 0.85)
    close = _to_workday(created + np.maximum(2, np.round(cyc)).astype(np.int64))
    cyc = close - created
    g = rng.gamma(np.array(STAGE_DURATION_SHAPE)[None, :], size=(n, 4))
    g[np.arange(4)[None, :] > last_open[:, None]] = 0
    frac = g / g.sum(axis=1, keepdims=True)
    cum = np.hstack([np.zeros((n, 1)), np.cumsum(frac, axis=1)[:, :3]])
    entered = created[:, None] + np.floor(cum * cyc[:, None]).astype(np.int64)
    reached = np.arange(4)[None, :] <= last_open[:, None]
    is_closed = close <= END_DAY
    visible = reached & (entered <= END_DAY)
    cur = np.where(is_closed, np.where(won, 4, 5), visible.sum(axis=1) - 1)
    outcome = np.where(is_closed, np.where(won, 0, 1), 2)
    # MEDDIC: отражает качество сделки и пройденные стадии
    s_reached = np.where(is_closed, last_open, cur)
    meddic = np.empty((n, 6), dtype=np.int64)
    for ei, e in enumerate(S.MEDDIC_COLUMNS):
        bias = MEDDIC_BIAS[e] - (0.35 if e == "meddic_economic_buyer" else 0) * (seg == 2)
        lat = 0.7 * d + 0.3 * s_reached + bias + rng.normal(0, 1.2, n)
        meddic[:, ei] = np.digitize(lat, MEDDIC_THRESHOLDS)
    # причины проигрыша
    lost = outcome == 1
    lr = _choice_codes(rng, n, LOSS_REASON_MIX)
    to_comp = (comp >= 0) & (rng.random(n) < COMPETITOR_LOSS_SHARE)
    lr = np.where(to_comp, 1, lr)
    loss_reason = np.where(lost, np.array(S.LOSS_REASONS, dtype=object)[lr], None)
    notes = _make_notes(rng, meddic, seg, created, comp)
    ids = _ids("O", n, 5)
    ctx.opp = dict(li=li, created=created, close=close, seg=seg, owner=owner, se=se, won=won,
                   outcome=outcome, d=d, is_closed=is_closed, entered=entered, visible=visible,
                   last_open=last_open, ids=ids, ramp=ramp, seat_noise=seat_noise, price=price,
                   disc=disc, cur=cur, meddic=meddic, notes=notes, comp=comp,
                   loss_reason=loss_reason)
    L["opp_idx"] = np.full(len(L["day"]), -1, dtype=np.int64)
    L["opp_idx"][li] = np.arange(n)
    _make_opportunity_activities(ctx, rng)


def _make_opportunity_tables(ctx):
    """Суммы сделок (по компании, известной после _assign_accounts) и таблицы сделок."""
    L, O = ctx.leads, ctx.opp
    li, seg, n = O["li"], O["seg"], len(O["li"])
    emp = L["emp"][li]
    seats = np.empty(n)
    for s, sname in enumerate(S.SEGMENTS):
        sel = seg == s
        seats[sel] = (SEATS_MEDIAN[sname] * (emp[sel] / SEATS_EMPLOYEE_REF[sname]) ** 0.25
                      * np.exp(O["seat_noise"][sel]))
    seats = np.where(O["upsell"], np.maximum(1, np.round(seats * UPSELL_SEATS_SHARE)),
                     np.maximum(3, np.round(seats))).astype(np.int64)
    amount = np.round(seats * O["price"] * (1 - O["disc"]) * 12)
    O["seats"], O["amount"] = seats, amount
    ids, owner, se, comp = O["ids"], O["owner"], O["se"], O["comp"]
    created, close, is_closed, won = O["created"], O["close"], O["is_closed"], O["won"]
    segn = np.array(S.SEGMENTS, dtype=object)[seg]
    r_ids = ctx.reps["ids"]
    df = pd.DataFrame({
        "opportunity_id": ids, "lead_id": ctx.lead_ids[li], "account_id": ctx.acc["ids"][L["acc"][li]],
        "owner_id": r_ids[owner], "se_id": np.where(se >= 0, r_ids[np.maximum(se, 0)], None),
        "segment": segn, "created_date": _fmt_days(created),
        "close_date": _fmt_days(np.where(is_closed, close, NA)),
        "stage": np.array(S.STAGES, dtype=object)[O["cur"]],
        "outcome": np.array(S.OUTCOMES, dtype=object)[O["outcome"]], "amount_rub": amount,
        "loss_reason": O["loss_reason"],
        "competitor": np.where(comp >= 0, np.array(S.COMPETITORS, dtype=object)[np.maximum(comp, 0)],
                               None),
    })
    for ei, e in enumerate(S.MEDDIC_COLUMNS):
        df[e] = O["meddic"][:, ei]
    df["notes"] = O["notes"]
    ctx.tables["opportunities"] = df
    # история стадий
    visible, entered = O["visible"], O["entered"]
    oi, st = np.nonzero(visible)
    st_rows = [pd.DataFrame({"o": oi, "s": st, "day": entered[oi, st]})]
    cl = np.flatnonzero(is_closed)
    st_rows.append(pd.DataFrame({"o": cl, "s": np.where(won[cl], 4, 5), "day": close[cl]}))
    st_df = pd.concat(st_rows).sort_values(["o", "s"], kind="stable")
    ctx.tables["opportunity_stages"] = pd.DataFrame({
        "opportunity_id": ids[st_df["o"].to_numpy()],
        "stage": np.array(S.STAGES, dtype=object)[st_df["s"].to_numpy()],
        "entered_date": _fmt_days(st_df["day"].to_numpy())})


def _make_opportunity_activities(ctx, rng):
    """Активности по сделкам: встречи на стадиях + письма и звонки между ними."""
    O = ctx.opp
    n = len(O["li"])
    visible, entered, is_closed, close = O["visible"], O["entered"], O["is_closed"], O["close"]
    created, owner, se = O["created"], O["owner"], O["se"]
    recs = []
    oi2, st2 = np.nonzero(visible)
    mday = np.minimum(_to_workday(entered[oi2, st2]), np.where(is_closed, close, END_DAY)[oi2])
    rep = np.where((st2 == 1) & (se[oi2] >= 0), se[oi2], owner[oi2])
    noshow = rng.random(len(oi2)) < 0.06
    recs.append(dict(o=oi2, rep=rep, day=mday, type=np.full(len(oi2), 3),
                     outcome=np.where(noshow, "no_show", "held").astype(object),
                     dur=np.full(len(oi2), -1)))
    span_end = np.where(is_closed, close, END_DAY)
    nf = rng.poisson(np.maximum(span_end - created, 0) / 30 * OPP_FOLLOWUPS_PER_30_DAYS)
    nf = np.minimum(nf, 12)
    fo = np.repeat(np.arange(n), nf)
    fday = _to_workday(created[fo] + np.floor(rng.random(len(fo)) * (span_end[fo] - created[fo] + 1))
                       .astype(np.int64))
    ftype = np.where(rng.random(len(fo)) < 0.55, 1, np.where(rng.random(len(fo)) < 0.9, 0, 2))
    u = rng.random(len(fo))
    fout = np.where(ftype == 0, np.where(u < 0.7, "connected", "no_answer"),
                    np.where(ftype == 1, np.where(u < 0.35, "replied", np.where(u < 0.75, "opened", "sent")),
                             np.where(u < 0.5, "replied", "ignored"))).astype(object)
    fdur = np.where((ftype == 0) & (fout == "connected"),
                    np.round(np.exp(rng.normal(np.log(420), 0.5, len(fo)))), np.where(ftype == 0, 0, -1))
    recs.append(dict(o=fo, rep=owner[fo], day=fday, type=ftype, outcome=fout, dur=fdur))
    act = {k: np.concatenate([r[k] for r in recs]) for k in recs[0]}
    r = ctx.reps
    ok = (act["day"] <= END_DAY) & ((r["exit"][act["rep"]] == NA) | (act["day"] <= r["exit"][act["rep"]]))
    ctx.opp_acts = {k: v[ok] for k, v in act.items()}


def _make_opportunity_and_lead_tables(ctx):
    _make_opportunity_tables(ctx)
    _make_leads_table(ctx)


def _make_leads_table(ctx):
    L = ctx.leads
    n = len(L["day"])
    r_ids = ctx.reps["ids"]
    opp_ids = np.where(L["opp_idx"] >= 0, ctx.opp["ids"][np.maximum(L["opp_idx"], 0)], None)
    ctx.tables["leads"] = pd.DataFrame({
        "lead_id": ctx.lead_ids, "account_id": ctx.acc["ids"][L["acc"]],
        "created_date": _fmt_days(L["day"]), "business_line": "b2b", "channel": L["chn"],
        "segment": np.array(S.SEGMENTS, dtype=object)[L["seg"]],
        "industry": np.array(S.INDUSTRIES, dtype=object)[L["ind"]], "employees": L["emp"],
        "job_title_level": np.array(S.JOB_TITLE_LEVELS, dtype=object)[L["title"]],
        "website_visits": L["visits"], "pages_viewed": L["pages"], "content_downloads": L["downloads"],
        "webinar_attended": L["webinar"], "demo_requested": L["demo"], "email_opens": L["opens"],
        "sdr_id": np.where(L["sdr"] >= 0, r_ids[np.maximum(L["sdr"], 0)], None),
        "mql_date": _fmt_days(L["mql_day"]), "sql_date": _fmt_days(L["sql_day"]),
        "status": L["status"], "disqualify_reason": L["reason"], "opportunity_id": opp_ids,
    })
    assert n == len(ctx.tables["leads"])


def _simulate_customers(ctx):
    """Помесячный MRR клиентов: новые, расширения, сокращения, отток; здоровье клиента."""
    rng = ctx.rng["mrr"]
    O = ctx.opp
    won_closed = O["won"] & O["is_closed"]
    wi = np.flatnonzero(won_closed & ~O["upsell"])        # первая выигранная сделка компании
    acc = ctx.leads["acc"][O["li"][wi]]
    ctx.acc["since"][acc] = O["close"][wi]
    fm = _month_of(O["close"][wi]) + 1
    keep = fm < N_MONTHS
    wi, acc, fm = wi[keep], acc[keep], fm[keep]
    nc = len(wi)
    # выигранные допродажи: расширение MRR в месяц после закрытия; до него клиент не уходит
    cust_of_acc = np.full(len(ctx.acc["ids"]), -1, dtype=np.int64)
    cust_of_acc[acc] = np.arange(nc)
    ui = np.flatnonzero(won_closed & O["upsell"])
    uc = cust_of_acc[ctx.leads["acc"][O["li"][ui]]]
    ui, uc = ui[uc >= 0], uc[uc >= 0]
    up_month = np.full(nc, N_MONTHS + 1, dtype=np.int64)
    up_month[uc] = _month_of(O["close"][ui]) + 1
    up_kop = np.zeros(nc, dtype=np.int64)
    up_kop[uc] = np.rint(O["amount"][ui] * 100 / 12).astype(np.int64)
    up_seats = np.zeros(nc, dtype=np.int64)
    up_seats[uc] = O["seats"][ui]
    seg = O["seg"][wi]
    seats = O["seats"][wi].astype(np.int64)
    new_kop = np.rint(O["amount"][wi] * 100 / 12).astype(np.int64)
    ppk = new_kop / seats                         # копеек за место
    mrr = np.zeros(nc, dtype=np.int64)
    alive = np.ones(nc, dtype=bool)
    health = 0.4 * O["d"][wi] + rng.normal(0, 0.85, nc)
    base_h = np.array([CHURN_BASE_MONTHLY[s] for s in S.SEGMENTS])[seg]
    norm = np.exp(0.5 * HEALTH_CHURN_COEF ** 2 * 0.9)
    exp_p = np.array([EXPANSION_MONTHLY_PROB[s] for s in S.SEGMENTS])[seg]
    con_p = np.array([CONTRACTION_MONTHLY_PROB[s] for s in S.SEGMENTS])[seg]
    rows = []
    for m in range(N_MONTHS):
        act = alive & (fm <= m)
        if not act.any():
            continue
        idx = np.flatnonzero(act)
        t = m - fm[idx]
        prev = mrr[idx].copy()
        new = np.where(t == 0, new_kop[idx], 0)
        health[idx] = np.where(t == 0, health[idx],
                               HEALTH_AR * health[idx] + rng.normal(0, HEALTH_NOISE, len(idx)))
        h = health[idx]
        tm = np.where((t >= 1) & (t <= 3), CHURN_EARLY_MULT,
                      np.where((t > 0) & (t % 12 == 0), CHURN_RENEWAL_MULT, CHURN_OTHER_MULT))
        p_churn = np.where((t == 0) | (m <= up_month[idx]) & (up_month[idx] <= N_MONTHS), 0.0,
                           base_h[idx] * tm * np.exp(-HEALTH_CHURN_COEF * h) / norm)
        churn_now = rng.random(len(idx)) < np.clip(p_churn, 0, 0.9)
        ex = (t > 0) & ~churn_now & (rng.random(len(idx)) < exp_p[idx] * np.exp(0.5 * h))
        add = np.where(ex, np.ceil(seats[idx] * rng.uniform(*EXPANSION_SEATS_SHARE, len(idx))), 0
                       ).astype(np.int64)
        exp_kop = np.rint(add * ppk[idx]).astype(np.int64)
        renew = (t > 0) & (t % 12 == 0) & ~churn_now & (rng.random(len(idx)) < RENEWAL_INDEXATION_PROB)
        idx_kop = np.where(renew, np.rint(prev * RENEWAL_INDEXATION), 0).astype(np.int64)
        exp_kop = exp_kop + idx_kop
        ppk[idx] = np.where(renew, ppk[idx] * (1 + RENEWAL_INDEXATION), ppk[idx])
        upm = up_month[idx] == m                       # выигранная допродажа
        exp_kop = exp_kop + np.where(upm, up_kop[idx], 0)
        add = add + np.where(upm, up_seats[idx], 0)
        co = (t > 0) & ~churn_now & ~ex & (seats[idx] > 3) & (
            rng.random(len(idx)) < con_p[idx] * np.exp(-0.6 * h))
        rem = np.where(co, np.maximum(1, np.floor(seats[idx] * rng.uniform(*CONTRACTION_SEATS_SHARE,
                                                                             len(idx)))), 0).astype(np.int64)
        con_kop = np.minimum(np.rint(rem * ppk[idx]).astype(np.int64), np.maximum(prev + exp_kop - 100, 0))
        churn_kop = np.where(churn_now, prev, 0)
        exp_kop = np.where(churn_now, 0, exp_kop)
        con_kop = np.where(churn_now, 0, con_kop)
        cur = prev + new + exp_kop - con_kop - churn_kop
        seats[idx] = seats[idx] + add - rem
        mrr[idx] = cur
        cidx = idx[churn_now]
        alive[cidx] = False
        ctx.acc["churned"][acc[cidx]] = MONTH_START[m] + rng.integers(0, MONTH_LEN[m], len(cidx))
        rows.append(dict(m=np.full(len(idx), m), c=idx, mrr=cur, new=new, exp=exp_kop, con=con_kop,
                         churn=churn_kop, seats=seats[idx].copy(), h=h.copy(), t=t,
                         churned=churn_now))
    R = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
    R["acc"] = acc[R["c"]]
    R["seg"] = seg[R["c"]]
    order = np.lexsort((R["acc"], R["m"]))
    R = {k: v[order] for k, v in R.items()}
    ctx.cust = R
    ctx.tables["mrr"] = pd.DataFrame({
        "month": _month_str(R["m"]), "account_id": ctx.acc["ids"][R["acc"]],
        "mrr_rub": R["mrr"] / 100, "new_rub": R["new"] / 100, "expansion_rub": R["exp"] / 100,
        "contraction_rub": R["con"] / 100, "churn_rub": R["churn"] / 100})


def _make_usage_and_tickets(ctx):
    rng = ctx.rng["usage"]
    R = ctx.cust
    live = ~R["churned"]
    m, accs, seats, h, t = R["m"][live], R["acc"][live], R["seats"][live], R["h"][live], R["t"][live]
    n = len(m)
    onboard = np.where(t == 0, 1.2, np.where(t == 1, 0.6, np.where(t == 2, 0.2, 0.0)))
    ratio = _sigmoid(1.3 + 0.9 * h - onboard + rng.normal(0, 0.25, n))
    active = rng.binomial(seats, np.clip(ratio, 0, 1))
    logins = rng.poisson(active * LOGINS_PER_ACTIVE_USER * np.exp(0.2 * h))
    adoption = np.round(_sigmoid(-0.5 + 0.7 * h + 0.12 * np.minimum(t, 10) + rng.normal(0, 0.3, n)), 2)
    survey = (t % 3 == 2) & (rng.random(n) < NPS_SURVEY_RESPONSE_RATE)
    nps = np.clip(np.round(7.2 + 1.6 * h + rng.normal(0, 1.3, n)), 0, 10).astype(np.int64)
    ctx.tables["product_usage"] = pd.DataFrame({
        "month": _month_str(m), "account_id": ctx.acc["ids"][accs], "licensed_seats": seats,
        "active_users": active, "logins": logins, "feature_adoption": adoption,
        "nps": _nullable_int(nps, survey)})
    # обращения в поддержку
    rng = ctx.rng["tickets"]
    lam = TICKETS_BASE * seats ** TICKETS_PER_SEAT_POWER * np.exp(-0.35 * h) * np.where(t < 2, 1.8, 1.0)
    k = rng.poisson(lam)
    ti = np.repeat(np.arange(n), k)
    nt = len(ti)
    day = MONTH_START[m[ti]] + np.floor(rng.random(nt) * MONTH_LEN[m[ti]]).astype(np.int64)
    day = np.minimum(_to_workday(day), MONTH_END[m[ti]])
    hh = h[ti]
    pr_w = np.array(TICKET_PRIORITY_MIX)[None, :] * np.exp(np.outer(-hh, [-0.3, 0.0, 0.3, 0.7]))
    pr = _choice_rows(rng, pr_w)
    cat = _choice_codes(rng, nt, TICKET_CATEGORY_MIX)
    med = np.array([RESOLUTION_MEDIAN_HOURS[p] for p in S.TICKET_PRIORITIES])[pr]
    catm = np.array([1.2, 0.6, 1.6, 0.8, 1.0])[cat]
    res = np.round(med * catm * np.exp(rng.normal(0, 0.8, nt) - 0.15 * hh), 1)
    res = np.maximum(res, 0.1)
    rated = rng.random(nt) < CSAT_RESPONSE_RATE
    cs = np.clip(np.round(4.2 - 0.35 * np.log(res / med) + 0.45 * hh + rng.normal(0, 0.7, nt)), 1, 5)
    order = np.lexsort((accs[ti], day))
    ctx.tables["support_tickets"] = pd.DataFrame({
        "ticket_id": _ids("TK", nt, 6), "account_id": ctx.acc["ids"][accs[ti]][order],
        "created_date": _fmt_days(day[order]),
        "priority": np.array(S.TICKET_PRIORITIES, dtype=object)[pr[order]],
        "category": np.array(S.TICKET_CATEGORIES, dtype=object)[cat[order]],
        "resolution_hours": res[order],
        "csat": _nullable_int(cs[order], rated[order])})


def _make_accounts_table(ctx):
    A = ctx.acc
    names = _company_names(ctx.rng["names"], A["ind"], A["seg"])
    ctx.tables["accounts"] = pd.DataFrame({
        "account_id": A["ids"], "company_name": names,
        "industry": np.array(S.INDUSTRIES, dtype=object)[A["ind"]],
        "segment": np.array(S.SEGMENTS, dtype=object)[A["seg"]], "employees": A["emp"],
        "region": np.array(S.REGIONS, dtype=object)[A["region"]],
        "customer_since": _fmt_days(A["since"]), "churned_on": _fmt_days(A["churned"])})


def _make_activities_table(ctx):
    la, oa = ctx.lead_acts, ctx.opp_acts
    types = np.array(("call", "email", "linkedin", "meeting"), dtype=object)
    n1, n2 = len(la["day"]), len(oa["day"])
    day = np.concatenate([la["day"], oa["day"]])
    rep = np.concatenate([la["rep"], oa["rep"]])
    typ = np.concatenate([types[la["type"]], types[oa["type"]]])
    lead = np.concatenate([la["lead"], np.full(n2, -1)])
    opp = np.concatenate([np.full(n1, -1), oa["o"]])
    touch = np.concatenate([la["touch"], np.full(n2, -1)])
    opener = np.concatenate([la["opener"], np.full(n2, -1)])
    tmpl = np.concatenate([la["tmpl"], np.full(n2, -1)])
    outcome = np.concatenate([np.array(S.ALL_ACTIVITY_OUTCOMES, dtype=object)[la["outcome"]],
                              oa["outcome"]])
    dur = np.concatenate([la["dur"], oa["dur"]])
    order = np.lexsort((touch, opp, lead, day))
    r_ids = ctx.reps["ids"]
    nn = len(day)
    ctx.tables["activities"] = pd.DataFrame({
        "activity_id": _ids("AC", nn, 6), "rep_id": r_ids[rep[order]],
        "lead_id": np.where(lead[order] >= 0, ctx.lead_ids[np.maximum(lead[order], 0)], None),
        "opportunity_id": np.where(opp[order] >= 0, ctx.opp["ids"][np.maximum(opp[order], 0)], None),
        "date": _fmt_days(day[order]), "type": typ[order],
        "touch_number": _nullable_int(touch[order], touch[order] > 0),
        "call_opener": np.where(opener[order] >= 0,
                                np.array(S.CALL_OPENERS, dtype=object)[np.maximum(opener[order], 0)], None),
        "email_template": np.where(tmpl[order] >= 0,
                                   np.array(S.EMAIL_TEMPLATES, dtype=object)[np.maximum(tmpl[order], 0)],
                                   None),
        "outcome": outcome[order],
        "duration_sec": _nullable_int(dur[order], dur[order] >= 0)})


def _make_email_experiments(ctx):
    rng = ctx.rng["experiments"]
    L = ctx.leads
    frames = []
    for exp_id, start, n_rec, variants in EMAIL_EXPERIMENTS:
        sd = int((np.datetime64(start, "D") - _START).astype(int))
        pool = np.flatnonzero((L["day"] < sd) & ~L["is_out"])
        nv = len(variants)
        n = min(len(pool), max(int(round(n_rec * ctx.scale)), 30 * nv))
        pick = np.sort(rng.choice(pool, size=n, replace=False))
        var = rng.permutation(np.arange(n) % nv)
        sent = _to_workday(sd + rng.integers(0, 5, n))
        pars = np.array(list(variants.values()))[var]
        q = L["q"][pick]
        opened = rng.random(n) < np.clip(pars[:, 0] * np.exp(0.15 * q), 0, 1)
        replied = opened & (rng.random(n) < np.clip(pars[:, 1] * np.exp(0.3 * q), 0, 1))
        meeting = replied & (rng.random(n) < np.clip(pars[:, 2] * np.exp(0.3 * q), 0, 1))
        frames.append(pd.DataFrame({
            "experiment_id": exp_id, "variant": np.array(list(variants), dtype=object)[var],
            "lead_id": ctx.lead_ids[pick], "sent_date": _fmt_days(sent), "opened": opened,
            "replied": replied, "meeting_booked": meeting}))
    ctx.tables["email_experiments"] = pd.concat(frames, ignore_index=True)


def _make_b2c(ctx):
    rng = ctx.rng["b2c"]
    day_l, ch_l = [], []
    chans = S.B2C_ACQUISITION_CHANNELS
    for m in range(N_MONTHS):
        lam = np.zeros(len(chans))
        for j, ch in enumerate(S.B2C_CHANNELS):
            lam[j] = ctx.b2c_spend[m, j] / B2C_COST_PER_SIGNUP[ch]
        lam[-1] = (B2C_ORGANIC_SIGNUPS_2023 * ctx.scale * _growth(m, ORGANIC_GROWTH_PER_YEAR)
                   * B2C_SIGNUP_SEASONALITY[m % 12])
        counts = rng.poisson(lam)
        for j in range(len(chans)):
            c = int(counts[j])
            day_l.append(MONTH_START[m] + np.floor(rng.random(c) * MONTH_LEN[m]).astype(np.int64))
            ch_l.append(np.full(c, j))
    day = np.concatenate(day_l)
    ch = np.concatenate(ch_l)
    order = np.lexsort((rng.random(len(day)), ch, day))
    day, ch = day[order], ch[order]
    n = len(day)
    plat = np.empty(n, dtype=np.int64)
    for j, c in enumerate(chans):
        sel = ch == j
        plat[sel] = _choice_codes(rng, sel.sum(), B2C_PLATFORM_MIX[c])
    region = _choice_codes(rng, n, B2C_REGION_MIX)
    uid = _ids("U", n, 7)
    ctx.tables["b2c_users"] = pd.DataFrame({
        "user_id": uid, "signup_date": _fmt_days(day),
        "platform": np.array(S.PLATFORMS, dtype=object)[plat],
        "acquisition_channel": np.array(chans, dtype=object)[ch],
        "region": np.array(S.REGIONS, dtype=object)[region]})
    # покупки
    quality = np.exp(rng.normal(0, 0.35, n))
    p_pay = (B2C_PAY_PROB * quality * np.array([B2C_PAY_CHANNEL_MULT[c] for c in chans])[ch]
             * np.array([B2C_PAY_PLATFORM_MULT[p] for p in S.PLATFORMS])[plat]
             * np.array([B2C_PAY_REGION_MULT[r] for r in S.REGIONS])[region])
    payer = rng.random(n) < np.clip(p_pay, 0, 0.9)
    pi = np.flatnonzero(payer)
    first = day[pi] + np.where(rng.random(len(pi)) < 0.6, B2C_TRIAL_DAYS,
                               rng.integers(1, 60, len(pi)))
    annual = rng.random(len(pi)) < B2C_ANNUAL_SHARE * np.where(plat[pi] == 0, 1.25, 1.0)
    u_l, d_l, p_l = [], [], []
    # месячные подписки: продления с убывающим оттоком
    mi = np.flatnonzero(~annual)
    alive = first[mi] <= END_DAY
    cur = first[mi].copy()
    r0, rinf, speed = B2C_MONTHLY_RETENTION
    k = 0
    while alive.any():
        u_l.append(pi[mi[alive]])
        d_l.append(cur[alive])
        p_l.append(np.zeros(alive.sum(), dtype=np.int64))
        k += 1
        ret = (rinf - (rinf - r0) * (1 - speed) ** (k - 1)) * np.minimum(quality[pi[mi]], 1.15) ** 0.3
        cur = cur + 30
        alive &= (rng.random(len(mi)) < np.clip(ret, 0, 0.98)) & (cur <= END_DAY)
    ai = np.flatnonzero(annual)
    alive = first[ai] <= END_DAY
    cur = first[ai].copy()
    k = 0
    while alive.any():
        u_l.append(pi[ai[alive]])
        d_l.append(cur[alive])
        p_l.append(np.ones(alive.sum(), dtype=np.int64))
        k += 1
        cur = cur + 365
        alive &= (rng.random(len(ai)) < B2C_ANNUAL_RENEWAL + 0.15 * (k > 1)) & (cur <= END_DAY)
    # разовые «Про-пакеты»
    pp = rng.random(n) < np.where(payer, B2C_PACK_PROB["payer"], B2C_PACK_PROB["free"])
    pk = np.repeat(np.flatnonzero(pp), 1 + rng.poisson(0.25, pp.sum()))
    pday = day[pk] + np.floor(rng.exponential(60, len(pk))).astype(np.int64)
    ok = pday <= END_DAY
    u_l.append(pk[ok])
    d_l.append(pday[ok])
    p_l.append(np.full(ok.sum(), 2, dtype=np.int64))
    pu = np.concatenate(u_l)
    pdays = np.concatenate(d_l)
    prod = np.concatenate(p_l)
    order = np.lexsort((prod, pu, pdays))
    pu, pdays, prod = pu[order], pdays[order], prod[order]
    change = int((np.datetime64(B2C_PRICE_CHANGE_DATE, "D") - _START).astype(int))
    prices = np.array([B2C_PRICES[p] for p in S.B2C_PRODUCTS], dtype=float)
    amount = prices[prod, (pdays >= change).astype(np.int64)]
    ctx.b2c = dict(user=pu, day=pdays, prod=prod, amount=amount, plat=plat[pu])
    ctx.tables["b2c_purchases"] = pd.DataFrame({
        "purchase_id": _ids("P", len(pu), 7), "user_id": uid[pu], "date": _fmt_days(pdays),
        "product": np.array(S.B2C_PRODUCTS, dtype=object)[prod], "amount_rub": amount})


def _make_sm_costs(ctx):
    rng = ctx.rng["costs"]
    r = ctx.reps
    nrep = len(r["hire"])
    ms, me = MONTH_START[:-1], MONTH_END
    lo = np.maximum(r["hire"][:, None], ms[None, :])
    hi = np.minimum(np.where(r["exit"] == NA, 10 ** 7, r["exit"])[:, None], me[None, :])
    frac = np.clip(hi - lo + 1, 0, None) / MONTH_LEN[None, :]
    salary = frac * r["base"][:, None]                     # reps × месяцы
    heads = frac > 0
    O = ctx.opp
    won = np.flatnonzero(O["won"] & O["is_closed"])
    wm = _month_of(O["close"][won])
    acv = O["amount"][won]
    bonus = np.zeros((nrep, N_MONTHS))
    own = O["owner"][won]
    active_at_close = (r["exit"][own] == NA) | (r["exit"][own] >= O["close"][won])
    np.add.at(bonus, (own[active_at_close], wm[active_at_close]), AE_COMMISSION * acv[active_at_close])
    sdr = ctx.leads["sdr"][O["li"][won]]
    ok = (sdr >= 0)
    ok &= (r["exit"][np.maximum(sdr, 0)] == NA) | (r["exit"][np.maximum(sdr, 0)] >= O["close"][won])
    np.add.at(bonus, (sdr[ok], wm[ok]), SDR_COMMISSION * acv[ok])
    se = O["se"][won]
    ok = se >= 0
    np.add.at(bonus, (se[ok], wm[ok]), SE_COMMISSION * acv[ok])
    won_by_month = np.bincount(wm, weights=acv, minlength=N_MONTHS)
    mgr = (r["role"] == "manager")[:, None] & heads
    n_mgr = np.maximum(mgr.sum(axis=0), 1)
    bonus += mgr * (MANAGER_COMMISSION * won_by_month / n_mgr)[None, :]
    R = ctx.cust
    exp_by_month = np.bincount(R["m"], weights=R["exp"] / 100, minlength=N_MONTHS)
    csm = (r["role"] == "CSM")[:, None] & heads
    n_csm = np.maximum(csm.sum(axis=0), 1)
    bonus += csm * (CSM_EXPANSION_BONUS * 12 * exp_by_month / n_csm)[None, :]
    rows = []
    dept_of = {"SDR": "sales", "BDR": "sales", "AE": "sales", "SE": "sales", "manager": "sales",
               "CSM": "customer_success"}
    pay = {"sales": np.zeros(N_MONTHS), "customer_success": np.zeros(N_MONTHS),
           "marketing": np.zeros(N_MONTHS)}
    head_count = {"sales": np.zeros(N_MONTHS), "customer_success": np.zeros(N_MONTHS),
                  "marketing": np.zeros(N_MONTHS)}
    m_idx = np.arange(N_MONTHS)
    for role in S.ROLES:
        sel = r["role"] == role
        dept = dept_of[role]
        sal = salary[sel].sum(axis=0)
        bon = bonus[sel].sum(axis=0)
        pay[dept] += sal + bon
        head_count[dept] += frac[sel].sum(axis=0)
        rows.append(pd.DataFrame({"m": m_idx, "department": dept, "cost_type": "salary",
                                  "role": role, "amount_rub": sal}))
        rows.append(pd.DataFrame({"m": m_idx, "department": dept, "cost_type": "bonus",
                                  "role": role, "amount_rub": bon}))
    mk_heads = np.maximum(1, _scaled_count(rng, np.repeat(MARKETING_HEADCOUNT, 3) * ctx.scale)
                          ).astype(float)
    mk_sal = mk_heads * MARKETER_SALARY * (1.08 ** (m_idx // 12))
    pay["marketing"] += mk_sal
    head_count["marketing"] += mk_heads
    rows.append(pd.DataFrame({"m": m_idx, "department": "marketing", "cost_type": "salary",
                              "role": "marketer", "amount_rub": mk_sal}))
    b2b_media = ctx.b2b_spend.sum(axis=1)
    for dept in ("sales", "marketing", "customer_success"):
        rows.append(pd.DataFrame({"m": m_idx, "department": dept, "cost_type": "payroll_tax",
                                  "role": None, "amount_rub": PAYROLL_TAX_RATE * pay[dept]}))
        if dept == "sales":
            tools = SALES_TOOLS_PER_HEAD * head_count[dept]
        elif dept == "customer_success":
            tools = CS_TOOLS_PER_HEAD * head_count[dept]
        else:
            tools = MARKETING_TOOLS_2023 * ctx.scale * _growth(m_idx, BUDGET_GROWTH_PER_YEAR)
        tools = tools * np.exp(rng.normal(0, 0.05, N_MONTHS))
        rows.append(pd.DataFrame({"m": m_idx, "department": dept, "cost_type": "tools", "role": None,
                                  "amount_rub": tools}))
        rows.append(pd.DataFrame({"m": m_idx, "department": dept, "cost_type": "overhead", "role": None,
                                  "amount_rub": OVERHEAD_PER_HEAD * head_count[dept]}))
    rows.append(pd.DataFrame({"m": m_idx, "department": "marketing", "cost_type": "agency", "role": None,
                              "amount_rub": AGENCY_FEE_SHARE * b2b_media}))
    df = pd.concat(rows, ignore_index=True)
    dept_o = {d: i for i, d in enumerate(S.DEPARTMENTS)}
    ct_o = {c: i for i, c in enumerate(S.SM_COST_TYPES)}
    role_o = {c: i for i, c in enumerate(S.COST_ROLES)}
    df["_d"] = df["department"].map(dept_o)
    df["_c"] = df["cost_type"].map(ct_o)
    df["_r"] = df["role"].map(role_o).fillna(-1)
    df = df.sort_values(["m", "_d", "_c", "_r"], kind="stable")
    df["amount_rub"] = _round2(df["amount_rub"].to_numpy())
    df.insert(0, "month", _month_str(df["m"].to_numpy()))
    ctx.tables["sm_costs"] = df.drop(columns=["m", "_d", "_c", "_r"]).reset_index(drop=True)


def _make_cogs(ctx):
    rng = ctx.rng["costs"]
    m_idx = np.arange(N_MONTHS)
    R = ctx.cust
    b2b_rev = np.bincount(R["m"], weights=R["mrr"] / 100, minlength=N_MONTHS)
    B = ctx.b2c
    bm = _month_of(B["day"])
    b2c_rev = np.bincount(bm, weights=B["amount"], minlength=N_MONTHS)
    fee = np.bincount(bm, weights=B["amount"] * np.array([APP_STORE_FEE[p] for p in S.PLATFORMS])[B["plat"]],
                      minlength=N_MONTHS)
    rows = []
    for ct in S.COGS_TYPES:
        noise = np.exp(rng.normal(0, 0.04, N_MONTHS))
        amt = (B2B_COGS_FIXED[ct] * ctx.scale + B2B_COGS_SHARE[ct] * b2b_rev) * noise
        rows.append(pd.DataFrame({"m": m_idx, "business_line": "b2b", "cost_type": ct, "amount_rub": amt}))
    for ct in S.COGS_TYPES:
        noise = np.exp(rng.normal(0, 0.04, N_MONTHS))
        amt = fee if ct == "payment_fees" else B2C_COGS_SHARE[ct] * b2c_rev * noise
        rows.append(pd.DataFrame({"m": m_idx, "business_line": "b2c", "cost_type": ct, "amount_rub": amt}))
    df = pd.concat(rows, ignore_index=True).sort_values(["m", "business_line"], kind="stable")
    df["amount_rub"] = _round2(df["amount_rub"].to_numpy())
    df.insert(0, "month", _month_str(df["m"].to_numpy()))
    ctx.tables["cogs"] = df.drop(columns="m").reset_index(drop=True)


# Дословные цитаты (как их записал интервьюер или оставил респондент) для каждого кода
_PAIN_QUOTES = {
    "sla_breaches": (
        "Заявки висят по двое суток, клиенты в итоге звонят директору.",
        "В прошлом квартале сорвали SLA по ключевому клиенту и заплатили штраф.",
        "Никто не видит, что заявка вот-вот просрочится, узнаём постфактум.",
        "Срочные обращения тонут среди мелких, приоритетов по сути нет.",
    ),
    "channel_chaos": (
        "Пишут на почту, в мессенджеры, звонят на мобильные — собрать всё в одном месте не получается.",
        "Половина обращений приходит в личные чаты операторов и теряется.",
        "Один и тот же клиент пишет в три канала, и трое отвечают ему по-разному.",
    ),
    "no_reporting": (
        "Отчёт для руководства собираю руками в Excel каждую пятницу.",
        "Не могу показать директору, сколько на самом деле нагрузки на отдел.",
        "Сколько заявок закрыли и за какое время — никто точно не знает.",
        "Просить ещё двух операторов без цифр бесполезно.",
    ),
    "repetitive_questions": (
        "Треть вопросов одни и те же: как сбросить пароль, где закрывающие документы.",
        "Операторы копируют ответы из блокнота, у каждого свой.",
        "Если бы клиенты находили ответ сами, нагрузка упала бы заметно.",
    ),
    "slow_onboarding": (
        "Новый оператор месяц выходит на нормальную скорость.",
        "Все знания в головах старожилов, новичку не у кого подсмотреть.",
        "Обучение каждого сотрудника отнимает у старшего неделю.",
    ),
    "integration_gaps": (
        "Данные о клиенте в CRM, заявки отдельно — оператор прыгает между окнами.",
        "Без интеграции с 1С не видим, оплатил ли клиент, и отвечаем вслепую.",
        "Телефония не связана с заявками, звонки никак не учитываются.",
    ),
    "legacy_tool_cost": (
        "Любую настройку в нашей системе делает подрядчик, и каждый раз за деньги.",
        "Платим за лицензии модулей, которыми не пользуемся.",
        "Внедрение прошлой системы заняло полгода и так и не закончилось.",
    ),
    "data_residency": (
        "Служба безопасности требует хранить персональные данные в России.",
        "Зарубежный вендор ушёл с рынка, поддержки нет — держимся на старой версии.",
        "Без сертификатов и локального хранения безопасники не согласуют.",
    ),
    "self_hosted_burden": (
        "Бесплатный хелпдеск стоит на нашем сервере, обновлять его некому.",
        "Админ уволился, и теперь никто не знает, как у нас всё настроено.",
        "Бесплатная система обходится дорого: сисадмин тратит на неё по дню в неделю.",
    ),
}
_GAIN_QUOTES = {
    "faster_first_response": (
        "Хочу, чтобы клиент получал первый ответ за минуты, а не за часы.",
        "Быстрый первый ответ — это половина довольного клиента.",
    ),
    "csat_growth": (
        "Наша цель на год — поднять оценку поддержки.",
        "Хотим, чтобы клиенты перестали жаловаться на поддержку руководству.",
    ),
    "fewer_tickets": (
        "Хорошо бы, чтобы простые вопросы клиенты решали сами, через базу знаний.",
        "Меньше повторяющихся обращений — больше времени на сложные.",
    ),
    "manager_visibility": (
        "Хочу открыть утром дашборд и сразу видеть нагрузку и просрочки.",
        "Нужны цифры по отделу, чтобы защищать бюджет.",
    ),
    "quick_launch": (
        "Важно запуститься за неделю, без проекта внедрения.",
        "Хочу настроить всё сам, без программиста.",
    ),
    "predictable_cost": (
        "Нужна понятная цена за оператора, без сюрпризов в счёте.",
        "Бюджет утверждаем на год вперёд, стоимость должна быть предсказуемой.",
    ),
}
_LEADING_QUESTION_TEXT = ("Закрытый вопрос анкеты: «Насколько для вас важно запустить сервис-деск быстро, "
                          "без подрядчика?»")


def _make_survey_responses(ctx):
    """Исследование клиентов осенью 2025 года: интервью, анкета, пользовательские сессии.

    Строится из готовых таблиц accounts, leads и opportunities отдельным потоком
    случайных чисел, поэтому не меняет ни одной другой таблицы. Одна строка —
    одно закодированное высказывание (боль или выгода) одного респондента.
    """
    rng = ctx.rng["survey"]
    acc = ctx.tables["accounts"]
    opp = ctx.tables["opportunities"]
    leads = ctx.tables["leads"]
    day0 = np.datetime64(START_DATE, "D")

    def days(col):
        s = pd.to_datetime(col.replace("", np.nan))
        out = ((s.to_numpy().astype("datetime64[D]") - day0).astype("timedelta64[D]").astype(np.int64))
        return np.where(s.isna().to_numpy(), NA, out)

    def day_of(text):
        return int((np.datetime64(text, "D") - day0).astype(np.int64))

    n_acc = len(acc)
    since = days(acc["customer_since"])
    churned = days(acc["churned_on"])
    seg = acc["segment"].map(_SEG_IDX).to_numpy()
    acc_pos = pd.Series(np.arange(n_acc), index=acc["account_id"].to_numpy())
    # дата последнего проигрыша до окна (для «проигранных») и дата лида с MQL в 2025 году
    lost = opp[(opp["outcome"] == "lost") & (opp["close_date"] >= SURVEY_LOST_SINCE)]
    lost_day = np.full(n_acc, NA)
    if len(lost):
        ld = days(lost["close_date"])
        pos = acc_pos.loc[lost["account_id"].to_numpy()].to_numpy()
        np.maximum.at(lost_day, pos, ld)
    hot = leads[(leads["created_date"] >= "2025-01-01") & (leads["mql_date"] != "")
                & leads["mql_date"].notna()]
    has_lead = np.zeros(n_acc, dtype=bool)
    has_lead[acc_pos.loc[hot["account_id"].to_numpy()].to_numpy()] = True

    def relationship(d):
        """Код отношений компании с нами на день d (−1 — не в выборке)."""
        d = np.asarray(d)
        is_cust = (since != NA) & (since <= d) & ((churned == NA) | (churned > d))
        is_churned = (churned != NA) & (churned <= d)
        is_lost = ~is_cust & ~is_churned & (lost_day != NA) & (lost_day <= d)
        is_prospect = ~is_cust & ~is_churned & ~is_lost & has_lead & ((since == NA) | (since > d))
        rel = np.full(np.shape(is_cust), -1)
        for code, mask in enumerate((is_cust, is_churned, is_lost, is_prospect)):
            rel[mask] = code
        return rel

    rel_names = S.RELATIONSHIPS
    # --- анкета: рассылка всем, отвечает смещённая выборка ---------------------
    sent = day_of(SURVEY_SENT_DATE)
    rel_sent = relationship(np.full(n_acc, sent))
    rate = np.array([SURVEY_RESPONSE_RATE[r] for r in rel_names])
    p_reply = np.where(rel_sent >= 0, rate[np.maximum(rel_sent, 0)], 0.0)
    survey_acc = np.flatnonzero(rng.random(n_acc) < p_reply)
    survey_day = sent + rng.integers(0, SURVEY_REPLY_DAYS, len(survey_acc))
    # --- интервью: по квотам, с перекосом в крупных клиентов -------------------
    lo, hi = day_of(RESEARCH_WINDOW[0]), day_of(RESEARCH_WINDOW[1])
    rel_lo = relationship(np.full(n_acc, lo))
    w_seg = np.asarray(INTERVIEW_SEGMENT_WEIGHT)[seg]
    inter_acc = []
    for code, r in enumerate(rel_names):
        frame = np.flatnonzero(rel_lo == code)
        k = min(len(frame), max(1, int(round(INTERVIEW_TARGETS[r] * ctx.scale))))
        if k == 0:
            continue
        inter_acc.append(rng.choice(frame, size=k, replace=False, p=w_seg[frame] / w_seg[frame].sum()))
    inter_acc = np.concatenate(inter_acc) if inter_acc else np.array([], dtype=np.int64)
    # --- пользовательские сессии: операторы действующих клиентов ---------------
    frame = np.flatnonzero((rel_lo == 0) & (relationship(np.full(n_acc, hi)) == 0))  # клиент всё окно
    k = min(len(frame), max(1, int(round(USER_SESSIONS * ctx.scale))))
    sess_acc = rng.choice(frame, size=k, replace=False) if k else np.array([], dtype=np.int64)
    other_days = _to_workday(rng.integers(lo, hi + 1, len(inter_acc) + len(sess_acc)))
    other_days = np.minimum(other_days, hi)

    R_acc = np.concatenate([inter_acc, survey_acc, sess_acc]).astype(np.int64)
    R_day = np.concatenate([other_days[:len(inter_acc)], survey_day, other_days[len(inter_acc):]])
    R_method = np.concatenate([np.full(len(inter_acc), 0), np.full(len(survey_acc), 1),
                               np.full(len(sess_acc), 2)])                    # порядок S.RESEARCH_METHODS
    # отношения на день ответа (компания могла уйти между началом окна и интервью)
    R_rel = np.empty(len(R_acc), dtype=np.int64)
    for d in np.unique(R_day):
        m = R_day == d
        R_rel[m] = relationship(np.full(n_acc, d))[R_acc[m]]
    R_rel = np.maximum(R_rel, 0)
    n = len(R_acc)
    R_seg = seg[R_acc]
    role = np.full(n, 3)                                                     # operator
    for mcode, mname in ((0, "interview"), (1, "survey")):
        m = R_method == mcode
        role[m] = _choice_codes(rng, int(m.sum()), RESPONDENT_ROLE_MIX[mname])
    # --- боли --------------------------------------------------------------------
    seg_names = np.array(S.SEGMENTS, dtype=object)
    prob_key = np.where(R_method == 2, "user_session", seg_names[R_seg])
    P = np.array([PAIN_MENTION_PROB[k] for k in prob_key], dtype=float)
    I_base = np.array([PAIN_INTENSITY[k] for k in prob_key], dtype=float)
    integ = S.PAIN_CODES.index("integration_gaps")
    for rname, mult in INTEGRATION_PAIN_MULT.items():
        m = R_rel == rel_names.index(rname)
        P[m, integ] = np.minimum(P[m, integ] * mult, 0.95)
        I_base[m, integ] += 0.3
    I_base[R_rel == 0] += CUSTOMER_INTENSITY_SHIFT
    U = rng.random(P.shape)
    said = U < P
    none = ~said.any(axis=1)
    if none.any():
        pick = _choice_rows(rng, P[none])
        said[np.flatnonzero(none), pick] = True
    key = np.where(said, rng.random(P.shape), -1.0)
    keep_rank = np.argsort(np.argsort(-key, axis=1), axis=1) < MAX_PAINS
    said &= keep_rank
    intensity = np.clip(np.rint(I_base + rng.normal(0, PAIN_INTENSITY_NOISE, P.shape)), 1, 5)
    pr, pc = np.nonzero(said)
    pain_rows = pd.DataFrame({"r": pr, "type": 0, "code": np.array(S.PAIN_CODES, dtype=object)[pc],
                              "c": pc, "intensity": intensity[pr, pc].astype(np.int64), "prompted": False})
    # --- выгоды ------------------------------------------------------------------
    G = np.array([GAIN_MENTION_PROB[k] for k in prob_key], dtype=float)
    said_g = rng.random(G.shape) < G
    none = ~said_g.any(axis=1)
    if none.any():
        said_g[np.flatnonzero(none), _choice_rows(rng, G[none])] = True
    key = np.where(said_g, rng.random(G.shape), -1.0)
    said_g &= np.argsort(np.argsort(-key, axis=1), axis=1) < MAX_GAINS
    importance = np.clip(np.rint(np.asarray(GAIN_IMPORTANCE)[None, :]
                                 + rng.normal(0, PAIN_INTENSITY_NOISE, G.shape)), 1, 5)
    # наводящий вопрос анкеты: строка есть у каждого ответившего на анкету
    lq = S.GAIN_CODES.index(LEADING_QUESTION_GAIN)
    in_survey = R_method == 1
    prompted = in_survey & ~said_g[:, lq]
    said_g[prompted, lq] = True
    lead_imp = np.clip(np.rint(LEADING_QUESTION_IMPORTANCE + rng.normal(0, 0.6, n)), 1, 5)
    importance[prompted, lq] = lead_imp[prompted]
    gr, gc = np.nonzero(said_g)
    gain_rows = pd.DataFrame({"r": gr, "type": 1, "code": np.array(S.GAIN_CODES, dtype=object)[gc],
                              "c": gc, "intensity": importance[gr, gc].astype(np.int64),
                              "prompted": (gc == lq) & prompted[gr]})
    rows = pd.concat([pain_rows, gain_rows], ignore_index=True)
    # цитаты
    quotes = np.empty(len(rows), dtype=object)
    for code, group in rows.groupby("code").groups.items():
        pool = _PAIN_QUOTES.get(code) or _GAIN_QUOTES[code]
        idx = np.asarray(list(group))
        quotes[idx] = np.array(pool, dtype=object)[rng.integers(0, len(pool), len(idx))]
    quotes[rows["prompted"].to_numpy()] = _LEADING_QUESTION_TEXT
    rows["quote"] = quotes
    # готовность платить — одна на респондента (в каждой его строке)
    price_2025 = np.array([SEAT_PRICE[s] for s in S.SEGMENTS]) * (1 + PRICE_INCREASE_2025)
    factor = np.array([WTP_RELATIONSHIP_FACTOR[r] for r in rel_names])
    wtp = price_2025[R_seg] * factor[R_rel] * np.exp(rng.normal(0, WTP_SIGMA, n))
    wtp = np.round(wtp / 50) * 50
    has_wtp = (R_method != 2) & (rng.random(n) >= WTP_NO_ANSWER)
    # --- сборка: респонденты по дате, строки по типу и коду --------------------
    r_order = np.lexsort((R_acc, R_method, R_day))
    r_rank = np.empty(n, dtype=np.int64)
    r_rank[r_order] = np.arange(n)
    rows["rank"] = r_rank[rows["r"].to_numpy()]
    rows = rows.sort_values(["rank", "type", "c"], kind="stable").reset_index(drop=True)
    r = rows["r"].to_numpy()
    resp_ids = _ids("RS", n, 4)
    acc_ids = acc["account_id"].to_numpy()
    ctx.tables["survey_responses"] = pd.DataFrame({
        "response_id": _ids("SR", len(rows), 5),
        "respondent_id": resp_ids[rows["rank"].to_numpy()],
        "account_id": acc_ids[R_acc[r]],
        "date": _fmt_days(R_day[r]),
        "method": np.array(S.RESEARCH_METHODS, dtype=object)[R_method[r]],
        "respondent_role": np.array(S.RESPONDENT_ROLES, dtype=object)[role[r]],
        "relationship": np.array(rel_names, dtype=object)[R_rel[r]],
        "segment": acc["segment"].to_numpy()[R_acc[r]],
        "industry": acc["industry"].to_numpy()[R_acc[r]],
        "item_type": np.array(S.ITEM_TYPES, dtype=object)[rows["type"].to_numpy()],
        "code": rows["code"].to_numpy(),
        "quote": rows["quote"].to_numpy(),
        "intensity": rows["intensity"].to_numpy(),
        "prompted": rows["prompted"].to_numpy(dtype=bool),
        "wtp_rub": np.where(has_wtp[r], wtp[r], np.nan),
    })


# ==========================================================================
# Публичный интерфейс
# ==========================================================================

def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, float_format="%.2f", lineterminator="\n", encoding="utf-8")


def generate(out_dir, scale: float = 1.0, seed: int = DEFAULT_SEED,
             progress: bool = True) -> dict[str, pd.DataFrame]:
    """Сгенерировать все таблицы «Сфера Софт» и записать их в CSV.

    Параметры
    ---------
    out_dir : str | Path | None
        Папка для CSV-файлов (создаётся при необходимости). ``None`` — ничего
        не записывать, только вернуть таблицы.
    scale : float
        Масштаб объёмов: 1 — учебный набор (~20 тыс. лидов), 10 и 100 — для
        экспериментов с производительностью. Объёмы (лиды, пользователи,
        сотрудники, бюджеты) растут пропорционально.
    seed : int
        Зерно генератора случайных чисел. Одинаковые ``seed`` и ``scale``
        дают побайтно одинаковые файлы.
    progress : bool
        Показывать индикатор выполнения.

    Возвращает
    ----------
    dict[str, pandas.DataFrame]
        Таблицы в том виде, в каком они записаны в CSV (даты — строки
        ГГГГ-ММ-ДД). Для типизированных таблиц используйте
        :func:`salesbook.data.load`.
    """
    if not scale > 0:
        raise ValueError(f"Масштаб должен быть положительным числом, получено: {scale!r}")
    ctx = _Ctx()
    ctx.scale = float(scale)
    ctx.tables = {}
    # Новый поток дописывается в конец: SeedSequence.spawn выдаёт прежним потокам те же
    # зёрна, поэтому добавленная таблица не меняет ни байта в остальных.
    names = ("reps", "names", "spend", "leads", "sequence", "accounts", "opps", "mrr", "usage",
             "tickets", "b2c", "experiments", "costs", "survey")
    ss = np.random.SeedSequence([int(seed), int(round(scale * 1_000_000))])
    ctx.rng = {nm: np.random.default_rng(ch) for nm, ch in zip(names, ss.spawn(len(names)))}
    steps = [
        ("сотрудники", _make_reps),
        ("маркетинговые бюджеты", _make_marketing_spend),
        ("лиды", _make_lead_skeleton),
        ("цепочки касаний SDR", _simulate_sequences),
        ("сделки", _make_opportunities),
        ("компании", _assign_accounts),
        ("таблицы сделок и лидов", _make_opportunity_and_lead_tables),
        ("MRR клиентов", _simulate_customers),
        ("использование и поддержка", _make_usage_and_tickets),
        ("таблица компаний", _make_accounts_table),
        ("активности", _make_activities_table),
        ("A/B-тесты писем", _make_email_experiments),
        ("B2C-пользователи и покупки", _make_b2c),
        ("расходы на продажи и маркетинг", _make_sm_costs),
        ("себестоимость", _make_cogs),
        ("исследование клиентов", _make_survey_responses),
    ]
    bar = tqdm(total=len(steps) + 1, desc="Генерация", disable=not progress, unit="шаг",
               file=sys.stderr)
    for label, fn in steps:
        bar.set_description(f"Генерация: {label}")
        fn(ctx)
        bar.update(1)
    tables = {t: ctx.tables[t][S.columns(t)] for t in S.TABLES}
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        bar.set_description("Генерация: запись CSV")
        for t, df in tables.items():
            _write_csv(df, out / f"{t}.csv")
    bar.update(1)
    bar.close()
    return tables


def main(argv=None) -> int:
    """Точка входа командной строки: ``python -m salesbook.data.generate``."""
    p = argparse.ArgumentParser(
        prog="python -m salesbook.data.generate",
        description="Генерация учебного набора данных компании «Сфера Софт» (CSV-файлы).",
        add_help=False)
    p._optionals.title = "параметры"
    p.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
    p.add_argument("--scale", type=float, default=1.0,
                   help="масштаб объёмов: 1 — учебный набор, 10 или 100 — большие наборы "
                        "(по умолчанию 1)")
    p.add_argument("--out", default="datasets", help="папка для CSV-файлов (по умолчанию datasets)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED,
                   help=f"зерно генератора (по умолчанию {DEFAULT_SEED})")
    p.add_argument("--quiet", action="store_true", help="не показывать индикатор выполнения")
    args = p.parse_args(argv)
    if args.scale <= 0:
        p.error("масштаб должен быть положительным числом")
    tables = generate(args.out, scale=args.scale, seed=args.seed, progress=not args.quiet)
    total = sum(len(df) for df in tables.values())
    print(f"Готово: {len(tables)} таблиц, {total:,} строк записано в «{args.out}».".replace(",", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
