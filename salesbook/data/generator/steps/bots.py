"""Чат-бот квалификации на сайте (chats, chat_messages) и голосовой бот (voicebot_calls).

Чаты строятся «от лидов»: каждый лид каналов сайта, оставивший контакт в чате, — завершённая
сессия в день создания лида; перед ней — геометрическое число сессий, ушедших без контакта
(вероятность дойти до конца задаёт версия сценария). Так воронка по шагам согласована с leads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.dates import HOLIDAY_DATES
from salesbook.data.generator.params import bots as P
from salesbook.data.generator.pipeline import step

_INTENT_TEXT = {
    "demo": ("Хочу демо", "Покажите продукт", "Нужна демонстрация"),
    "pricing": ("Сколько стоит?", "Какие тарифы?", "Цена за пользователя?"),
    "browse": ("Просто смотрю", "Изучаю варианты", "Пока присматриваюсь"),
    "support": ("Не работает вход", "Проблема с аккаунтом", "Вопрос по счёту"),
    "spam": ("Продвижение сайтов недорого", "Купите базу клиентов", "SEO за 3 дня"),
}
_SIZE_TEXT = {"smb": ("до 50 человек", "нас 20", "около 40"),
              "mid_market": ("около 300", "250 человек", "человек 500"),
              "enterprise": ("больше 1000", "около 3000", "2000+")}
_ROLE_TEXT = {"specialist": "специалист", "manager": "менеджер", "head": "руководитель отдела",
              "vp": "директор по продажам", "c_level": "генеральный директор"}
_CRM_TEXT = ("Битрикс24", "amoCRM", "Excel", "пока ничего")
_TIMELINE = ("month", "quarter", "explore")
_TIMELINE_TEXT = {"month": "в этом месяце", "quarter": "в этом квартале", "explore": "пока изучаем"}
_END_TEXT = {"meeting_booked": "Записал на демо", "routed_sdr": "Передал менеджеру",
             "self_serve": "Открыл пробный доступ"}


def route(segment: str, intent: str, timeline: str) -> str:
    """Правило маршрутизации сценария (то же, что ``toolkit.bots.route``)."""
    if segment == "enterprise":
        return "meeting_booked"
    if segment == "mid_market":
        return "meeting_booked" if timeline in ("month", "quarter") else "routed_sdr"
    return "routed_sdr" if intent == "demo" and timeline == "month" else "self_serve"


def _p_complete(steps) -> float:
    return float(np.prod([1 - P.DROP[s] for s in steps]))


def _version(day: pd.Timestamp, rng, p1: float, p2: float) -> str:
    if day < pd.Timestamp(P.AB_START):
        return "v1"
    if day > pd.Timestamp(P.AB_END):
        return "v2"
    return "v2" if rng.random() < p2 / (p1 + p2) else "v1"


def _fail_path(rng, steps) -> tuple[int, str]:
    """Шаг, на котором ушёл неудачный собеседник (номер в steps), и исход: dropped или agent."""
    reach, probs = 1.0, []
    for s in steps:
        probs.append(reach * P.DROP[s])
        reach *= 1 - P.DROP[s]
    probs = np.asarray(probs) / sum(probs)
    k = int(rng.choice(len(steps), p=probs))
    return k, "agent" if rng.random() < P.AGENT_SHARE_OF_FAILS else "dropped"


def _has(value) -> bool:
    """Заполнено ли поле даты (в таблицах генератора пропуск — пустая строка или NaN)."""
    return bool(pd.notna(value)) and str(value) != ""


def _pick(rng, options) -> str:
    return options[int(rng.integers(len(options)))]


@step("чат-бот квалификации", reads=("tables.leads",), writes=("tables.chats", "tables.chat_messages"),
      streams=("chats",))
def make_chats(ctx: Context, rng) -> None:
    """Сессии чат-бота 2025 года и реплики в них (посетитель, оператор, итоговая реплика бота)."""
    leads = ctx.tables["leads"]   # только лиды сайта за период чат-бота: их строки и нужные столбцы
    pool = leads.rows(leads.select(lambda c: c["channel"].isin(P.WEB_CHANNELS)
                                   & pd.to_datetime(c["created_date"]).between(P.CHAT_START, P.CHAT_END),
                                   "channel", "created_date"),
                      ["lead_id", "created_date", "channel", "segment", "job_title_level", "demo_requested", "sql_date"])
    chat_leads = pool[rng.random(len(pool)) < P.CHAT_LEAD_SHARE]
    p1, p2 = _p_complete(P.STEPS_V1), _p_complete(P.STEPS_V2)
    sessions = []   # (день, порядок внутри дня, словарь полей, список реплик)
    for lead in chat_leads.itertuples(index=False):
        d = pd.Timestamp(lead.created_date)
        version = _version(d, rng, p1, p2)
        steps = P.STEPS_V1 if version == "v1" else P.STEPS_V2
        p_done = p1 if version == "v1" else p2
        # неудачные сессии того же дня и той же версии перед сессией лида
        for _ in range(int(rng.negative_binomial(1, p_done))):
            intent = str(rng.choice(list(P.FAIL_INTENT), p=list(P.FAIL_INTENT.values())))
            seg = str(rng.choice(["smb", "mid_market", "enterprise"], p=[0.6, 0.33, 0.07]))
            k, end = _fail_path(rng, steps)
            answers = {"size": seg, "role": str(rng.choice(list(_ROLE_TEXT))),
                       "crm": int(rng.choice(4, p=P.CRM_ANSWER)),
                       "timeline": _TIMELINE[int(rng.choice(3, p=P.TIMELINE_FAIL))]}
            sessions.append((d, rng.random(), version, lead.channel, intent, steps[:k], steps[k], end, None,
                             answers))
        answers = {"size": lead.segment, "role": lead.job_title_level,
                   "crm": int(rng.choice(4, p=P.CRM_ANSWER)),
                   "timeline": _TIMELINE[int(rng.choice(3, p=P.TIMELINE_IF_SQL if _has(lead.sql_date)
                                                        else P.TIMELINE_IF_NOT))]}
        intent = "demo" if lead.demo_requested else ("pricing" if rng.random() < 0.5 else "browse")
        end = route(lead.segment, intent, answers["timeline"])
        sessions.append((d, rng.random(), version, lead.channel, intent, steps, "contact", end, lead.lead_id,
                         answers))
    days = pd.date_range(P.CHAT_START, P.CHAT_END, freq="D")
    for kind, rate in (("support", P.SUPPORT_PER_DAY), ("spam", P.SPAM_PER_DAY)):
        for d in days:
            for _ in range(int(rng.poisson(rate))):
                version = _version(d, rng, p1, p2)
                source = _pick(rng, P.WEB_CHANNELS)
                end = "agent" if kind == "support" else "spam"
                sessions.append((d, rng.random(), version, source, kind, (), "intent", end, None, {}))
    sessions.sort(key=lambda s: (s[0], s[1]))
    chats, messages = [], []
    glitch = rng.random(len(sessions)) < P.LOG_GLITCH_SHARE
    for i, (d, _, version, source, intent, answered, last, end, lead_id, ans) in enumerate(sessions):
        chat_id = f"CH{i + 1:05d}"
        turns = [("visitor", "intent", _pick(rng, _INTENT_TEXT[intent]))]
        for s in answered:
            if s == "size":
                text = _pick(rng, _SIZE_TEXT[ans["size"]])
            elif s == "role":
                text = _ROLE_TEXT[ans["role"]]
            elif s == "crm":
                text = _CRM_TEXT[ans["crm"]]
            elif s == "timeline":
                text = _TIMELINE_TEXT[ans["timeline"]]
            else:
                text = "[e-mail скрыт]; согласие дано"
            turns.append(("visitor", s, text))
        if glitch[i] and len(turns) >= 3:
            turns[1], turns[2] = turns[2], turns[1]           # сбой логирования: шаги записаны не по порядку
        if end == "agent":
            if intent != "support":
                turns.append(("visitor", last, "А можно с человеком?"))
            turns.append(("agent", "agent", "Оператор на связи"))
        elif end in _END_TEXT:
            turns.append(("bot", end, _END_TEXT[end]))
        for seq, (sender, state, text) in enumerate(turns, start=1):
            messages.append((chat_id, seq, sender, state, text))
        reached = [t[1] for t in turns if t[0] == "visitor"]
        chats.append({
            "chat_id": chat_id, "date": d.strftime("%Y-%m-%d"), "source": source, "flow_version": version,
            "ab_test": bool(pd.Timestamp(P.AB_START) <= d <= pd.Timestamp(P.AB_END)), "intent": intent,
            "segment": ans.get("size") if "size" in reached else None,
            "last_state": last if end in ("dropped", "agent") else ("intent" if end == "spam" else "contact"),
            "end_state": end, "lead_id": lead_id, "messages": len(turns)})
    ctx.tables["chats"] = pd.DataFrame(chats)
    ctx.tables["chat_messages"] = pd.DataFrame(messages, columns=["chat_id", "seq", "sender", "state", "text"])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@step("голосовой бот", reads=("tables.leads", "tables.opportunities"), writes=("tables.voicebot_calls",),
      streams=("voicebot",))
def make_voicebot_calls(ctx: Context, rng) -> None:
    """Звонки голосового бота 2025 года: подтверждение демо накануне и реактивация холодных лидов."""
    leads = ctx.tables["leads"]
    opps = ctx.tables["opportunities"]
    created = pd.to_datetime(opps["created_date"])
    conf = opps[created.between(P.VOICE_START, P.VOICE_END) & opps["segment"].isin(["smb", "mid_market"])]
    conf = conf[rng.random(len(conf)) < P.CONFIRM_SHARE]
    # Звонок — накануне встречи, в предыдущий рабочий день: встреча в понедельник подтверждается в пятницу,
    # после праздников — в последний рабочий день перед ними.
    meeting = pd.to_datetime(conf["created_date"]).to_numpy().astype("datetime64[D]")
    call_day = np.busday_offset(meeting, -1, roll="backward", holidays=HOLIDAY_DATES)
    targets = [(lid, pd.Timestamp(d), "confirm") for lid, d in zip(conf["lead_id"], call_day)]
    cold = leads.rows(leads.select(lambda c: (c["disqualify_reason"] == "no_response")
                                   & (pd.to_datetime(c["created_date"]) < pd.Timestamp(P.VOICE_START)),
                                   "disqualify_reason", "created_date"), ["lead_id"])
    cold = cold[rng.random(len(cold)) < P.REACTIVATE_SHARE]
    days = pd.bdate_range(P.VOICE_START, P.VOICE_END, freq="C", holidays=list(HOLIDAY_DATES))  # рабочие дни
    targets += [(lid, days[int(rng.integers(len(days)))], "reactivate") for lid in cold["lead_id"]]
    targets.sort(key=lambda t: (t[1], t[0]))
    rows = []
    for i, (lead_id, d, campaign) in enumerate(targets):
        row = {"call_id": f"VB{i + 1:05d}", "lead_id": lead_id, "date": d.strftime("%Y-%m-%d"),
               "campaign": campaign, "steps_reached": 0, "words": 0, "asr_errors": 0}
        if rng.random() < P.NO_ANSWER[campaign]:
            row.update(outcome="no_answer", duration_sec=P.NO_ANSWER_SECONDS)
        else:
            mean = P.WER_MEAN[campaign]
            wer = rng.beta(mean * P.WER_CONCENTRATION, (1 - mean) * P.WER_CONCENTRATION)
            p_hang = _sigmoid(P.HANGUP_LOGIT_BASE[campaign] + P.HANGUP_WER_SLOPE * wer)
            outcome, reached, words, errors = None, 0, 0, 0
            for s in P.CALL_STEPS:
                reached += 1
                w = int(rng.poisson(P.WORDS_PER_STEP)) + 1
                words += w
                errors += int(rng.binomial(w, wer))
                if rng.random() < p_hang:
                    outcome = "hung_up"
                    break
            if outcome is None:
                p_esc = _sigmoid(P.ESCALATE_LOGIT_BASE + P.ESCALATE_WER_SLOPE * wer)
                if rng.random() < p_esc:
                    outcome = "escalated"
                elif campaign == "confirm":
                    outcome = "confirmed" if rng.random() < P.CONFIRM_YES else "escalated"
                else:
                    outcome = "reactivated" if rng.random() < P.REACTIVATE_INTEREST else "declined"
            seconds = int(round(reached * P.SECONDS_PER_STEP + rng.normal(0, 4))) + 5
            row.update(steps_reached=reached, words=words, asr_errors=errors, outcome=outcome,
                       duration_sec=max(seconds, 8))
        row["cost_rub"] = round(np.ceil(row["duration_sec"] / 60) * P.PRICE_PER_MINUTE_RUB, 2)
        rows.append(row)
    ctx.tables["voicebot_calls"] = pd.DataFrame(rows)
