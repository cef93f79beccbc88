"""Материалы продаж (content_assets) и их использование в сделках (content_usage), раздел 7.2.

Обе таблицы строятся после сделок и ничего в них не меняют: исход каждой сделки уже известен.
Поэтому «эффект» материала на победу здесь — только то, что генератор явно заложил параметром
``WON_RATE_BOOST`` (небольшая связь с победой при равных прочих для двух видов материалов), а всё
остальное различие win rate между сделками «с материалом» и «без» — смешение: материалы чаще
отправляют сильные AE, в крупных и «здоровых» (по MEDDIC) сделках и в сделках, которые живут
дольше. Все числа — допущения курса, если не сказано иное.
"""

#: Справочник материалов: (asset_id, вид, название, аудитория, отрасль, конкурент, команда-владелец,
#: формат, дата создания, затраты на производство, ₽). Состав — типичный набор из руководств по
#: sales enablement (кейсы по отраслям, battlecards по конкурентам, ROI-калькулятор, пакет для
#: службы безопасности, прайс, сценарий демо, страница плейбука с возражениями) — допущение курса.
#: Затраты — оценка курса: часы маркетолога/пресейла/юриста по ставкам 2023–2025 годов плюс дизайн.
ASSETS = (
    ("CA01", "case_study", "Кейс: сеть магазинов электроники", "buyer", "retail", None, "product_marketing", "pdf", "2023-02-01", 180_000),
    ("CA02", "case_study", "Кейс: региональный банк", "buyer", "finance", None, "product_marketing", "pdf", "2023-03-15", 220_000),
    ("CA03", "case_study", "Кейс: интегратор ИТ-услуг", "buyer", "it", None, "product_marketing", "pdf", "2023-01-20", 150_000),
    ("CA04", "case_study", "Кейс: завод металлоконструкций", "buyer", "manufacturing", None, "product_marketing", "pdf", "2023-06-01", 200_000),
    ("CA05", "case_study", "Кейс: транспортная компания", "buyer", "logistics", None, "product_marketing", "pdf", "2023-09-10", 170_000),
    ("CA06", "case_study", "Кейс: онлайн-школа", "buyer", "education", None, "product_marketing", "pdf", "2024-02-01", 160_000),
    ("CA07", "case_study", "Кейс: сеть клиник", "buyer", "healthcare", None, "product_marketing", "pdf", "2025-09-01", 210_000),
    ("CA08", "case_study", "Кейс: областное ведомство", "buyer", "public_sector", None, "product_marketing", "pdf", "2024-03-01", 240_000),
    ("CA09", "battlecard", "Battlecard: HelpPro", "internal", None, "helppro", "enablement", "web_page", "2023-01-15", 90_000),
    ("CA10", "battlecard", "Battlecard: СервисБокс", "internal", None, "servicebox", "enablement", "web_page", "2023-01-15", 90_000),
    ("CA11", "battlecard", "Battlecard: ГлобалITSM", "internal", None, "globalitsm", "enablement", "web_page", "2023-04-01", 90_000),
    ("CA12", "battlecard", "Battlecard: OpenDesk", "internal", None, "opendesk", "enablement", "web_page", "2023-01-15", 90_000),
    ("CA13", "battlecard", "Battlecard: ЭталонITSM", "internal", None, "etalonitsm", "enablement", "web_page", "2023-05-01", 90_000),
    ("CA14", "roi_calculator", "ROI-калькулятор сервис-деска", "buyer", None, None, "presale", "spreadsheet", "2023-01-10", 260_000),
    ("CA15", "security_pack", "Пакет для службы безопасности: 152-ФЗ, хранение данных в РФ", "buyer", None, None, "security", "doc", "2023-02-15", 300_000),
    ("CA16", "pricing", "Прайс-лист на одной странице, версия 2023", "buyer", None, None, "product_marketing", "pdf", "2023-01-10", 40_000),
    ("CA17", "pricing", "Прайс-лист на одной странице, версия 2025", "buyer", None, None, "product_marketing", "pdf", "2025-01-09", 40_000),
    ("CA18", "demo_script", "Сценарий демо по ролям покупателя", "internal", None, None, "presale", "doc", "2023-01-10", 120_000),
    ("CA19", "objection_playbook", "Плейбук: ответы на возражения", "internal", None, None, "enablement", "web_page", "2023-03-01", 150_000),
    ("CA20", "video", "Видеообзор продукта за 5 минут", "buyer", None, None, "product_marketing", "video", "2023-08-01", 450_000),
    ("CA21", "whitepaper", "Гайд «ITSM для среднего бизнеса»", "buyer", None, None, "product_marketing", "pdf", "2024-05-15", 350_000),
    ("CA22", "implementation_plan", "План внедрения на 30–60–90 дней", "buyer", None, None, "presale", "slides", "2023-04-01", 110_000),
)

