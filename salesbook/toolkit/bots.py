"""Чат-боты и голосовые боты (разделы 7.4.4 и 8.2): сценарий как конечный автомат, воронка по шагам,
маршрутизация, доля решённых без человека и цена исхода.

Данные — сессии чат-бота на сайте за 2025 год (``chats``, ``chat_messages``) и звонки голосового
бота за 2025 год (``voicebot_calls``) компании «Сфера Софт». Доли с интервалами — по Уилсону
(statsmodels ``proportion_confint(method="wilson")``), как во всём курсе.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import mutual_info_score
from statsmodels.stats.proportion import proportion_confint

from salesbook.toolkit.validation import MetricError, positive, require_columns

# --------------------------------------------------------------------------
# Сценарий чат-бота как конечный автомат
# --------------------------------------------------------------------------

#: Итоговые состояния сценария: из них переходов нет.
TERMINALS = ("meeting_booked", "routed_sdr", "self_serve", "agent", "dropped", "spam")
#: Итоги, при которых посетитель оставил контакт и получил маршрут.
ROUTED = ("meeting_booked", "routed_sdr", "self_serve")

#: Вопрос бота на каждом шаге.
PROMPTS = {
    "intent": "Здравствуйте! Что вас интересует: демо, цены, вопрос по аккаунту?",
    "size": "Сколько человек работает в вашей компании?",
    "role": "Кем вы работаете?",
    "crm": "Чем сейчас ведёте клиентов?",
    "timeline": "Когда хотите начать?",
    "contact": "Оставьте e-mail и отметьте согласие на обработку персональных данных",
}


#: Русские названия итогов сессии для таблиц.
OUTCOME_LABELS = {"meeting_booked": "Встреча с AE", "routed_sdr": "Передан SDR", "self_serve": "Пробный доступ",
                  "agent": "Оператор", "dropped": "Ушёл без контакта", "spam": "Спам"}
#: Русские названия шагов для таблиц и графиков.
STEP_LABELS = {"intent": "Что интересует", "size": "Размер компании", "role": "Роль", "crm": "Текущая CRM",
               "timeline": "Сроки", "contact": "Контакт и согласие"}


def make_flow(steps: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Сценарий квалификации как словарь «состояние → допустимые следующие состояния».

    ``steps`` — вопросы после первого (``intent``) по порядку. С первого вопроса можно уйти к
    оператору (поддержка) или в спам; с любого вопроса — ответить (следующий вопрос), уйти
    (``dropped``) или попросить человека (``agent``); после контакта бот назначает маршрут.
    """
    steps = list(steps)
    if not steps or steps[-1] != "contact":
        raise MetricError("make_flow: последним вопросом сценария должен быть контакт (contact).")
    unknown = [s for s in steps if s not in PROMPTS]
    if unknown:
        raise MetricError(f"make_flow: неизвестные шаги {unknown}; возможные: {', '.join(PROMPTS)}.")
    order = ["intent", *steps]
    flow = {"start": ("intent",)}
    for here, nxt in zip(order, order[1:]):
        flow[here] = (nxt, "agent", "dropped") + (("spam",) if here == "intent" else ())
    flow["contact"] = ROUTED + ("dropped", "agent")
    return flow


#: Версия 1 (январь — сентябрь 2025 года): с вопросом о текущей CRM.
FLOW_V1 = make_flow(("size", "role", "crm", "timeline", "contact"))
#: Версия 2 (с A/B-теста в июле 2025 года): без вопроса о текущей CRM.
FLOW_V2 = make_flow(("size", "role", "timeline", "contact"))
FLOWS = {"v1": FLOW_V1, "v2": FLOW_V2}


