"""Упражнения раздела 3.2 «Современные подходы».

Два упражнения — классификация текста (поведение Challenger в репликах, уровни
MEDDIC по заметке): проверка принимает метки в любом регистре и с синонимами и
объясняет каждую неверную. Одно — функция учащегося ``meddic_score(row)``:
проверяется на наборе сделок, принимается любая верная реализация. Остальные
считают эталон из данных курса функциями ``salesbook.toolkit.meddic``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from salesbook.content import challenger_snippets as snippets
from salesbook.content import meddic_notes as notes
from salesbook.exercises import table
from salesbook.runtime.checks import BlankError, Exercise, Function, Invalid, LabelMap, Mistake, Number, Table
from salesbook.runtime.quiz import Option, Question, Quiz
from salesbook.toolkit import meddic

SECTION = "ch03.modern"
TITLE = "3.2. Современные подходы"


# ---------------------------------------------------------------------------
# Сравнение «ключ → метка» для упражнений на классификацию текста
# ---------------------------------------------------------------------------


def _norm(text: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(text).strip().strip("«»\"'").lower()).replace("ё", "е")


# ---------------------------------------------------------------------------
# Данные
# ---------------------------------------------------------------------------


def _open() -> pd.DataFrame:
    o = table("opportunities")
    return o[o["outcome"] == "open"]


# ---------------------------------------------------------------------------
# 1. Поведение Challenger в репликах
# ---------------------------------------------------------------------------

_LABEL_ALIASES = {_norm(alias): label for label, aliases in snippets.ALIASES.items() for alias in aliases}


def _snippet_key(value: Any) -> str | None:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = f"R{int(value)}"
    key = _norm(value).upper().replace("Р", "R")  # кириллическая «Р» → латинская R
    return key if key in snippets.SNIPPETS else None


def _snippet_label(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return _LABEL_ALIASES.get(_norm(value))


def _explain_snippet(key: str, label: str) -> str:
    return f"метка «{snippets.LABEL_NAMES[label]}» не подходит. {snippets.why_not(key, label)}"


def _with(base: Mapping, **changes) -> dict:
    result = dict(base)
    result.update(changes)
    return result


q1 = Exercise(
    id="ch03.modern.q1",
    title="Узнайте поведение Challenger в репликах",
    var="challenger_labels",
    expected=snippets.answer_key,
    compare=LabelMap(
        keys=list(snippets.SNIPPETS),
        key_of=_snippet_key,
        label_of=_snippet_label,
        allowed="'teach', 'tailor', 'take_control', 'relationship' (или по-русски: обучение, адаптация, контроль, отношения)",
        explain=_explain_snippet,
        item="Реплика",
    ),
    hints=[
        "Спросите себя о каждой реплике: продавец меняет взгляд клиента на его бизнес (teach), переводит выгоду на язык роли "
        "собеседника (tailor), держит цену или ведёт шаги сделки (take_control) — или уходит от напряжения (relationship)?",
        "Подсказка по признакам: «мы разобрали сорок служб…» — новая мысль; «для вас как финансового директора…» — подстройка; "
        "«скидку не дадим, предлагаю…», «соберём безопасность до пятницы» — контроль; «пишите, когда удобно» — отношения.",
    ],
    mistakes=[
        Mistake(
            name="one_label_for_all",
            matches=lambda a: len(set(a.values())) == 1,
            hint="Всем репликам стоит одна метка. В наборе есть все четыре поведения — разберите каждую реплику отдельно.",
        ),
        Mistake(
            name="tailor_as_teach",
            value=lambda: _with(snippets.answer_key(), R2="teach", R6="teach"),
            hint="Обе реплики с адаптацией вы приняли за обучение. Обучение — новая для клиента мысль о его бизнесе; "
            "адаптация — та же выгода, переведённая на язык роли собеседника (финансы, операторы).",
        ),
        Mistake(
            name="process_control_as_teach",
            value=lambda: _with(snippets.answer_key(), R4="teach"),
            hint="Реплика R4: довод про доступы — не инсайт о бизнесе клиента, а аргумент в споре о порядке шагов. "
            "Продавец возражает и назначает встречу — это контроль над процессом сделки.",
        ),
    ],
    correct_message="Все восемь реплик размечены правильно. Заметьте, что контроль — это не напор, а спокойный разговор о деньгах и шагах.",
)


# ---------------------------------------------------------------------------
# 2. Уровни MEDDIC по заметке
# ---------------------------------------------------------------------------

_LETTER_ALIASES: dict[str, str] = {}
for _letter, (_code, _english, _) in meddic.LETTER_INFO.items():
    for _alias in (_letter, _letter.removeprefix("meddic_"), _english):
        _LETTER_ALIASES[_norm(_alias)] = _letter
_LETTER_ALIASES.update({"m": "meddic_metrics", "e": "meddic_economic_buyer", "eb": "meddic_economic_buyer",
                        "dc": "meddic_decision_criteria", "dp": "meddic_decision_process", "i": "meddic_identify_pain",
                        "pain": "meddic_identify_pain", "c": "meddic_champion"})


def _letter_key(value: Any) -> str | None:
    return _LETTER_ALIASES.get(_norm(value))


def _level(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = _norm(value)
        words = {"нет_данных": 0, "нет": 0, "частично": 1, "подтверждено": 2}
        if text in words:
            return words[text]
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if math.isnan(number) or number not in (0.0, 1.0, 2.0):
        return None
    return int(number)


def _explain_level(letter: str, given: int) -> str:
    rule = notes.RUBRIC[letter]
    code, english, _ = meddic.LETTER_INFO[letter]
    return (f"уровень {given} не подходит. Правило: 2 — {rule[2]}; 1 — {rule[1]}; 0 — {rule[0]}. "
            f"Не доказательство: {rule['not']}.")


q2 = Exercise(
    id="ch03.modern.q2",
    title="Оценка сделки по заметке",
    var="note_levels",
    expected=lambda: dict(notes.EXERCISE["levels"]),
    compare=LabelMap(
        keys=list(meddic.LETTERS),
        key_of=_letter_key,
        label_of=_level,
        allowed="0, 1 или 2",
        explain=_explain_level,
        item="Буква",
        key_name=meddic.letter_name,
    ),
    hints=[
        "Идите по буквам и ищите в заметке доказательство: цифру, имя, дату, документ, подтверждённые самим клиентом. "
        "Нет упоминания — 0; со слов контакта или без цифр — 1; подтверждено клиентом — 2.",
        "Разбор: метрики зафиксированы в письме с цифрами «было — станет»; ЛПР известен только со слов Ирины; критерии — устно; "
        "о процессе решения ничего; боль с цифрой и штрафом; Ирину не зовут на совещания по бюджету — значит, влияния у неё нет.",
    ],
    mistakes=[
        Mistake(
            name="all_confirmed",
            matches=lambda a: all(v == 2 for v in a.values()),
            hint="Всё подтверждено? Так почти не бывает: в заметке есть буквы, о которых известно только со слов контакта или ничего.",
        ),
        Mistake(
            name="named_eb_as_confirmed",
            value=lambda: _with(notes.EXERCISE["levels"], meddic_economic_buyer=2),
            hint="Economic buyer: имя ЛПР со слов контакта — ещё не подтверждение. Уровень 2 — когда вы сами говорили с тем, "
            "кто распоряжается бюджетом, и он подтвердил интерес и деньги.",
        ),
        Mistake(
            name="coach_as_champion",
            value=lambda: _with(notes.EXERCISE["levels"], meddic_champion=2),
            hint="Champion: симпатия — не влияние. Человек, которого не зовут на совещания по бюджету, — коуч, а не чемпион; "
            "чемпион доказывает влияние делом (собирает встречу, выводит на ЛПР).",
        ),
        Mistake(
            name="unknown_as_partial",
            value=lambda: _with(notes.EXERCISE["levels"], meddic_decision_process=1),
            hint="Decision process: если о шагах и сроках ничего не выяснили, это 0, а не «частично». Единица — когда процесс "
            "описан хотя бы примерно.",
        ),
        Mistake(
            name="oral_criteria_as_confirmed",
            value=lambda: _with(notes.EXERCISE["levels"], meddic_decision_criteria=2),
            hint="Decision criteria: критерии, названные устно, без письменного списка, — это 1. Двойка — письменные или "
            "согласованные критерии, по которым вас будут сравнивать.",
        ),
    ],
    correct_message="Итог: подтверждены метрики и боль, остальное — со слов или неизвестно. Следующая встреча — "
    "с операционным директором, и на ней нужно выяснить процесс решения.",
)


# ---------------------------------------------------------------------------
# 3. Функция meddic_score(row)
# ---------------------------------------------------------------------------

#: Веса, которые договорилась использовать команда в упражнении: E и C вдвое важнее.
TEAM_WEIGHTS = {"meddic_economic_buyer": 2.0, "meddic_champion": 2.0}


def _team_score(row: pd.Series) -> float:
    return float(meddic.score(row, TEAM_WEIGHTS).iloc[0])


def _probe_rows() -> list[pd.Series]:
    """Сделки для проверки: реальные строки таблицы и крайние случаи."""
    o = table("opportunities")
    lv = meddic.levels(o)
    # по одной сделке на каждую сумму уровней 0…12 — разнообразные профили
    picks = lv.sum(axis=1).drop_duplicates().index
    rows = [o.loc[i] for i in picks]
    template = o.iloc[0].copy()
    for profile in ({c: 0 for c in meddic.LETTERS}, {c: 2 for c in meddic.LETTERS},
                    {**{c: 0 for c in meddic.LETTERS}, "meddic_economic_buyer": 2},
                    {**{c: 2 for c in meddic.LETTERS}, "meddic_champion": 0}):
        row = template.copy()
        for c, v in profile.items():
            row[c] = v
        rows.append(row)
    return rows


def _deal(args: tuple) -> str:
    """Короткое описание проверочной сделки: номер и уровни, без эталонного ответа."""
    row = args[0] if args else None
    if not isinstance(row, pd.Series):
        return repr(args)
    levels = ", ".join(f"{c.removeprefix('meddic_')}={row.get(c)}" for c in meddic.LETTERS)
    return f"{row.get('opportunity_id', '—')} ({levels})"


@dataclass
class DealFunction(Function):
    """Проверка функции от строки сделки: каждый вызов получает копию строки, сообщения называют сделку."""

    def run(self, fn: Callable, args: tuple):
        args = tuple(a.copy() if isinstance(a, pd.Series) else a for a in args)
        try:
            return fn(*args)
        except BlankError:
            raise
        except Exception as exc:  # ошибка в коде учащегося — объясняем, не падаем
            raise Invalid(f"Функция упала на сделке {_deal(args)}: {type(exc).__name__}: {exc}") from None

    def generic_hint(self, fn: Callable, expected: Any) -> str | None:
        failure = self.first_failure(fn)
        if failure is None:
            return None
        args, got = failure
        return f"На сделке {_deal(args)} функция вернула {got!r} — это неверно. Проверьте формулу на этой строке вручную."


def _cases() -> list[tuple[tuple, float]]:
    return [((row,), _team_score(row)) for row in _probe_rows()]


def _probe(fn: Callable, transform: Callable[[pd.Series], float]) -> bool:
    """Функция учащегося на всех проверочных строках совпала с ``transform``."""
    rows = [r for r in _probe_rows() if not math.isclose(transform(r), _team_score(r), abs_tol=1e-9)]
    if not rows:
        return False
    for row in rows:
        got = float(fn(row.copy()))
        if not math.isclose(got, transform(row), rel_tol=1e-6, abs_tol=1e-9):
            return False
    return True


def _points(row: pd.Series) -> float:
    w = meddic.weight_vector(TEAM_WEIGHTS)
    return float((meddic.levels(row).iloc[0] * w).sum())


q3 = Exercise(
    id="ch03.modern.q3",
    title="Функция meddic_score(row)",
    var="meddic_score",
    compare=DealFunction(cases=_cases, compare=Number(rel_tol=1e-6, abs_tol=1e-9)),
    hints=[
        "Умножьте уровень каждой буквы на её вес из словаря weights и сложите; максимум получится, когда все уровни равны 2.",
        "score = Σ(вес × уровень) / (2 × Σ весов). С весами команды знаменатель равен 2 × 8 = 16. Буквы без веса в словаре весят 1.",
    ],
    mistakes=[
        Mistake(
            name="unweighted",
            matches=lambda fn: _probe(fn, lambda r: float(meddic.score(r).iloc[0])),
            hint="Функция не учитывает веса: E и C в правилах команды весят вдвое больше. Умножьте уровень каждой буквы на её вес.",
        ),
        Mistake(
            name="points",
            matches=lambda fn: _probe(fn, _points),
            hint="Это взвешенная сумма баллов, а нужна доля от 0 до 1: разделите на максимум 2 × Σ весов.",
        ),
        Mistake(
            name="mean_level",
            matches=lambda fn: _probe(fn, lambda r: _points(r) / meddic.weight_vector(TEAM_WEIGHTS).sum()),
            hint="Получился средний взвешенный уровень (от 0 до 2). Максимальный уровень — 2, поэтому разделите ещё на 2.",
        ),
        Mistake(
            name="unweighted_denominator",
            matches=lambda fn: _probe(fn, lambda r: _points(r) / 12),
            hint="Числитель взвешен, а знаменатель — нет (12). Максимум взвешенной суммы — 2 × Σ весов = 16.",
        ),
        Mistake(
            name="percent",
            matches=lambda fn: _probe(fn, lambda r: 100 * _team_score(r)),
            hint="Функция возвращает проценты, а нужна доля: 0,75, а не 75.",
        ),
    ],
    correct_message="Функция даёт правильный балл на всех проверочных сделках. В пакете курса это meddic.score(opps, weights) — "
    "то же самое сразу для всей таблицы, без цикла по строкам.",
)


# ---------------------------------------------------------------------------
# 4. Пробелы открытой воронки по буквам
# ---------------------------------------------------------------------------


def _gap_table(frame: pd.DataFrame, zero_only: bool = False) -> pd.DataFrame:
    table = meddic.pipeline_gaps(frame)[["zero_share", "rub_at_risk"]].copy()
    if zero_only:
        lv = meddic.levels(frame)
        table["rub_at_risk"] = lv.eq(0).mul(frame["amount_rub"], axis=0).sum()
    return table


q4 = Exercise(
    id="ch03.modern.q4",
    title="Слабые буквы открытой воронки",
    var="open_gaps",
    expected=lambda: _gap_table(_open()),
    compare=Table(columns=["zero_share", "rub_at_risk"]),
    hints=[
        "Возьмите только открытые сделки (outcome == 'open') и их столбцы meddic_*. zero_share — среднее от (уровень == 0) по каждому столбцу.",
        "rub_at_risk: маска (уровень < 2), умноженная на amount_rub построчно — levels.lt(2).mul(open_opps['amount_rub'], axis=0).sum(). "
        "Индекс таблицы — имена столбцов meddic_*.",
    ],
    mistakes=[
        Mistake(name="all_deals", value=lambda: _gap_table(table("opportunities")),
                hint="В таблицу попали и закрытые сделки. Пробелы считают по открытой воронке: outcome == 'open'."),
        Mistake(name="zero_only_rub", value=lambda: _gap_table(_open(), zero_only=True),
                hint="В rub_at_risk учтены только сделки с нулём. Под риском всё, что не подтверждено: уровень меньше 2, то есть 0 и 1."),
    ],
    correct_message="Посмотрите на таблицу: какая буква слабее всех и по доле нулей, и по рублям под риском? "
    "Именно по ней стоит провести разбор сделок с командой на этой неделе.",
)


# ---------------------------------------------------------------------------
# 5. Предсказывает ли MEDDIC выигрыш: сравнение внутри одной стадии
# ---------------------------------------------------------------------------


def _closed_with_stage(include_open: bool = False) -> pd.DataFrame:
    o = table("opportunities")
    frame = o if include_open else o[o["outcome"] != "open"]
    reached = meddic.stage_reached(table("opportunity_stages"))
    return frame.assign(reached=frame["opportunity_id"].map(reached), won=(frame["outcome"] == "won").astype(int))


def _odds(frame: pd.DataFrame, column: str = "total") -> pd.Series:
    x = meddic.total(frame) if column == "total" else meddic.score(frame)
    return meddic.logit_odds_ratios(frame["won"], x.rename(column)).loc[column]


def _negotiation(include_open: bool = False) -> pd.DataFrame:
    frame = _closed_with_stage(include_open)
    return frame[frame["reached"] == "negotiation"]


q5 = Exercise(
    id="ch03.modern.q5",
    title="Отношение шансов внутри одной стадии",
    var="odds_ratio_negotiation",
    expected=lambda: float(_odds(_negotiation())["odds_ratio"]),
    compare=Number(rel_tol=0.005),
    hints=[
        "Отберите закрытые сделки (outcome != 'open'), у которых meddic.stage_reached(stages) равна 'negotiation'. "
        "Исход — won = (outcome == 'won'), предиктор — meddic.total(...) (сумма уровней, 0–12).",
        "meddic.logit_odds_ratios(y, x) вернёт таблицу; нужно значение odds_ratio в строке предиктора — это exp(coef).",
    ],
    mistakes=[
        Mistake(name="all_closed", value=lambda: float(_odds(_closed_with_stage())["odds_ratio"]),
                hint="Это отношение шансов по всем закрытым сделкам. Оно завышено: поля MEDDIC заполняются по ходу сделки, а "
                "выиграть можно только дойдя до переговоров. Сравните сделки, дошедшие до одной стадии — negotiation."),
        Mistake(name="coef_not_exp", value=lambda: float(_odds(_negotiation())["coef"]),
                hint="Это коэффициент логистической регрессии — логарифм отношения шансов. Возьмите exp(coef) или столбец odds_ratio."),
        Mistake(name="open_as_lost", value=lambda: float(_odds(_negotiation(include_open=True))["odds_ratio"]),
                hint="Открытые сделки попали в выборку как проигранные. Их исход неизвестен — берите только закрытые."),
        Mistake(name="per_full_score", value=lambda: float(_odds(_negotiation(), "score")["odds_ratio"]),
                hint="Это отношение шансов на весь балл от 0 до 1, то есть на 12 пунктов сразу. Нужно — на один пункт суммы уровней 0–12: meddic.total."),
    ],
    correct_message="Среди сделок, дошедших до переговоров, MEDDIC всё ещё отличает выигрыши от проигрышей, но отношение "
    "шансов на пункт заметно ниже, чем по всем закрытым сделкам: высокое число там говорило во многом о том, как далеко "
    "прошла сделка. И это ещё итоговая запись: у выигранных сделок подписание задним числом подтверждает экономического "
    "покупателя и процесс решения. На снимке полей при входе в переговоры (в тексте раздела) связь ещё слабее — "
    "это и есть честная оценка.",
)


# ---------------------------------------------------------------------------
# 6. Решение: консервативный commit для совета директоров
# ---------------------------------------------------------------------------

#: Правило финансового директора: в commit только сделки с подтверждёнными метриками.
CFO_COMMIT_MIN = {**meddic.DEFAULT_COMMIT_MIN, "meddic_metrics": 2}


def _category_sum(categories: Sequence[str], **rules) -> float:
    op = _open()
    category = meddic.forecast_category(op, **rules)
    return float(op.loc[category.isin(categories), "amount_rub"].sum())


q6 = Exercise(
    id="ch03.modern.q6",
    title="Сколько поставить в commit",
    var="commit_rub",
    expected=lambda: _category_sum(["commit"], commit_min=CFO_COMMIT_MIN),
    compare=Number(rel_tol=0.005),
    hints=[
        "Правила commit из раздела плюс одно условие финансового директора: meddic_metrics == 2. "
        "В meddic.forecast_category это параметр commit_min — словарь минимальных уровней по буквам.",
        "commit_min = {**meddic.DEFAULT_COMMIT_MIN, 'meddic_metrics': 2}; затем сумма amount_rub открытых сделок, у которых категория 'commit'.",
    ],
    mistakes=[
        Mistake(name="default_rules", value=lambda: _category_sum(["commit"]),
                hint="Это commit по правилам раздела. Финансовый директор добавил условие: метрики подтверждены (meddic_metrics == 2)."),
        Mistake(name="commit_plus_best_case", value=lambda: _category_sum(["commit", "best_case"], commit_min=CFO_COMMIT_MIN),
                hint="Вы сложили commit и best case. Best case — это «может быть», в обещание совету директоров его не включают."),
        Mistake(name="whole_pipeline", value=lambda: float(_open()["amount_rub"].sum()),
                hint="Это вся открытая воронка. Commit — только сделки, которые прошли все правила."),
        Mistake(name="weighted_pipeline", value=lambda: float((meddic.score(_open()) * _open()["amount_rub"]).sum()),
                hint="Это воронка, взвешенная баллом MEDDIC. Балл — не вероятность выигрыша (мы это проверили), а commit — сумма "
                "сделок, прошедших правила, без весов."),
    ],
    correct_message="Консервативный commit заметно меньше commit по правилам раздела: часть «уверенных» сделок держится на "
    "непроверенных метриках. Эти сделки — список задач AE на неделю: получить от клиента цифры «было — станет».",
)


# ---------------------------------------------------------------------------
# Квиз
# ---------------------------------------------------------------------------

quiz = Quiz(
    id=SECTION,
    questions=[
        Question(
            "Что из этого — доказательство уровня 2 по букве Economic buyer?",
            (
                Option("Контакт назвал имя финансового директора, который подпишет бюджет", False,
                       "Это уровень 1: известно, кто это, но только со слов контакта."),
                Option("Финансовый директор был в копии письма с коммерческим предложением", False,
                       "Копия письма ничего не говорит о его интересе и деньгах — это не доказательство."),
                Option("Вы сами говорили с финансовым директором, и он подтвердил бюджет на этот год", True,
                       "Да: разговор с тем, кто распоряжается бюджетом, и подтверждённые деньги — это уровень 2."),
            ),
        ),
        Question(
            "Среди закрытых сделок у выигранных сумма MEDDIC в среднем намного выше. Какой вывод корректен?",
            (
                Option("MEDDIC-скоринг надёжно предсказывает выигрыш заранее", False,
                       "Поля заполняются по ходу сделки: у выигранных было больше встреч и времени. Итоговые значения знают «будущее»."),
                Option("Итоговые значения полей отражают и то, как далеко прошла сделка; чтобы проверить прогноз, нужны снимки полей на фиксированный момент", True,
                       "Верно: это заглядывание в будущее (look-ahead). Честная проверка — по значениям, известным до исхода."),
                Option("Связи нет: это совпадение", False,
                       "Связь статистически значима, но она не означает, что MEDDIC предсказывает исход заранее."),
            ),
        ),
        Question(
            "Что в модели Challenger значит «взять контроль» (take control)?",
            (
                Option("Спокойно обсуждать цену, не уступать под давлением и вести процесс сделки", True,
                       "Да: Challenger не боится разговора о деньгах и сам предлагает следующие шаги."),
                Option("Давить на клиента, пока он не согласится", False,
                       "Авторы подчёркивают обратное: контроль — не агрессия, а спокойная уверенность в разговоре о деньгах и шагах."),
                Option("Заранее решить за клиента, какой продукт ему нужен", False,
                       "Это не про продукт, а про ведение разговора и процесса покупки."),
            ),
        ),
        Question(
            "Стартап продаёт SaaS малому бизнесу: входящие лиды, чек 150 тыс. ₽ в год, цикл две недели, решает владелец. Что разумнее для квалификации?",
            (
                Option("Полный MEDDPICC с картой закупки и бумажного процесса", False,
                       "Слишком тяжело: при двухнедельном цикле и одном ЛПР бумажного процесса почти нет, а время AE дорого."),
                Option("Никакой квалификации: в SMB покупают все", False,
                       "Без квалификации AE тратит время на тех, кто не купит, и воронка перестаёт быть прогнозом."),
                Option("Короткий фреймворк вроде CHAMP или GPCT: проблема, полномочия, деньги, приоритет", True,
                       "Да: для коротких сделок с одним ЛПР хватает нескольких вопросов, а MEDDIC оставляют для сложных продаж."),
            ),
        ),
    ],
)
