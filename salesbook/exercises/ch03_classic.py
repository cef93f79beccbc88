"""Упражнения раздела 3.1 «Классические методики».

Два упражнения — классификация текста: типы SPIN у вопросов звонка и вердикты
BANT по заметкам SDR. Проверка принимает метки в любом регистре и с синонимами
(S/P/I/N, «ситуационный», «извлекающий», Need-payoff; SQL, «бюджет», no_need…) и
объясняет каждую неверную. Микс вопросов сравнивается по долям с допуском;
остальные упражнения считают эталон из данных курса функциями
``salesbook.toolkit.spin_bant``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from salesbook.content import bant_leads, spin_calls
from salesbook.exercises import table
from salesbook.runtime.checks import BlankError, Choice, Exercise, Invalid, LabelMap, Mistake, Number, Table, ___
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import spin_bant

SECTION = "ch03.classic"
TITLE = "3.1. Классические методики"


# ---------------------------------------------------------------------------
# Сравнение «ключ → метка» для упражнений на классификацию текста
# ---------------------------------------------------------------------------


def _with(base: Mapping, **changes) -> dict:
    result = dict(base)
    result.update(changes)
    return result


# ---------------------------------------------------------------------------
# 1. Типы SPIN у вопросов звонка
# ---------------------------------------------------------------------------

_QUESTION_KEY = re.compile(r"^(?:q|в|вопрос|question)?\s*(\d{1,2})$")


def _question_key(value: Any) -> str | None:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = str(int(value))
    if not isinstance(value, str):
        return None
    m = _QUESTION_KEY.match(value.strip().lower().replace("№", ""))
    if not m:
        return None
    key = f"Q{int(m.group(1))}"
    return key if key in spin_calls.QUESTIONS_A else None


def _explain_spin(key: str, given: str) -> str:
    return spin_calls.why_not(key, given)


def _key_spin() -> dict[str, str]:
    return spin_calls.answer_key()


def _relabel(key: Mapping[str, str], old: str, new: str) -> dict[str, str]:
    return {k: (new if v == old else v) for k, v in key.items()}


q1 = Exercise(
    id="ch03.classic.q1",
    title="Типы SPIN в звонке",
    var="spin_labels",
    expected=_key_spin,
    compare=LabelMap(
        keys=list(spin_calls.QUESTIONS_A),
        key_of=_question_key,
        label_of=spin_bant.spin_code,
        allowed="'S', 'P', 'I', 'N' или названия: ситуационный, проблемный, извлекающий, направляющий "
                "(Situation, Problem, Implication, Need-payoff)",
        explain=_explain_spin,
        label_name=lambda code: spin_calls.TYPE_NAMES[code],
        item="Вопрос",
        alternatives=spin_calls.alternatives(),
    ),
    hints=[
        "Задайте каждому вопросу четыре проверки по порядку. Спрашивает факт о том, как всё устроено, — S. "
        "Ищет трудность, недовольство, сбой — P. Спрашивает о последствиях проблемы, которую клиент уже назвал "
        "(деньги, время, люди, клиенты), — I. Спрашивает, чем было бы полезно решение, — N.",
        "Различайте P и I по тому, названа ли проблема раньше: «Бывает ли, что заявки теряются?» — P, "
        "«Во что обошлась потерянная заявка?» — I. Различайте I и N по ответу: о потерях — I, о выгоде — N. "
        "«Какая у вас CRM?» — факт, то есть S.",
    ],
    mistakes=[
        Mistake(name="one_label_for_all", matches=lambda a: len(set(a.values())) == 1,
                hint="Всем вопросам стоит одна метка. В звонке есть вопросы всех четырёх типов — разберите каждый отдельно."),
        Mistake(name="implication_as_problem", value=lambda: _relabel(_key_spin(), "I", "P"),
                hint="Все извлекающие вопросы вы отнесли к проблемным. Проверьте, названа ли проблема раньше: вопрос "
                     "«бывает ли, что…» ищет проблему (P), а «во что обошлось…», «как сказывается…» — развивает уже "
                     "названную, спрашивает о последствиях (I)."),
        Mistake(name="need_payoff_as_implication", value=lambda: _relabel(_key_spin(), "N", "I"),
                hint="Все направляющие вопросы вы отнесли к извлекающим. Посмотрите, о чём будет ответ: о потерях от "
                     "проблемы — I, о пользе решения («что бы это дало», «чем бы помогло») — N."),
        Mistake(name="crm_as_problem", value=lambda: _with(_key_spin(), Q3="P"),
                hint="Вопрос Q3 «Какая у вас CRM и где регистрируются заявки?» — это факт о текущем положении, то есть "
                     "ситуационный вопрос. Проблемный спрашивает о трудности, недовольстве, сбое."),
    ],
    correct_message="Все двадцать вопросов размечены верно. Заметьте порядок: Анна переходит от фактов к проблемам, "
                    "от каждой проблемы — к её цене и только потом спрашивает о пользе решения. Q12 засчитывается и "
                    "как S, и как I: вопрос спрашивает число, но это число — цена уже названной проблемы новичков.",
)


# ---------------------------------------------------------------------------
# 2. Микс вопросов начинающего AE
# ---------------------------------------------------------------------------


def _call_b() -> pd.DataFrame:
    return spin_calls.call_frame(spin_calls.CALL_B)


def _call_a() -> pd.DataFrame:
    return spin_calls.call_frame(spin_calls.CALL_A)


def _shares_over(frame: pd.DataFrame, denominator: int) -> dict[str, float]:
    counts = frame["spin"].dropna().value_counts().reindex(list(spin_bant.SPIN_TYPES), fill_value=0)
    return (counts / denominator).astype(float).to_dict()


@dataclass
class MixCompare:
    """Доли четырёх типов SPIN: словарь, Series или таблица с одним столбцом долей."""

    abs_tol: float = 0.005

    def normalize(self, value: Any) -> dict[str, float]:
        if isinstance(value, pd.DataFrame):
            numeric = [c for c in value.columns if pd.api.types.is_numeric_dtype(value[c])
                       and not pd.api.types.is_bool_dtype(value[c])]
            if "share" in value.columns:
                value = value["share"]
            elif len(numeric) == 1:
                value = value[numeric[0]]
            else:
                raise Invalid("Нужна одна колонка долей (Series или таблица со столбцом share), а в таблице "
                              f"{len(numeric)} числовых столбцов.")
        if isinstance(value, pd.Series):
            value = value.to_dict()
        if not isinstance(value, Mapping):
            raise Invalid("Нужна Series (или словарь) с долями типов S, P, I, N — например, результат "
                          "value_counts(normalize=True).")
        result: dict[str, float] = {}
        for raw_key, raw_share in value.items():
            if raw_key is ___ or raw_share is ___:
                raise BlankError()
            code = spin_bant.spin_code(raw_key)
            if code is None:
                raise Invalid(f"Тип {raw_key!r} не узнан: индекс должен содержать S, P, I, N.")
            if code in result:
                raise Invalid(f"Тип {code} встречается дважды.")
            if isinstance(raw_share, (bool, np.bool_)) or not isinstance(raw_share, (int, float, np.integer, np.floating)):
                raise Invalid(f"Для типа {code} нужна доля — число, получено {type(raw_share).__name__}.")
            share = float(raw_share)
            if not math.isfinite(share):
                raise Invalid(f"Для типа {code} получено не конечное число.")
            result[code] = share
        missing = [c for c in spin_bant.SPIN_TYPES if c not in result]
        if missing:
            raise Invalid(f"Нет долей для типов: {', '.join(missing)}. Если вопросов типа нет, поставьте 0.")
        return result

    def equal(self, answer: dict, expected: Any) -> bool:
        expected = dict(expected)
        return all(math.isclose(answer[c], float(expected[c]), abs_tol=self.abs_tol) for c in spin_bant.SPIN_TYPES)

    def generic_hint(self, answer: dict, expected: Any) -> str | None:
        total = sum(answer.values())
        if math.isclose(total, 100, abs_tol=0.5):
            return "Похоже, доли в процентах, а нужны доли от 1: 0,25, а не 25."
        if total > 1.5 and all(float(v).is_integer() for v in answer.values()):
            return "Это число вопросов каждого типа, а нужны доли: поделите на общее число вопросов SPIN."
        if not math.isclose(total, 1, abs_tol=0.01):
            return "Доли четырёх типов в сумме должны давать 1: в знаменателе — все вопросы SPIN, и только они."
        return "Доли в сумме дают 1, но не совпадают с разметкой: проверьте, что считаете столбец spin звонка Дениса."


q2 = Exercise(
    id="ch03.classic.q2",
    title="Микс вопросов начинающего AE",
    var="junior_mix",
    expected=lambda: spin_bant.spin_mix(_call_b()),
    compare=MixCompare(),
    hints=[
        "Вопросы SPIN — строки call_b, где заполнен столбец spin. Реплики клиента, рассказ о продукте и попытка "
        "закрыть сделку в знаменатель не входят.",
        "call_b['spin'].dropna().value_counts(normalize=True) даст доли; проверьте, что в индексе все четыре типа.",
    ],
    mistakes=[
        Mistake(name="counts", value=lambda: _call_b()["spin"].dropna().value_counts().reindex(list(spin_bant.SPIN_TYPES), fill_value=0),
                hint="Это число вопросов каждого типа, а нужны доли: поделите на общее число вопросов SPIN."),
        Mistake(name="all_ae_lines", value=lambda: _shares_over(_call_b(), int((_call_b()["speaker"] == "AE").sum())),
                hint="В знаменателе все реплики Дениса, включая рассказ о продукте и попытку закрыть сделку. "
                     "Микс считают только по вопросам SPIN — строкам с заполненным spin."),
        Mistake(name="all_lines", value=lambda: _shares_over(_call_b(), len(_call_b())),
                hint="В знаменателе все строки звонка, включая ответы клиента. Микс считают только по вопросам SPIN."),
    ],
    correct_message="Больше двух третей вопросов Дениса — ситуационные: звонок ушёл на анкету, а до цены проблем "
                    "дело почти не дошло. Сравните с миксом Анны на графике ниже.",
)


# ---------------------------------------------------------------------------
# 3. Чему учить Дениса
# ---------------------------------------------------------------------------

COACHING_OPTIONS = {
    "A": "Задавать ещё больше ситуационных вопросов, чтобы лучше понимать клиента.",
    "B": "Собирать факты до звонка (карточка лида, CRM, сайт клиента), а на звонке после каждой названной "
         "проблемы задавать извлекающие вопросы — о её последствиях.",
    "C": "Не тратить время на вопросы: как только клиент назвал проблему, предлагать договор.",
    "D": "Больше рассказывать о продукте: про сорок интеграций и облако в России.",
}

q3 = Exercise(
    id="ch03.classic.q3",
    title="Чему учить Дениса",
    var="coaching_advice",
    expected=lambda: "B",
    compare=Choice(list(COACHING_OPTIONS)),
    hints=[
        "Сравните микс Дениса и Анны: какого типа у Дениса слишком много, а какого почти нет? Что из этого Денис "
        "мог узнать до звонка?",
        "По Рэкхему, ситуационные вопросы нужны, но не двигают крупную продажу; у успешных продавцов их меньше, а "
        "извлекающих и направляющих — больше. Попытки закрыть на первом звонке в крупной продаже вредят.",
    ],
    mistakes=[
        Mistake(name="more_situation", matches=lambda a: a == "a",
                hint="Ситуационных вопросов у Дениса и так больше двух третей. Клиента они утомляют, а факты вроде числа "
                     "сотрудников есть в карточке лида. Проблема в другом: найденные проблемы Денис не развивает."),
        Mistake(name="close_early", matches=lambda a: a == "c",
                hint="Это то, что Денис уже сделал в конце звонка, — и получил «посмотрю и напишу». По исследованию "
                     "Рэкхема приёмы закрытия в крупных продажах снижают успех: сначала клиент должен сам сформулировать "
                     "явную потребность."),
        Mistake(name="more_pitch", matches=lambda a: a == "d",
                hint="Рассказ о продукте до того, как клиент оценил цену своей проблемы, вызывает возражения. "
                     "Денис уже дважды перешёл к презентации сразу после первой жалобы."),
    ],
    correct_message="Факты — до звонка, на звонке — цена каждой проблемы. Проверить прогресс просто: "
                    "через месяц снова посчитайте микс по записям звонков Дениса.",
)


# ---------------------------------------------------------------------------
# 4. Вердикты BANT по заметкам SDR
# ---------------------------------------------------------------------------


def _lead_key(value: Any) -> str | None:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = f"L{int(value):06d}"
    if not isinstance(value, str):
        return None
    text = value.strip().upper().replace("Л", "L")
    if text.isdigit():
        text = f"L{int(text):06d}"
    return text if text in bant_leads.LEADS else None


def _key_bant() -> dict[str, str]:
    return bant_leads.answer_key()


def _authority_as_sql() -> dict[str, str]:
    return {lead: ("sql" if verdict == "authority" else verdict) for lead, verdict in _key_bant().items()}


q4 = Exercise(
    id="ch03.classic.q4",
    title="Вердикты BANT по заметкам SDR",
    var="bant_verdicts",
    expected=_key_bant,
    compare=LabelMap(
        keys=list(bant_leads.LEADS),
        key_of=_lead_key,
        label_of=spin_bant.bant_code,
        allowed="'sql' или буква, которой не хватает: 'B' (budget), 'A' (authority), 'N' (need), 'T' (timeline); "
                "подойдут и русские слова: бюджет, полномочия, потребность, сроки",
        explain=bant_leads.why_not,
        label_name=lambda code: spin_bant.VERDICT_NAMES[code],
        item="Лид",
    ),
    hints=[
        "Идите по заметке буква за буквой и проверяйте правило отдела (таблица выше). Сначала потребность: если "
        "проблемы, которую решает сервис-деск, нет — вердикт N, остальное неважно. Если все четыре буквы "
        "подтверждены — SQL. Иначе — первая неподтверждённая буква в порядке B → A → T.",
        "Ловушки: энтузиазм контакта и просьба прислать договор не подтверждают полномочия; должность в карточке — "
        "тоже. Деньги и желание купить быстро не спасают лида, которому нужен другой продукт.",
    ],
    mistakes=[
        Mistake(name="all_sql", matches=lambda a: set(a.values()) == {"sql"},
                hint="Все лиды — SQL? Тогда квалификация ничего не отсеивает. Проверьте каждую букву по правилу отдела."),
        Mistake(name="authority_as_sql", value=_authority_as_sql,
                hint="Вы передали AE лидов без подтверждённых полномочий. Интерес специалиста или менеджера и просьба "
                     "прислать договор — не доказательство: нужно, чтобы человек, который решает, сам подтвердил интерес."),
        Mistake(name="no_need_as_sql", value=lambda: _with(_key_bant(), L019926="sql"),
                hint="Лид L019926: деньги, полномочия и сроки есть, но нужны электронный журнал и расписание, а не сервис-деск. "
                     "Без потребности в нашем продукте лид закрывают по N."),
        Mistake(name="public_signer_as_authority", value=lambda: _with(_key_bant(), L015541="authority"),
                hint="Лид L015541 — автономное учреждение, закупает по 223-ФЗ: поставщика выберут по итогам закупки, "
                     "и договор подпишет директор. Полномочия здесь — влияние на техническое задание до объявления "
                     "закупки, а его пишет отдел контакта, и начальник отдела это подтвердил. Это SQL."),
        Mistake(name="title_as_authority", value=lambda: _with(_key_bant(), L013344="authority"),
                hint="Лид L013344: контакт — менеджер, но на втором звонке был ИТ-директор и подтвердил, что решение за "
                     "ним. Полномочия — это доступ к тому, кто решает, а не должность контакта."),
    ],
    correct_message="Все вердикты верны. Заметьте: должность контакта не решает ничего — у SQL есть менеджер "
                    "и специалист, а генеральный директор сети школ закрыт по N. У госзаказчика полномочия — это "
                    "влияние на техническое задание до объявления закупки, а не подпись под договором.",
)


# ---------------------------------------------------------------------------
# 5. Из-за какой буквы BANT отсеиваются лиды разных каналов
# ---------------------------------------------------------------------------


def _dq_counts(include_no_response: bool = False) -> pd.DataFrame:
    reasons = dict(spin_bant.BANT_REASONS)
    leads = table("leads")
    picked = leads[leads["disqualify_reason"].isin(list(reasons) + (["no_response"] if include_no_response else []))]
    letters = picked["disqualify_reason"].map(reasons)
    counts = pd.crosstab(picked["channel"], letters.fillna("no_response"))
    return counts


def _dq_mix_no_response() -> pd.DataFrame:
    counts = _dq_counts(include_no_response=True)
    return counts.div(counts.sum(axis=1), axis=0)[list(spin_bant.BANT_LETTERS)]


def _dq_by_column() -> pd.DataFrame:
    counts = _dq_counts()[list(spin_bant.BANT_LETTERS)]
    return counts.div(counts.sum(axis=0), axis=1)


q5 = Exercise(
    id="ch03.classic.q5",
    title="Из-за какой буквы отсеиваются лиды",
    var="dq_mix",
    expected=lambda: spin_bant.disqualification_mix(table("leads"), by="channel"),
    compare=Table(key="channel", columns=list(spin_bant.BANT_LETTERS)),
    hints=[
        "Оставьте лидов, у которых disqualify_reason есть в словаре spin_bant.BANT_REASONS, и переведите причину в букву: "
        ".map(spin_bant.BANT_REASONS). «Не отвечает» (no_response) — не вердикт BANT, в знаменатель не входит.",
        "pd.crosstab(лиды['channel'], буквы, normalize='index') даст доли внутри каждого канала: строки — каналы, "
        "столбцы — budget, authority, need, timeline.",
    ],
    mistakes=[
        Mistake(name="counts", value=lambda: _dq_counts()[list(spin_bant.BANT_LETTERS)],
                hint="В таблице число лидов, а нужны доли внутри каждого канала: поделите строку на её сумму "
                     "(normalize='index')."),
        Mistake(name="with_no_response", value=_dq_mix_no_response,
                hint="В знаменатель попали лиды с причиной «не отвечает» — доли в строке не дают 1. С такими лидами не "
                     "поговорили, это не вердикт BANT: уберите их."),
        Mistake(name="by_column", value=_dq_by_column,
                hint="Доли посчитаны по столбцам (какая доля отказов «нет бюджета» пришлась на канал), а нужны по строкам: "
                     "какая доля отказов канала пришлась на каждую букву (normalize='index')."),
    ],
    correct_message="Входящих лидов отсеивают в основном N и A: пришли «посмотреть» или не тот человек. У исходящих "
                    "B и T — около половины отказов, заметно больше, чем у любого входящего канала. В данных курса "
                    "так выходит потому, что исходящих лидов отсеивает сам BDR после контакта, а причину отказа "
                    "генератор разыгрывает по общим долям; в жизни это объясняют так: холодный клиент не заложил "
                    "денег и не собирался менять систему сейчас. "
                    "Если в вашей CRM картина такая же, первые вопросы SDR для входящих и исходящих лидов стоит строить по-разному.",
)


# ---------------------------------------------------------------------------
# 6. Решение: считать ли полномочия по должности
# ---------------------------------------------------------------------------

#: Уровни должности, которые предлагают считать «полномочиями» по правилу в упражнении 6.
SENIOR_LEVELS = ("c_level", "vp")


def _won_table() -> pd.DataFrame:
    return spin_bant.won_acv_by(table("leads"), table("opportunities"), by="job_title_level")


def _junior_share(column: str) -> float:
    table = _won_table()
    return float(table.loc[~table.index.isin(SENIOR_LEVELS), column].sum())


def _leads_share(sql_only: bool = False) -> float:
    leads = table("leads")
    if sql_only:
        leads = leads[leads["sql_date"].notna()]
    return float((~leads["job_title_level"].isin(SENIOR_LEVELS)).mean())


q6 = Exercise(
    id="ch03.classic.q6",
    title="Полномочия по должности: сколько выручки потеряем",
    var="lost_acv_share",
    expected=lambda: _junior_share("acv_share"),
    compare=Number(rel_tol=0.005),
    hints=[
        "spin_bant.won_acv_by(leads, opps, by='job_title_level') даст выигранные сделки и их ACV по уровню должности "
        "контакта исходного лида.",
        "Правило отсекло бы лидов, где контакт ниже VP: head, manager, specialist. Нужна их доля в ACV выигранных "
        "сделок — сумма acv_share по этим уровням.",
    ],
    mistakes=[
        Mistake(name="deal_share", value=lambda: _junior_share("deal_share"),
                hint="Это доля выигранных сделок по числу, а решение о правиле — про деньги: возьмите долю ACV (acv_share)."),
        Mistake(name="kept_share", value=lambda: 1 - _junior_share("acv_share"),
                hint="Это доля ACV, которая осталась бы (C-level и VP). Нужна потерянная — лиды, где контакт ниже VP."),
        Mistake(name="leads_share", value=lambda: _leads_share(),
                hint="Это доля всех лидов с контактом ниже VP. Вопрос — сколько выигранного ACV пришло от таких лидов: "
                     "считайте по выигранным сделкам."),
        Mistake(name="sql_share", value=lambda: _leads_share(sql_only=True),
                hint="Это доля SQL с контактом ниже VP. Нужна доля ACV выигранных сделок."),
    ],
    correct_message="Правило «полномочия = C-level или VP» отрезало бы большую часть выигранного ACV: сделки чаще всего "
                    "начинаются с руководителя поддержки или менеджера. Не принимайте его. Authority в BANT — это "
                    "подтверждённый доступ к тому, кто решает, а не должность первого контакта.",
)


# ---------------------------------------------------------------------------
# 7. Уравнение ценности: срок окупаемости для клиента (Solution Selling)
# ---------------------------------------------------------------------------


def _value_case(reduction=None, subscription=None, implementation=None) -> pd.Series:
    components = spin_calls.VALUE_COMPONENTS_A.copy()
    if reduction is not None:
        components["reduction"] = reduction
    offer = spin_calls.OFFER_A
    return spin_bant.value_case(
        components,
        offer["subscription_rub"] if subscription is None else subscription,
        offer["implementation_rub"] if implementation is None else implementation,
    )


q7 = Exercise(
    id="ch03.classic.q7",
    title="Уравнение ценности: окупаемость для клиента",
    var="payback_months",
    expected=lambda: float(_value_case()["payback_months"]),
    compare=Number(rel_tol=0.01),
    hints=[
        "Ответ — в месяцах с одним знаком после запятой. Долю, которую снимает решение, Игорь называет в письме по каждой составляющей: половину случаев с кассами, "
        "60 % подсказок, три четверти месяца ввода. Доли — от 0 до 1.",
        "spin_bant.value_case(components, подписка за год, внедрение) вернёт payback_months: платежи первого года "
        "(подписка + внедрение), делённые на ценность решения за месяц.",
    ],
    mistakes=[
        Mistake(name="full_problem_cost", value=lambda: float(_value_case(reduction=1.0)["payback_months"]),
                hint="Вы посчитали так, будто решение снимает проблему целиком (доля 1). Ценность решения — только "
                     "та часть цены проблемы, которую оно снимает: по кассам — половина, по подсказкам — 60 %, по вводу — "
                     "три четверти."),
        Mistake(name="no_implementation", value=lambda: float(_value_case(implementation=0)["payback_months"]),
                hint="Не учтено внедрение: в первый год клиент платит и подписку, и разовое внедрение."),
        Mistake(name="rounded_to_whole", value=lambda: float(round(_value_case()["payback_months"])),
                hint="Срок округлён до целых месяцев. Нужен один знак после запятой: разница в несколько дней важна, "
                     "когда срок сравнивают с бюджетным циклом клиента."),
        Mistake(name="in_years", value=lambda: float(_value_case()["payback_months"]) / 12,
                hint="Похоже, это срок в годах. Нужны месяцы: платежи первого года / (ценность за год / 12)."),
        Mistake(name="monthly_fee_only", value=lambda: float(_value_case(subscription=spin_calls.OFFER_A["subscription_rub"] / 12)
                                                             ["payback_months"]),
                hint="Подписка взята за месяц, а договор годовой и оплачивается вперёд: в платежах первого года — "
                     "подписка за 12 месяцев плюс внедрение."),
    ],
    correct_message="Решение окупается для клиента примерно за полгода, а ROI первого года близок к 100 %. Так "
                    "выглядит value justification в Solution Selling: каждая цифра — из слов клиента, у каждой "
                    "составляющей есть владелец, которому её защищать перед финансами.",
)


# ---------------------------------------------------------------------------
# 8. Чек-лист Sandler для звонка Дениса
# ---------------------------------------------------------------------------

_YES = ("да", "yes", "true", "1", "было", "есть", "+", "прошёл", "прошел", "выполнен")
_NO = ("нет", "no", "false", "0", "не было", "-", "не прошёл", "не прошел", "пропущен")


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)) and value in (0, 1):
        return bool(value)
    if not isinstance(value, str):
        return None
    text = value.strip().strip("«»\"'").lower().replace("ё", "е")
    if text in {w.replace("ё", "е") for w in _NO}:
        return False
    if text in {w.replace("ё", "е") for w in _YES}:
        return True
    return None


def _step_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().lower().replace("-", "_").replace(" ", "_")
    return text if text in spin_bant.SANDLER_STEPS else None


def _sandler_b() -> dict[str, bool]:
    return spin_bant.sandler_checklist(_call_b()).to_dict()


_SANDLER_WHY_B = {
    "upfront_time": "Денис начал с рассказа о компании и не договорился, сколько длится разговор.",
    "upfront_outcome": "О том, чем закончится звонок, и о праве сказать «нет» Денис не договаривался — и получил «посмотрю и напишу».",
    "no_early_pitch": "После первой же жалобы Денис рассказал про интеграции, а после второй — про облако в России: конфеты рассыпаны в вестибюле.",
    "pain_example": "Ольга называет трудности общими словами; конкретного случая — когда, с кем, что сорвалось — в звонке нет. "
                    "Если вы считаете случаем «маркетплейсы не подключаются», такой ответ тоже засчитан.",
    "pain_cost": "На вопрос о потерянных заказах Ольга ответила «не считали», и Денис не стал разбираться — цены проблемы нет.",
    "pain_personal": "Как проблемы касаются самой Ольги, Денис не спрашивал.",
    "budget": "О деньгах в звонке не говорили, а Денис уже обещает коммерческое предложение.",
    "decision": "«Кто у вас выбирает такие системы — ИТ или вы?» — «Выбираю я, ИТ подключает»: выяснено только, кто "
                "выбирает. Кто подписывает, как согласуют деньги и когда решат — нет, поэтому по Сандлеру шаг не "
                "пройден; ответ «да» тоже засчитан — кто выбирает, Денис всё-таки узнал.",
    "next_step": "«Я посмотрю предложение и напишу» — не шаг с датой: это и есть «мы подумаем».",
}


def _explain_sandler(step: str, given: bool) -> str:
    return _SANDLER_WHY_B[step]


q8 = Exercise(
    id="ch03.classic.q8",
    title="Чек-лист Sandler для звонка Дениса",
    var="denis_sandler",
    expected=_sandler_b,
    compare=LabelMap(
        keys=list(spin_bant.SANDLER_STEPS),
        key_of=_step_key,
        label_of=_yes_no,
        allowed="True/False (или «да»/«нет»)",
        explain=_explain_sandler,
        label_name=lambda flag: "да" if flag else "нет",
        item="Шаг",
        alternatives={"pain_example": {True}, "decision": {True}},
    ),
    hints=[
        "Идите по звонку Дениса сверху вниз и для каждого шага чек-листа ищите реплику, где он случился. Нет такой "
        "реплики — False. Шаг no_early_pitch — True, только если Денис ни разу не рассказал о продукте до того, как "
        "выяснил боль.",
        "Сравните с чек-листом звонка Анны выше: договорённость в первой реплике, случай с кассой в Твери, 400 тыс. ₽, "
        "«звонят мне лично», демо во вторник. Что из этого есть у Дениса?",
    ],
    mistakes=[
        Mistake(name="all_done", matches=lambda a: all(a.values()),
                hint="Все шаги пройдены? Перечитайте конец звонка: «Я посмотрю предложение и напишу» — это не следующий "
                     "шаг с датой, а вежливое «мы подумаем»."),
        Mistake(name="early_pitch_inverted", matches=lambda a: a["no_early_pitch"] and not any(
                    v for k, v in a.items() if k not in ("no_early_pitch", "decision", "pain_example")),
                hint="Шаг no_early_pitch — «о продукте не рассказывали, пока не выяснили боль». Денис рассказал об "
                     "интеграциях сразу после первой жалобы, значит, шаг не пройден: False."),
        Mistake(name="question_as_cost", value=lambda: _with(_sandler_b(), pain_cost=True),
                hint="Денис спросил, теряют ли заказы из-за подвисаний, но Ольга ответила «не считали». Шаг засчитывается, "
                     "когда клиент сам оценил цену проблемы, а не когда продавец о ней спросил."),
    ],
    correct_message="По строгой оценке Денис не прошёл ни одного шага из девяти, а если засчитать спорные (случай и "
                    "кто выбирает) — не больше двух. Чек-лист даёт руководителю план разбора: "
                    "начать с предварительной договорённости — о времени и о том, чем звонок закончится, — и не рассказывать о продукте, "
                    "пока клиент не назвал цену проблемы.",
)


# ---------------------------------------------------------------------------
# 9. Цена против следующей лучшей альтернативы
# ---------------------------------------------------------------------------


def _values_a() -> tuple[float, float]:
    components = spin_calls.VALUE_COMPONENTS_A
    per_component = components["annual_cost_rub"] * components["reduction"]
    return float(per_component.sum()), float(per_component[spin_calls.ALTERNATIVE_A["covers"]].sum())


def _ceiling(ours: float | None = None, alternative: float | None = None, price: float | None = None) -> float:
    v_ours, v_alt = _values_a()
    return spin_bant.value_price_ceiling(
        v_ours if ours is None else ours,
        v_alt if alternative is None else alternative,
        spin_calls.ALTERNATIVE_A["price_rub"] if price is None else price,
    )


q9 = Exercise(
    id="ch03.classic.q9",
    title="Цена против следующей лучшей альтернативы",
    var="price_ceiling",
    expected=_ceiling,
    compare=Number(rel_tol=0.005),
    hints=[
        "Ценность «СервисБокс» для клиента — только составляющая «кассы»: единая очередь и приоритеты у него есть, базы "
        "ответов в карточке нет. Ценность «Сферы Деск» — все три составляющие.",
        "Граница цены: цена альтернативы + (наша ценность − ценность альтернативы) — spin_bant.value_price_ceiling.",
    ],
    mistakes=[
        Mistake(name="difference_only", value=lambda: _ceiling(price=0),
                hint="Это только разница в ценности. Граница цены — цена альтернативы плюс эта разница: клиент сравнивает "
                     "выгоду за вычетом цены у нас и у «СервисБокс»."),
        Mistake(name="status_quo", value=lambda: _ceiling(alternative=0, price=0),
                hint="Вы сравнили с «ничего не менять». Но у клиента на столе КП «СервисБокс» — это и есть следующая "
                     "лучшая альтернатива: она даёт ту же ценность по кассам за свою цену."),
        Mistake(name="alternative_covers_all", value=lambda: _ceiling(alternative=_values_a()[0]),
                hint="Вы приписали «СервисБокс» всю нашу ценность. Базы ответов в карточке у него нет: ценность "
                     "альтернативы — только кассы."),
    ],
    correct_message="Выше этой границы клиенту выгоднее «СервисБокс». Наш прайс заметно ниже границы: клиент выигрывает "
                    "с нами больше, чем с альтернативой, даже без скидки. Просьбу закупщика «сравняться с СервисБокс» "
                    "встречают расчётом разницы в ценности, а не скидкой.",
)


# ---------------------------------------------------------------------------
# 10. Тот же лид по BANT, CHAMP и GPCT
# ---------------------------------------------------------------------------

FRAMEWORK_LEAD = "L013610"

_LETTER_WORDS = {
    "bant": {"b": "budget", "a": "authority", "n": "need", "t": "timeline"},
    "champ": {"c": "challenges", "ch": "challenges", "a": "authority", "m": "money", "p": "prioritization"},
    "gpct": {"g": "goals", "p": "plans", "c": "challenges", "t": "timeline"},
}
_VERDICT_STEMS = {
    "sql": ("sql", "квалифиц", "qualified"),
    "budget": ("budget", "бюджет"),
    "authority": ("authority", "полномоч"),
    "need": ("need", "потребн"),
    "timeline": ("timeline", "timing", "срок"),
    "challenges": ("challenge", "проблем", "трудност", "препятств"),
    "money": ("money", "деньг"),
    "prioritization": ("priorit", "приоритет"),
    "goals": ("goal", "цел"),
    "plans": ("plan", "план"),
}


def _framework_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    return text if text in spin_bant.FRAMEWORKS else None


def _framework_verdict(framework: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip().strip("«»\"'").lower().replace("ё", "е")
    if text in _LETTER_WORDS[framework]:
        return _LETTER_WORDS[framework][text]
    for code, stems in _VERDICT_STEMS.items():
        if any(text.startswith(stem) for stem in stems):
            return code
    return None


@dataclass
class FrameworkVerdicts:
    """Вердикты одного лида по трём рамкам: ``{"bant": …, "champ": …, "gpct": …}``; буквы читаются по своей рамке."""

    def normalize(self, value: Any) -> dict[str, str]:
        if isinstance(value, pd.Series):
            value = value.to_dict()
        if not isinstance(value, Mapping):
            raise Invalid("Нужен словарь вида {'bant': …, 'champ': …, 'gpct': …}.")
        result: dict[str, str] = {}
        for raw_key, raw_value in value.items():
            if raw_key is ___ or raw_value is ___:
                raise BlankError()
            key = _framework_key(raw_key)
            if key is None:
                raise Invalid(f"Ключ {raw_key!r} не узнан: нужны 'bant', 'champ', 'gpct'.")
            verdict = _framework_verdict(key, raw_value)
            if verdict is None or (verdict != "sql" and verdict not in spin_bant.FRAMEWORKS[key]):
                letters = ", ".join(spin_bant.FRAMEWORK_LETTER_NAMES[letter] for letter in spin_bant.FRAMEWORKS[key])
                raise Invalid(f"Для {key.upper()} ответ {raw_value!r} не подходит: нужен 'sql' или буква этой рамки ({letters}).")
            result[key] = verdict
        missing = [k for k in spin_bant.FRAMEWORKS if k not in result]
        if missing:
            raise Invalid(f"Нет вердикта для: {', '.join(missing)}.")
        return result

    def equal(self, answer: dict, expected: Any) -> bool:
        return all(answer[k] == expected[k] for k in spin_bant.FRAMEWORKS)

    def generic_hint(self, answer: dict, expected: Any) -> str | None:
        wrong = [k for k in spin_bant.FRAMEWORKS if answer[k] != expected[k]]
        first = wrong[0]
        order = " → ".join(spin_bant.FRAMEWORK_LETTER_NAMES[letter] for letter in spin_bant.FRAMEWORKS[first])
        return (f"Верно {3 - len(wrong)} из 3; посмотрите: {', '.join(k.upper() for k in wrong)}. "
                f"Для {first.upper()} проверьте буквы по правилам отдела в порядке {order} и остановитесь на первой "
                f"неподтверждённой; если подтверждены все — SQL.")


def _framework_expected() -> dict[str, str]:
    return {f: spin_bant.qualify(bant_leads.framework_evidence(FRAMEWORK_LEAD, f), f).iloc[0] for f in spin_bant.FRAMEWORKS}


q10 = Exercise(
    id="ch03.classic.q10",
    title="Один лид по BANT, CHAMP и GPCT",
    var="framework_verdicts",
    expected=_framework_expected,
    compare=FrameworkVerdicts(),
    hints=[
        "Отметьте в evidence, что подтверждено по каждой букве каждой рамки по правилам отдела (таблица выше), и "
        "вызовите spin_bant.qualify(evidence, рамка): вердикт — первая неподтверждённая буква в порядке проверки.",
        "«Рассматривает только бесплатные варианты» — это не про потребность и не про сроки. В какой рамке вообще есть "
        "вопрос о деньгах?",
    ],
    mistakes=[
        Mistake(name="gpct_budget", matches=lambda a: a["bant"] == "budget" and a["champ"] == "money" and a["gpct"] != "sql",
                hint="В короткой GPCT нет буквы о деньгах: цели, план навести порядок до лета, препятствие и сроки у "
                     "«Дельта Склада» есть, поэтому по GPCT он SQL. Деньги проверяет только полная GPCTBA/C&I."),
        Mistake(name="all_sql", matches=lambda a: set(a.values()) == {"sql"},
                hint="Генеральный директор готов только на бесплатное: денег на платный сервис до конца года нет. "
                     "BANT (Budget) и CHAMP (Money) на этом останавливаются."),
        Mistake(name="champ_priority", matches=lambda a: a["champ"] == "prioritization",
                hint="Приоритет у задачи есть: навести порядок он хочет до лета. CHAMP останавливается раньше — на деньгах."),
    ],
    correct_message="Один и тот же лид: BANT и CHAMP его отсеивают, короткая GPCT передаёт AE. Рамка решает, о чём "
                    "SDR вообще спросит: если в вашей воронке много «только бесплатно», GPCT без Budget пропустит их к AE.",
)


# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Клиент сказал: «Заявки иногда теряются». Какой вопрос AE — извлекающий (Implication)?",
            (
                Option("«Какой системой вы сейчас регистрируете заявки?»", False,
                       "Это ситуационный вопрос: факт о текущем положении."),
                Option("«Часто ли заявки теряются?»", False,
                       "Это проблемный вопрос: он уточняет саму проблему, а не её последствия."),
                Option("«Во что вам обходится каждая потерянная заявка?»", True,
                       "Да: вопрос развивает уже названную проблему — её последствия и цену."),
                Option("«Чем бы вам помогло, если бы ни одна заявка не терялась?»", False,
                       "Это направляющий вопрос: ответ будет о пользе решения, а не о потерях."),
            ),
        ),
        Question(
            "Что Рэкхем обнаружил о приёмах закрытия сделки?",
            (
                Option("Они одинаково полезны в любых продажах", False,
                       "Нет: эффект зависел от размера продажи."),
                Option("В небольших продажах они помогали, а в крупных снижали успех, особенно с опытными покупателями", True,
                       "Верно: давление срабатывает на маленьком решении и отталкивает, когда решение большое."),
                Option("Они вредны в любых продажах", False,
                       "В небольших продажах закрытие, наоборот, повышало шансы."),
            ),
        ),
        Question(
            "Зачем в методике Sandler нужен up-front contract в начале встречи?",
            (
                Option("Чтобы заранее договориться о скидке", False,
                       "Речь не о цене, а о правилах самой встречи."),
                Option("Чтобы договориться о цели, времени, повестке и о том, чем встреча закончится — в том числе честным «нет»", True,
                       "Верно: обе стороны знают, чего ждать, и встреча не заканчивается вежливым «мы подумаем»."),
                Option("Чтобы подписать договор на первой встрече", False,
                       "Up-front contract — устная договорённость о ходе встречи, а не договор поставки."),
            ),
        ),
    ],
)

quiz_bant = Quiz(
    id=f"{SECTION}.bant",
    questions=[
        Question(
            "SDR пишет: «Руководитель поддержки в восторге, просит договор. Бюджет есть, запуск в марте. Решает "
            "гендиректор, он пока не в курсе». Какой вердикт BANT?",
            (
                Option("SQL — передать AE: клиент сам просит договор", False,
                       "Энтузиазм не заменяет полномочий: тот, кто решает, интереса не подтверждал."),
                Option("Не SQL: не подтверждены полномочия (A)", True,
                       "Да: следующий шаг SDR — выйти на гендиректора или получить его согласие на встречу с AE."),
                Option("Не SQL: нет потребности (N)", False,
                       "Потребность как раз есть — руководитель поддержки её описывает."),
            ),
        ),
        Question(
            "Автономное учреждение закупает сервис-деск по 223-ФЗ. Контакт SDR — менеджер отдела, который пишет "
            "техническое задание; договор подпишет директор по итогам закупки. Что здесь полномочия в смысле BANT?",
            (
                Option("Только подпись директора: пока он не на встрече, лид не SQL", False,
                       "У госзаказчика поставщика выбирают по итогам закупки, а не по слову директора: встреча с ним не "
                       "гарантирует выбор."),
                Option("Влияние на техническое задание до объявления закупки — и подтверждение, что ТЗ пишет отдел контакта", True,
                       "Да: после объявления закупки требования уже не изменить, поэтому важно, кто их пишет."),
                Option("Полномочий нет ни у кого: госзаказчик всегда выбирает самую низкую цену", False,
                       "По 223-ФЗ заказчик закупает по своему положению о закупке, и требования к системе задаёт ТЗ."),
            ),
        ),
        Question(
            "Лид готов только на бесплатный сервис-деск, а в остальном — цель, план, препятствие и сроки есть. Какая рамка "
            "передаст его AE?",
            (
                Option("BANT", False, "BANT остановится на Budget: денег на платный сервис нет."),
                Option("CHAMP", False, "CHAMP остановится на Money."),
                Option("Короткая GPCT", True, "Да: в Goals, Plans, Challenges, Timeline нет вопроса о деньгах — его "
                                               "добавляет только полная версия GPCTBA/C&I."),
            ),
        ),
    ],
)