def illegal_transitions(path: Iterable[str], flow: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """Переходы пути ``path`` (от ``start`` до итога), которых нет в сценарии ``flow``."""
    path = list(path)
    return [(a, b) for a, b in zip(path, path[1:]) if b not in tuple(flow.get(a, ()))]


def chat_paths(chats: pd.DataFrame, messages: pd.DataFrame) -> pd.Series:
    """Путь каждой сессии по журналу реплик: ``start``, шаги с ответами посетителя, итог.

    Путь строится по репликам посетителя (шаг, на который он ответил) и итогу сессии
    ``end_state``; у ушедших без ответа последний шаг — ``last_state`` из ``chats``.
    """
    require_columns(chats, ["chat_id", "last_state", "end_state"], "chats")
    require_columns(messages, ["chat_id", "seq", "sender", "state"], "chat_messages")
    visitor = messages[messages["sender"] == "visitor"].sort_values(["chat_id", "seq"])
    answered = visitor.groupby("chat_id")["state"].agg(list)
    paths = {}
    for chat_id, last, end in chats[["chat_id", "last_state", "end_state"]].itertuples(index=False):
        steps = list(dict.fromkeys(answered.get(chat_id, [])))   # повтор вопроса («а можно с человеком?») — один шаг
        if end in ("dropped", "agent") and (not steps or steps[-1] != last):
            steps.append(last)
        paths[chat_id] = ["start", *steps, end]
    return pd.Series(paths, name="path")


def audit_paths(chats: pd.DataFrame, messages: pd.DataFrame, flows: Mapping[str, Mapping] = FLOWS) -> pd.DataFrame:
    """Сессии, путь которых нарушает сценарий своей версии: первый недопустимый переход.

    Столбцы: ``chat_id``, ``flow_version``, ``transition`` («откуда → куда»), ``path``.
    """
    require_columns(chats, ["chat_id", "flow_version"], "chats")
    paths = chat_paths(chats, messages)
    rows = []
    for chat_id, version in chats[["chat_id", "flow_version"]].itertuples(index=False):
        if version not in flows:
            raise MetricError(f"audit_paths: нет сценария версии {version!r}.")
        bad = illegal_transitions(paths[chat_id], flows[version])
        if bad:
            rows.append({"chat_id": chat_id, "flow_version": version,
                         "transition": f"{bad[0][0]} → {bad[0][1]}", "path": " → ".join(paths[chat_id])})
    return pd.DataFrame(rows, columns=["chat_id", "flow_version", "transition", "path"])


# --------------------------------------------------------------------------
# Воронка по шагам
# --------------------------------------------------------------------------

def wilson(successes, n, alpha: float = 0.05) -> tuple[float, float]:
    """Интервал Уилсона для доли ``successes / n`` (statsmodels)."""
    low, high = proportion_confint(successes, n, alpha=alpha, method="wilson")
    return float(low), float(high)


def step_funnel(chats: pd.DataFrame, flow: Mapping[str, Iterable[str]], alpha: float = 0.05) -> pd.DataFrame:
    """Воронка сценария по шагам для сессий одной версии: дошли, ответили, доля ушедших с интервалом.

    Берутся сессии покупателей (первый ответ — демо, цена или «смотрю»); поддержка и спам
    в воронку квалификации не входят. На шаге ``s`` «дошли» — сессии, чей последний шаг не раньше
    ``s``; «ответили» — дошедшие до следующего шага (на контакте — получившие маршрут).
    Индекс — шаги после первого вопроса; ``drop_rate`` = 1 − ответили / дошли; интервал Уилсона.
    """
    require_columns(chats, ["intent", "last_state", "end_state"], "chats")
    order = [s for s in _order(flow) if s != "intent"]
    buyers = chats[chats["intent"].isin(["demo", "pricing", "browse"])]
    if buyers.empty:
        raise MetricError("step_funnel: нет сессий покупателей (demo, pricing, browse).")
    bad = set(buyers["last_state"]) - set(order)
    if bad:
        raise MetricError(f"step_funnel: в сессиях есть шаги {sorted(bad)}, которых нет в сценарии — "
                          "возьмите сессии одной версии сценария.")
    pos = buyers["last_state"].map({s: i for i, s in enumerate(order)})
    routed = buyers["end_state"].isin(ROUTED)
    rows = {}
    for i, s in enumerate(order):
        reached = int((pos >= i).sum())
        answered = int(((pos > i) | ((pos == i) & routed)).sum())
        low, high = wilson(reached - answered, reached, alpha) if reached else (np.nan, np.nan)
        rows[s] = {"reached": reached, "answered": answered,
                   "drop_rate": (reached - answered) / reached if reached else np.nan,
                   "drop_low": low, "drop_high": high}
    return pd.DataFrame.from_dict(rows, orient="index")


def _order(flow: Mapping[str, Iterable[str]]) -> list[str]:
    order, here = [], "start"
    while True:
        nxt = [s for s in flow.get(here, ()) if s in flow and s not in TERMINALS and s not in order]
        if not nxt:
            return order
        here = nxt[0]
        order.append(here)


# --------------------------------------------------------------------------
# Маршрутизация и ценность вопроса
# --------------------------------------------------------------------------

#: Ответ о сроках: текст реплики → код.
TIMELINE_CODES = {"в этом месяце": "month", "в этом квартале": "quarter", "пока изучаем": "explore"}


def route(segment: str, intent: str, timeline: str) -> str:
    """Правило маршрутизации сценария «Сферы Деск».

    Enterprise — всегда встреча с AE (календарь AE в чате); mid-market — встреча с AE, если
    начать хотят в этом месяце или квартале, иначе SDR; SMB — SDR, если просят демо и начинают
    в этом месяце, иначе самостоятельный пробный доступ (self-serve).
    """
    if segment == "enterprise":
        return "meeting_booked"
    if segment == "mid_market":
        return "meeting_booked" if timeline in ("month", "quarter") else "routed_sdr"
    if segment == "smb":
        return "routed_sdr" if intent == "demo" and timeline == "month" else "self_serve"
    raise MetricError(f"route: неизвестный сегмент {segment!r}; возможные: smb, mid_market, enterprise.")


def session_answers(chats: pd.DataFrame, messages: pd.DataFrame) -> pd.DataFrame:
    """Ответы посетителей по шагам: одна строка на сессию, столбцы — шаги (текст ответа).

    Добавлены ``segment``, ``intent``, ``end_state``, ``lead_id`` из ``chats`` и код сроков ``timeline_code``.
    """
    require_columns(chats, ["chat_id", "segment", "intent", "end_state", "lead_id"], "chats")
    require_columns(messages, ["chat_id", "sender", "state", "text"], "chat_messages")
    visitor = messages[(messages["sender"] == "visitor") & messages["state"].isin(list(PROMPTS))]
    wide = visitor.drop_duplicates(["chat_id", "state"]).pivot(index="chat_id", columns="state", values="text")
    wide = wide.drop(columns=["intent"], errors="ignore")      # намерение уже есть в chats кодом
    out = chats.set_index("chat_id")[["segment", "intent", "end_state", "lead_id"]].join(wide)
    if "timeline" in out:
        out["timeline_code"] = out["timeline"].map(TIMELINE_CODES)
    return out


def route_change_share(answers: pd.DataFrame, question: str) -> float:
    """Доля сессий, у которых маршрут изменится, если вопрос ``question`` убрать.

    Без вопроса бот подставляет самый частый ответ. Маршрут зависит только от сегмента
    (вопрос ``size``), намерения и сроков (``timeline``); вопросы, которых нет в правиле, дают 0.
    """
    require_columns(answers, ["segment", "intent", "timeline_code"], "answers")
    a = answers.dropna(subset=["segment", "timeline_code"])
    if a.empty:
        raise MetricError("route_change_share: нет сессий с ответами о размере и сроках.")
    base = [route(s, i, t) for s, i, t in a[["segment", "intent", "timeline_code"]].itertuples(index=False)]
    seg, tl = a["segment"], a["timeline_code"]
    if question == "size":
        seg = pd.Series(a["segment"].mode()[0], index=a.index)
    elif question == "timeline":
        tl = pd.Series(a["timeline_code"].mode()[0], index=a.index)
    elif question not in PROMPTS:
        raise MetricError(f"route_change_share: неизвестный вопрос {question!r}.")
    new = [route(s, i, t) for s, i, t in zip(seg, a["intent"], tl)]
    return float(np.mean([x != y for x, y in zip(base, new)]))


def information_bits(answer: pd.Series, outcome: pd.Series) -> float:
    """Взаимная информация ответа и исхода, бит: на сколько ответ уменьшает неопределённость исхода.

    0 — ответ ничего не говорит об исходе; верхняя граница — энтропия исхода (у доли SQL 20 % —
    около 0,72 бита). Считается по парам без пропусков (sklearn ``mutual_info_score`` в натах / ln 2).
    """
    pair = pd.DataFrame({"a": answer, "o": outcome}).dropna()
    if pair.empty:
        raise MetricError("information_bits: нет пар «ответ — исход» без пропусков.")
    return float(mutual_info_score(pair["a"].astype(str), pair["o"].astype(str)) / np.log(2))


def information_noise(answer: pd.Series, outcome: pd.Series, shuffles: int = 200, quantile: float = 0.95,
                      seed: int = 0) -> float:
    """Порог шума для ``information_bits``: квантиль взаимной информации при перемешанном исходе, бит.

    Перемешивание рвёт связь ответа с исходом, но сохраняет число ответов и долю исходов; оценка
    взаимной информации по конечной выборке и тогда больше нуля. Значение ниже порога
    не отличить от «ответ ничего не говорит об исходе».
    """
    pair = pd.DataFrame({"a": answer, "o": outcome}).dropna()
    if pair.empty:
        raise MetricError("information_noise: нет пар «ответ — исход» без пропусков.")
    rng = np.random.default_rng(seed)
    a, o = pair["a"].astype(str).to_numpy(), pair["o"].astype(str).to_numpy()
    null = [mutual_info_score(a, rng.permutation(o)) / np.log(2) for _ in range(shuffles)]
    return float(np.quantile(null, quantile))


def flow_table(flow: Mapping[str, Iterable[str]], labels: Mapping[str, str], start_label: str = "Начало") -> pd.DataFrame:
    """Сценарий для показа: шаг → куда можно перейти, русскими словами (``labels`` — код → подпись)."""
    name = lambda code: labels.get(code, code)  # noqa: E731
    rows = [{"Шаг": start_label if here == "start" else name(here),
             "Куда можно перейти": "; ".join(name(n) for n in nxt)} for here, nxt in flow.items()]
    return pd.DataFrame(rows).set_index("Шаг")


# --------------------------------------------------------------------------
# Голосовой бот: доли исходов, ошибки распознавания, цена
# --------------------------------------------------------------------------

#: Русские названия исходов звонка.
CALL_OUTCOME_LABELS = {"confirmed": "Подтвердил встречу", "reactivated": "Интерес, передан SDR", "declined": "Отказ",
                       "escalated": "Передан человеку", "hung_up": "Бросил трубку", "no_answer": "Не ответил"}
#: Исходы, которые бот довёл до конца сам, без человека.
CONTAINED = ("confirmed", "reactivated", "declined")


def call_rates(calls: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Доли исходов звонков голосового бота среди отвеченных (без недозвонов).

    ``containment`` — доля звонков, которые бот довёл до итога сам (подтвердил, нашёл интерес,
    получил отказ); ``escalation`` — передан человеку; ``hangup`` — собеседник бросил трубку.
    Три доли в сумме дают 1. ``answered`` — отвеченных звонков; ``by`` — столбец группировки.
    """
    require_columns(calls, ["outcome"] + ([by] if by else []), "voicebot_calls")
    answered = calls[calls["outcome"] != "no_answer"]
    if answered.empty:
        raise MetricError("call_rates: нет отвеченных звонков.")
    groups = answered.groupby(by) if by else [("все", answered)]
    rows = {}
    for key, g in groups:
        rows[key] = {"answered": len(g), "containment": g["outcome"].isin(CONTAINED).mean(),
                     "escalation": (g["outcome"] == "escalated").mean(),
                     "hangup": (g["outcome"] == "hung_up").mean()}
    return pd.DataFrame.from_dict(rows, orient="index")


def word_errors(reference: str, hypothesis: str) -> int:
    """Минимальное число замен, пропусков и вставок слов, превращающих эталон в распознанное (Левенштейн по словам)."""
    ref, hyp = str(reference).split(), str(hypothesis).split()
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def wer(references, hypotheses) -> float:
    """Доля ошибочно распознанных слов (word error rate): (S + D + I) / N по всем фразам вместе.

    S, D, I — замены, пропуски и вставки слов, N — слов в эталонной расшифровке.
    """
    refs = [references] if isinstance(references, str) else list(references)
    hyps = [hypotheses] if isinstance(hypotheses, str) else list(hypotheses)
    if len(refs) != len(hyps):
        raise MetricError("wer: эталонов и распознанных фраз должно быть поровну.")
    n = sum(len(str(r).split()) for r in refs)
    if n == 0:
        raise MetricError("wer: в эталоне нет ни одного слова.")
    return sum(word_errors(r, h) for r, h in zip(refs, hyps)) / n


def wer_interval(calls: pd.DataFrame, n_calls: int, alpha: float = 0.05, resamples: int = 1000,
                 seed: int = 0) -> tuple[float, float, float]:
    """WER по выборке из ``n_calls`` размеченных разговоров и его бутстреп-интервал: (оценка, нижняя, верхняя).

    Так руководитель видит, какую точность даёт разметка заданного числа звонков: разговоры
    выбираются случайно, WER — все ошибки / все слова выборки; интервал — перцентильный
    бутстреп по звонкам (звонок — единица выборки, слова внутри звонка не независимы).
    """
    talks = calls_with_wer(calls)
    if n_calls < 2 or n_calls > len(talks):
        raise MetricError(f"wer_interval: выборка должна быть от 2 до {len(talks)} разговоров, а не {n_calls}.")
    rng = np.random.default_rng(seed)
    sample = talks.iloc[rng.choice(len(talks), n_calls, replace=False)]
    errors, words = sample["asr_errors"].to_numpy(), sample["words"].to_numpy()
    idx = rng.integers(0, n_calls, size=(resamples, n_calls))
    boot = errors[idx].sum(axis=1) / words[idx].sum(axis=1)
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return float(errors.sum() / words.sum()), float(low), float(high)


def calls_with_wer(calls: pd.DataFrame) -> pd.DataFrame:
    """Отвеченные звонки со столбцом ``wer`` = asr_errors / words (ошибки распознавания на слово эталона)."""
    require_columns(calls, ["outcome", "words", "asr_errors"], "voicebot_calls")
    answered = calls[(calls["outcome"] != "no_answer") & (calls["words"] > 0)]
    return answered.assign(wer=answered["asr_errors"] / answered["words"])


def cost_per_outcome(total_cost: float, outcomes: float) -> float:
    """Цена одного результата, ₽: все затраты / число результатов."""
    total = positive(total_cost, "Затраты", allow_zero=True)
    n = positive(outcomes, "Число результатов")
    return total / n


def break_even_volume(bot_fixed_month: float, bot_cost_per_call: float, human_cost_per_call: float) -> float:
    """Звонков в месяц, при которых бот обходится так же, как человек.

    Бот: фиксированная плата в месяц + цена звонка; человек: только цена звонка (время × цена часа).
    Если звонок бота не дешевле звонка человека, точки безубыточности нет (бесконечность).
    """
    fixed = positive(bot_fixed_month, "Фиксированная плата бота", allow_zero=True)
    bot = positive(bot_cost_per_call, "Цена звонка бота", allow_zero=True)
    human = positive(human_cost_per_call, "Цена звонка человека", allow_zero=True)
    if human <= bot:
        return float("inf")
    return fixed / (human - bot)


# --------------------------------------------------------------------------
# Сценарий звонка голосового бота
# --------------------------------------------------------------------------

#: Шаги звонка по порядку и их русские названия.
CALL_STEPS = ("greeting", "identify", "purpose", "question")
CALL_STEP_LABELS = {"greeting": "Приветствие", "identify": "Проверка собеседника", "purpose": "Цель звонка",
                    "question": "Главный вопрос"}
#: Звонок как конечный автомат: с каждого шага — дальше или «бросил трубку»; с главного вопроса — итог.
VOICE_FLOW = {
    "start": ("greeting", "no_answer"),
    "greeting": ("identify", "hung_up"),
    "identify": ("purpose", "hung_up"),
    "purpose": ("question", "hung_up"),
    "question": ("confirmed", "reactivated", "declined", "escalated", "hung_up"),
}


def call_step_funnel(calls: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Воронка звонка по шагам среди отвеченных: дошли до шага, бросили трубку на нём, доля с интервалом Уилсона.

    Шаг звонка, на котором бросили трубку, — последний пройденный (``steps_reached``).
    """
    require_columns(calls, ["outcome", "steps_reached"], "voicebot_calls")
    answered = calls[calls["outcome"] != "no_answer"]
    if answered.empty:
        raise MetricError("call_step_funnel: нет отвеченных звонков.")
    rows = {}
    for k, step in enumerate(CALL_STEPS, start=1):
        reached = int((answered["steps_reached"] >= k).sum())
        hung = int(((answered["steps_reached"] == k) & (answered["outcome"] == "hung_up")).sum())
        low, high = wilson(hung, reached, alpha) if reached else (np.nan, np.nan)
        rows[step] = {"reached": reached, "hung_up": hung, "hangup_rate": hung / reached if reached else np.nan,
                      "low": low, "high": high}
    return pd.DataFrame.from_dict(rows, orient="index")