#: Базовая интенсивность использования материала в сделке SMB средней длины у AE средней силы
#: (ожидаемое число «поводов» за сделку; вероятность = 1 − exp(−интенсивность × множители)).
#: Кейс — только своей отрасли, battlecard — только при известном конкуренте сделки.
BASE_RATE = {
    "case_study": 0.45, "battlecard": 0.9, "roi_calculator": 0.30, "security_pack": 0.06, "pricing": 0.8,
    "demo_script": 0.35, "objection_playbook": 0.18, "video": 0.04, "whitepaper": 0.0,
    "implementation_plan": 0.03,
}
#: Кейс госсектора и гайд не отправляет никто (допущение курса: материал сделан «для галочки» —
#: типичная находка аудита контента); интенсивность кейса госсектора обнулена.
NEVER_USED = ("CA08", "CA21")
#: Множитель интенсивности по сегменту (в крупных сделках больше участников и шагов — больше поводов).
SEGMENT_MULT = {"smb": 1.0, "mid_market": 1.8, "enterprise": 2.6}
#: Пакет безопасности и план внедрения в mid-market и enterprise нужны почти всегда: дополнительный
#: множитель к сегментному.
HEAVY_ASSET_MULT = {"security_pack": {"smb": 1.0, "mid_market": 5.0, "enterprise": 9.0},
                    "implementation_plan": {"smb": 1.0, "mid_market": 8.0, "enterprise": 15.0}}
#: Смешение (шкала логарифма интенсивности): сила AE — стандартизованный win rate AE по его
#: закрытым сделкам; размер сделки — стандартизованный логарифм суммы внутри сегмента; «здоровье»
#: — стандартизованная сумма баллов MEDDIC; разброс привычек AE — случайный эффект AE.
SKILL_COEF = 0.35
SIZE_COEF = 0.20
MEDDIC_COEF = 0.30
REP_SD = 0.35
#: Чем дольше живёт сделка, тем больше поводов что-то отправить: множитель (дни / 45) ** 0,35.
DAYS_REF = 45.0
DAYS_POWER = 0.35
#: Встроенная связь с победой при равных прочих: в выигранных сделках интенсивность выше на
#: эту долю (для ROI-калькулятора и кейсов), у остальных материалов связи нет. Это не
#: причинность: исход сделки сгенерирован раньше материалов.
WON_RATE_BOOST = {"roi_calculator": 0.30, "case_study": 0.20}
#: С 2025 года прайс 2023 года устарел, но часть AE продолжает его отправлять: доля отправок
#: старой версии после выхода новой.
STALE_PRICING_SHARE = 0.25
#: Вероятность, что покупатель открыл внешний материал (до поправки на MEDDIC), и медиана
#: секунд за один просмотр (логнормальное распределение с сигмой VIEW_SIGMA).
OPEN_PROB = {"case_study": 0.55, "roi_calculator": 0.65, "security_pack": 0.75, "pricing": 0.85,
             "video": 0.30, "whitepaper": 0.2, "implementation_plan": 0.60}
VIEW_MEDIAN_SEC = {"case_study": 140, "roi_calculator": 420, "security_pack": 540, "pricing": 75,
                   "video": 95, "whitepaper": 200, "implementation_plan": 260}
VIEW_SIGMA = 0.8
#: Число просмотров открывшего: 1 + геометрическое со средним добавочных просмотров.
EXTRA_VIEWS_MEAN = 0.8
#: Сдвиг вероятности открыть на шкале логита на одно стандартное отклонение MEDDIC.
OPEN_MEDDIC_COEF = 0.4
