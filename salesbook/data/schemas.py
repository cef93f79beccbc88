"""Схемы таблиц учебного набора данных «Сфера Софт».

Здесь в одном месте описано всё, что известно о каждой таблице:
столбцы, их типы, единицы измерения, допустимые значения, уникальность,
обязательность, проверки на уровне всей таблицы и внешние ключи.
Из этих описаний строятся схемы pandera (``SCHEMAS``), которыми
:func:`salesbook.data.load` проверяет и приводит к нужным типам CSV-файлы.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine

# --------------------------------------------------------------------------
# Справочники кодов (используются и генератором, и схемами)
# --------------------------------------------------------------------------

INDUSTRIES = ("retail", "finance", "it", "manufacturing", "logistics",
              "education", "healthcare", "public_sector")
SEGMENTS = ("smb", "mid_market", "enterprise")
# Каталог «Сферы Деск» (раздел 9.3): редакции, модули, события движения MRR по продуктам
PRODUCT_CODES = ("start", "itsm", "corp", "telephony", "messengers", "portal", "sla_analytics", "secure", "ai_assist")
PRODUCT_KINDS = ("edition", "module")
PRODUCT_EVENTS = ("new", "seats_added", "upsell_deal", "module", "indexation", "seats_removed", "churn")
REGIONS = ("moscow", "spb", "regions", "cis")
BUSINESS_LINES = ("b2b", "b2c")
B2B_CHANNELS = ("content", "ppc", "events", "social", "partners", "outbound")
B2C_CHANNELS = ("app_ads", "social", "influencers", "aso")
LEAD_CHANNELS = B2B_CHANNELS + ("organic",)
B2C_ACQUISITION_CHANNELS = B2C_CHANNELS + ("organic",)
DEPARTMENTS = ("sales", "marketing", "customer_success")
EXIT_REASONS = ("voluntary", "performance")
SALARY_CHANGE_REASONS = ("hire", "review")
SM_COST_TYPES = ("salary", "bonus", "payroll_tax", "tools", "overhead", "agency")
ROLES = ("SDR", "BDR", "AE", "SE", "CSM", "manager")
PAY_COMPONENTS = ("ae_commission", "sql_meeting_bonus", "se_commission", "manager_override",
                  "csm_expansion_bonus")
PAY_BASES = ("won_acv", "sql_meetings", "won_acv_supported", "won_acv_all", "annual_expansion")
PAY_SPLITS = ("owner", "equal_among_employed")
PAY_CONDITIONS = ("employed_on_close_date", "employed_on_meeting_date", "employed_in_month", "none")
PAY_TIMINGS = ("close_month", "meeting_month", "expansion_month")
COST_ROLES = ROLES + ("marketer",)
JOB_TITLE_LEVELS = ("c_level", "vp", "head", "manager", "specialist")
LEAD_STATUSES = ("new", "mql", "sql", "disqualified", "converted")
DISQUALIFY_REASONS = ("no_budget", "no_need", "wrong_contact", "competitor_contract", "no_response")
OPEN_STAGES = ("discovery", "demo", "proposal", "negotiation")
STAGES = OPEN_STAGES + ("closed_won", "closed_lost")
OUTCOMES = ("won", "lost", "open")
LOSS_REASONS = ("price", "competitor", "no_decision", "timing", "missing_features")
COMPETITORS = ("helppro", "servicebox", "globalitsm", "opendesk", "etalonitsm")
MEDDIC_COLUMNS = ("meddic_metrics", "meddic_economic_buyer", "meddic_decision_criteria",
                  "meddic_decision_process", "meddic_identify_pain", "meddic_champion")
ACTIVITY_TYPES = ("call", "email", "meeting", "telegram", "whatsapp")
CALL_OPENERS = ("permission", "problem", "referral")
EMAIL_TEMPLATES = ("welcome_followup", "case_study", "roi_calc", "cold_intro",
                   "pain_question", "breakup")
ACTIVITY_OUTCOMES = {
    "call": ("no_answer", "connected", "meeting_booked", "not_interested"),
    "email": ("sent", "opened", "replied", "bounced", "meeting_booked"),
    "meeting": ("held", "no_show"),
    "telegram": ("sent", "read", "replied", "meeting_booked"),
    "whatsapp": ("sent", "read", "replied", "meeting_booked"),
}
ALL_ACTIVITY_OUTCOMES = tuple(dict.fromkeys(o for v in ACTIVITY_OUTCOMES.values() for o in v))
EXPERIMENT_VARIANTS = ("A", "B", "C")
TICKET_PRIORITIES = ("low", "normal", "high", "critical")
BILLING_PERIODS = ("annual", "monthly")
# 9.2: счета клиентов и сценарии спасения
INVOICE_KINDS = ("annual", "coterm", "monthly")
SAVE_PLAY_PROGRAMS = ("csm_choice", "rct")
SAVE_PLAY_GROUPS = ("play", "control")
TICKET_CATEGORIES = ("bug", "question", "integration", "billing", "feature_request")
COGS_TYPES = ("hosting", "support_team", "payment_fees", "licenses")
PLATFORMS = ("ios", "android", "web")
B2C_PAYMENT_CHANNELS = ("app_store", "rustore", "web_card", "sbp")
B2C_PRODUCTS = ("monthly_sub", "annual_sub", "pro_pack")
# Исследование клиентов (survey_responses)
RESEARCH_METHODS = ("interview", "survey", "user_session")
RESPONDENT_ROLES = ("support_head", "it_head", "executive", "operator")
RELATIONSHIPS = ("customer", "churned", "lost_prospect", "prospect")
ITEM_TYPES = ("pain", "gain")
PAIN_CODES = ("sla_breaches", "channel_chaos", "no_reporting", "repetitive_questions",
              "slow_onboarding", "integration_gaps", "legacy_tool_cost", "data_residency",
              "self_hosted_burden")
GAIN_CODES = ("faster_first_response", "csat_growth", "fewer_tickets", "manager_visibility",
              "quick_launch", "predictable_cost")
# Домены для исходящих писем BDR (mailboxes, раздел 6.2)
MAILBOX_DOMAINS = ("sfera-desk.ru", "sferadesk.ru", "sfera-servicedesk.ru")
# 2.3 «Account-based подходы»: роли комитета покупателя, кто вовлёк контакт, уровни ABM
BUYING_ROLES = ("economic_buyer", "champion", "end_user", "it_security", "procurement", "finance", "executive")
ENGAGED_BY = ("marketing", "sdr", "ae", "se")
ABM_TIERS = ("one_to_one", "one_to_few", "one_to_many")
# 8.1: черновики AI-ассистента
GENAI_USE_CASES = ("followup_email", "call_summary", "account_research")
GENAI_LABELS = ("ok", "fact", "pii", "tone", "promise")
GENAI_DEFECT_DETAILS = ("amount", "date", "competitor", "headcount", "feature", "phone", "email", "other_client",
                        "name_only", "emoji", "familiar", "pressure", "subtle", "discount", "sla", "free_work")
# Обучение и сертификации (trainings, certifications) — раздел 5.2
TRAINING_PROGRAMMES = ("onboarding", "meddic", "discovery_spin", "objection_handling", "negotiation")
TRAINING_REASONS = ("new_hire", "team_rollout", "lowest_win_rate")
TRAINING_FORMATS = ("internal", "external", "online")
CERT_SESSIONS = ("new_hire", "recertification")
# Social selling (social_posts)
SOCIAL_PLATFORMS = ("telegram", "vk", "vc_ru", "habr", "community", "event_talk")
POST_FORMATS = ("expert", "case", "how_to", "news", "promo")
# 9.1: вехи внедрения новых клиентов (onboarding_milestones)
ONBOARDING_MILESTONES = ("kickoff", "admin_setup", "integrations", "data_migration", "training", "first_value",
                         "go_live")
ONBOARDING_OWNERS = ("csm", "client_admin", "se")
# Записи звонков AE (calls, call_turns) — раздел 7.4.2
CALL_TYPES = ("discovery", "demo")
CALL_SPEAKERS = ("rep", "client", "other")
CALL_LABELS = ("small_talk", "question", "answer", "pitch", "pricing", "competitor", "objection",
               "next_step", "vague_close", "agree")

# Верх воронки (touches, web_traffic) — раздел 2.1
TOUCH_SOURCES = ("yandex", "google", "vk", "telegram", "vc_ru", "habr", "email", "event", "partner",
                 "direct", "referral", "outbound")
TOUCH_MEDIUMS = ("cpc", "organic", "social", "content", "email", "event", "partner", "referral",
                 "direct", "outbound")
TOUCH_TYPES = ("session", "content_download", "webinar", "event_visit", "email_click", "form",
               "demo_request", "trial_signup", "partner_referral", "bdr_contact")
TOUCH_CAMPAIGNS = ("desk_generic", "desk_brand", "desk_competitors", "desk_retarget", "vk_leadform",
                   "vk_retarget", "tg_ads_it", "guide_sla", "case_study", "habr_blog", "tg_channel",
                   "digest", "nurture", "webinar", "conference", "meetup", "partner_program", "bdr_list")
WEB_SOURCES = TOUCH_SOURCES[:-1] + ("wordstat",)
WEB_MEDIUMS = TOUCH_MEDIUMS[:-1] + ("brand_query",)
# Карьерные события (раздел 5.4)
CAREER_EVENT_TYPES = ("hire", "review", "exit", "transfer_out")
CAREER_GRADES = ("specialist", "senior", "team_lead", "head")
CAREER_ORIGINS = ("external", "support", "implementation", "product")
CAREER_DESTINATIONS = ("partnerships", "product", "marketing", "support", "implementation")

# --- 7.2 «Sales Enablement и Engagement»: материалы продаж ---
CONTENT_ASSET_TYPES = ("case_study", "battlecard", "roi_calculator", "security_pack", "pricing", "demo_script",
                       "objection_playbook", "video", "whitepaper", "implementation_plan")
CONTENT_AUDIENCES = ("buyer", "internal")
CONTENT_OWNER_TEAMS = ("product_marketing", "enablement", "presale", "security")
CONTENT_FORMATS = ("pdf", "web_page", "spreadsheet", "doc", "slides", "video")

# Границы сегментов по числу сотрудников: smb < 100, mid_market 100–999, enterprise ≥ 1000
# Партнёрская программа (раздел 6.3)
PARTNER_TYPES = ("referral", "reseller", "integrator", "marketplace")
PARTNER_TIERS = ("registered", "silver", "gold")
PARTNER_ROLES = ("sourced", "influenced")
SEGMENT_EMPLOYEE_BOUNDS = {"smb": (1, 99), "mid_market": (100, 999), "enterprise": (1000, 10**7)}
# Рекламные кабинеты и статьи (раздел 6.1)
AD_PLATFORMS = ("yandex_direct", "vk_ads", "telegram_ads")
AD_CAMPAIGN_TYPES = ("search_brand", "search_generic", "network", "retargeting", "feed", "channels")
AD_CHANNELS = ("ppc", "social")
AD_BILLING = ("cpc", "cpm")
ARTICLE_OUTLETS = ("blog", "vc_ru", "habr")
ARTICLE_TOPICS = ("itsm_basics", "sla", "case_study", "comparison", "automation", "self_service")
# 5.1 «Рекрутинг и онбординг»: вакансии, источники кандидатов, этапы найма, структурированное интервью
CANDIDATE_SOURCES = ("hh_ru", "superjob", "habr_career", "telegram", "referral", "agency", "internal")
CANDIDATE_STAGES = ("applied", "screen", "interview", "final", "offer", "accepted")
VACANCY_STATUSES = ("filled", "cancelled", "open")
# 9.4 «Advocacy и рекомендации»: программа клиентов-референсов
REFERENCE_SCOPES = ("call", "call_case", "call_case_logo")
REFERENCE_LEFT_REASONS = ("churned", "withdrew")
REFERENCE_REQUEST_STATUSES = ("call_held", "declined", "no_reference")
REJECTED_BY = ("company", "candidate")
INTERVIEWER_ROLES = ("hiring_manager", "peer", "hr")
COMPETENCIES = ("discovery", "objection_handling", "written_communication", "product_understanding",
                "coachability", "motivation")

# Русские названия кодов по группам — для README, графиков и отчётов
CODE_NAMES: dict[str, dict[str, str]] = {
    "industry": {"retail": "розничная торговля", "finance": "финансы", "it": "ИТ",
                 "manufacturing": "производство", "logistics": "логистика",
                 "education": "образование", "healthcare": "здравоохранение",
                 "public_sector": "госсектор"},
    "segment": {"smb": "малый бизнес (до 100 сотрудников)",
                "mid_market": "средний бизнес (100–999 сотрудников)",
                "enterprise": "крупный бизнес (от 1000 сотрудников)"},
    "region": {"moscow": "Москва", "spb": "Санкт-Петербург", "regions": "регионы России",
               "cis": "СНГ"},
    "business_line": {"b2b": "B2B — «Сфера Деск»", "b2c": "B2C — «Сфера Планер»"},
    "channel": {"content": "контент-маркетинг (статьи, вебинары, гайды)",
                "ppc": "контекстная реклама", "events": "мероприятия и конференции",
                "social": "реклама в соцсетях", "partners": "партнёры и интеграторы",
                "outbound": "исходящие продажи (холодный обзвон и рассылки)",
                "organic": "органика: поиск, рекомендации, прямые заходы",
                "app_ads": "реклама в магазинах приложений и мобильных сетях",
                "influencers": "блогеры", "aso": "оптимизация в магазинах приложений (ASO)"},
    "department": {"sales": "продажи", "marketing": "маркетинг",
                   "customer_success": "успех клиентов (CS)"},
    "cost_type": {"salary": "оклад", "bonus": "премии и комиссии",
                  "payroll_tax": "страховые взносы", "tools": "сервисы и инструменты",
                  "overhead": "офис и техника", "agency": "агентские услуги",
                  "hosting": "хостинг и инфраструктура", "support_team": "команда поддержки",
                  "payment_fees": "комиссии платёжных систем и магазинов приложений",
                  "licenses": "сторонние лицензии"},
    "role": {"SDR": "SDR — квалификация входящих лидов", "BDR": "BDR — исходящие продажи",
             "AE": "AE — менеджер по продажам, ведёт сделки", "SE": "SE — пресейл-инженер",
             "CSM": "CSM — менеджер по успеху клиентов", "manager": "руководитель",
             "marketer": "маркетолог"},
    "job_title_level": {"c_level": "первое лицо (CEO, CIO, CFO)", "vp": "вице-президент, директор",
                        "head": "руководитель направления", "manager": "менеджер",
                        "specialist": "специалист"},
    "status": {"new": "новый (ещё не квалифицирован или в прогреве)",
               "mql": "MQL — интерес подтверждён маркетингом", "sql": "SQL — принят продажами",
               "disqualified": "дисквалифицирован", "converted": "создана сделка"},
    "disqualify_reason": {"no_budget": "нет бюджета", "no_need": "нет потребности",
                          "wrong_contact": "неверный контакт",
                          "competitor_contract": "действующий договор с конкурентом",
                          "no_response": "не отвечает"},
    "stage": {"discovery": "выявление потребностей", "demo": "демонстрация",
              "proposal": "коммерческое предложение", "negotiation": "переговоры",
              "closed_won": "выиграна", "closed_lost": "проиграна"},
    "outcome": {"won": "выиграна", "lost": "проиграна", "open": "открыта"},
    "loss_reason": {"price": "цена", "competitor": "выбрали конкурента",
                    "no_decision": "решение не принято", "timing": "не сейчас (сроки)",
                    "missing_features": "не хватает функций"},
    "competitor": {"helppro": "«ХелпПро» — российский сервис-деск для малого бизнеса",
                   "servicebox": "«СервисБокс» — российская ITSM-платформа",
                   "globalitsm": "«ГлобалITSM» — международная ITSM-система",
                   "opendesk": "«ОпенДеск» — бесплатный open-source хелпдеск"},
    "type": {"call": "звонок", "email": "письмо", "meeting": "встреча",
             "telegram": "сообщение в Telegram", "whatsapp": "сообщение в WhatsApp"},
    "call_opener": {"permission": "«Удобно говорить?» — просьба о разрешении",
                    "problem": "с гипотезы о проблеме клиента",
                    "referral": "со ссылки на общего знакомого или клиента"},
    "email_template": {"welcome_followup": "ответ на заявку", "case_study": "кейс клиента",
                       "roi_calc": "расчёт окупаемости", "cold_intro": "холодное знакомство",
                       "pain_question": "вопрос о боли", "breakup": "«последнее письмо»"},
    "activity_outcome": {"no_answer": "не дозвонились", "connected": "поговорили",
                         "meeting_booked": "назначена встреча", "not_interested": "не интересно",
                         "sent": "отправлено", "opened": "открыто", "replied": "ответ",
                         "bounced": "не доставлено", "held": "состоялась", "no_show": "неявка",
                         "read": "прочитано без ответа"},
    "priority": {"low": "низкий", "normal": "обычный", "high": "высокий",
                 "critical": "критический"},
    "category": {"bug": "ошибка", "question": "вопрос", "integration": "интеграция",
                 "billing": "оплата и документы", "feature_request": "запрос функции"},
    "platform": {"ios": "iOS", "android": "Android", "web": "веб"},
    # 9.1: вехи внедрения и их владельцы
    "milestone": {"kickoff": "стартовая встреча (kickoff)", "admin_setup": "настройка: операторы, очереди, каналы",
                  "integrations": "интеграции: 1С, CRM, телефония", "data_migration": "перенос истории обращений",
                  "training": "обучение операторов", "first_value": "первое обращение решено в «Сфере Деск»",
                  "go_live": "запуск: вся поддержка в «Сфере Деск»"},
    "owner_role": {"csm": "CSM", "client_admin": "администратор клиента", "se": "SE или партнёр-интегратор"},
    "payment_channel": {"app_store": "App Store (в России — со счёта мобильного телефона)",
                        "rustore": "платежи RuStore внутри Android-приложения",
                        "web_card": "банковская карта на сайте (интернет-эквайринг)",
                        "sbp": "Система быстрых платежей (СБП) на сайте"},
    "product": {"monthly_sub": "месячная подписка", "annual_sub": "годовая подписка",
                "pro_pack": "«Про-пакет» (разовая покупка)"},
    "method": {"interview": "глубинное интервью", "survey": "анкета",
               "user_session": "пользовательская сессия (наблюдение за работой оператора)"},
    "respondent_role": {"support_head": "руководитель поддержки", "it_head": "ИТ-директор",
                        "executive": "первое лицо или финансовый директор",
                        "operator": "оператор поддержки"},
    "relationship": {"customer": "действующий клиент", "churned": "ушедший клиент",
                     "lost_prospect": "проигранная сделка", "prospect": "потенциальный клиент"},
    "item_type": {"pain": "боль", "gain": "желаемая выгода"},
    # верх воронки (touches, web_traffic)
    "source": {"yandex": "Яндекс (Директ или поиск)", "google": "Google (поиск; реклама Google в России "
               "не работает с 2022 года)", "vk": "VK (VK Реклама и сообщества)",
               "telegram": "Telegram (Telegram Ads и свой канал)", "vc_ru": "vc.ru (статьи)",
               "habr": "Хабр (статьи и блог компании)", "email": "письма рассылки",
               "event": "мероприятие (конференция, митап)", "partner": "партнёр-интегратор",
               "direct": "прямой заход (адрес набран или из закладок)",
               "referral": "переход по ссылке с чужого сайта, рекомендация",
               "outbound": "контакт найден BDR (запись CRM, не визит)",
               "wordstat": "статистика запросов Яндекса (Wordstat)"},
    "medium": {"cpc": "платный поиск, оплата за клик", "organic": "органический поиск",
               "social": "реклама в соцсетях и мессенджерах", "content": "контент: статьи, гайды, канал",
               "email": "рассылка", "event": "мероприятие", "partner": "партнёр", "referral": "ссылка, рекомендация",
               "direct": "прямой заход", "outbound": "исходящие продажи",
               "brand_query": "брендовый спрос: запросы названия продукта"},
    # раздел 6.1: рекламные кабинеты и статьи
    "ad_platform": {"yandex_direct": "Яндекс Директ", "vk_ads": "VK Реклама (VK Ads)",
                    "telegram_ads": "Telegram Ads"},
    "campaign": {"search_brand": "поиск по брендовым запросам", "search_generic": "поиск по общим запросам",
                 "network": "Рекламная сеть Яндекса (РСЯ)", "retargeting": "ретаргетинг",
                 "feed": "лента соцсети", "channels": "реклама в каналах Telegram"},
    "billing": {"cpc": "оплата за клик", "cpm": "оплата за 1000 показов"},
    "outlet": {"blog": "блог на сайте", "vc_ru": "vc.ru", "habr": "Хабр"},
    "topic": {"itsm_basics": "основы ITSM", "sla": "SLA поддержки", "case_study": "кейс клиента",
              "comparison": "сравнение решений", "automation": "автоматизация поддержки",
              "self_service": "самообслуживание и база знаний"},
    "touch_type": {"session": "визит на сайт", "content_download": "скачал материал (гайд, чек-лист)",
                   "webinar": "был на вебинаре", "event_visit": "подошёл к стенду или на встречу на мероприятии",
                   "email_click": "клик из письма рассылки (визит на сайт)",
                   "form": "заявка или подписка через форму на сайте", "demo_request": "запросил демо",
                   "trial_signup": "зарегистрировал пробный период",
                   "partner_referral": "партнёр передал контакт", "bdr_contact": "BDR внёс контакт в CRM"},
    "code": {"sla_breaches": "срывы SLA, заявки теряются и висят",
             "channel_chaos": "обращения разбросаны по каналам",
             "no_reporting": "нет отчётности для руководства",
             "repetitive_questions": "одни и те же вопросы",
             "slow_onboarding": "новые операторы долго входят в работу",
             "integration_gaps": "нет интеграций с CRM, 1С, телефонией",
             "legacy_tool_cost": "текущая система дорогая и требует подрядчика",
             "data_residency": "данные нужно хранить в России",
             "self_hosted_burden": "некому обслуживать свой сервер с хелпдеском",
             "faster_first_response": "быстрый первый ответ клиенту",
             "csat_growth": "рост удовлетворённости клиентов (CSAT)",
             "fewer_tickets": "меньше обращений благодаря самообслуживанию",
             "manager_visibility": "руководитель видит нагрузку и SLA",
             "quick_launch": "запуск за дни, без подрядчика",
             "predictable_cost": "предсказуемая стоимость"},
    "social_platform": {"telegram": "Telegram-канал (личный или компании)", "vk": "VK",
                        "vc_ru": "vc.ru", "habr": "Хабр",
                        "community": "профессиональный чат или сообщество",
                        "event_talk": "выступление на мероприятии"},
    "post_format": {"expert": "экспертный пост", "case": "кейс клиента с цифрами",
                    "how_to": "инструкция, разбор", "news": "новость", "promo": "реклама: цена, акция, призыв купить"},
    # 5.2 «Обучение и сертификации»
    "training_programme": {"onboarding": "онбординг новичка", "meddic": "квалификация по MEDDIC",
                           "discovery_spin": "SPIN и discovery", "objection_handling": "работа с возражениями",
                           "negotiation": "переговоры"},
    "training_reason": {"new_hire": "новичок", "team_rollout": "волна для всей роли",
                        "lowest_win_rate": "самый низкий win rate прошлого квартала"},
    "training_format": {"internal": "внутренний курс", "external": "внешний тренинг", "online": "онлайн-курс"},
    "cert_session": {"new_hire": "новичок после онбординга", "recertification": "плановая пересертификация"},
    # 7.2 «Sales Enablement и Engagement»: материалы продаж
    "asset_type": {"case_study": "кейс клиента", "battlecard": "battlecard по конкуренту",
                   "roi_calculator": "ROI-калькулятор", "security_pack": "пакет для службы безопасности (152-ФЗ)",
                   "pricing": "прайс-лист", "demo_script": "сценарий демо", "objection_playbook": "плейбук возражений",
                   "video": "видеообзор", "whitepaper": "гайд (whitepaper)",
                   "implementation_plan": "план внедрения"},
    "audience": {"buyer": "покупателю", "internal": "внутренний, для продавца"},
    "owner_team": {"product_marketing": "продуктовый маркетинг", "enablement": "sales enablement",
                   "presale": "пресейл", "security": "информационная безопасность и юристы"},
    "format": {"pdf": "PDF", "web_page": "страница базы знаний", "spreadsheet": "таблица", "doc": "документ",
               "slides": "презентация", "video": "видео"},
}


# --------------------------------------------------------------------------
# Описание столбцов
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """Описание одного столбца таблицы."""

    name: str
    kind: str  # id | str | cat | int | float | money | date | month | bool
    description: str
    nullable: bool = False
    unique: bool = False
    values: tuple | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    example: str = ""


_ID_EXAMPLES = {"A": "A00001", "R": "R001", "L": "L000001", "O": "O00001", "AC": "AC000001",
                "TK": "TK000001", "U": "U0000001", "P": "P0000001", "SR": "SR00001",
                "RS": "RS0001", "PT": "PT001", "T": "T000001", "SP": "SP00001"}
_ID_EXAMPLES["EM"] = "EM00001"   # 7.4.1: письма outreach_emails
# Сырые записи CRM (раздел 7.1)
_ID_EXAMPLES["CT"] = "CT00001"
CRM_SOURCES = ("web_form", "event_import", "manual", "billing", "chat", "partner")
_ID_EXAMPLES.update({"CH": "CH00001", "VB": "VB00001"})   # 7.4.4 и 8.2: чаты и звонки голосового бота
_ID_EXAMPLES.update({"IN": "IN000001", "SV": "SV00001"})  # 9.2: счета и сценарии спасения
_ID_EXAMPLES.update({"RF": "RF00001", "RQ": "RQ0001"})     # 9.4: приглашения реферальной программы и просьбы о референсе


def _id(name: str, prefix: str, description: str, *, unique: bool = False,
        nullable: bool = False) -> Field:
    return Field(name, "id", description, nullable=nullable, unique=unique,
                 pattern=rf"^{prefix}\d{{3,}}$", example=_ID_EXAMPLES[prefix])


def _money(name: str, description: str, *, nullable: bool = False) -> Field:
    return Field(name, "money", description, nullable=nullable, min=0.0)


_MEDDIC_NAMES = ("метрики (Metrics)", "экономический покупатель (Economic buyer)",
                 "критерии решения (Decision criteria)", "процесс решения (Decision process)",
                 "боль (Identify pain)", "чемпион (Champion)")


def _meddic_fields(when: str = "") -> tuple[Field, ...]:
    return tuple(Field(c, "int", f"MEDDIC{when} — {d}: 0 — нет подтверждений, 1 — частично, 2 — подтверждено",
                       values=(0, 1, 2)) for c, d in zip(MEDDIC_COLUMNS, _MEDDIC_NAMES))


_MEDDIC_FIELDS = _meddic_fields()

TABLE_FIELDS: dict[str, tuple[Field, ...]] = {
    "accounts": (
        _id("account_id", "A", "идентификатор компании", unique=True),
        Field("company_name", "str", "название компании (вымышленное)", unique=True),
        Field("industry", "cat", "отрасль", values=INDUSTRIES),
        Field("segment", "cat", "сегмент по размеру", values=SEGMENTS),
        Field("employees", "int", "число сотрудников", min=1),
        Field("region", "cat", "регион", values=REGIONS),
        Field("customer_since", "date", "дата подписания первого договора (пусто — не клиент)",
              nullable=True),
        Field("churned_on", "date", "дата ухода клиента (пусто — не уходил)", nullable=True),
    ),
    "marketing_spend": (
        Field("month", "month", "месяц (первое число)"),
        Field("business_line", "cat", "направление бизнеса", values=BUSINESS_LINES),
        Field("channel", "cat", "маркетинговый канал",
              values=tuple(dict.fromkeys(B2B_CHANNELS + B2C_CHANNELS))),
        Field("segment", "cat", "целевой сегмент бюджета B2B (у B2C — пусто)", values=SEGMENTS, nullable=True),
        _money("spend_rub", "медиарасходы за месяц, ₽"),
    ),
    "sm_costs": (
        Field("month", "month", "месяц (первое число)"),
        Field("department", "cat", "подразделение", values=DEPARTMENTS),
        Field("cost_type", "cat", "статья затрат", values=SM_COST_TYPES),
        Field("role", "cat", "роль (только для salary и bonus)", values=COST_ROLES, nullable=True),
        _money("amount_rub", "сумма за месяц, ₽"),
    ),
    "reps": (
        _id("rep_id", "R", "идентификатор сотрудника", unique=True),
        Field("full_name", "str", "ФИО (вымышленное)"),
        Field("role", "cat", "роль", values=ROLES),
        Field("team", "cat", "команда (сегмент); пусто — общий пул", values=SEGMENTS, nullable=True),
        Field("hire_date", "date", "дата найма"),
        Field("exit_date", "date", "дата увольнения (пусто — работает)", nullable=True),
        Field("exit_reason", "cat", "причина увольнения: по собственному желанию или за результат "
                                    "(пусто — работает)", values=EXIT_REASONS, nullable=True),
        _money("base_salary_rub", "текущий оклад в месяц, ₽ (у уволившихся — последний; история — в salary_history)"),
        _money("annual_quota_rub", "годовой план по новым контрактам (только AE) в последнем году работы, ₽ "
                                     "(история по годам — в ae_quotas)", nullable=True),
        Field("ramp_months", "int", "срок выхода на полную продуктивность, мес.", min=0, max=24),
    ),
    "leads": (
        _id("lead_id", "L", "идентификатор лида", unique=True),
        _id("account_id", "A", "компания лида"),
        Field("created_date", "date", "дата появления лида"),
        Field("business_line", "cat", "направление (всегда b2b)", values=("b2b",)),
        Field("channel", "cat", "канал привлечения", values=LEAD_CHANNELS),
        Field("segment", "cat", "сегмент компании", values=SEGMENTS),
        Field("industry", "cat", "отрасль компании", values=INDUSTRIES),
        Field("employees", "int", "число сотрудников компании", min=1),
        Field("job_title_level", "cat", "уровень должности контакта", values=JOB_TITLE_LEVELS),
        Field("website_visits", "int", "визитов на сайт до появления лида", min=0),
        Field("pages_viewed", "int", "просмотренных страниц", min=0),
        Field("content_downloads", "int", "скачанных материалов", min=0),
        Field("webinar_attended", "bool", "был на вебинаре"),
        Field("demo_requested", "bool", "запросил демо"),
        Field("email_opens", "int", "открытых писем рассылки", min=0),
        Field("trial_started", "bool", "лид — регистрация пробного периода на сайте (малый бизнес, без SDR)"),
        _id("sdr_id", "R", "SDR/BDR, который работал лид (пусто — не работали)", nullable=True),
        Field("mql_date", "date", "дата перевода в MQL", nullable=True),
        Field("sql_date", "date", "дата перевода в SQL", nullable=True),
        Field("status", "cat", "текущий статус", values=LEAD_STATUSES),
        Field("disqualify_reason", "cat", "причина дисквалификации", values=DISQUALIFY_REASONS,
              nullable=True),
        _id("opportunity_id", "O", "сделка, созданная из лида", nullable=True, unique=True),
    ),
    "opportunities": (
        _id("opportunity_id", "O", "идентификатор сделки", unique=True),
        _id("lead_id", "L", "исходный лид", unique=True),
        _id("account_id", "A", "компания"),
        _id("owner_id", "R", "ответственный AE"),
        _id("se_id", "R", "пресейл-инженер (SE)", nullable=True),
        Field("segment", "cat", "сегмент", values=SEGMENTS),
        Field("created_date", "date", "дата создания сделки"),
        Field("close_date", "date", "дата закрытия (пусто — открыта)", nullable=True),
        Field("stage", "cat", "текущая стадия", values=STAGES),
        Field("outcome", "cat", "итог", values=OUTCOMES),
        _money("amount_rub", "годовая стоимость контракта (ACV), ₽"),
        Field("loss_reason", "cat", "причина проигрыша", values=LOSS_REASONS, nullable=True),
        Field("competitor", "cat", "конкурент в сделке", values=COMPETITORS, nullable=True),
        Field("replaced_system", "cat", "система, с которой клиент переходит (пусто — почта и таблицы)",
              values=COMPETITORS, nullable=True),
        *_MEDDIC_FIELDS,
        Field("notes", "str", "заметки AE (свободный текст)"),
    ),
    "opportunity_stages": (
        _id("opportunity_id", "O", "сделка"),
        Field("stage", "cat", "стадия", values=STAGES),
        Field("entered_date", "date", "дата входа в стадию"),
        *_meddic_fields(" на входе в стадию (в строке закрытия — итоговая запись)"),
    ),
    "mrr": (
        Field("month", "month", "месяц (первое число)"),
        _id("account_id", "A", "компания-клиент"),
        Field("billing", "cat", "план оплаты: годовой договор или помесячный тариф", values=BILLING_PERIODS),
        _money("mrr_rub", "MRR на конец месяца, ₽"),
        _money("new_rub", "новый MRR, ₽"),
        _money("expansion_rub", "расширение, ₽"),
        _money("contraction_rub", "сокращение, ₽"),
        _money("churn_rub", "отток, ₽"),
    ),
    "activities": (
        _id("activity_id", "AC", "идентификатор активности", unique=True),
        _id("rep_id", "R", "сотрудник"),
        _id("lead_id", "L", "лид (для активностей SDR/BDR)", nullable=True),
        _id("opportunity_id", "O", "сделка (для активностей AE/SE)", nullable=True),
        Field("date", "date", "дата"),
        Field("type", "cat", "тип касания", values=ACTIVITY_TYPES),
        Field("touch_number", "int", "номер касания в цепочке по лиду", nullable=True, min=1),
        Field("call_opener", "cat", "вариант начала холодного звонка", values=CALL_OPENERS,
              nullable=True),
        Field("email_template", "cat", "шаблон письма", values=EMAIL_TEMPLATES, nullable=True),
        Field("outcome", "cat", "результат", values=ALL_ACTIVITY_OUTCOMES),
        Field("duration_sec", "int", "длительность звонка, с", nullable=True, min=0),
    ),
    "rep_daily_activity": (
        _id("rep_id", "R", "сотрудник (SDR или BDR)"),
        Field("date", "date", "рабочий день"),
        Field("calls", "int", "наборов номера за день (по лидам CRM и по базе)", min=0),
        Field("calls_connected", "int", "из них состоявшихся разговоров", min=0),
        Field("emails", "int", "отправленных писем (вручную и рассыльщиком)", min=0),
        Field("emails_replied", "int", "полученных ответов на них", min=0),
        Field("messages", "int", "сообщений в Telegram и WhatsApp", min=0),
        Field("messages_replied", "int", "полученных ответов на них", min=0),
    ),
    "email_experiments": (
        Field("experiment_id", "str", "эксперимент", pattern=r"^EXP\d{2}$"),
        Field("variant", "cat", "вариант письма", values=EXPERIMENT_VARIANTS),
        _id("lead_id", "L", "получатель (лид)"),
        Field("sent_date", "date", "дата отправки"),
        Field("opened", "bool", "открыл письмо"),
        Field("replied", "bool", "ответил"),
        Field("meeting_booked", "bool", "назначил встречу"),
    ),
    "product_usage": (
        Field("month", "month", "месяц (первое число)"),
        _id("account_id", "A", "клиент"),
        Field("licensed_seats", "int", "оплаченных мест операторов", min=1),
        Field("active_users", "int", "активных операторов за месяц", min=0),
        Field("logins", "int", "входов в систему за месяц", min=0),
        Field("feature_adoption", "float", "доля ключевых функций, которыми пользуются", min=0.0,
              max=1.0),
        Field("nps", "int", "оценка в опросе NPS, 0–10 (пусто — не отвечали)", nullable=True,
              min=0, max=10),
    ),
    "support_tickets": (
        _id("ticket_id", "TK", "идентификатор обращения", unique=True),
        _id("account_id", "A", "клиент"),
        Field("created_date", "date", "дата создания"),
        Field("priority", "cat", "приоритет", values=TICKET_PRIORITIES),
        Field("category", "cat", "категория", values=TICKET_CATEGORIES),
        Field("resolution_hours", "float", "время решения, ч", min=0.0),
        Field("csat", "int", "оценка клиента 1–5 (пусто — не оценил)", nullable=True, min=1, max=5),
    ),
    "cogs": (
        Field("month", "month", "месяц (первое число)"),
        Field("business_line", "cat", "направление бизнеса", values=BUSINESS_LINES),
        Field("cost_type", "cat", "статья себестоимости", values=COGS_TYPES),
        _money("amount_rub", "сумма за месяц, ₽"),
    ),
    "b2c_users": (
        _id("user_id", "U", "пользователь", unique=True),
        Field("signup_date", "date", "дата регистрации"),
        Field("platform", "cat", "платформа", values=PLATFORMS),
        Field("acquisition_channel", "cat", "канал привлечения", values=B2C_ACQUISITION_CHANNELS),
        Field("region", "cat", "регион", values=REGIONS),
    ),
    "b2c_purchases": (
        _id("purchase_id", "P", "покупка", unique=True),
        _id("user_id", "U", "пользователь"),
        Field("date", "date", "дата списания"),
        Field("product", "cat", "продукт", values=B2C_PRODUCTS),
        _money("amount_rub", "сумма, ₽"),
        Field("payment_channel", "cat", "способ оплаты", values=B2C_PAYMENT_CHANNELS),
    ),
    "survey_responses": (
        _id("response_id", "SR", "идентификатор высказывания", unique=True),
        _id("respondent_id", "RS", "респондент (один человек; его строки идут подряд)"),
        _id("account_id", "A", "компания респондента"),
        Field("date", "date", "дата интервью, ответа на анкету или сессии"),
        Field("method", "cat", "метод исследования", values=RESEARCH_METHODS),
        Field("respondent_role", "cat", "роль респондента", values=RESPONDENT_ROLES),
        Field("relationship", "cat", "отношения компании с нами на дату ответа", values=RELATIONSHIPS),
        Field("segment", "cat", "сегмент компании", values=SEGMENTS),
        Field("industry", "cat", "отрасль компании", values=INDUSTRIES),
        Field("item_type", "cat", "что закодировано: боль или желаемая выгода", values=ITEM_TYPES),
        Field("code", "cat", "код боли или выгоды по кодовой книге", values=PAIN_CODES + GAIN_CODES),
        Field("quote", "str", "дословная цитата или текст закрытого вопроса"),
        Field("intensity", "int", "сила боли или важность выгоды, 1–5", min=1, max=5),
        Field("prompted", "bool", "ответ на закрытый (наводящий) вопрос, а не слова самого респондента"),
        _money("wtp_rub", "заявленная готовность платить за место оператора в месяц, ₽ "
                          "(одна на респондента; пусто — не спрашивали или не ответил)", nullable=True),
    ),
    "salary_history": (
        _id("rep_id", "R", "сотрудник"),
        Field("effective_date", "date", "дата, с которой действует оклад"),
        _money("base_salary_rub", "оклад в месяц, ₽"),
        Field("reason", "cat", "найм или ежегодный пересмотр оклада", values=SALARY_CHANGE_REASONS),
    ),
    "ae_quotas": (
        _id("rep_id", "R", "AE"),
        Field("year", "int", "год плана", min=2023, max=2025),
        _money("annual_quota_rub", "годовой план по новым контрактам (ACV) на полный год без поправки на выход на продуктивность, ₽"),
    ),
    "partners": (
        _id("partner_id", "PT", "идентификатор партнёра", unique=True),
        Field("name", "str", "название партнёра (вымышленное)", unique=True),
        Field("type", "cat", "тип партнёра: реферальный, реселлер, интегратор, маркетплейс", values=PARTNER_TYPES),
        Field("tier", "cat", "уровень партнёра в договоре (ставится при подписании по числу сертифицированных)",
              values=PARTNER_TIERS),
        Field("payout_share", "float", "вознаграждение партнёра (комиссия или маржа реселлера), доля ACV "
                                       "первого года выигранной сделки", min=0.0, max=1.0),
        Field("joined_date", "date", "дата подписания партнёрского договора"),
        Field("region", "cat", "регион партнёра", values=REGIONS),
        Field("certified_people", "int", "сертифицированных по продукту специалистов партнёра", min=0),
    ),
    "partner_deals": (
        _id("partner_id", "PT", "партнёр"),
        _id("lead_id", "L", "лид"),
        _id("opportunity_id", "O", "сделка (пусто — лид не дошёл до сделки)", nullable=True),
        Field("role", "cat", "роль партнёра: привёл лид (sourced) или участвовал в сделке другого канала "
                             "(influenced)", values=PARTNER_ROLES),
        Field("registered_date", "date", "дата регистрации лида или сделки за партнёром"),
        _money("payout_rub", "вознаграждение, выплаченное партнёру по выигранной сделке, ₽ (0 — не выплачивалось)"),
        Field("payout_date", "date", "дата начисления вознаграждения — дата закрытия сделки (пусто — не начислялось)",
              nullable=True),
        _money("services_rub", "выручка интегратора за внедрение по выигранной сделке — деньги клиента "
                               "интегратору, а не «Сфере Софт», ₽ (0 — нет)"),
    ),
    "touches": (
        _id("touch_id", "T", "касание (уникален)", unique=True),
        _id("lead_id", "L", "лид, с которым сшито касание"),
        Field("date", "date", "дата касания"),
        Field("source", "cat", "источник (как utm_source)", values=TOUCH_SOURCES),
        Field("medium", "cat", "тип трафика (как utm_medium)", values=TOUCH_MEDIUMS),
        Field("campaign", "cat", "кампания (как utm_campaign; пусто — без кампании)", values=TOUCH_CAMPAIGNS,
              nullable=True),
        Field("touch_type", "cat", "что произошло", values=TOUCH_TYPES),
        Field("creates_lead", "bool", "касание, создавшее лид (одно у каждого лида, в день leads.created_date)"),
    ),
    "web_traffic": (
        Field("month", "month", "месяц (первое число)"),
        Field("source", "cat", "источник (как utm_source); wordstat — строка брендового спроса", values=WEB_SOURCES),
        Field("medium", "cat", "тип трафика (как utm_medium); brand_query — строка брендового спроса",
              values=WEB_MEDIUMS),
        Field("sessions", "int", "визиты (сессии) за месяц (пусто в строке брендового спроса)", nullable=True, min=0),
        Field("engaged_sessions", "int", "вовлечённые визиты: не отказ (пусто в строке брендового спроса)",
              nullable=True, min=0),
        Field("users", "int", "посетители (уникальные cookie) за месяц в этом источнике (пусто в строке брендового "
              "спроса)", nullable=True, min=0),
        Field("new_users", "int", "новые посетители: впервые на сайте (пусто в строке брендового спроса)",
              nullable=True, min=0),
        Field("brand_queries", "int", "запросов названия продукта в Яндексе за месяц (только в строке wordstat)",
              nullable=True, min=0),
    ),
    "social_posts": (
        _id("post_id", "SP", "идентификатор поста или выступления", unique=True),
        _id("author_id", "R", "автор — сотрудник (пусто — канал компании)", nullable=True),
        Field("date", "date", "дата публикации или выступления"),
        Field("platform", "cat", "площадка", values=SOCIAL_PLATFORMS),
        Field("format", "cat", "формат поста", values=POST_FORMATS),
        Field("views", "int", "просмотры (у выступления — слушатели в зале)", min=1),
        Field("reactions", "int", "реакции (лайки, эмодзи)", min=0),
        Field("comments", "int", "комментарии", min=0),
        Field("utm_clicks", "int", "переходы на сайт по ссылке с UTM-меткой автора "
                                   "(у выступления — сканы QR-кода со слайда)", min=0),
        Field("ad_labelled", "bool", "пост помечен как реклама: пометка «Реклама», рекламодатель и erid"),
    ),
    "social_post_leads": (
        _id("post_id", "SP", "пост, с которого начался первый контакт"),
        _id("lead_id", "L", "лид (у лида — не больше одного поста)", unique=True),
    ),
    # --- 6.2. Исходящие продажи: почтовые ящики BDR ---
    "mailboxes": (
        Field("week", "date", "неделя (понедельник)"),
        Field("domain", "cat", "домен для исходящих писем", values=MAILBOX_DOMAINS),
        Field("mailbox", "str", "почтовый ящик BDR", pattern=r"^[a-z.]+@[a-z.-]+$"),
        _id("rep_id", "R", "BDR — владелец ящика"),
        Field("domain_week", "int", "неделя жизни домена (1 — первая неделя отправки)", min=1),
        Field("warmup", "bool", "ящик в прогреве: нагрузка ещё не полная"),
        Field("sent", "int", "отправлено писем за неделю (по лидам CRM и по базе)", min=0),
        Field("crm_sent", "int", "из них писем по лидам CRM (как в activities)", min=0),
        Field("crm_bounced", "int", "возвратов писем по лидам CRM (исход bounced в activities)", min=0),
        Field("hard_bounces", "int", "постоянных возвратов (адреса нет)", min=0),
        Field("soft_bounces", "int", "временных возвратов (ящик переполнен, сервер недоступен)", min=0),
        Field("delivered", "int", "доставлено писем", min=0),
        Field("complaints", "int", "жалоб на спам по данным постмастеров", min=0),
        Field("inbox_share", "float", "доля писем тестовой рассылки во «Входящих» (по домену за неделю)",
              min=0.0, max=1.0),
    ),
    # раздел 6.1: отчёт рекламных кабинетов, лиды кампаний, статьи
    "ad_campaigns": (
        Field("month", "month", "месяц (первое число)"),
        Field("campaign_id", "str", "кампания", pattern=r"^C\d+$"),
        Field("ad_platform", "cat", "рекламная площадка", values=AD_PLATFORMS),
        Field("campaign", "cat", "тип кампании", values=AD_CAMPAIGN_TYPES),
        Field("channel", "cat", "канал лидов в leads", values=AD_CHANNELS),
        Field("billing", "cat", "модель оплаты", values=AD_BILLING),
        Field("impressions", "int", "показов за месяц", min=0),
        Field("clicks", "int", "кликов за месяц", min=0),
        _money("spend_rub", "расход за месяц, ₽"),
        Field("leads", "int", "лидов кампании, созданных в этом месяце", min=0),
    ),
    "ad_leads": (
        _id("lead_id", "L", "лид каналов ppc и social", unique=True),
        Field("campaign_id", "str", "кампания, с которой лид пришёл (по метке UTM)", pattern=r"^C\d+$"),
    ),
    "articles": (
        Field("article_id", "str", "статья", pattern=r"^ART\d{3}$"),
        Field("published_date", "date", "дата публикации (статьи каталога — 2022 год, до начала данных)"),
        Field("outlet", "cat", "площадка", values=ARTICLE_OUTLETS),
        Field("topic", "cat", "тема", values=ARTICLE_TOPICS),
        _money("cost_rub", "стоимость подготовки и размещения статьи, ₽ (разово; повторяется в каждой строке)"),
        Field("month", "month", "месяц (первое число)"),
        Field("sessions", "int", "сессий на статье за месяц (Яндекс Метрика)", min=0),
        Field("leads", "int", "лидов канала content, пришедших со статьи в этом месяце", min=0),
    ),
    # --- 2.3 «Account-based подходы» ---
    "contacts": (
        Field("contact_id", "id", "человек комитета покупателя, с которым компания вышла на связь", unique=True,
              pattern=r"^CT\d{3,}$", example="CT00001"),
        _id("account_id", "A", "компания"),
        Field("role", "cat", "роль в комитете покупателя", values=BUYING_ROLES),
        Field("title_level", "cat", "уровень должности", values=JOB_TITLE_LEVELS),
        Field("first_engaged_date", "date", "дата первого контакта"),
        Field("engaged_by", "cat", "кто первым вовлёк человека", values=ENGAGED_BY),
        _id("lead_id", "L", "лид, которым человек пришёл (пусто — вовлечён позже)", nullable=True),
        _id("opportunity_id", "O", "сделка, в которой человека вовлекли (пусто — пришёл лидом или через ABM)",
            nullable=True),
    ),
    "abm_accounts": (
        _id("account_id", "A", "компания пула ABM-программы 2025 года", unique=True),
        Field("segment", "cat", "сегмент компании (как в accounts)", values=("mid_market", "enterprise")),
        Field("icp_fit_score", "int", "соответствие ICP по анкете маркетинга, 0–100", min=0, max=100),
        Field("intent_score", "int", "сигнал намерения на дату среза скоринга 31.03.2025, 0–100", min=0, max=100),
        _money("potential_rub", "оценка потенциала: ACV, который может принести компания, ₽"),
        Field("selection_score", "float", "итоговый балл отбора (ранги намерения, ICP и потенциала + мнение AE)"),
        Field("in_programme", "bool", "выбрана в программу"),
        Field("tier", "cat", "уровень программы (пусто — не выбрана)", values=ABM_TIERS, nullable=True),
        Field("start_date", "date", "старт работы с компанией в программе (пусто — не выбрана)", nullable=True),
        _id("owner_id", "R", "AE, ответственный за компанию в программе", nullable=True),
        _money("budget_rub", "бюджет программы на компанию на год, ₽ (пусто — не выбрана)", nullable=True),
    ),
    # --- 4.3 «Взаимодействие с функциями» ---
    "handoffs": (
        _id("opportunity_id", "O", "первая выигранная сделка клиента (новый клиент)", unique=True),
        _id("account_id", "A", "компания-клиент", unique=True),
        Field("segment", "cat", "сегмент (как в opportunities)", values=SEGMENTS),
        _id("ae_id", "R", "AE — владелец сделки (opportunities.owner_id), сдаёт клиента"),
        _id("csm_id", "R", "CSM, принявший клиента (работал в компании в день передачи)"),
        Field("close_date", "date", "дата закрытия сделки (как в opportunities)"),
        Field("handoff_date", "date", "дата передачи карточки клиента в успех клиентов (не раньше закрытия)"),
        Field("kickoff_date", "date", "дата kickoff-встречи CSM с клиентом (пусто — встречи не было)", nullable=True),
        Field("goals_recorded", "int", "в карточке записаны цели клиента: зачем купил (1 — да, 0 — нет)", values=(0, 1)),
        Field("stakeholders_listed", "int", "перечислены люди клиента и их роли (1 — да, 0 — нет)", values=(0, 1)),
        Field("success_criteria", "int", "записаны измеримые критерии успеха (1 — да, 0 — нет)", values=(0, 1)),
        Field("tech_requirements", "int", "записаны технические требования: интеграции, объёмы, доступы "
                                          "(1 — да, 0 — нет)", values=(0, 1)),
        Field("promises_logged", "int", "записаны обещания продавца: сроки, скидки, доработки (1 — да, 0 — нет)",
              values=(0, 1)),
        Field("completeness", "float", "полнота карточки: доля заполненных пунктов, 0–1", min=0.0, max=1.0),
    ),
    # --- 5.1 «Рекрутинг и онбординг» ---
    "candidates": (
        Field("candidate_id", "str", "кандидат (отклик на вакансию)", unique=True, pattern=r"^CD\d{5,}$"),
        Field("vacancy_id", "str", "вакансия", pattern=r"^V\d{3,}$"),
        Field("role", "cat", "роль вакансии", values=ROLES),
        Field("team", "cat", "команда (сегмент) вакансии; пусто — общий пул", values=SEGMENTS, nullable=True),
        Field("vacancy_opened_date", "date", "дата открытия вакансии"),
        Field("vacancy_status", "cat", "судьба вакансии на 31.12.2025: закрыта наймом, отменена, открыта",
              values=VACANCY_STATUSES),
        Field("source", "cat", "источник кандидата", values=CANDIDATE_SOURCES),
        Field("stage_reached", "cat", "последний пройденный этап", values=CANDIDATE_STAGES),
        Field("applied_date", "date", "дата отклика"),
        Field("screen_date", "date", "дата скрининга (звонок рекрутера); пусто — не дошёл", nullable=True),
        Field("interview_date", "date", "дата структурированного интервью; пусто — не дошёл", nullable=True),
        Field("final_date", "date", "дата финальной встречи с руководителем; пусто — не дошёл", nullable=True),
        Field("offer_date", "date", "дата оффера; пусто — не получил", nullable=True),
        Field("accepted_date", "date", "дата принятия оффера; пусто — не принял", nullable=True),
        Field("rejected_by", "cat", "кто прекратил процесс: компания или кандидат (пусто — нанят или ещё в процессе)",
              values=REJECTED_BY, nullable=True),
        _id("hired_rep_id", "R", "сотрудник из reps, которым стал кандидат (только у принявших оффер)", nullable=True),
    ),
    "interview_scores": (
        Field("candidate_id", "str", "кандидат", pattern=r"^CD\d{5,}$"),
        Field("interviewer_id", "str", "интервьюер: rep_id сотрудника или HR01, HR02 — рекрутеры",
              pattern=r"^(R\d{3,}|HR\d{2})$"),
        Field("interviewer_role", "cat", "роль интервьюера: нанимающий руководитель, старший коллега, рекрутер",
              values=INTERVIEWER_ROLES),
        Field("interview_date", "date", "дата интервью"),
        Field("competency", "cat", "компетенция профиля роли", values=COMPETENCIES),
        Field("score", "int", "оценка по шкале 1–5", min=1, max=5),
    ),
    # --- 5.2 «Обучение и сертификации» ---
    "trainings": (
        Field("training_id", "str", "запись об обучении: сотрудник × курс", unique=True, pattern=r"^TR\d{4}$"),
        _id("rep_id", "R", "сотрудник"),
        Field("programme", "cat", "программа обучения", values=TRAINING_PROGRAMMES),
        Field("selection_reason", "cat", "почему сотрудник попал на курс: новичок, волна для всей роли или "
              "самый низкий win rate прошлого квартала", values=TRAINING_REASONS),
        Field("format", "cat", "формат: внутренний курс, внешний тренинг, онлайн-курс", values=TRAINING_FORMATS),
        Field("start_date", "date", "первый день курса"),
        Field("end_date", "date", "последний день курса"),
        Field("hours", "int", "часов обучения на человека", min=1),
        _money("cost_rub", "плата за обучение на человека, ₽ (без времени сотрудника; 0 — внутренний курс)"),
        Field("satisfaction", "float", "уровень 1 по Киркпатрику: оценка курса участником, 1–5", min=1.0, max=5.0),
        Field("test_score", "int", "уровень 2 по Киркпатрику: итоговый тест курса, баллов из 100", min=0, max=100),
    ),
    "certifications": (
        Field("attempt_id", "str", "попытка сертификации", unique=True, pattern=r"^CE\d{4}$"),
        _id("rep_id", "R", "сотрудник"),
        Field("certification", "cat", "сертификация (по продукту «Сфера Деск»)", values=("product",)),
        Field("session", "cat", "новичок после онбординга или плановая пересертификация раз в полгода",
              values=CERT_SESSIONS),
        Field("attempt_date", "date", "дата попытки"),
        Field("attempt_no", "int", "номер попытки в сессии (1 — первая, дальше пересдачи)", min=1),
        Field("test_score", "int", "тест сертификации, баллов из 100", min=0, max=100),
        Field("roleplay_passed", "bool", "ролевая игра с руководителем пройдена (экспертная оценка)"),
        Field("passed", "bool", "сертификация сдана: тест не ниже действующего проходного балла 70"),
    ),
    # --- 5.4 «Карьерные треки» ---
    "career_events": (
        Field("event_id", "str", "карьерное событие", unique=True, pattern=r"^CE\d{4,}$"),
        _id("rep_id", "R", "сотрудник"),
        Field("event_date", "date", "дата события (найм, калибровка, уход); решение калибровки действует с этой даты"),
        Field("event_type", "cat", "событие: найм, калибровка грейда, увольнение, перевод в отдел вне продаж",
              values=CAREER_EVENT_TYPES),
        Field("role", "cat", "роль (как в reps)", values=ROLES),
        Field("grade_before", "cat", "грейд до события (пусто у найма)", values=CAREER_GRADES, nullable=True),
        Field("grade_after", "cat", "грейд после события (пусто у ухода); повышение — калибровка, где он выше",
              values=CAREER_GRADES, nullable=True),
        Field("origin", "cat", "откуда пришёл нанятый: извне или из отдела вне продаж (только у найма)",
              values=CAREER_ORIGINS, nullable=True),
        Field("destination", "cat", "куда перевёлся ушедший из продаж (только у transfer_out)",
              values=CAREER_DESTINATIONS, nullable=True),
        Field("quarters_reviewed", "int", "калибровка AE: кварталов окна, в которых был план", nullable=True, min=0, max=4),
        Field("quarters_met", "int", "калибровка AE: кварталов окна с выполнением плана ≥ 90 %", nullable=True,
              min=0, max=4),
        Field("rating", "int", "калибровка: оценка компетенций руководителем, 1–5", nullable=True, min=1, max=5),
    ),
    # --- 5.4 «Карьерные треки и мотивация»: планы мотивации и выплаты ---
    "pay_plans": (
        Field("role", "cat", "роль", values=ROLES, unique=True),
        Field("component", "cat", "составляющая переменной части", values=PAY_COMPONENTS),
        Field("basis", "cat", "база начисления: ACV выигранных сделок сотрудника, встречи SQL, ACV сделок "
                              "с участием SE, весь выигранный ACV, годовой прирост expansion", values=PAY_BASES),
        Field("rate_pct", "float", "ставка, % от базы (пусто — фиксированная сумма за единицу)", nullable=True,
              min=0.0, max=100.0),
        _money("per_unit_rub", "сумма за единицу (встречу) в ценах января 2023 года, ₽ (пусто — ставка от базы)",
               nullable=True),
        Field("indexed", "bool", "сумма за единицу растёт с индексом рыночных зарплат"),
        Field("split", "cat", "кому начисляется: владельцу сделки или встречи или поровну работавшим в месяце",
              values=PAY_SPLITS),
        Field("condition", "cat", "условие выплаты: работает на дату закрытия или встречи, работал в месяце, "
                                  "без условия", values=PAY_CONDITIONS),
        Field("timing", "cat", "месяц начисления: закрытия сделки, встречи, прироста MRR", values=PAY_TIMINGS),
        Field("valid_from", "date", "с какой даты действует правило"),
        Field("valid_to", "date", "по какую дату действует правило"),
    ),
    "rep_payouts": (
        Field("month", "month", "месяц начисления (первое число)"),
        _id("rep_id", "R", "сотрудник"),
        Field("role", "cat", "роль сотрудника (как в reps)", values=ROLES),
        Field("component", "cat", "составляющая переменной части (как в pay_plans)", values=PAY_COMPONENTS),
        Field("units", "int", "засчитанных сделок (AE, SE) или встреч SQL (SDR, BDR); пусто у manager и CSM",
              nullable=True, min=1),
        _money("basis_rub", "база начисления, ₽: ACV засчитанных сделок (AE, SE), весь выигранный ACV месяца "
                            "(manager), годовой прирост expansion × 12 (CSM); пусто у SDR и BDR", nullable=True),
        _money("payout_rub", "начисленная выплата, ₽ (сумма по роли и месяцу = строка bonus в sm_costs)"),
    ),
    # --- 8.1 «Генеративный AI в продажах»: черновики ассистента и их разметка ---
    "genai_outputs": (
        Field("output_id", "id", "черновик AI-ассистента", unique=True, pattern=r"^G\d{4,}$", example="G0001"),
        Field("created_date", "date", "дата черновика (между созданием и закрытием сделки)"),
        Field("use_case", "cat", "сценарий: письмо после встречи, конспект звонка, справка о компании",
              values=GENAI_USE_CASES),
        _id("opportunity_id", "O", "сделка, по фактам которой собран черновик"),
        _id("account_id", "A", "компания сделки (как в opportunities)"),
        _id("rep_id", "R", "владелец сделки, для которого ассистент писал черновик"),
        Field("contact_id", "id", "контакт компании, которому адресован текст или с кем был звонок",
              pattern=r"^CT\d{3,}$", example="CT00001"),
        Field("text", "str", "текст черновика, как его выдал ассистент"),
        Field("tokens", "int", "токенов на запрос и ответ (контекст CRM + текст)", min=1),
        Field("manual_minutes", "float", "минут продавца на такой текст вручную", min=0.0),
        Field("edit_minutes", "float", "минут продавца на проверку и правку черновика", min=0.0),
        Field("review_a", "cat", "разметка проверяющего A (руководитель продаж): ok или вид дефекта",
              values=GENAI_LABELS),
        Field("review_b", "cat", "разметка проверяющего B (маркетинг, бренд): ok или вид дефекта",
              values=GENAI_LABELS),
        Field("label_final", "cat", "итоговая разметка после разбора расхождений: ok или вид дефекта",
              values=GENAI_LABELS),
        Field("defect_detail", "cat", "подвид дефекта (пусто у ok)", values=GENAI_DEFECT_DETAILS, nullable=True),
    ),
    # --- 9.1 «Onboarding клиентов»: вехи внедрения новых клиентов ---
    "onboarding_milestones": (
        _id("account_id", "A", "новый клиент (как в handoffs: первая выигранная сделка компании)"),
        Field("milestone", "cat", "веха внедрения из плана сегмента клиента", values=ONBOARDING_MILESTONES),
        Field("owner_role", "cat", "кто отвечает за веху: CSM, администратор клиента, SE или интегратор",
              values=ONBOARDING_OWNERS),
        Field("planned_date", "date", "плановая дата вехи: день передачи в CS + ранний срок окончания по плану сегмента"),
        Field("actual_date", "date", "фактическая дата вехи (пусто — не пройдена к концу данных или до ухода клиента)",
              nullable=True),
    ),
    # --- 7.4.1 «AI-ассистенты для писем»: первые письма SDR и BDR с текстом из блоков ---
    "outreach_emails": (
        _id("email_id", "EM", "письмо", unique=True),
        _id("activity_id", "AC", "активность-письмо в activities (то же письмо)", unique=True),
        _id("lead_id", "L", "лид-получатель (первое письмо лиду — одно)", unique=True),
        _id("rep_id", "R", "SDR или BDR, отправивший письмо"),
        Field("sent_date", "date", "дата отправки (как в activities)"),
        Field("template", "cat", "шаблон письма (как email_template в activities)",
              values=("cold_intro", "pain_question", "case_study", "roi_calc", "welcome_followup", "breakup")),
        Field("blocks", "str", "коды блоков текста через пробел, по порядку (тексты — salesbook.content.email_fragments)",
              pattern=r"^[a-z]\d( [a-z]\d)*$"),
        Field("trigger", "cat", "повод письма в персональном начале (пусто — начало без повода)", nullable=True,
              values=("expansion", "hiring", "launch", "tender", "season")),
        Field("opened", "bool", "письмо открыто (как в activities: исход opened, replied или meeting_booked)"),
        Field("replied", "bool", "получатель ответил (исход replied или meeting_booked)"),
        Field("meeting_booked", "bool", "после ответа назначена встреча (исход meeting_booked)"),
    ),
    # --- 7.4.2 «Conversation intelligence»: записи звонков AE и их реплики ---
    "calls": (
        Field("call_id", "str", "записанный звонок (видеовстреча AE по сделке)", unique=True, pattern=r"^CL\d{4}$"),
        _id("opportunity_id", "O", "сделка"),
        Field("activity_id", "str", "встреча в activities, которую записали", unique=True, pattern=r"^AC\d{6,}$"),
        _id("rep_id", "R", "AE — владелец сделки, который вёл встречу"),
        Field("call_date", "date", "дата звонка (= дата встречи в activities)"),
        Field("call_type", "cat", "первая встреча по сделке (discovery) или вторая (demo)", values=CALL_TYPES),
        Field("duration_sec", "int", "длительность записи, с (конец последней реплики)", min=1),
        Field("labelled", "bool", "звонок размечен вручную: у его реплик заполнен label"),
    ),
    "call_turns": (
        Field("call_id", "str", "звонок", pattern=r"^CL\d{4}$"),
        Field("turn", "int", "номер реплики в звонке, с 1", min=1),
        Field("speaker", "cat", "кто говорит: AE (rep), клиент (client), второй участник с нашей стороны — SE (other)",
              values=CALL_SPEAKERS),
        Field("start_sec", "int", "начало реплики, секунда от начала записи", min=0),
        Field("end_sec", "int", "конец реплики, секунда от начала записи", min=1),
        Field("text", "str", "расшифровка реплики"),
        Field("label", "cat", "разметка намерения (только у размеченных звонков, иначе пусто)",
              values=CALL_LABELS, nullable=True),
    ),
    # --- 7.1 «CRM и CDP»: сырые записи о контактах из разных источников ---
    "crm_records": (
        Field("record_id", "str", "запись о контакте в CRM", unique=True, pattern=r"^CR\d{5,}$"),
        Field("source", "cat", "источник записи: форма на сайте, импорт списка с мероприятия, ручной ввод, "
                               "выгрузка из биллинга (1С), чат, регистрация партнёром", values=CRM_SOURCES),
        Field("created_date", "date", "дата создания записи"),
        Field("full_name", "str", "ФИО, как его записал источник (порядок, инициалы, опечатки); пусто — нет",
              nullable=True),
        Field("company_name", "str", "название компании, как его записал источник; пусто — нет", nullable=True),
        Field("email", "str", "e-mail, как его записал источник; пусто — нет", nullable=True),
        Field("phone", "str", "телефон, как его записал источник; пусто — нет", nullable=True),
        _id("true_contact_id", "CT", "истинный контакт из contacts (в настоящей CRM такого столбца нет)"),
        _id("true_account_id", "A", "истинная компания из accounts (в настоящей CRM такого столбца нет)"),
    ),
    # --- 7.4.4 и 8.2: чат-бот квалификации на сайте и голосовой бот ---
    "chats": (
        _id("chat_id", "CH", "сессия чата на сайте", unique=True),
        Field("date", "date", "день сессии (у сессии с лидом — день создания лида)"),
        Field("source", "cat", "источник визита (канал лида: органика или контекстная реклама)",
              values=("organic", "ppc")),
        Field("flow_version", "cat", "версия сценария бота: v1 — с вопросом о текущей CRM, v2 — без него",
              values=("v1", "v2")),
        Field("ab_test", "bool", "сессия пришлась на A/B-тест сценария (июль–сентябрь 2025 года)"),
        Field("intent", "cat", "ответ на первый вопрос: демо, цена, «смотрю», поддержка, спам",
              values=("demo", "pricing", "browse", "support", "spam")),
        Field("segment", "cat", "сегмент по ответу о размере компании (пусто — до вопроса не дошли)",
              values=SEGMENTS, nullable=True),
        Field("last_state", "cat", "последний шаг сценария, до которого дошёл посетитель",
              values=("intent", "size", "role", "crm", "timeline", "contact")),
        Field("end_state", "cat", "итог: встреча с AE, передача SDR, самостоятельный пробный доступ, "
                                  "оператор, ушёл без контакта, спам",
              values=("meeting_booked", "routed_sdr", "self_serve", "agent", "dropped", "spam")),
        _id("lead_id", "L", "лид, созданный из чата (пусто — контакт не оставлен)", unique=True, nullable=True),
        Field("messages", "int", "реплик в сессии (посетитель, оператор, итоговая реплика бота)", min=1),
    ),
    "chat_messages": (
        _id("chat_id", "CH", "сессия чата"),
        Field("seq", "int", "номер реплики в сессии", min=1),
        Field("sender", "cat", "кто пишет: посетитель, оператор, бот (итоговая реплика)",
              values=("visitor", "agent", "bot")),
        Field("state", "cat", "шаг сценария, к которому относится реплика",
              values=("intent", "size", "role", "crm", "timeline", "contact", "agent",
                      "meeting_booked", "routed_sdr", "self_serve")),
        Field("text", "str", "текст реплики (e-mail и телефон скрыты)"),
    ),
    "voicebot_calls": (
        _id("call_id", "VB", "звонок голосового бота", unique=True),
        _id("lead_id", "L", "лид, которому звонит бот"),
        Field("date", "date", "день звонка (подтверждение — накануне создания сделки)"),
        Field("campaign", "cat", "кампания: подтверждение демо или реактивация холодных лидов",
              values=("confirm", "reactivate")),
        Field("steps_reached", "int", "шагов сценария пройдено (0 — не дозвонились)", min=0, max=4),
        Field("words", "int", "слов собеседника в эталонной расшифровке", min=0),
        Field("asr_errors", "int", "ошибок распознавания: замены, пропуски и вставки слов", min=0),
        Field("outcome", "cat", "итог: подтвердил встречу, интерес (передан SDR), отказ, передан человеку, "
                                "бросил трубку, не ответил",
              values=("confirmed", "reactivated", "declined", "escalated", "hung_up", "no_answer")),
        Field("duration_sec", "int", "длительность соединения, секунд", min=1),
        _money("cost_rub", "цена звонка по тарифу робота (поминутно, минуты округляются вверх), ₽"),
    ),
    # --- 7.2 «Sales Enablement и Engagement»: материалы продаж и их использование ---
    "content_assets": (
        Field("asset_id", "str", "материал", unique=True, pattern=r"^CA\d{2,}$", example="CA01"),
        Field("asset_type", "cat", "вид материала", values=CONTENT_ASSET_TYPES),
        Field("title", "str", "название материала"),
        Field("audience", "cat", "для кого: покупателю (отправляют клиенту) или внутренний (читает продавец)",
              values=CONTENT_AUDIENCES),
        Field("industry", "cat", "отрасль кейса (только у кейсов)", values=INDUSTRIES, nullable=True),
        Field("competitor", "cat", "конкурент battlecard (только у battlecards)", values=COMPETITORS, nullable=True),
        Field("owner_team", "cat", "команда-владелец материала", values=CONTENT_OWNER_TEAMS),
        Field("format", "cat", "формат", values=CONTENT_FORMATS),
        Field("created_date", "date", "дата публикации материала"),
        _money("production_cost_rub", "затраты на производство материала (часы людей и дизайн), ₽ — оценка курса"),
    ),
    "content_usage": (
        _id("opportunity_id", "O", "сделка, в которой использован материал"),
        Field("asset_id", "str", "материал", pattern=r"^CA\d{2,}$", example="CA01"),
        Field("used_date", "date", "дата: внешний материал отправлен покупателю, внутренний — открыт продавцом "
                                   "(внутри жизни сделки, не раньше публикации материала)"),
        Field("buyer_views", "int", "сколько раз покупатель открыл материал (0 — не открыл; пусто у внутренних)",
              nullable=True, min=0),
        Field("view_seconds", "int", "сколько секунд покупатель смотрел материал за все просмотры "
                                     "(пусто у внутренних)", nullable=True, min=0),
    ),
    # --- 9.2 «Health scoring и предотвращение оттока»: счета и сценарии спасения ---
    "invoices": (
        _id("invoice_id", "IN", "счёт на оплату", unique=True),
        _id("account_id", "A", "клиент"),
        Field("kind", "cat", "вид счёта: год вперёд по годовому договору, доплата за расширение до конца "
                             "оплаченного года, месяц помесячного тарифа", values=INVOICE_KINDS),
        Field("issue_date", "date", "дата выставления счёта"),
        Field("service_start", "month", "первый оплачиваемый месяц"),
        Field("service_months", "int", "сколько месяцев оплачивает счёт", min=1, max=12),
        _money("amount_rub", "сумма счёта, ₽ (MRR × оплачиваемые месяцы)"),
        Field("due_date", "date", "срок оплаты по договору"),
        Field("paid_date", "date", "дата оплаты; пусто — не оплачен на 31 декабря 2025 года", nullable=True),
    ),
    "save_plays": (
        _id("play_id", "SV", "запись журнала: клиент, отмеченный старым правилом за месяц до квартала", unique=True),
        Field("program", "cat", "журнал: csm_choice — окна 2024 года, CSM сами выбирали, кому звонить; rct — окна 2025 "
                                "года, случайное деление", values=SAVE_PLAY_PROGRAMS),
        Field("flag_date", "date", "день отметки: первое число месяца перед кварталом (1 декабря, 1 марта, 1 июня, "
                                   "1 сентября); окно исхода — три месяца после него"),
        _id("account_id", "A", "клиент"),
        Field("group", "cat", "группа: play — сценарий спасения назначен (2024 — CSM решил звонить), "
                              "control — нет", values=SAVE_PLAY_GROUPS),
        _id("csm_id", "R", "CSM, которому назначен сценарий; у контроля пусто", nullable=True),
        Field("play_date", "date", "дата встречи сценария спасения; пусто — встреча не состоялась", nullable=True),
    ),
    # --- 9.3 «Upsell и cross-sell»: каталог и продукты клиентов ---
    "products": (
        Field("product_id", "cat", "продукт: редакция или модуль", unique=True, values=PRODUCT_CODES),
        Field("name", "str", "название продукта", unique=True),
        Field("kind", "cat", "редакция (основной продукт сегмента) или модуль (дополнение к редакции)",
              values=PRODUCT_KINDS),
        Field("segments", "str", "сегменты, которым продукт продают, через пробел"),
        Field("on_sale_from", "month", "месяц начала продаж (2023-01-01 — продавался и раньше)"),
        Field("price_2023_rub", "money", "цена места редакции за месяц в 2023–2024 годах по прайсу, ₽ "
                                         "(пусто у модулей)", nullable=True),
        Field("price_2025_rub", "money", "цена места редакции за месяц с 2025 года по прайсу, ₽ (пусто у модулей)",
              nullable=True),
        Field("price_share", "float", "цена модуля: доля цены места редакции клиента (пусто у редакций)",
              nullable=True, min=0.0, max=1.0),
        Field("description", "str", "что входит в продукт"),
    ),
    "account_products": (
        Field("month", "month", "месяц движения MRR (первое число), как в mrr"),
        _id("account_id", "A", "компания-клиент"),
        Field("product_id", "cat", "продукт, за который движение: редакция клиента или купленный модуль",
              values=PRODUCT_CODES),
        Field("event", "cat", "что произошло: новый договор, места, сделка допродажи, модуль, индексация цены, "
                              "сокращение мест, отток", values=PRODUCT_EVENTS),
        Field("seats_change", "int", "изменение числа оплаченных мест (у модуля и индексации — 0)"),
        Field("mrr_change_rub", "float", "изменение MRR, ₽ (у сокращения и оттока — отрицательное)"),
        Field("held_until", "month", "у нового договора и модуля — последний месяц, когда продукт был у клиента "
                                     "(месяц до оттока; пусто — есть и в декабре 2025 года и у других событий)",
              nullable=True),
    ),
    # --- 9.4 «Advocacy и рекомендации»: реферальная программа и клиенты-референсы ---
    "referrals": (
        _id("referral_id", "RF", "приглашение реферальной программы «Приведи коллегу»", unique=True),
        Field("invited_date", "date", "дата приглашения (не раньше запуска программы 01.04.2024)"),
        _id("referrer_account_id", "A", "клиент, который пригласил (платил в день приглашения)"),
        Field("referred_company", "str", "приглашённая компания (название; у лида — как в accounts)"),
        _id("lead_id", "L", "лид, которым стало приглашение (пусто — приглашение ни к чему не привело)",
            unique=True, nullable=True),
        _id("opportunity_id", "O", "сделка из этого лида (пусто — лид не дошёл до сделки)", nullable=True),
        _money("reward_rub", "вознаграждение пригласившему: 10 % ACV первого контракта приведённой компании "
                             "зачётом в подписку, ₽ (0 — сделки не выиграли)"),
        Field("reward_date", "date", "дата начисления вознаграждения — дата выигрыша сделки (пусто — не начислялось)",
              nullable=True),
    ),
    "reference_accounts": (
        _id("account_id", "A", "клиент, давший письменное согласие быть референсом", unique=True),
        Field("segment", "cat", "сегмент клиента (как в accounts)", values=SEGMENTS),
        Field("joined_date", "date", "дата письменного согласия (вступил в пул референсов)"),
        Field("consent_scope", "cat", "на что согласие: только звонок; звонок и публичный кейс; "
                                      "звонок, кейс и логотип на сайте", values=REFERENCE_SCOPES),
        Field("left_date", "date", "дата выхода из пула (пусто — в пуле на 31.12.2025)", nullable=True),
        Field("left_reason", "cat", "почему вышел: ушёл как клиент или отозвал согласие (пусто — в пуле)",
              values=REFERENCE_LEFT_REASONS, nullable=True),
    ),
    "reference_requests": (
        _id("request_id", "RQ", "просьба AE о звонке референса", unique=True),
        _id("opportunity_id", "O", "сделка mid-market или enterprise, в которой просили референса", unique=True),
        _id("ae_id", "R", "AE — владелец сделки (opportunities.owner_id)"),
        Field("request_date", "date", "дата просьбы (после входа сделки в стадию proposal, не позже закрытия)"),
        _id("reference_account_id", "A", "назначенный референс (пусто — свободного референса не нашлось)",
            nullable=True),
        Field("status", "cat", "итог: звонок состоялся, референс отказался от этого звонка, референса не нашлось "
                               "(все заняты по лимиту звонков)", values=REFERENCE_REQUEST_STATUSES),
        Field("call_date", "date", "дата звонка референса с покупателем (только у состоявшихся)", nullable=True),
    ),
}

TABLES: tuple[str, ...] = tuple(TABLE_FIELDS)

TABLE_TITLES = {
    "accounts": "компании (B2B-аккаунты)",
    "marketing_spend": "медиарасходы на маркетинг",
    "sm_costs": "прочие расходы на продажи и маркетинг",
    "reps": "сотрудники отдела продаж и CS",
    "leads": "B2B-лиды",
    "opportunities": "сделки",
    "opportunity_stages": "история стадий сделок",
    "mrr": "помесячный MRR клиентов",
    "activities": "активности продавцов",
    "rep_daily_activity": "отчёт телефонии и рассыльщика по SDR/BDR за день",
    "email_experiments": "A/B-тесты писем",
    "product_usage": "использование продукта",
    "support_tickets": "обращения в поддержку",
    "cogs": "себестоимость",
    "b2c_users": "пользователи «Сфера Планер»",
    "b2c_purchases": "покупки в «Сфера Планер»",
    "survey_responses": "исследование клиентов: интервью, анкета, сессии",
    "salary_history": "история окладов сотрудников",
    "ae_quotas": "годовые планы AE",
    "contacts": "контакты комитета покупателя",
    "abm_accounts": "ABM-программа 2025 года: пул, скоринг и отбор",
    "trainings": "обучение сотрудников: курсы и оценки уровней 1–2",
    "certifications": "попытки сертификации по продукту",
    "ad_campaigns": "отчёт рекламных кабинетов по кампаниям за месяц",
    "ad_leads": "кампания каждого лида из рекламы",
    "articles": "статьи компании: сессии и лиды по месяцам",
    "mailboxes": "почтовые ящики BDR: отправка, возвраты, жалобы по неделям",
    "social_posts": "посты и выступления сотрудников и канала компании",
    "social_post_leads": "лиды, первый контакт которых — пост",
    "partners": "партнёры",
    "partner_deals": "участие партнёров в лидах и сделках",
    "pay_plans": "планы мотивации: правила переменной части по ролям",
    "rep_payouts": "выплаты переменной части: сотрудник × месяц × составляющая",
    "career_events": "карьерные события: найм, калибровки грейдов, уход и перевод из продаж",
    "touches": "маркетинговые касания лидов",
    "web_traffic": "веб-аналитика сайта «Сфера Деск» по месяцам",
    "candidates": "кандидаты на вакансии продаж и CS: источник и этапы найма",
    "interview_scores": "оценки структурированного интервью: кандидат × интервьюер × компетенция",
    "handoffs": "передача новых клиентов из продаж в успех клиентов",
    "content_assets": "материалы продаж: кейсы, battlecards, калькуляторы, плейбуки",
    "content_usage": "использование материалов в сделках и просмотры покупателем",
    "chats": "сессии чат-бота квалификации на сайте",
    "chat_messages": "реплики сессий чат-бота",
    "voicebot_calls": "звонки голосового бота: подтверждение демо и реактивация",
    "crm_records": "сырые записи о контактах в CRM из разных источников (с дублями)",
    "calls": "записанные звонки AE по сделкам (выборка встреч discovery и демонстраций)",
    "call_turns": "реплики записанных звонков: кто, когда, что сказал",
    "outreach_emails": "первые письма SDR и BDR лидам: блоки текста и исход",
    "genai_outputs": "черновики AI-ассистента продавцов и их разметка",
    "onboarding_milestones": "вехи внедрения новых клиентов: план и факт",
    "invoices": "счета клиентов: выставление, срок и дата оплаты",
    "save_plays": "сценарии спасения: отмеченные клиенты, выбор CSM и случайное деление",
    "products": "каталог «Сферы Деск»: редакции и модули",
    "account_products": "продукты клиентов: движения MRR по продуктам",
    "referrals": "реферальная программа: приглашения клиентов и их судьба",
    "reference_accounts": "пул клиентов-референсов: согласия и выход",
    "reference_requests": "просьбы AE о звонке референса в сделках",
}

# Внешние ключи: (таблица, столбец, таблица-справочник, столбец-справочник)
FOREIGN_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("leads", "account_id", "accounts", "account_id"),
    ("leads", "sdr_id", "reps", "rep_id"),
    ("leads", "opportunity_id", "opportunities", "opportunity_id"),
    ("opportunities", "lead_id", "leads", "lead_id"),
    ("opportunities", "account_id", "accounts", "account_id"),
    ("opportunities", "owner_id", "reps", "rep_id"),
    ("opportunities", "se_id", "reps", "rep_id"),
    ("opportunity_stages", "opportunity_id", "opportunities", "opportunity_id"),
    ("mrr", "account_id", "accounts", "account_id"),
    ("activities", "rep_id", "reps", "rep_id"),
    ("contacts", "account_id", "accounts", "account_id"),
    ("contacts", "lead_id", "leads", "lead_id"),
    ("contacts", "opportunity_id", "opportunities", "opportunity_id"),
    ("abm_accounts", "account_id", "accounts", "account_id"),
    ("abm_accounts", "owner_id", "reps", "rep_id"),
    ("rep_payouts", "rep_id", "reps", "rep_id"),
    ("activities", "lead_id", "leads", "lead_id"),
    ("activities", "opportunity_id", "opportunities", "opportunity_id"),
    ("rep_daily_activity", "rep_id", "reps", "rep_id"),
    ("ad_leads", "lead_id", "leads", "lead_id"),
    ("email_experiments", "lead_id", "leads", "lead_id"),
    ("mailboxes", "rep_id", "reps", "rep_id"),
    ("product_usage", "account_id", "accounts", "account_id"),
    ("support_tickets", "account_id", "accounts", "account_id"),
    ("social_posts", "author_id", "reps", "rep_id"),
    ("social_post_leads", "post_id", "social_posts", "post_id"),
    ("social_post_leads", "lead_id", "leads", "lead_id"),
    ("b2c_purchases", "user_id", "b2c_users", "user_id"),
    ("survey_responses", "account_id", "accounts", "account_id"),
    ("salary_history", "rep_id", "reps", "rep_id"),
    ("career_events", "rep_id", "reps", "rep_id"),
    ("ae_quotas", "rep_id", "reps", "rep_id"),
    ("partner_deals", "partner_id", "partners", "partner_id"),
    ("trainings", "rep_id", "reps", "rep_id"),
    ("certifications", "rep_id", "reps", "rep_id"),
    ("partner_deals", "lead_id", "leads", "lead_id"),
    ("content_usage", "opportunity_id", "opportunities", "opportunity_id"),
    ("content_usage", "asset_id", "content_assets", "asset_id"),
    ("partner_deals", "opportunity_id", "opportunities", "opportunity_id"),
    ("candidates", "hired_rep_id", "reps", "rep_id"),
    ("interview_scores", "candidate_id", "candidates", "candidate_id"),
    ("chats", "lead_id", "leads", "lead_id"),
    ("chat_messages", "chat_id", "chats", "chat_id"),
    ("voicebot_calls", "lead_id", "leads", "lead_id"),
    ("touches", "lead_id", "leads", "lead_id"),
    ("crm_records", "true_contact_id", "contacts", "contact_id"),
    ("crm_records", "true_account_id", "accounts", "account_id"),
    ("handoffs", "opportunity_id", "opportunities", "opportunity_id"),
    ("handoffs", "account_id", "accounts", "account_id"),
    ("calls", "opportunity_id", "opportunities", "opportunity_id"),
    ("calls", "activity_id", "activities", "activity_id"),
    ("calls", "rep_id", "reps", "rep_id"),
    ("call_turns", "call_id", "calls", "call_id"),
    ("handoffs", "ae_id", "reps", "rep_id"),
    ("outreach_emails", "lead_id", "leads", "lead_id"),
    ("outreach_emails", "rep_id", "reps", "rep_id"),
    ("handoffs", "csm_id", "reps", "rep_id"),
    ("genai_outputs", "opportunity_id", "opportunities", "opportunity_id"),
    ("genai_outputs", "account_id", "accounts", "account_id"),
    ("genai_outputs", "rep_id", "reps", "rep_id"),
    ("genai_outputs", "contact_id", "contacts", "contact_id"),
    ("onboarding_milestones", "account_id", "accounts", "account_id"),
    ("invoices", "account_id", "accounts", "account_id"),
    ("save_plays", "account_id", "accounts", "account_id"),
    ("save_plays", "csm_id", "reps", "rep_id"),
    ("account_products", "account_id", "accounts", "account_id"),
    ("account_products", "product_id", "products", "product_id"),
    ("referrals", "referrer_account_id", "accounts", "account_id"),
    ("referrals", "lead_id", "leads", "lead_id"),
    ("referrals", "opportunity_id", "opportunities", "opportunity_id"),
    ("reference_accounts", "account_id", "accounts", "account_id"),
    ("reference_requests", "opportunity_id", "opportunities", "opportunity_id"),
    ("reference_requests", "ae_id", "reps", "rep_id"),
    ("reference_requests", "reference_account_id", "reference_accounts", "account_id"),
)


# --------------------------------------------------------------------------
# Проверки на уровне таблицы
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class TableCheck:
    """Проверка, затрагивающая несколько столбцов или строк.

    ``fn`` получает типизированную таблицу и возвращает булеву серию
    (True — строка в порядке).
    """

    name: str
    columns: tuple[str, ...]
    message: str
    fn: Callable[[pd.DataFrame], pd.Series]


def _kopecks(s: pd.Series) -> np.ndarray:
    return np.rint(s.to_numpy(dtype="float64") * 100).astype("int64")


def _segment_matches_employees(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(False, index=df.index)
    for seg, (lo, hi) in SEGMENT_EMPLOYEE_BOUNDS.items():
        ok |= (df["segment"] == seg) & df["employees"].between(lo, hi)
    return ok


def _unique_together(*cols: str) -> Callable[[pd.DataFrame], pd.Series]:
    def check(df: pd.DataFrame) -> pd.Series:
        return ~df.duplicated(list(cols), keep="first")
    return check


def _mrr_identity(df: pd.DataFrame) -> pd.Series:
    order = np.lexsort((df["month"].to_numpy(), df["account_id"].to_numpy()))
    acc = df["account_id"].to_numpy()[order]
    mrr = _kopecks(df["mrr_rub"])[order]
    delta = (_kopecks(df["new_rub"]) + _kopecks(df["expansion_rub"])
             - _kopecks(df["contraction_rub"]) - _kopecks(df["churn_rub"]))[order]
    first = np.ones(len(df), dtype=bool)
    first[1:] = acc[1:] != acc[:-1]
    prev = np.zeros(len(df), dtype="int64")
    prev[1:] = mrr[:-1]
    prev[first] = 0
    ok_sorted = mrr == prev + delta
    ok = np.empty(len(df), dtype=bool)
    ok[order] = ok_sorted
    return pd.Series(ok, index=df.index)


def _mrr_consecutive(df: pd.DataFrame) -> pd.Series:
    order = np.lexsort((df["month"].to_numpy(), df["account_id"].to_numpy()))
    acc = df["account_id"].to_numpy()[order]
    m = df["month"].to_numpy().astype("datetime64[M]").astype("int64")[order]
    ok_sorted = np.ones(len(df), dtype=bool)
    same = acc[1:] == acc[:-1]
    ok_sorted[1:] = ~same | (m[1:] == m[:-1] + 1)
    ok = np.empty(len(df), dtype=bool)
    ok[order] = ok_sorted
    return pd.Series(ok, index=df.index)


def _mrr_zero_only_on_churn(df: pd.DataFrame) -> pd.Series:
    zero = _kopecks(df["mrr_rub"]) == 0
    churn = _kopecks(df["churn_rub"]) > 0
    return pd.Series(~zero | churn, index=df.index)


def _stage_matches_outcome(df: pd.DataFrame) -> pd.Series:
    won = df["outcome"] == "won"
    lost = df["outcome"] == "lost"
    open_ = df["outcome"] == "open"
    return ((won & (df["stage"] == "closed_won")) | (lost & (df["stage"] == "closed_lost"))
            | (open_ & df["stage"].isin(OPEN_STAGES)))


def _channel_matches_line(df: pd.DataFrame) -> pd.Series:
    return (((df["business_line"] == "b2b") & df["channel"].isin(B2B_CHANNELS))
            | ((df["business_line"] == "b2c") & df["channel"].isin(B2C_CHANNELS)))


def _activity_fields(df: pd.DataFrame) -> pd.Series:
    is_call = df["type"] == "call"
    is_email = df["type"] == "email"
    ok = (df["call_opener"].isna() | is_call) & (df["email_template"].isna() | is_email)
    ok &= df["duration_sec"].isna() | is_call
    outcome_ok = pd.Series(False, index=df.index)
    for t, outs in ACTIVITY_OUTCOMES.items():
        outcome_ok |= (df["type"] == t) & df["outcome"].isin(outs)
    return ok & outcome_ok


TABLE_CHECKS: dict[str, tuple[TableCheck, ...]] = {
    "accounts": (
        TableCheck("segment_employees", ("segment", "employees"),
                   "сегмент не соответствует числу сотрудников (smb < 100, mid_market 100–999, "
                   "enterprise ≥ 1000)", _segment_matches_employees),
        TableCheck("churn_after_since", ("customer_since", "churned_on"),
                   "дата ухода есть, а даты начала нет, или уход раньше начала",
                   lambda d: d["churned_on"].isna() | (d["customer_since"].notna()
                                                       & (d["churned_on"] >= d["customer_since"]))),
    ),
    "marketing_spend": (
        TableCheck("unique_month_channel", ("month", "business_line", "channel", "segment"),
                   "повторяется сочетание месяц + направление + канал + сегмент",
                   _unique_together("month", "business_line", "channel", "segment")),
        TableCheck("channel_matches_line", ("business_line", "channel"),
                   "канал не относится к указанному направлению бизнеса", _channel_matches_line),
    ),
    "sm_costs": (
        TableCheck("unique_cost_line", ("month", "department", "cost_type", "role"),
                   "повторяется сочетание месяц + подразделение + статья + роль",
                   _unique_together("month", "department", "cost_type", "role")),
        TableCheck("role_only_for_pay", ("cost_type", "role"),
                   "роль должна быть указана для salary и bonus и только для них",
                   lambda d: d["role"].notna() == d["cost_type"].isin(("salary", "bonus"))),
    ),
    "reps": (
        TableCheck("exit_after_hire", ("hire_date", "exit_date"),
                   "дата увольнения раньше даты найма",
                   lambda d: d["exit_date"].isna() | (d["exit_date"] >= d["hire_date"])),
        TableCheck("exit_reason_with_exit", ("exit_date", "exit_reason"),
                   "причина увольнения должна быть указана у уволившихся и только у них",
                   lambda d: d["exit_reason"].notna() == d["exit_date"].notna()),
        TableCheck("quota_only_ae", ("role", "annual_quota_rub"),
                   "годовой план должен быть у AE и только у AE",
                   lambda d: d["annual_quota_rub"].notna() == (d["role"] == "AE")),
        TableCheck("ae_has_team", ("role", "team"), "у AE должна быть команда (сегмент)",
                   lambda d: (d["role"] != "AE") | d["team"].notna()),
    ),
    "leads": (
        TableCheck("mql_after_created", ("created_date", "mql_date"),
                   "дата MQL раньше даты появления лида",
                   lambda d: d["mql_date"].isna() | (d["mql_date"] >= d["created_date"])),
        TableCheck("sql_after_mql", ("mql_date", "sql_date"),
                   "дата SQL раньше даты MQL или нет даты MQL",
                   lambda d: d["sql_date"].isna() | (d["mql_date"].notna()
                                                     & (d["sql_date"] >= d["mql_date"]))),
        TableCheck("converted_has_opportunity", ("status", "opportunity_id"),
                   "сделка указана тогда и только тогда, когда статус converted",
                   lambda d: (d["status"] == "converted") == d["opportunity_id"].notna()),
        TableCheck("disqualified_has_reason", ("status", "disqualify_reason"),
                   "причина дисквалификации указана тогда и только тогда, когда статус disqualified",
                   lambda d: (d["status"] == "disqualified") == d["disqualify_reason"].notna()),
        TableCheck("sql_status_has_date", ("status", "sql_date"),
                   "у лидов в статусе sql и converted должна быть дата SQL",
                   lambda d: ~d["status"].isin(("sql", "converted")) | d["sql_date"].notna()),
        TableCheck("mql_status_has_date", ("status", "mql_date"),
                   "у лидов в статусе mql должна быть дата MQL",
                   lambda d: (d["status"] != "mql") | d["mql_date"].notna()),
    ),
    "opportunities": (
        TableCheck("close_after_created", ("created_date", "close_date"),
                   "дата закрытия раньше даты создания",
                   lambda d: d["close_date"].isna() | (d["close_date"] >= d["created_date"])),
        TableCheck("open_has_no_close", ("outcome", "close_date"),
                   "у открытой сделки не должно быть даты закрытия, у закрытой — должна быть",
                   lambda d: (d["outcome"] == "open") == d["close_date"].isna()),
        TableCheck("stage_matches_outcome", ("stage", "outcome"),
                   "стадия не соответствует итогу сделки", _stage_matches_outcome),
        TableCheck("loss_reason_only_lost", ("outcome", "loss_reason"),
                   "причина проигрыша указана тогда и только тогда, когда сделка проиграна",
                   lambda d: (d["outcome"] == "lost") == d["loss_reason"].notna()),
        TableCheck("competitor_loss_has_competitor", ("loss_reason", "competitor"),
                   "проигрыш конкуренту, но конкурент не указан",
                   lambda d: (d["loss_reason"] != "competitor") | d["competitor"].notna()),
    ),
    "opportunity_stages": (
        TableCheck("unique_stage", ("opportunity_id", "stage"),
                   "стадия сделки повторяется", _unique_together("opportunity_id", "stage")),
    ),
    "mrr": (
        TableCheck("unique_month_account", ("month", "account_id"),
                   "повторяется сочетание месяц + клиент", _unique_together("month", "account_id")),
        TableCheck("mrr_identity", ("mrr_rub", "new_rub", "expansion_rub", "contraction_rub",
                                    "churn_rub"),
                   "не выполняется тождество MRR(t) = MRR(t−1) + new + expansion − contraction − "
                   "churn", _mrr_identity),
        TableCheck("consecutive_months", ("month", "account_id"),
                   "пропущен месяц в истории клиента", _mrr_consecutive),
        TableCheck("zero_only_on_churn", ("mrr_rub", "churn_rub"),
                   "нулевой MRR допустим только в месяце оттока", _mrr_zero_only_on_churn),
    ),
    "activities": (
        TableCheck("lead_xor_opportunity", ("lead_id", "opportunity_id"),
                   "должен быть указан ровно один из столбцов lead_id и opportunity_id",
                   lambda d: d["lead_id"].isna() != d["opportunity_id"].isna()),
        TableCheck("fields_match_type", ("type", "call_opener", "email_template", "outcome",
                                         "duration_sec"),
                   "поля не соответствуют типу активности (скрипт и длительность — только у звонков, "
                   "шаблон — только у писем, результат — из списка для своего типа)",
                   _activity_fields),
    ),
    "rep_daily_activity": (
        TableCheck("unique_rep_date", ("rep_id", "date"),
                   "повторяется сочетание сотрудник + день", _unique_together("rep_id", "date")),
        TableCheck("answers_not_above_attempts", ("calls", "calls_connected", "emails", "emails_replied",
                                                  "messages", "messages_replied"),
                   "ответов больше, чем попыток",
                   lambda d: (d["calls_connected"] <= d["calls"]) & (d["emails_replied"] <= d["emails"])
                   & (d["messages_replied"] <= d["messages"])),
    ),
    "email_experiments": (
        TableCheck("unique_recipient", ("experiment_id", "lead_id"),
                   "один и тот же лид дважды в эксперименте",
                   _unique_together("experiment_id", "lead_id")),
        TableCheck("funnel_order", ("opened", "replied", "meeting_booked"),
                   "нарушен порядок воронки письма (ответ без открытия или встреча без ответа)",
                   lambda d: (d["opened"] | ~d["replied"]) & (d["replied"] | ~d["meeting_booked"])),
    ),
    "product_usage": (
        TableCheck("unique_month_account", ("month", "account_id"),
                   "повторяется сочетание месяц + клиент", _unique_together("month", "account_id")),
        TableCheck("active_within_seats", ("active_users", "licensed_seats"),
                   "активных пользователей больше, чем оплаченных мест",
                   lambda d: d["active_users"] <= d["licensed_seats"]),
    ),
    "support_tickets": (),
    "cogs": (
        TableCheck("unique_cost_line", ("month", "business_line", "cost_type"),
                   "повторяется сочетание месяц + направление + статья",
                   _unique_together("month", "business_line", "cost_type")),
    ),
    "b2c_users": (),
    "b2c_purchases": (),
    "survey_responses": (
        TableCheck("code_matches_type", ("item_type", "code"),
                   "код не из той части кодовой книги: у болей — коды болей, у выгод — коды выгод",
                   lambda d: ((d["item_type"] == "pain") & d["code"].isin(PAIN_CODES))
                   | ((d["item_type"] == "gain") & d["code"].isin(GAIN_CODES))),
        TableCheck("unique_code_per_respondent", ("respondent_id", "item_type", "code"),
                   "один и тот же код дважды у одного респондента",
                   _unique_together("respondent_id", "item_type", "code")),
        TableCheck("one_wtp_per_respondent", ("respondent_id", "wtp_rub"),
                   "у одного респондента разная готовность платить в разных строках",
                   lambda d: d["wtp_rub"].fillna(-1.0).groupby(d["respondent_id"]).transform("nunique")
                   == 1),
        TableCheck("prompted_only_in_survey", ("method", "prompted"),
                   "наводящий закрытый вопрос был только в анкете",
                   lambda d: ~d["prompted"] | (d["method"] == "survey")),
    ),
    "salary_history": (
        TableCheck("unique_rep_date", ("rep_id", "effective_date"),
                   "у сотрудника два оклада с одной даты", _unique_together("rep_id", "effective_date")),
    ),
    "ae_quotas": (
        TableCheck("unique_rep_year", ("rep_id", "year"),
                   "у AE два плана на один год", _unique_together("rep_id", "year")),
    ),
    "partners": (),
    "partner_deals": (
        TableCheck("one_partner_per_lead", ("lead_id",),
                   "у лида два партнёра", _unique_together("lead_id")),
        TableCheck("payout_has_date", ("payout_rub", "payout_date"),
                   "вознаграждение без даты начисления или дата без вознаграждения",
                   lambda d: (d["payout_rub"] > 0) == d["payout_date"].notna()),
    ),
    "touches": (),
    "web_traffic": (
        TableCheck("unique_month_source", ("month", "source", "medium"),
                   "повторяется сочетание месяц + источник + тип трафика",
                   _unique_together("month", "source", "medium")),
        TableCheck("funnel_of_visits", ("sessions", "engaged_sessions", "users", "new_users"),
                   "вовлечённых визитов больше визитов, посетителей больше визитов или новых больше всех",
                   lambda d: ((d["engaged_sessions"] <= d["sessions"]) & (d["users"] <= d["sessions"])
                              & (d["new_users"] <= d["users"])).fillna(True).astype(bool)),
        TableCheck("brand_row_only_queries", ("medium", "sessions", "brand_queries"),
                   "в строке брендового спроса — только запросы, в строках трафика — только визиты",
                   lambda d: (d["medium"] == "brand_query") == (d["sessions"].isna() & d["brand_queries"].notna())),
    ),
    "social_posts": (
        TableCheck("engagement_within_views", ("views", "reactions", "comments", "utm_clicks"),
                   "реакций, комментариев или переходов больше, чем просмотров",
                   lambda d: (d["reactions"] <= d["views"]) & (d["comments"] <= d["views"])
                   & (d["utm_clicks"] <= d["views"])),
        TableCheck("label_only_promo", ("format", "ad_labelled"),
                   "пометка «Реклама» стоит не у рекламного поста",
                   lambda d: ~d["ad_labelled"] | (d["format"] == "promo")),
    ),
    "social_post_leads": (),
    "mailboxes": (
        TableCheck("unique_week_mailbox", ("week", "mailbox"),
                   "повторяется сочетание неделя + ящик", _unique_together("week", "mailbox")),
        TableCheck("delivery_identity", ("sent", "hard_bounces", "soft_bounces", "delivered"),
                   "не выполняется тождество: доставлено = отправлено − постоянные − временные возвраты",
                   lambda d: d["delivered"] == d["sent"] - d["hard_bounces"] - d["soft_bounces"]),
        TableCheck("crm_within_totals", ("sent", "crm_sent", "crm_bounced", "hard_bounces", "complaints",
                                         "delivered"),
                   "писем или возвратов по CRM больше, чем всего, или жалоб больше, чем доставлено",
                   lambda d: (d["crm_sent"] <= d["sent"]) & (d["crm_bounced"] <= d["crm_sent"])
                   & (d["crm_bounced"] <= d["hard_bounces"]) & (d["complaints"] <= d["delivered"])),
    ),
    "ad_campaigns": (
        TableCheck("unique_month_campaign", ("month", "campaign_id"), "повторяется сочетание месяц + кампания",
                   _unique_together("month", "campaign_id")),
        TableCheck("funnel_order", ("impressions", "clicks", "leads"),
                   "кликов больше, чем показов, или лидов больше, чем кликов",
                   lambda d: (d["clicks"] <= d["impressions"]) & (d["leads"] <= d["clicks"])),
    ),
    "ad_leads": (),
    "articles": (
        TableCheck("unique_article_month", ("article_id", "month"), "повторяется сочетание статья + месяц",
                   _unique_together("article_id", "month")),
    ),
    "contacts": (
        TableCheck("one_meddic_role_per_account", ("account_id", "role"),
                   "у компании два экономических покупателя или два чемпиона",
                   lambda d: ~(d["role"].isin(["economic_buyer", "champion"])
                               & d.duplicated(["account_id", "role"], keep="first"))),
    ),
    "abm_accounts": (
        TableCheck("tier_iff_programme", ("in_programme", "tier", "start_date", "budget_rub"),
                   "уровень, дата старта и бюджет есть ровно у выбранных в программу компаний",
                   lambda d: (d["in_programme"] == d["tier"].notna()) & (d["in_programme"] == d["start_date"].notna())
                   & (d["in_programme"] == d["budget_rub"].notna())),
    ),
    "handoffs": (
        TableCheck("handoff_after_close", ("close_date", "handoff_date"), "передача раньше закрытия сделки",
                   lambda d: d["handoff_date"] >= d["close_date"]),
        TableCheck("kickoff_after_handoff", ("handoff_date", "kickoff_date"), "kickoff раньше передачи",
                   lambda d: (d["kickoff_date"] > d["handoff_date"]) | d["kickoff_date"].isna()),
        TableCheck("completeness_is_share", ("goals_recorded", "stakeholders_listed", "success_criteria",
                                             "tech_requirements", "promises_logged", "completeness"),
                   "полнота карточки не равна доле заполненных пунктов",
                   lambda d: ((d[["goals_recorded", "stakeholders_listed", "success_criteria", "tech_requirements",
                                  "promises_logged"]].mean(axis=1) - d["completeness"]).abs() < 0.006)),
    ),
    "candidates": (
        TableCheck("hired_iff_accepted", ("stage_reached", "hired_rep_id", "rejected_by"),
                   "сотрудник указан не ровно у принявших оффер, или у принявшего указано, кто отказался",
                   lambda d: ((d["stage_reached"] == "accepted") == d["hired_rep_id"].notna())
                   & ~((d["stage_reached"] == "accepted") & d["rejected_by"].notna())),
        TableCheck("stage_dates_in_order", ("applied_date", "screen_date", "interview_date", "final_date", "offer_date",
                                            "accepted_date"),
                   "даты этапов идут не по порядку",
                   lambda d: pd.concat([(d[b] >= d[a]) | d[b].isna() for a, b in zip(
                       ["applied_date", "screen_date", "interview_date", "final_date", "offer_date"],
                       ["screen_date", "interview_date", "final_date", "offer_date", "accepted_date"])],
                       axis=1).all(axis=1)),
    ),
    "interview_scores": (
        TableCheck("unique_rating", ("candidate_id", "interviewer_id", "competency"),
                   "повторяется сочетание кандидат + интервьюер + компетенция",
                   _unique_together("candidate_id", "interviewer_id", "competency")),
    ),
    "trainings": (
        TableCheck("end_after_start", ("start_date", "end_date"), "курс закончился раньше, чем начался",
                   lambda d: d["end_date"] >= d["start_date"]),
        TableCheck("unique_rep_programme", ("rep_id", "programme"), "сотрудник прошёл одну программу дважды",
                   _unique_together("rep_id", "programme")),
    ),
    "certifications": (
        TableCheck("passed_is_threshold", ("test_score", "passed"), "«сдано» не совпадает с правилом «тест ≥ 70»",
                   lambda d: d["passed"] == (d["test_score"] >= 70)),
    ),
    "crm_records": (),
    "career_events": (
        TableCheck("grades_by_event", ("event_type", "grade_before", "grade_after"),
                   "у найма нет грейда «до», у калибровки есть оба грейда, у ухода нет грейда «после»",
                   lambda d: (d["grade_before"].isna() == d["event_type"].eq("hire"))
                   & (d["grade_after"].isna() == d["event_type"].isin(["exit", "transfer_out"]))),
        TableCheck("origin_iff_hire", ("event_type", "origin", "destination"),
                   "происхождение есть ровно у найма, назначение — ровно у перевода из продаж",
                   lambda d: (d["origin"].notna() == d["event_type"].eq("hire"))
                   & (d["destination"].notna() == d["event_type"].eq("transfer_out"))),
    ),
    "pay_plans": (),
    "outreach_emails": (
        TableCheck("reply_needs_open", ("opened", "replied", "meeting_booked"),
                   "ответ без открытия или встреча без ответа",
                   lambda d: (~d["replied"] | d["opened"]) & (~d["meeting_booked"] | d["replied"])),
    ),
    "rep_payouts": (
        TableCheck("unique_rep_month_component", ("month", "rep_id", "component"),
                   "повторяется сочетание месяц + сотрудник + составляющая",
                   _unique_together("month", "rep_id", "component")),
    ),
    "genai_outputs": (
        TableCheck("detail_iff_defect", ("label_final", "defect_detail"),
                   "подвид дефекта есть ровно у черновиков с дефектом",
                   lambda d: d["defect_detail"].isna() == d["label_final"].eq("ok")),
    ),
    "onboarding_milestones": (
        TableCheck("unique_client_milestone", ("account_id", "milestone"), "повторяется сочетание клиент + веха",
                   _unique_together("account_id", "milestone")),
    ),
    "calls": (),
    "call_turns": (
        TableCheck("turn_ends_after_start", ("start_sec", "end_sec"), "реплика кончается раньше, чем началась",
                   lambda d: d["end_sec"] > d["start_sec"]),
        TableCheck("unique_call_turn", ("call_id", "turn"), "повторяется номер реплики в звонке",
                   _unique_together("call_id", "turn")),
    ),
    "chats": (
        TableCheck("lead_iff_contact", ("lead_id", "last_state", "end_state"),
                   "лид есть ровно у сессий, дошедших до контакта и маршрутизированных",
                   lambda d: d["lead_id"].notna() == d["end_state"].isin(["meeting_booked", "routed_sdr", "self_serve"])),
    ),
    "chat_messages": (
        TableCheck("unique_chat_seq", ("chat_id", "seq"), "повторяется сочетание сессия + номер реплики",
                   _unique_together("chat_id", "seq")),
    ),
    "voicebot_calls": (
        TableCheck("errors_within_words", ("words", "asr_errors", "steps_reached", "outcome"),
                   "ошибок больше, чем слов, или у недозвона есть шаги",
                   lambda d: (d["asr_errors"] <= d["words"])
                   & ((d["outcome"] == "no_answer") == (d["steps_reached"] == 0))),
    ),
    "content_assets": (),
    "content_usage": (
        TableCheck("unique_use", ("opportunity_id", "asset_id"), "материал использован в сделке дважды",
                   _unique_together("opportunity_id", "asset_id")),
        TableCheck("views_iff_seconds", ("buyer_views", "view_seconds"),
                   "секунды просмотра есть без просмотров или просмотры без секунд",
                   lambda d: (d["buyer_views"].isna() == d["view_seconds"].isna())
                   & ~((d["buyer_views"] == 0) & (d["view_seconds"] > 0))),
    ),
    "invoices": (
        TableCheck("due_after_issue", ("issue_date", "due_date"), "срок оплаты раньше даты счёта",
                   lambda d: d["due_date"] >= d["issue_date"]),
        TableCheck("paid_after_issue", ("issue_date", "paid_date"), "счёт оплачен раньше, чем выставлен",
                   lambda d: d["paid_date"].isna() | (d["paid_date"] >= d["issue_date"])),
        TableCheck("kind_months", ("kind", "service_months"),
                   "годовой счёт не на 12 месяцев, помесячный — не на 1 или доплата co-term на 12",
                   lambda d: ((d["kind"] == "annual") == (d["service_months"] == 12))
                   & ((d["kind"] == "monthly") <= (d["service_months"] == 1))),
    ),
    "save_plays": (
        TableCheck("unique_flag", ("flag_date", "account_id"), "клиент отмечен в одном квартале дважды",
                   _unique_together("flag_date", "account_id")),
        TableCheck("play_fields_in_group", ("group", "csm_id", "play_date"),
                   "CSM или дата встречи есть у контрольной группы, или у группы сценария нет CSM",
                   lambda d: (d["csm_id"].notna() == d["group"].eq("play"))
                   & (d["play_date"].isna() | d["group"].eq("play"))),
    ),
    "products": (
        TableCheck("price_by_kind", ("kind", "price_2025_rub", "price_share"),
                   "у редакции нет цены места или у модуля нет доли цены",
                   lambda d: ((d["kind"] == "edition") == d["price_2025_rub"].notna())
                   & ((d["kind"] == "module") == d["price_share"].notna())),
    ),
    "account_products": (
        TableCheck("sign_by_event", ("event", "mrr_change_rub"),
                   "у сокращения и оттока MRR не уменьшается или у остальных событий не растёт",
                   lambda d: (d["event"].isin(["seats_removed", "churn"]) == (d["mrr_change_rub"] < 0))),
        TableCheck("held_until_only_on_purchase", ("event", "held_until", "month"),
                   "срок владения указан не у покупки или раньше месяца покупки",
                   lambda d: (d["held_until"].isna() | (d["event"].isin(["new", "module"])
                                                        & (d["held_until"] >= d["month"])))),
    ),
    "referrals": (
        TableCheck("reward_has_date", ("reward_rub", "reward_date"),
                   "вознаграждение без даты начисления или дата без вознаграждения",
                   lambda d: (d["reward_rub"] > 0) == d["reward_date"].notna()),
        TableCheck("opportunity_needs_lead", ("lead_id", "opportunity_id"), "сделка без лида",
                   lambda d: d["lead_id"].notna() | d["opportunity_id"].isna()),
        TableCheck("reward_after_invite", ("invited_date", "reward_date"), "вознаграждение раньше приглашения",
                   lambda d: d["reward_date"].isna() | (d["reward_date"] >= d["invited_date"])),
    ),
    "reference_accounts": (
        TableCheck("left_after_joined", ("joined_date", "left_date", "left_reason"),
                   "выход из пула раньше согласия или причина выхода без даты",
                   lambda d: (d["left_date"].isna() | (d["left_date"] > d["joined_date"]))
                   & (d["left_date"].isna() == d["left_reason"].isna())),
    ),
    "reference_requests": (
        TableCheck("call_iff_held", ("status", "call_date", "reference_account_id", "request_date"),
                   "дата звонка не ровно у состоявшихся звонков, референс без статуса или звонок раньше просьбы",
                   lambda d: ((d["status"] == "call_held") == d["call_date"].notna())
                   & ((d["status"] == "no_reference") == d["reference_account_id"].isna())
                   & (d["call_date"].isna() | (d["call_date"] >= d["request_date"]))),
    ),
}


# --------------------------------------------------------------------------
# Построение схем pandera
# --------------------------------------------------------------------------

DATE_DTYPE = pandas_engine.DateTime(to_datetime_kwargs={"format": "%Y-%m-%d"})

_KIND_DTYPES = {
    "id": str, "str": str, "cat": str, "float": "float64", "money": "float64",
    "date": DATE_DTYPE, "month": DATE_DTYPE, "bool": bool,
}


def _column(f: Field) -> pa.Column:
    checks: list[pa.Check] = []
    if f.values is not None:
        checks.append(pa.Check.isin(list(f.values)))
    if f.min is not None:
        checks.append(pa.Check.ge(f.min))
    if f.max is not None:
        checks.append(pa.Check.le(f.max))
    if f.pattern is not None:
        checks.append(pa.Check.str_matches(f.pattern))
    if f.unique and f.nullable:
        # pandera считает повторяющиеся пропуски дубликатами — проверяем только заполненные
        checks.append(pa.Check(lambda s: ~(s.duplicated(keep=False) & s.notna()),
                               name="unique_values"))
    if f.kind == "month":
        checks.append(pa.Check(lambda s: s.dt.day == 1, element_wise=False, name="month_start"))
    if f.kind == "int":
        dtype = "Int64" if f.nullable else "int64"
    else:
        dtype = _KIND_DTYPES[f.kind]
    return pa.Column(dtype, checks=checks, nullable=f.nullable, unique=f.unique and not f.nullable,
                     coerce=f.kind != "bool", description=f.description)


def _wide_check(tc: TableCheck) -> pa.Check:
    return pa.Check(tc.fn, name=tc.name, error=tc.message)


def build_schema(table: str) -> pa.DataFrameSchema:
    """Схема pandera для таблицы ``table``: типы столбцов и все проверки."""
    fields = TABLE_FIELDS[table]
    return pa.DataFrameSchema(
        {f.name: _column(f) for f in fields},
        checks=[_wide_check(tc) for tc in TABLE_CHECKS[table]],
        strict=True,
        ordered=False,
        name=table,
        title=TABLE_TITLES[table],
    )


SCHEMAS: dict[str, pa.DataFrameSchema] = {t: build_schema(t) for t in TABLES}


def columns(table: str) -> list[str]:
    """Список столбцов таблицы в порядке, в котором они записаны в CSV."""
    return [f.name for f in TABLE_FIELDS[table]]
