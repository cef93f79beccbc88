"""Упражнения раздела 7.1 «CRM и CDP».

Часть 1 (модель данных и дубли) — q1–q4 и ``quiz``; часть 2 (единый профиль клиента и выбор
системы) — q5–q7 и ``quiz_cdp``. Эталоны считают функции ``salesbook.toolkit.crm`` по таблице
``crm_records`` и таблицам компании; каждая типичная ошибка — тот же расчёт с одной ошибкой.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from salesbook.exercises import table
from salesbook.runtime import fmt
from salesbook.runtime.checks import Exercise, Mistake, Number
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import crm, crossfunc

NB = "\u00a0"

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
#: Цена ложного слияния в часах AE — за каждую запись, попавшую в чужую карточку: история двух
#: людей перемешана, письмо уходит не тому, запись отделяют вручную, а лид второго человека
#: теряет владельца (допущение курса).
FALSE_MERGE_HOURS = 4.0
#: Цены слияния (часов AE), на которых проверяют, устойчив ли выбранный порог.
FALSE_MERGE_HOURS_RANGE = (2.0, 3.0, 4.0, 6.0, 8.0, 10.0)
#: Аудитория «под риском»: доля активных пользователей от оплаченных мест ниже этой.
LOW_UTILISATION = 0.5
#: Первые месяцы оплаты — внедрение: загрузка ниже, обращений больше; в аудиторию риска их не берут.
ONBOARDING_MONTHS = 3
#: Дата профиля клиента и месяц MRR.
AS_OF = "2025-12-31"

#: Варианты CRM для сравнения стоимости владения (TCO) за 3 года — так, как их продают: подписка
#: за место с платными виджетами маркетплейса, подписка пакетами пользователей, бессрочная
#: лицензия с продлением обновлений. Цены и часы — допущения курса порядка публичных прайс-листов
#: и опыта внедрений 2025 года, по первоисточникам не проверены.
CRM_OPTIONS = {
    "cloud_seat": dict(licence_per_seat_month=1_500, widgets_per_seat_month=300, implementation_rub=300_000,
                       integration_rub=300_000, admin_hours_per_month=20, annual_price_growth=0.10),
    "cloud_platform": dict(package_per_month=12_000, package_seats=50, implementation_rub=600_000,
                           integration_rub=400_000, admin_hours_per_month=60, annual_price_growth=0.10),
    "on_premise": dict(perpetual_licence_rub=400_000, renewal_share=0.30, implementation_rub=1_500_000,
                       integration_rub=600_000, admin_hours_per_month=120, hosting_per_month=25_000),
}
CRM_LABELS = {"cloud_seat": "облачная CRM с оплатой за место",
              "cloud_platform": "облачная платформа с пакетами пользователей",
              "on_premise": "коробочная CRM на своих серверах"}
#: Час администратора CRM, ₽: почасовая ставка интегратора на аутсорсе (допущение курса, не проверено
#: по прайс-листам). Своего администратора в данных нет; час SE (пресейла) — другая квалификация.
ADMIN_HOUR_RUB = 2_500
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
    """Час администратора CRM, ₽: ставка интегратора (допущение курса)."""
    return float(ADMIN_HOUR_RUB)


@lru_cache(maxsize=None)
def cards_table() -> pd.DataFrame:
    """Ошибки по карточкам (смешанные и лишние карточки) после слияния при каждом пороге."""
    return crm.card_error_table(table("crm_records"), scored(), THRESHOLDS)


def error_costs(cost_false_merge: float | None = None, cost_missed: float | None = None,
                by_pairs: bool = False) -> pd.Series:
    """Цена ошибок правила по порогам, ₽: записи в чужих карточках и лишние карточки (или пары)."""
    fm = FALSE_MERGE_HOURS * hour_cost_ae() if cost_false_merge is None else cost_false_merge
    md = MISSED_DUPLICATE_HOURS * hour_cost_ae() if cost_missed is None else cost_missed
    if by_pairs:
        return pd.Series({th: crm.error_cost(r["fp"], r["fn"], fm, md) for th, r in thresholds_table().iterrows()})
    return pd.Series({th: crm.error_cost(r["misplaced"], r["extra_cards"], fm, md)
                      for th, r in cards_table().iterrows()})


def best_threshold_by_merge_cost() -> pd.Series:
    """Самый дешёвый порог при разной цене ложного слияния (часов AE за запись в чужой карточке)."""
    return pd.Series({h: int(error_costs(h * hour_cost_ae()).idxmin()) for h in FALSE_MERGE_HOURS_RANGE})


def robust_merge_hours() -> dict[str, float]:
    """Диапазон цен слияния (часов AE), в котором лучший порог тот же, что при ``FALSE_MERGE_HOURS``,
    и порог при самой высокой цене из ``FALSE_MERGE_HOURS_RANGE``."""
    robust = best_threshold_by_merge_cost()
    same = robust[robust == robust[FALSE_MERGE_HOURS]].index
    return {"from": float(same.min()), "to": float(same.max()), "max": float(robust.index.max()),
            "threshold_at_max": int(robust.iloc[-1])}


def name_zone_counts() -> pd.Series:
    """Пар-кандидатов по зонам похожести имён (ниже 60, 60–80, от 80) и по правде «один человек»."""
    s = scored()
    zone = pd.cut(s["name_score"], [0, 60, 80, 101], right=False, labels=["low", "mid", "high"])
    return s.groupby([zone, "same_person"], observed=True).size()


def linked_wrong(threshold: float) -> int:
    """Записей, которые граф «запись → человек» при этом пороге привязал к чужой компании."""
    s, records = scored(), table("crm_records")
    linked = crm.link_accounts(normalized(), table("accounts"), crm.resolve(records, s, crm.match_rule(s, threshold)))
    truth = records.set_index("record_id")["true_account_id"]
    return int(((linked != truth.reindex(linked.index)) & linked.notna()).sum())


def tickets_per_seat(frame: pd.DataFrame) -> float:
    """Обращений в поддержку за 12 месяцев на одно оплаченное место группы клиентов."""
    return float(frame["tickets_12m"].sum() / frame["licensed_seats"].sum())


def resolve_threshold() -> int:
    """Порог, при котором в части 2 записи сводятся к людям: самый дешёвый по цене ошибок."""
    return _best_by_cost()


@lru_cache(maxsize=None)
def profile() -> pd.DataFrame:
    return crm.account_profile(table("leads"), table("touches"), table("activities"), table("product_usage"),
                               table("support_tickets"), table("mrr"), as_of=AS_OF)


@lru_cache(maxsize=None)
def persons() -> pd.Series:
    s = scored()
    return crm.resolve(table("crm_records"), s, crm.match_rule(s, resolve_threshold()))


def seats() -> int:
    """Мест в CRM: сотрудники продаж и CS, работающие на 31.12.2025."""
    r = table("reps")
    on_duty = (r["hire_date"] <= AS_OF) & (r["exit_date"].isna() | (r["exit_date"] > AS_OF))
    return int(on_duty.sum())


def tco_table() -> pd.DataFrame:
    """TCO вариантов CRM за 3 года по статьям, ₽."""
    return pd.DataFrame({k: crm.tco(seats(), hour_cost_rub=hour_cost_admin(), years=TCO_YEARS, **v)
                         for k, v in CRM_OPTIONS.items()}).T


def breakeven_hours(option: str, rival: str = "cloud_seat") -> float:
    """Часов администратора в месяц, при которых ``option`` стоит за 3 года столько же, сколько ``rival``."""
    return crm.breakeven_admin_hours(CRM_OPTIONS[option], tco_table().loc[rival, "total"], seats(),
                                     hour_cost_admin(), TCO_YEARS)


# ---------------------------------------------------------------------------
# Показ таблиц раздела по-русски
# ---------------------------------------------------------------------------


def _day(d) -> str:
    return "—" if pd.isna(d) else f"{d:%d.%m.%Y}"


def _text(v) -> str:
    return "—" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def show_records(frame: pd.DataFrame):
    """Записи ``crm_records`` для показа: русские заголовки и источники, пропуски — «—»."""
    cols = ["source", "created_date", "full_name", "company_name", "email", "phone", "true_contact_id"]
    return fmt.table(frame.set_index("record_id")[cols],
                     {"source": crm.label, "created_date": _day, "full_name": _text, "company_name": _text,
                      "email": _text, "phone": _text},
                     {"source": "Источник", "created_date": "Создана", "full_name": "ФИО", "company_name": "Компания",
                      "email": "E-mail", "phone": "Телефон", "true_contact_id": "Настоящий человек"},
                     index_labels=False)


def show_contacts(frame: pd.DataFrame):
    """Контакты компании для показа: роль, кто вовлёк, когда, по какой сделке."""
    return fmt.table(frame.set_index("contact_id")[["role", "engaged_by", "first_engaged_date", "opportunity_id"]],
                     {"role": crm.label, "engaged_by": crm.label, "first_engaged_date": _day,
                      "opportunity_id": _text},
                     {"role": "Роль", "engaged_by": "Кто вовлёк", "first_engaged_date": "Когда",
                      "opportunity_id": "Сделка"}, index_labels=False)


PROFILE_NAMES = {"first_touch": "Первое касание", "first_channel": "Канал первого лида",
                 "channels": "Каналов лидов", "leads": "Лидов", "last_activity": "Последняя активность продаж",
                 "usage_month": "Месяц данных об использовании", "active_users": "Активных пользователей",
                 "licensed_seats": "Оплаченных мест", "tickets_12m": "Обращений в поддержку за 12 месяцев",
                 "mrr_rub": "MRR, декабрь 2025 года", "first_paid": "Платит с",
                 "utilisation": "Загрузка мест"}


def show_profile(frame: pd.DataFrame):
    """Профили компаний для показа: строки — поля профиля по-русски, столбцы — компании."""
    month = lambda d: "—" if pd.isna(d) else f"{d:%m.%Y}"  # noqa: E731
    shown = fmt.table(frame[[c for c in PROFILE_NAMES if c in frame.columns]],
                      {"first_touch": _day, "last_activity": _day, "usage_month": month, "first_paid": month,
                       "first_channel": _label,
                       "channels": fmt.number, "leads": fmt.number, "active_users": fmt.number,
                       "licensed_seats": fmt.number, "tickets_12m": fmt.number, "utilisation": fmt.pct,
                       "mrr_rub": fmt.rub}, PROFILE_NAMES, index_labels=False)
    shown.index.name = None
    return shown.T


def _label(code) -> str:
    from salesbook.runtime.plotting import label

    return label(code)


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
                hint="Это заполненность: доля записей, где телефон хоть как-то записан. Задание — про корректность: "
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
    correct_message=lambda: (f"Правило с порогом 85 не находит {fmt.pct(1 - _recall())} пар дублей: инициалы, "
                             "личная почта, компания одним словом. Следующий шаг — посмотреть, что даёт снижение порога."),
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


def _meets_target_not_smallest(answer) -> bool:
    t = thresholds_table()
    ok = [int(th) for th in t.index[t["precision"] >= PRECISION_TARGET]]
    return answer in ok and answer != _min_threshold() and answer != _max_precision_threshold()


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
        Mistake(name="not_smallest", matches=_meets_target_not_smallest,
                hint="Точность здесь не ниже 99 %, но есть порог ниже, который тоже проходит требование и сохраняет больше полноты. Нужен наименьший."),
    ],
    correct_message="Но «99 %» взято с потолка, а на своей CRM его ещё надо доказать: если в выборке из n размеченных "
                    "вручную слияний нет ни одного ложного, верхняя граница доли ложных — около 3/n (правило трёх), "
                    "так что для «не больше 1 %» нужно проверить глазами не меньше 300 слияний. "
                    "В следующем упражнении порог выбирает цена ошибок.",
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
        "Ошибки считайте по карточкам: crm.card_error_table(records, scored, range(50, 101, 5)) — столбцы misplaced "
        "(записи в чужой карточке) и extra_cards (лишние карточки). Цена записи в чужой карточке — FALSE_MERGE_HOURS "
        "часов AE, лишней карточки — MISSED_DUPLICATE_HOURS; час AE — hour_ae.",
        "Для каждого порога: misplaced × цена слияния + extra_cards × цена пропуска (crm.error_cost). Возьмите порог с наименьшей суммой.",
    ],
    mistakes=[
        Mistake(name="swapped", value=lambda: _best_by_cost(MISSED_DUPLICATE_HOURS * hour_cost_ae(),
                                                            FALSE_MERGE_HOURS * hour_cost_ae()),
                hint=f"Похоже, цены перепутаны (или взят порог с лучшей F1, для которой обе ошибки равноценны): запись "
                     f"в чужой карточке в {FALSE_MERGE_HOURS / MISSED_DUPLICATE_HOURS:g} раза дороже лишней карточки."),
        Mistake(name="only_missed", value=lambda: _best_by_cost(0, None),
                hint="Вы учли только пропущенные дубли — тогда выгоден самый мягкий порог. Ложные слияния тоже стоят денег."),
        Mistake(name="only_false", value=lambda: _best_by_cost(None, 0),
                hint="Вы учли только ложные слияния — тогда выгоден самый строгий порог. Пропущенные дубли тоже стоят часов AE."),
    ],
    correct_message="Порог выбирают по цене ошибок, а не по «красивой» точности. Проверьте и устойчивость: "
                    "лучший порог при другой цене слияния — в разделе он не меняется в широком диапазоне цен.",
)

# ---------------------------------------------------------------------------
# 5. MRR аудитории «мало пользуются»
# ---------------------------------------------------------------------------


def _paying() -> pd.DataFrame:
    p = profile()
    return p[p["mrr_rub"] > 0]


def paid_months(p: pd.DataFrame) -> pd.Series:
    """Месяцев оплаты на дату ``AS_OF``, включая первый и текущий."""
    end = pd.Timestamp(AS_OF).to_period("M")
    return p["first_paid"].dt.to_period("M").map(lambda m: (end - m).n + 1)


def _mrr_low_use(limit: float = LOW_UTILISATION, inclusive: bool = False, with_onboarding: bool = False) -> float:
    p = _paying()
    util = p["active_users"] / p["licensed_seats"]
    low = util <= limit if inclusive else util < limit
    if not with_onboarding:
        low &= paid_months(p) > ONBOARDING_MONTHS
    return float(p.loc[low, "mrr_rub"].sum())


q5 = Exercise(
    id="ch07.crm.q5",
    title="MRR клиентов, которые пользуются меньше половины мест",
    var="mrr_at_risk",
    expected=_mrr_low_use,
    compare=Number(rel_tol=0.005),
    hints=[
        "Из профиля возьмите платящих в декабре 2025 года (mrr_rub > 0) и уберите тех, кто платит 3 месяца или меньше: "
        "ex.paid_months(paying) > ex.ONBOARDING_MONTHS.",
        "Загрузка мест = active_users / licensed_seats; аудитория — загрузка строго меньше 0,5. Сложите их mrr_rub.",
    ],
    mistakes=[
        Mistake(name="with_onboarding", value=lambda: _mrr_low_use(with_onboarding=True),
                hint="Вы оставили в аудитории клиентов на внедрении (первые 3 месяца оплаты): у них загрузка низкая, "
                     "потому что продукт только разворачивают. Это задача онбординга, а не риск оттока — уберите их."),
        Mistake(name="count", value=lambda: float((lambda p: (((p["active_users"] / p["licensed_seats"]) < LOW_UTILISATION)
                                                            & (paid_months(p) > ONBOARDING_MONTHS)).sum())(_paying())),
                hint="Это число компаний в аудитории. Задание — про деньги: сумма их MRR за декабрь 2025 года, ₽."),
        Mistake(name="percent", value=lambda: _mrr_low_use(LOW_UTILISATION * 100),
                hint="Это MRR почти всех платящих: порог 50 сравнили с долей 0–1. Загрузка — доля, порог — 0,5."),
        Mistake(name="inclusive", value=lambda: _mrr_low_use(inclusive=True),
                hint="Вы включили компании с загрузкой ровно 0,5. В аудиторию входят те, у кого загрузка строго меньше половины."),
    ],
    correct_message="Это список для CSM: компании, которые давно платят за места, но мало ими пользуются. Почему — "
                    "выясняет CSM: это может быть и риск сокращения мест, и сезон, и один активный пользователь на весь отдел.",
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
# 7. При скольких часах администратора платформа дешевле
# ---------------------------------------------------------------------------


def _breakeven(years_factor: bool = True, months_factor: bool = True, with_own_admin: bool = False,
               licences_only: bool = False) -> float:
    t, c = tco_table(), hour_cost_admin()
    option = CRM_OPTIONS["cloud_platform"]
    if licences_only:
        gap = t.loc["cloud_seat", "licences"] - t.loc["cloud_platform", "licences"]
    elif with_own_admin:
        gap = t.loc["cloud_seat", "total"] - t.loc["cloud_platform", "total"]
    else:
        gap = t.loc["cloud_seat", "total"] - crm.tco(seats(), **{**option, "admin_hours_per_month": 0},
                                                     hour_cost_rub=c, years=TCO_YEARS)["total"]
    return float(gap / (c * (12 if months_factor else 1) * (TCO_YEARS if years_factor else 1)))


q7 = Exercise(
    id="ch07.crm.q7",
    title="При скольких часах администратора платформа дешевле облачной CRM за место",
    var="breakeven_hours",
    expected=_breakeven,
    compare=Number(rel_tol=0.005),
    hints=[
        "Посчитайте TCO облачной CRM за место (cloud_seat) целиком и TCO платформы (cloud_platform) без администрирования: "
        "crm.tco(seats, **{**ex.CRM_OPTIONS['cloud_platform'], 'admin_hours_per_month': 0}, hour_cost_rub=hour_admin, years=3).",
        "Разница — сколько рублей за три года платформа может потратить на администратора. Поделите её на цену часа × 12 месяцев × 3 года.",
    ],
    mistakes=[
        Mistake(name="no_years", value=lambda: _breakeven(years_factor=False),
                hint="Вы поделили разницу за три года на часы одного года. Умножьте знаменатель ещё на 3 года."),
        Mistake(name="per_year", value=lambda: _breakeven(months_factor=False),
                hint="Это часов в год, а вопрос — о часах в месяц: умножьте знаменатель ещё на 12."),
        Mistake(name="with_own_admin", value=lambda: _breakeven(with_own_admin=True),
                hint="Вы взяли TCO платформы вместе с её допущенными часами администратора — и получили запас сверх них. "
                     "Нужна полная граница: TCO платформы без администрирования."),
        Mistake(name="licences_only", value=lambda: _breakeven(licences_only=True),
                hint="Вы сравнили только лицензии. Внедрение, интеграции и виджеты тоже входят в разницу — сравнивайте total."),
    ],
    correct_message="Это и есть вопрос к интегратору: сколько часов в месяц реально займёт администрирование платформы "
                    "на вашем штате. Ответ важнее любой таблицы допущений.",
)

# ---------------------------------------------------------------------------
# Квизы
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Заявка квалифицирована, по ней идёт продажа, но в CRM есть только запись о заявке (лид или сделка в "
            "«Неразобранном») без привязанных контакта и компании. Что сломается?",
            (
                Option("Ничего: статус записи и так показывает, что это клиент", False,
                       "Статус заявки относится к воронке маркетинга. Пока к продаже не привязаны человек и организация, "
                       "у компании нет истории и второго контакта, а отчёты по компаниям и удержанию этой продажи не увидят."),
                Option("Продажа не привяжется к человеку и компании: отчёты по компаниям, повторные продажи и MEDDIC "
                       "не к чему привязать", True,
                       "Неважно, конвертирует ли CRM лид (Salesforce, классический режим Битрикс24) или заявка сразу "
                       "становится сделкой (amoCRM, простой режим Битрикс24): у продажи должны быть контакт и компания."),
                Option("Сломается только отчёт маркетинга по MQL", False,
                       "MQL-отчёт как раз не пострадает. Пострадают отчёты продаж по компаниям и людям: "
                       "вторая покупка той же компании станет новым «клиентом»."),
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
                       "Личный домен — слабое свидетельство, но не запрет: обычно таким ящиком пользуется один человек. "
                       "В малом бизнесе он бывает общим у директора и бухгалтера — поэтому по личной почте сливают, "
                       "только если похожи и имена; компанию по ней не определить."),
            ),
        ),
        Question(
            "Правило нашло 100 пар, из них 98 верных. Настоящих пар дублей в базе 150. Почему полноту считают от 150, а не от числа настоящих пар среди кандидатов блокировки?",
            (
                Option("Так принято, разницы нет", False,
                       "Разница есть: дубли, которые блокировка не показала, правило не увидит никогда, и полнота по кандидатам их не заметит."),
                Option("Потому что пропущенный блокировкой дубль — тоже пропущенный дубль", True,
                       "Блокировка — часть правила. Полноту считают от всех настоящих пар, иначе плохая блокировка выглядит идеальной."),
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
                       "Таково определение CDP Institute: готовый продукт, который строит постоянную единую базу клиентов, доступную другим системам."),
                Option("Хранилище для отчётов руководителя", False,
                       "Хранилище (DWH) строит отчёты; CDP работает в операциях: отдаёт профили и аудитории в рассылки, рекламу и CRM."),
            ),
        ),
        Question(
            "Компания собирает заявки с сайта прямо в зарубежную облачную CRM с серверами в ЕС. Что не так?",
            (
                Option("Ничего, если в политике конфиденциальности это написано", False,
                       f"Часть{NB}5 статьи{NB}18 152-ФЗ требует записывать и хранить данные граждан России в базах в России "
                       f"(с 1{NB}сентября 2015 года; с 1{NB}июля 2025 года новая редакция прямо запрещает первичную запись "
                       "в зарубежные базы) — согласие и политика этого не исправляют."),
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
