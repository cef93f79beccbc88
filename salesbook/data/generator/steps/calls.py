"""Записи звонков AE и их реплики (раздел 7.4.2).

Обе таблицы выводятся из готовых таблиц (opportunities, activities) и не меняют их: звонок — это
записанная встреча AE по сделке (первая встреча — discovery, вторая — демонстрация). Исходы
сделок уже зафиксированы, поэтому поведение продавца в звонке на исход не влияет: связь
поведения с исходом в данных — только обратная причинность (параметры — ``params/calls.py``).
Реплики собираются из банков фраз по намерению; разметка намерений есть только у выборки
звонков, размеченных вручную.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.arrays import objects
from salesbook.data.generator.context import Context
from salesbook.data.generator.params import calls as P
from salesbook.data.generator.pipeline import step

#: Конкуренты так, как их называют в разговоре (коды — как в opportunities.competitor).
SPOKEN_COMPETITORS = {"helppro": "ХелпПро", "servicebox": "СервисБокс", "globalitsm": "ГлобалITSM",
                      "opendesk": "ОпенДеск", "etalonitsm": "ЭталонITSM"}
WEEKDAYS = ("в понедельник", "во вторник", "в среду", "в четверг", "в пятницу")
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
          "октября", "ноября", "декабря")

# Банки фраз: (текст, намерение). Намерение попадает в столбец label только у размеченных звонков.
REP_SMALL = ("Добрый день! Всех хорошо слышно?", "Добрый день, спасибо, что нашли время.",
             "Коллеги, видно мой экран?", "Начнём? У нас около сорока минут.")
CLIENT_SMALL = ("Добрый день, да, слышно.", "Да, всё видно.", "Здравствуйте, начинаем.",
                "Да, коллега из ИТ тоже подключился.")
DISCOVERY_QUESTIONS = (
    "Как сейчас устроена ваша поддержка?", "Сколько обращений приходит в месяц?",
    "Сколько человек на первой линии?", "Где сейчас теряются заявки?",
    "Кто кроме вас участвует в выборе?", "Интересно, как вы сейчас меряете SLA.",
    "Что будет, если ничего не менять?", "Какой бюджет заложен на этот год?",
    "Когда хотите запуститься?", "Какие каналы подключены: почта, Telegram?",
    "Что не устраивает в текущей системе?", "Кто подписывает договор?",
    "Во что обходится сорванный SLA?", "Какие отчёты нужны руководителю?",
    "Как принимали решение в прошлый раз?", "А что говорят сами операторы.",
    "Расскажите, как идёт заявка от клиента до решения.",
    "Опишите, пожалуйста, обычный день оператора.",
    "Поделитесь, что для вас главное в отчётах.",
)
DEMO_QUESTIONS = ("Так у вас сейчас выглядит очередь?", "Подходит такой сценарий маршрутизации?",
                  "Кто у вас будет настраивать правила?", "Какие поля нужны в карточке?",
                  "Расскажите, как вы назначаете ответственного.")
PITCHES = (
    "Покажу, как заявка из Telegram попадает в общую очередь.",
    "«Сфера Деск» собирает почту, чат и звонки в одно окно.",
    "Отчёты по SLA строятся сами, без выгрузок в таблицы.",
    "Данные хранятся в России, на наших серверах в Москве.",
    "Запуск занимает две недели, с 1С интеграция готова.",
    "База знаний подсказывает оператору ответ на типовой вопрос.",
    "Знаете, в чём главная беда? В повторных вопросах.",
    "Почему это важно? Руководитель видит просрочки сразу.",
)
CLIENT_ANSWERS = (
    "Заявки теряются между почтой и чатом.", "SLA срываем почти каждую неделю.",
    "Руководитель не видит, кто чем занят.", "Операторы отвечают на одно и то же.",
    "Отчёты собираем руками в таблицах.", "На первой линии человек тридцать.",
    "Решение принимает ИТ-директор.", "Деньги есть, но их надо защитить.",
    "Хотим запуститься до конца квартала.", "Новички выходят на линию месяц.",
    "Почта и Telegram, телефон отдельно.", "Да, так примерно и выглядит.",
    "Правила настраивает администратор.", "Нам важны сроки и просрочки.",
)
CLIENT_PRICING = ("Сколько это стоит на наш объём?", "А какой тариф нам подойдёт?",
                  "Есть ли скидка при оплате за год?")
REP_PRICING = ("Цена считается за оператора в месяц.", "Для вас подойдёт тариф «Бизнес», пришлю расчёт.",
               "При оплате за год стоимость ниже.")
CLIENT_COMPETITOR = ("Мы ещё смотрим {c}.", "{c} предлагает дешевле.", "Сравниваем вас с {c}.")
REP_COMPETITOR = ("Понимаю, с {c} нас часто сравнивают.", "С {c} главное отличие — отчёты по SLA.")
OBJECTIONS = ("Боюсь, операторы не захотят переучиваться.", "Сейчас не лучшее время для проекта.",
              "Нам нужна интеграция с нашей учётной системой.", "Для нас это дорого.")
NEXT_STEPS = ("Давайте встретимся {d}, покажу пилот.", "Ставлю демо на {d}, пришлю приглашение.",
              "Созвонимся {d} с ИТ-директором.", "Запускаем пилот, первая встреча {d}.",
              "Жду вас и ИТ-директора {d}, в одиннадцать.")
VAGUE_CLOSES = ("Я пришлю материалы, а там созвонимся.", "Подумайте, потом свяжемся.",
                "Напишите, когда будете готовы.")
CLIENT_AGREE = ("Да, давайте.", "Подходит, записываю.", "Хорошо, согласую с коллегами.")
CLIENT_VAGUE = ("Хорошо, посмотрим.", "Ладно, изучим.")

# Вес реплики в речи говорящего (длительность пропорциональна весу) — допущение курса.
WEIGHTS = {"small_talk": 0.5, "question": 1.0, "answer": 2.2, "pitch": None, "pricing": 1.3,
           "competitor": 1.2, "objection": 1.5, "next_step": 1.2, "vague_close": 0.9, "agree": 0.5}


def _date_phrase(day: pd.Timestamp) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]}"


def _pick(rng, bank):
    return bank[int(rng.integers(len(bank)))]


@step("записи звонков AE",
      reads=("tables.opportunities", "tables.activities"),
      writes=("tables.calls", "tables.call_turns"), streams=("calls",))
def make_calls(ctx: Context, rng) -> None:
    """Таблицы calls (записанные встречи AE) и call_turns (реплики звонков)."""
    opps = ctx.tables["opportunities"]
    acts = ctx.tables["activities"]
    period = opps[(opps["created_date"] >= P.FIRST_CREATED) & (opps["created_date"] <= P.LAST_CREATED)]
    sampled = period[rng.random(len(period)) < P.SAMPLE_SHARE].sort_values("opportunity_id")
    meets = acts.rows(acts.select(lambda c: (c["type"] == "meeting") & c["opportunity_id"].isin(sampled["opportunity_id"]),
                                  "type", "opportunity_id"))
    meets = meets.merge(sampled[["opportunity_id", "owner_id"]], on="opportunity_id")
    meets = meets[meets["rep_id"] == meets["owner_id"]].sort_values(["opportunity_id", "date", "activity_id"])
    meets = meets.assign(n=meets.groupby("opportunity_id").cumcount())
    first = meets[meets["n"] == 0]
    second = meets[meets["n"] == 1]
    second = second[rng.random(len(second)) < P.DEMO_RECORDED]
    chosen = pd.concat([first.assign(call_type="discovery"), second.assign(call_type="demo")])
    chosen = chosen.sort_values(["date", "activity_id"], kind="stable").reset_index(drop=True)

    info = sampled.set_index("opportunity_id")
    reps = sorted(chosen["rep_id"].unique())
    style_talk = dict(zip(reps, rng.normal(0, P.TALK_LOGIT_REP_SD, len(reps))))
    style_q = dict(zip(reps, np.exp(rng.normal(0, P.QUESTIONS_REP_SD, len(reps)))))

    # реплики — столбцами (на масштабе 100 их полтора миллиона): список кортежей по строке держал бы
    # кортеж и числа Python на каждую, втрое больше памяти, чем сами столбцы
    call_rows, call_ids = [], []
    turn_call, turn_no, turn_start, turn_end = [], [], [], []
    speakers, texts, turn_labels = [], [], []
    for i, c in chosen.iterrows():
        call_id = f"CL{i + 1:04d}"
        o = info.loc[c["opportunity_id"]]
        outcome = o["outcome"]
        competitor = o["competitor"] if isinstance(o["competitor"], str) and o["competitor"] else None
        labelled = bool(rng.random() < P.LABELLED_SHARE)
        turns = _script(rng, c["call_type"], outcome, competitor, style_q[c["rep_id"]],
                        isinstance(o["se_id"], str) and bool(o["se_id"]), pd.Timestamp(c["date"]))
        logit = (P.TALK_LOGIT_MEAN[c["call_type"]] + style_talk[c["rep_id"]] + P.TALK_LOGIT_OUTCOME[outcome]
                 + rng.normal(0, P.TALK_LOGIT_NOISE_SD))
        share = 1 / (1 + np.exp(-logit))
        duration = 60 * P.DURATION_MEDIAN_MIN[c["call_type"]] * np.exp(rng.normal(0, P.DURATION_SIGMA))
        gaps = rng.integers(0, P.GAP_MAX_SEC + 1, len(turns))
        speech = max(duration - gaps.sum(), 60 * len(turns) / 10)
        w = np.array([wt for _, _, _, wt in turns]) * np.exp(rng.normal(0, 0.35, len(turns)))
        ours = np.array([sp != "client" for sp, _, _, _ in turns])
        secs = np.where(ours, share * speech * w / w[ours].sum(), (1 - share) * speech * w / w[~ours].sum())
        secs = np.maximum(np.rint(secs), 2).astype(np.int64)
        # реплика начинается после паузы (первая — с нуля) и кончается через свою длительность
        end = np.cumsum(np.concatenate([[0], gaps[1:]]).astype(np.int64) + secs)
        turn_call.append(np.full(len(turns), len(call_ids)))
        turn_no.append(np.arange(1, len(turns) + 1))
        turn_start.append(end - secs)
        turn_end.append(end)
        for speaker, text, label, _ in turns:
            speakers.append(speaker)
            texts.append(text)
            turn_labels.append(label if labelled else "")
        call_ids.append(call_id)
        call_rows.append((call_id, c["opportunity_id"], c["activity_id"], c["rep_id"], c["date"],
                          c["call_type"], int(end[-1]), labelled))
    ctx.tables["calls"] = pd.DataFrame(call_rows, columns=[
        "call_id", "opportunity_id", "activity_id", "rep_id", "call_date", "call_type", "duration_sec", "labelled"])
    ctx.tables["call_turns"] = pd.DataFrame({
        "call_id": np.array(call_ids, dtype=object)[_joined(turn_call)],
        "turn": _joined(turn_no), "speaker": objects(speakers),
        "start_sec": _joined(turn_start), "end_sec": _joined(turn_end),
        "text": objects(texts), "label": objects(turn_labels)})


def _joined(parts: list) -> np.ndarray:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def _script(rng, call_type: str, outcome: str, competitor: str | None, q_style: float, has_se: bool,
            day: pd.Timestamp) -> list[tuple[str, str, str, float]]:
    """Реплики звонка по порядку: (говорящий, текст, намерение, вес)."""
    pitch_w = P.PITCH_WEIGHT[outcome]
    out: list[tuple[str, str, str, float]] = []

    def rep(text, label, who="rep"):
        out.append((who, text, label, pitch_w if label == "pitch" else WEIGHTS[label]))

    def client(text, label):
        out.append(("client", text, label, WEIGHTS[label]))

    rep(_pick(rng, REP_SMALL), "small_talk")
    client(_pick(rng, CLIENT_SMALL), "small_talk")
    n_q = int(rng.poisson(P.QUESTIONS_MEAN[call_type] * q_style * P.QUESTIONS_OUTCOME[outcome]))
    lo, hi = P.PITCHES[call_type]
    n_pitch = int(rng.integers(lo, hi + 1))
    bank = DISCOVERY_QUESTIONS if call_type == "discovery" else DEMO_QUESTIONS
    blocks: list[str] = ["q"] * n_q + ["pitch"] * n_pitch + ["objection"] * int(rng.poisson(P.OBJECTIONS_MEAN[outcome]))
    if rng.random() < P.PRICING_P[call_type]:
        blocks.append("pricing")
    named = competitor if competitor else _pick(rng, tuple(SPOKEN_COMPETITORS))
    if rng.random() < P.COMPETITOR_P[competitor is not None]:
        blocks.append("competitor")
    order = rng.permutation(len(blocks))
    # discovery начинается с вопросов: первый блок — вопрос, если вопросы есть
    blocks = [blocks[j] for j in order]
    if n_q and call_type == "discovery" and blocks[0] != "q":
        first_q = blocks.index("q")
        blocks[0], blocks[first_q] = blocks[first_q], blocks[0]
    for b in blocks:
        if b == "q":
            rep(_pick(rng, bank), "question")
            client(_pick(rng, CLIENT_ANSWERS), "answer")
        elif b == "pitch":
            who = "other" if has_se and call_type == "demo" and rng.random() < 0.4 else "rep"
            rep(_pick(rng, PITCHES), "pitch", who)
            if rng.random() < 0.25:   # монолог продолжается второй репликой
                rep(_pick(rng, PITCHES), "pitch", who)
        elif b == "objection":
            client(_pick(rng, OBJECTIONS), "objection")
        elif b == "pricing":
            client(_pick(rng, CLIENT_PRICING), "pricing")
            rep(_pick(rng, REP_PRICING), "pricing")
        else:
            spoken = SPOKEN_COMPETITORS[named]
            client(_pick(rng, CLIENT_COMPETITOR).format(c=spoken), "competitor")
            rep(_pick(rng, REP_COMPETITOR).format(c=spoken), "competitor")
    if rng.random() < P.NEXT_STEP_P[outcome]:
        nxt = pd.Timestamp(np.busday_offset(np.datetime64(day.date()), int(rng.integers(2, 9)), roll="forward"))
        rep(_pick(rng, NEXT_STEPS).format(d=_date_phrase(nxt)), "next_step")
        client(_pick(rng, CLIENT_AGREE), "agree")
    else:
        rep(_pick(rng, VAGUE_CLOSES), "vague_close")
        client(_pick(rng, CLIENT_VAGUE), "agree")
    return out
