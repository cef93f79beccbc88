"""Верх воронки «Сфера Деск»: маркетинговые касания лидов (touches) и веб-аналитика сайта (web_traffic).

Касания строятся из готовой таблицы leads так, чтобы сходиться с её столбцами
(website_visits, content_downloads, webinar_attended, demo_requested, email_opens,
trial_started); web_traffic — из касаний, поделённых на долю опознанного трафика.
"""

# --- Источник и канал касания, создавшего лид (UTM: source, medium, touch_type) ----------
# Какие пары source/medium может дать канал лида: (source, medium, вес). Google Ads не
# работает в России с марта 2022 года, поэтому платный поиск — только Яндекс Директ;
# LinkedIn заблокирован с 2016 года и каналом не бывает. Веса — допущение курса.
CREATION_SOURCES = {
    "ppc": (("yandex", "cpc", 1.0),),
    "social": (("vk", "social", 0.65), ("telegram", "social", 0.35)),      # VK Реклама, Telegram Ads
    "content": (("vc_ru", "content", 0.30), ("habr", "content", 0.35), ("telegram", "content", 0.15),
                ("email", "email", 0.20)),                                  # статьи, канал, дайджест
    "events": (("event", "event", 1.0),),
    "partners": (("partner", "partner", 1.0),),
    "organic": (("yandex", "organic", 0.55), ("google", "organic", 0.15), ("direct", "direct", 0.20),
                ("referral", "referral", 0.10)),
    "outbound": (("outbound", "outbound", 1.0),),    # контакт найден BDR: запись CRM, не веб-визит
}
# UTM-кампании по паре source/medium (пусто — у органики, прямых и рекомендаций кампаний нет)
CAMPAIGNS = {
    ("yandex", "cpc"): (("desk_generic", 0.45), ("desk_brand", 0.25), ("desk_competitors", 0.15),
                        ("desk_retarget", 0.15)),
    ("vk", "social"): (("vk_leadform", 0.6), ("vk_retarget", 0.4)),
    ("telegram", "social"): (("tg_ads_it", 1.0),),
    ("vc_ru", "content"): (("guide_sla", 0.5), ("case_study", 0.5)),
    ("habr", "content"): (("guide_sla", 0.4), ("habr_blog", 0.6)),
    ("telegram", "content"): (("tg_channel", 1.0),),
    ("email", "email"): (("digest", 0.5), ("nurture", 0.5)),
    ("event", "event"): (("conference", 0.7), ("meetup", 0.3)),
    ("partner", "partner"): (("partner_program", 1.0),),
    ("outbound", "outbound"): (("bdr_list", 1.0),),
}

# --- Визиты до появления лида (website_visits) ---------------------------------------
# Источник визита до лида: с вероятностью SAME_SOURCE_SHARE — тот же, что у касания,
# создавшего лид (человек возвращается тем же путём), иначе — общая смесь сайта ниже.
# Допущение курса: Яндекс в смеси главнее Google, как и в поиске рунета (по Liveinternet
# у Яндекса больше половины поисковых переходов — «Ведомости», 2017; свежей цифры не проверяли).
SAME_SOURCE_SHARE = 0.45
PRE_SESSION_MIX = (("yandex", "organic", 0.28), ("google", "organic", 0.09), ("direct", "direct", 0.22),
                   ("yandex", "cpc", 0.17), ("vc_ru", "content", 0.06), ("habr", "content", 0.07),
                   ("vk", "social", 0.06), ("telegram", "social", 0.03), ("referral", "referral", 0.02))
# Первое касание раньше лида на логнормальное число дней: медиана и разброс.
# Допущение курса (публичные оценки длины пути B2B до заявки — недели, не дни).
FIRST_TOUCH_LAG_MEDIAN_DAYS = 18
FIRST_TOUCH_LAG_SIGMA = 0.9
FIRST_TOUCH_LAG_MAX_DAYS = 180

# --- Касания после появления лида (прогрев, nurture) ---------------------------------
# Клики по письмам рассылки: биномиальная доля открытых писем (click-to-open rate).
# Ориентир: CTOR рассылок B2B — 8–12 % (глоссарий MV3 Marketing), 10–15 % по рассылкам в целом
# (блог Bouncer); берём 0,14 — письма прогрева уходят тёплым лидам, а не по холодной базе.
CLICK_TO_OPEN = 0.14
# Возвраты на сайт после заявки (цены, документация) — Пуассон со средним по типу лида;
# допущение курса
POST_SESSIONS_MEAN = {"inbound": 0.9, "trial": 0.5, "outbound": 0.35}
POST_SESSION_MIX = (("direct", "direct", 0.55), ("yandex", "organic", 0.25), ("yandex", "cpc", 0.12),
                    ("vk", "social", 0.08))
NURTURE_WINDOW_DAYS = 90          # окно прогрева лида без сделки, дней

# --- web_traffic: весь трафик сайта ---------------------------------------------------
# Доля визитов опознанных лидов (сшитых с лидом cookie) во всех визитах источника.
# Большинство посетителей B2B-сайта не оставляет контактов: конверсия визита в лид —
# единицы процентов (ориентиры B2B SaaS: 2–5 % в глоссарии Altior), плюс визиты существующих клиентов, соискателей
# и студентов. Доли по каналу — допущение курса.
IDENTIFIED_SHARE = {"cpc": 0.12, "organic": 0.07, "direct": 0.09, "social": 0.06, "content": 0.05,
                    "email": 0.50, "event": 0.60, "partner": 0.30, "referral": 0.08}
IDENTIFIED_SHARE_SIGMA = 0.10     # месячный шум доли (логнормальный)
SESSIONS_PER_USER = {"cpc": 1.15, "organic": 1.35, "direct": 1.9, "social": 1.2, "content": 1.3,
                     "email": 1.6, "event": 1.1, "partner": 1.3, "referral": 1.25}
NEW_USER_SHARE = {"cpc": 0.78, "organic": 0.72, "direct": 0.35, "social": 0.80, "content": 0.75,
                  "email": 0.10, "event": 0.60, "partner": 0.55, "referral": 0.70}
# Вовлечённый визит (Метрика: не отказ — дольше 15 секунд или больше одной страницы)
ENGAGED_SHARE = {"cpc": 0.62, "organic": 0.74, "direct": 0.80, "social": 0.52, "content": 0.70,
                 "email": 0.78, "event": 0.82, "partner": 0.76, "referral": 0.72}
# Брендовый спрос (Wordstat-подобно): запросы «сфера деск» в месяц = BRAND_QUERIES_PER_ORGANIC_LEAD ×
# органические лиды месяца × шум — бренд растёт вместе с органикой. Допущение курса.
BRAND_QUERIES_PER_ORGANIC_LEAD = 26
BRAND_NOISE_SIGMA = 0.07
