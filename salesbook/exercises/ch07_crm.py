"""Упражнения раздела 7.1 «CRM и CDP».

Часть 1 (модель данных и дубли) — q1–q4 и ``quiz``; часть 2 (единый профиль клиента и выбор
системы) — q5–q7 и ``quiz_cdp``. Эталоны считают функции ``salesbook.toolkit.crm`` по таблице
``crm_records`` и таблицам компании; каждая типичная ошибка — тот же расчёт с одной ошибкой.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime.checks import Choice, Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import crm, crossfunc

SECTION = "ch07.crm"
TITLE = "7.1. CRM и CDP"

#: Сетка порогов сходства имён (token_sort_ratio, 0–100), по которой выбирают порог.
THRESHOLDS = tuple(range(50, 101, 5))
#: Порог, с которого раздел начинает разбор правила.
START_THRESHOLD = 85
#: Требование к точности в упражнении 3: не больше одного ложного слияния на 100 слияний.
PRECISION_TARGET = 0.99
#: Цена пропущенного дубля в часах AE: второй продавец заново изучает компанию, звонит
#: и пишет тому же человеку (допущение курса).
MISSED_DUPLICATE_HOURS = 1.0
#: Цена ложного слияния в часах AE: история двух людей перемешана, письмо уходит не тому,
#: запись разделяют вручную, а лид второго человека теряет владельца (допущение курса).
FALSE_MERGE_HOURS = 4.0
#: Порог, при котором в части 2 записи сводятся к людям.
RESOLVE_THRESHOLD = 70
#: Аудитория «под риском»: доля активных пользователей от оплаченных мест ниже этой.
LOW_UTILISATION = 0.5
#: Дата профиля клиента и месяц MRR.
AS_OF = "2025-12-31"

#: Варианты CRM для сравнения стоимости владения (TCO) за 3 года. Цены и часы — допущения курса
#: порядка публичных прайс-листов и опыта внедрений 2025 года, по первоисточникам не проверены.
CRM_OPTIONS = {
    "cloud_seat": dict(licence_per_seat_month=1_500, implementation_rub=400_000, integration_rub=300_000,
                       admin_hours_per_month=40, hosting_per_month=0, annual_price_growth=0.10),
    "cloud_platform": dict(licence_per_seat_month=700, implementation_rub=900_000, integration_rub=600_000,
                           admin_hours_per_month=100, hosting_per_month=0, annual_price_growth=0.10),
    "on_premise": dict(licence_per_seat_month=300, implementation_rub=2_500_000, integration_rub=600_000,
                       admin_hours_per_month=160, hosting_per_month=40_000, annual_price_growth=0.10),
}
CRM_LABELS = {"cloud_seat": "облачная CRM, оплата за место",
              "cloud_platform": "облачная платформа с пакетами пользователей",
              "on_premise": "коробочная CRM на своих серверах"}
TCO_YEARS = 3


# ---------------------------------------------------------------------------
# Общие расчёты (кешируются: таблицы не меняются)
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def normalized() -> pd.DataFrame:
    return crm.normalize_records(table("crm_records"))


@lru_cache(maxsize=None)
def scored() -> pd.DataFrame:
    norm = normalized()
    return crm.score_pairs(norm, crm.candidate_pairs(norm))


def total_true_pairs() -> int:
    return crm.true_pairs(table("crm_records"))


@lru_cache(maxsize=None)
def thresholds_table() -> pd.DataFrame:
    return crm.threshold_table(scored(), total_true_pairs(), THRESHOLDS)


def hour_cost_ae() -> float:
    """Час AE, ₽ — та же функция и то же число, что в разделах 2.4 и 4.3."""
    return crossfunc.hour_cost(table("reps"), "AE")


def hour_cost_admin() -> float:
    """Час администратора CRM, ₽: в данных его роли нет, ближайшая по квалификации — SE."""
    return crossfunc.hour_cost(table("reps"), "SE")


def error_costs(cost_false_merge: float | None = None, cost_missed: float | None = None) -> pd.Series:
    """Цена ошибок правила по порогам, ₽."""
    t = thresholds_table()
    fm = FALSE_MERGE_HOURS * hour_cost_ae() if cost_false_merge is None else cost_false_merge
    md = MISSED_DUPLICATE_HOURS * hour_cost_ae() if cost_missed is None else cost_missed
    return pd.Series({th: crm.error_cost(r["fp"], r["fn"], fm, md) for th, r in t.iterrows()})


@lru_cache(maxsize=None)
def profile() -> pd.DataFrame:
    return crm.account_profile(table("leads"), table("touches"), table("activities"), table("product_usage"),
                               table("support_tickets"), table("mrr"), as_of=AS_OF)


@lru_cache(maxsize=None)
def persons() -> pd.Series:
    s = scored()
    return crm.resolve(table("crm_records"), s, crm.match_rule(s, RESOLVE_THRESHOLD))


def seats() -> int:
    """Мест в CRM: сотрудники продаж и CS, работающие на 31.12.2025."""
    r = table("reps")
    on_duty = (r["hire_date"] <= AS_OF) & (r["exit_date"].isna() | (r["exit_date"] > AS_OF))
    return int(on_duty.sum())


def tco_table() -> pd.DataFrame:
    """TCO вариантов CRM за 3 года по статьям, ₽."""
    return pd.DataFrame({k: crm.tco(seats(), hour_cost_rub=hour_cost_admin(), years=TCO_YEARS, **v)
                         for k, v in CRM_OPTIONS.items()}).T


# ---------------------------------------------------------------------------
# 1. Корректность телефонов по источнику
# ---------------------------------------------------------------------------


def _quality(source: str, column: str) -> float:
    return float(crm.quality_by_source(table("crm_records")).loc[source, column])


q1 = Exercise(
    id="ch07.crm.q1",
    title="Сколько телефонов из импорта мероприятий годятся для звонка",
    var="phone_valid_event",
    expected=lambda: _quality("event_import", "phone_valid"),
    compare=Number(rel_tol=0.005),
    hints=[
        "Возьмите записи источника event_import и приведите телефоны к E.164 функцией crm.normalize_phone: "
        "неполный номер превратится в None.",
        "Доля = записей с номером после нормализации / всех записей источника (пустые тоже в знаменателе). "
        "То же число — столбец phone_valid в crm.quality_by_source(records).",
    ],
    mistakes=[
        Mistake(name="filled", value=lambda: _quality("event_import", "phone_filled"),
                hint="Это полнота: доля записей, где телефон хоть как-то заполнен. Задание — про корректность: "
                     "номер без двух цифр заполнен, но позвонить по нему нельзя. Нормализуйте номера."),
        Mistake(name="all_sources", value=lambda: _quality("all", "phone_valid"),
                hint="Это доля по всем источникам, а задание — про импорт списков с мероприятий (source == 'event_import')."),
        Mistake(name="invalid_share", value=lambda: 1 - _quality("event_import", "phone_valid"),
                hint="Это доля записей БЕЗ корректного телефона. Нужна доля с корректным."),
        Mistake(name="of_filled", value=lambda: _quality("event_import", "phone_valid") / _quality("event_import", "phone_filled"),
                hint="Вы поделили на число заполненных телефонов. Знаменатель — все записи источника: пустой телефон тоже не годится для звонка."),
    ],
    correct_message="Заметная часть записей с мероприятий — без телефона, по которому можно позвонить: "
                    "такой импорт нельзя сразу отдавать SDR на обзвон, сначала — обогащение и проверка.",
)

# ---------------------------------------------------------------------------
# 2. Полнота правила при пороге 85
# ---------------------------------------------------------------------------


def _recall(threshold: float = START_THRESHOLD) -> float:
    return float(thresholds_table().loc[threshold, "recall"])


def _recall_in_candidates(threshold: float = START_THRESHOLD) -> float:
    s = scored()
    return float((crm.match_rule(s, threshold) & s["same_person"]).sum() / s["same_person"].sum())


q2 = Exercise(
    id="ch07.crm.q2",
    title="Полнота правила поиска дублей при пороге 85",
    var="recall_85",
    expected=_recall,
    compare=Number(rel_tol=0.005),
    hints=[
        "Правило — crm.match_rule(scored, 85); истина — столбец same_person. Верно найденные пары — где оба True.",
        "Полнота = верно найденные пары / ВСЕ пары записей об одном человеке: crm.true_pairs(records). "
        "Дубль, который блокировка не показала, тоже пропущен.",
    ],
    mistakes=[
        Mistake(name="precision", value=lambda: float(thresholds_table().loc[START_THRESHOLD, "precision"]),
                hint="Это точность: доля верных среди найденных пар. Полнота — доля найденных среди всех настоящих пар дублей."),
        Mistake(name="candidates_only", value=_recall_in_candidates,
                hint="Вы поделили на настоящие пары среди кандидатов блокировки. Пары, которые блокировка не показала, "
                     "тоже пропущенные дубли: знаменатель — crm.true_pairs(records)."),
        Mistake(name="email_only", value=lambda: crm.precision_recall(scored(), scored()["email_same"], total_true_pairs())["recall"],
                hint="Это полнота одного совпадения e-mail. Правило раздела — crm.match_rule(scored, 85): e-mail ИЛИ похожее имя плюс телефон или компания."),
    ],
    correct_message="Почти треть пар дублей правило с порогом 85 не находит: инициалы, личная почта, "
                    "компания одним словом. Следующий шаг — посмотреть, что даёт снижение порога.",
)

# ---------------------------------------------------------------------------
# 3. Порог под требование к точности
# ---------------------------------------------------------------------------


def _min_threshold(target: float = PRECISION_TARGET) -> int:
    t = thresholds_table()
    return int(t.index[t["precision"] >= target].min())


def _best_f1() -> int:
    t = thresholds_table()
    f1 = 2 * t["precision"] * t["recall"] / (t["precision"] + t["recall"])
    return int(f1.astype(float).idxmax())


def _max_precision_threshold() -> int:
    t = thresholds_table()
    return int(t.index[t["precision"] == t["precision"].max()].min())


q3 = Exercise(
    id="ch07.crm.q3",
    title="Самый низкий порог с точностью не ниже 99 %",
    var="threshold_99",
    expected=_min_threshold,
    compare=Number(abs_tol=0.5, rel_tol=0, generic_mistakes=False),
    hints=[
        "Постройте crm.threshold_table(scored, crm.true_pairs(records), range(50, 101, 5)).",
        "Среди порогов, где precision ≥ 0,99, возьмите наименьший: он сохраняет больше всего полноты.",
    ],
    mistakes=[
        Mistake(name="max_recall", value=lambda: int(min(THRESHOLDS)),
                hint="У самого низкого порога самая высокая полнота, но точность далеко ниже 99 %: на каждые несколько слияний одно ложное."),
        Mistake(name="max_precision", value=_max_precision_threshold,
                hint="Это порог с самой высокой точностью. Требование — не ниже 99 %, а лишняя строгость стоит полноты: возьмите наименьший порог, который требованию удовлетворяет."),
        Mistake(name="precision_98", value=lambda: _min_threshold(0.98),
                hint="При этом пороге точность ниже 99 %: проверьте сравнение (≥ 0,99, а не ≥ 0,98) и что вы смотрите на precision."),
        Mistake(name="best_f1", value=_best_f1,
                hint="Это порог с лучшей F1 — среднего гармонического точности и полноты. Задание ставит жёсткое условие на точность; F1 его не учитывает."),
    ],
    correct_message="Но «99 %» взято с потолка: в следующем упражнении порог выбирает цена ошибок.",
)

# ---------------------------------------------------------------------------
# 4. Порог по цене ошибок
# ---------------------------------------------------------------------------


def _best_by_cost(cost_false_merge=None, cost_missed=None) -> int:
    return int(error_costs(cost_false_merge, cost_missed).idxmin())


q4 = Exercise(
    id="ch07.crm.q4",
    title="Порог, при котором ошибки стоят дешевле всего",
    var="best_threshold",
    expected=_best_by_cost,
    compare=Number(abs_tol=0.5, rel_tol=0, generic_mistakes=False),
    hints=[
        "Цена ложного слияния — FALSE_MERGE_HOURS часов AE, пропущенного дубля — MISSED_DUPLICATE_HOURS; час AE — hour_ae.",
        "Для каждого порога: fp × цена слияния + fn × цена пропуска (crm.error_cost). Возьмите порог с наименьшей суммой.",
    ],
    mistakes=[
        Mistake(name="swapped", value=lambda: _best_by_cost(MISSED_DUPLICATE_HOURS * hour_cost_ae(),
                                                            FALSE_MERGE_HOURS * hour_cost_ae()),
                hint="Похоже, цены перепутаны: ложное слияние (два разных человека в одной карточке) дороже пропущенного дубля."),
        Mistake(name="only_missed", value=lambda: _best_by_cost(0, None),
                hint="Вы учли только пропущенные дубли — тогда выгоден самый мягкий порог. Ложные слияния тоже стоят денег."),
        Mistake(name="only_false", value=lambda: _best_by_cost(None, 0),
                hint="Вы учли только ложные слияния — тогда выгоден самый строгий порог. Пропущенные дубли тоже стоят часов AE."),
        Mistake(name="best_f1", value=_best_f1,
                hint="Это порог с лучшей F1: она считает оба вида ошибок равноценными. Здесь слияние в четыре раза дороже пропуска."),
    ],
    correct_message="Порог выбирают по цене ошибок, а не по «красивой» точности; при другой цене слияния ответ сдвинется.",
)

# ---------------------------------------------------------------------------
# 5. MRR аудитории «мало пользуются»
# ---------------------------------------------------------------------------


def _paying() -> pd.DataFrame:
    p = profile()
    return p[p["mrr_rub"] > 0]


def _mrr_low_use(limit: float = LOW_UTILISATION, inclusive: bool = False) -> float:
    p = _paying()
    util = p["active_users"] / p["licensed_seats"]
    low = util <= limit if inclusive else util < limit
    return float(p.loc[low, "mrr_rub"].sum())


q5 = Exercise(
    id="ch07.crm.q5",
    title="MRR клиентов, которые пользуются меньше половины мест",
    var="mrr_at_risk",
    expected=_mrr_low_use,
    compare=Number(rel_tol=0.005),
    hints=[
        "Из профиля возьмите платящих в декабре 2025 года (mrr_rub > 0).",
        "Загрузка мест = active_users / licensed_seats; аудитория — загрузка строго меньше 0,5. Сложите их mrr_rub.",
    ],
    mistakes=[
        Mistake(name="count", value=lambda: float((lambda p: ((p["active_users"] / p["licensed_seats"]) < LOW_UTILISATION).sum())(_paying())),
                hint="Это число компаний в аудитории. Задание — про деньги: сумма их MRR за декабрь 2025 года, ₽."),
        Mistake(name="percent", value=lambda: _mrr_low_use(LOW_UTILISATION * 100),
                hint="Это MRR почти всех платящих: порог 50 сравнили с долей 0–1. Загрузка — доля, порог — 0,5."),
        Mistake(name="inclusive", value=lambda: _mrr_low_use(inclusive=True),
                hint="Вы включили компании с загрузкой ровно 0,5. В аудиторию входят те, у кого загрузка строго меньше половины."),
    ],
    correct_message="Это список для CSM: компании, которые платят за места, но не пользуются, — кандидаты на отток или сокращение мест.",
)

# ---------------------------------------------------------------------------
# 6. Сколько записей привязано к правильной компании
# ---------------------------------------------------------------------------


def _linked_right(with_person: bool = True, count_all_linked: bool = False) -> float:
    norm = normalized()
    linked = crm.link_accounts(norm, table("accounts"), persons() if with_person else None)
    truth = table("crm_records").set_index("record_id")["true_account_id"]
    if count_all_linked:
        return float(linked.notna().sum())
    return float((linked == truth.reindex(linked.index)).sum())


q6 = Exercise(
    id="ch07.crm.q6",
    title="Записи, привязанные к правильной компании через граф идентичности",
    var="records_linked_right",
    expected=_linked_right,
    compare=Number(abs_tol=0.5, rel_tol=0),
    hints=[
        "crm.link_accounts(norm, accounts, person) привязывает запись к компании по названию, а если у записи "
        "названия нет или оно не совпало — берёт компанию другой записи того же человека.",
        "Сравните результат с records.set_index('record_id')['true_account_id'] и посчитайте совпадения.",
    ],
    mistakes=[
        Mistake(name="no_person", value=lambda: _linked_right(with_person=False),
                hint="Это привязка только по названию компании в самой записи. Передайте person — компания перейдёт на все записи человека."),
        Mistake(name="all_linked", value=lambda: _linked_right(count_all_linked=True),
                hint="Вы посчитали все привязанные записи, включая привязанные к чужой компании. Нужны совпадения с true_account_id."),
    ],
    correct_message="Граф «запись → человек → компания» привязывает больше записей, чем одно название: так CDP собирает профиль.",
)

# ---------------------------------------------------------------------------
# 7. Какую CRM выбрать по TCO
# ---------------------------------------------------------------------------


def _cheapest(column: str = "total", drop: tuple[str, ...] = ()) -> str:
    t = tco_table()
    total = t["total"] - t[list(drop)].sum(axis=1) if drop else t[column]
    return str(total.idxmin())


q7 = Exercise(
    id="ch07.crm.q7",
    title="Какая CRM дешевле за три года",
    var="crm_choice",
    expected=_cheapest,
    compare=Choice(list(CRM_OPTIONS), labels=CRM_LABELS),
    hints=[
        "Посчитайте crm.tco для каждого варианта из CRM_OPTIONS: мест — seats, цена часа администратора — hour_admin, 3 года.",
        "Сравнивайте строку total: лицензии — лишь одна из пяти статей, часы администратора за три года часто дороже лицензий.",
    ],
    mistakes=[
        Mistake(name="licences_only", matches=lambda a: a == _cheapest("licences") != _cheapest(),
                hint="Это самый дешёвый вариант по лицензиям. Но внедрение, интеграции, хостинг и часы администратора за три года меняют порядок: сравнивайте total."),
        Mistake(name="no_admin", matches=lambda a: a == _cheapest(drop=("admin",)) != _cheapest(),
                hint="Без часов администратора этот вариант дешевле всех. Но администрирование — самая большая статья у сложных систем: добавьте его."),
    ],
    correct_message="При таком штате простая облачная CRM дешевле: платформа окупает сложность, когда процессов и людей заметно больше.",
)

# ---------------------------------------------------------------------------
# Квизы
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "SDR квалифицировал входящий лид и «конвертировал» его, просто поменяв статус на «клиент». Что сломается?",
            (
                Option("Ничего: статус лида и так показывает, что это клиент", False,
                       "Статус лида — это про воронку маркетинга. У сделки нет суммы, этапов и владельца, у компании — второго контакта и истории: пайплайн и win rate их не увидят."),
                Option("Не появятся компания, контакт и сделка: пайплайн, прогноз и отчёты по компаниям не увидят эту продажу", True,
                       "Конвертация раскладывает лид на три сущности: человек (контакт), организация (компания) и конкретная продажа (сделка) со своей суммой и этапами."),
                Option("Сломается только отчёт маркетинга по MQL", False,
                       "MQL-отчёт как раз не пострадает: лид остался лидом. Пострадают все отчёты продаж, построенные на сделках и компаниях."),
            ),
        ),
        Question(
            "Правило сливает записи с одинаковым нормализованным e-mail. Какой адрес нужно исключить из этого правила?",
            (
                Option("Адрес с плюс-алиасом ivan+event@…", False,
                       "Плюс-алиас убирает нормализация: ivan+event@ и ivan@ — один ящик."),
                Option("Общий ящик info@компании", True,
                       "info@ читают несколько людей: слияние по нему склеит бухгалтера, директора и пользователя в одну карточку — это ложное слияние."),
                Option("Адрес на mail.ru", False,
                       "Личная почта принадлежит одному человеку, по ней сливать можно; по ней нельзя лишь определить компанию."),
            ),
        ),
        Question(
            "Правило нашло 100 пар, из них 98 верных. Настоящих пар дублей в базе 150. Почему полноту считают от 150, а не от числа настоящих пар среди кандидатов блокировки?",
            (
                Option("Так принято, разницы нет", False,
                       "Разница есть: дубли, которые блокировка не показала, правило не увидит никогда, и полнота по кандидатам их не заметит."),
                Option("Потому что пропущенный блокировкой дубль — тоже пропущенный дубль", True,
                       "Блокировка — часть правила. Полноту меряют от всех настоящих пар, иначе плохая блокировка выглядит идеальной."),
                Option("Потому что пар-кандидатов всегда меньше", False,
                       "Кандидатов обычно в разы больше, чем настоящих пар. Дело не в размере, а в том, какие пары в знаменателе."),
            ),
        ),
    ],
)

quiz_cdp = Quiz(
    id=f"{SECTION}.cdp",
    questions=[
        Question(
            "Что CDP добавляет к CRM в компании «Сфера Софт»?",
            (
                Option("Воронку сделок и прогноз продаж", False,
                       "Это работа CRM. CDP не ведёт сделки, а собирает данные о клиенте из всех систем."),
                Option("Поток событий из всех систем, сшитый в один профиль, и аудитории, которые уходят в другие системы", True,
                       "Таково определение CDP Institute: постоянная единая база клиентов, доступная другим системам."),
                Option("Хранилище для отчётов руководителя", False,
                       "Хранилище (DWH) строит отчёты; CDP — операционная система, она отдаёт профили и аудитории в рассылки, рекламу и CRM."),
            ),
        ),
        Question(
            "С 1 июля 2025 года компания собирает заявки с сайта прямо в зарубежную облачную CRM с серверами в ЕС. Что не так?",
            (
                Option("Ничего, если в политике конфиденциальности это написано", False,
                       "Часть 5 статьи 18 закона 152-ФЗ в новой редакции запрещает первичный сбор данных граждан РФ в базы за рубежом — согласие и политика этого не исправляют."),
                Option("Первичная запись персональных данных граждан РФ должна идти в базу в России", True,
                       "Зарубежная CRM возможна только после записи в российскую базу и с соблюдением правил трансграничной передачи."),
                Option("Нужно только уведомить Роскомнадзор о трансграничной передаче", False,
                       "Уведомление нужно, но оно не отменяет локализации: первичный сбор — в российскую базу."),
            ),
        ),
        Question(
            "Лицензии варианта A в три раза дешевле, чем у варианта B. Почему A может оказаться дороже за три года?",
            (
                Option("Не может: лицензии — главная статья", False,
                       "У сложных и коробочных систем внедрение, интеграции, хостинг и часы администратора часто больше лицензий."),
                Option("Внедрение, интеграции, хостинг и часы администратора могут перевесить экономию на лицензиях", True,
                       "Поэтому сравнивают TCO — всю стоимость владения за срок, а не прайс за место."),
                Option("Из-за инфляции", False,
                       "Рост цен одинаково касается обоих вариантов; дело в структуре затрат."),
            ),
        ),
    ],
)
