"""Конвейер генерации: объявленные шаги, потоки случайных чисел и исполнитель.

Шаг — функция ``run(ctx, *rngs)`` с объявлением: что он читает и пишет (поля
:class:`~.context.Context` и таблицы ``tables.<имя>``) и какими потоками случайных чисел
пользуется, в порядке аргументов. Исполнитель передаёт шагу только объявленные потоки и
проверяет объявления: всё, что шаг читает, уже записано, а всё, что пишет, после шага есть.

Потоки — независимые генераторы numpy, порождённые из одного зерна. Поток, общий для
двух шагов (``names``, ``costs``, ``trial``), продолжает последовательность: второй шаг получает
числа после первого, поэтому порядок таких шагов менять нельзя (остальные — см. :mod:`.steps`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
from tqdm.auto import tqdm

from salesbook.data.generator.context import Context

# Новый поток дописывается в конец: SeedSequence.spawn выдаёт прежним потокам те же
# зёрна, поэтому добавленная таблица не меняет ни байта в остальных.
STREAMS = ("reps", "names", "spend", "leads", "sequence", "accounts", "opps", "mrr", "usage",
           "tickets", "b2c", "experiments", "costs", "survey", "dialer", "meddic", "trial",
           # верх воронки и каналы привлечения (главы 2 и 6)
           "touches", "web", "abm", "social", "ads", "mailboxes", "partners",
           # команда: передача клиентов, найм, обучение, карьера, оплата (главы 4 и 5)
           "handoffs", "candidates", "trainings", "careers", "payplans",
           # инструменты и новые технологии (главы 7 и 8)
           "crm", "enablement", "emails", "calls", "leadscore", "chats", "voicebot", "genai",
           # успех клиентов и удержание (глава 9): внедрение, счета, сценарии спасения, продукты клиентов,
           # рекомендации и референсы
           "onboarding", "invoices", "saveplays", "expansion", "referrals", "references")

# Потоки, которые объявлены, но ни одним шагом не используются: их место в STREAMS сохраняет зёрна
# следующих потоков (SeedSequence.spawn раздаёт их по порядку), а значит, и уже опубликованные таблицы.
# «leadscore» — для таблицы сигналов лидов раздела 7.4.3; раздел обошёлся без неё (утечку даёт журнал активностей).
RETIRED_STREAMS = ("leadscore",)


@dataclass(frozen=True)
class Step:
    """Шаг генерации и его объявление."""

    label: str                      # название для индикатора выполнения
    run: Callable[..., None]
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    streams: tuple[str, ...] = ()   # потоки случайных чисел — аргументы run после ctx


def step(label: str, *, reads: Iterable[str] = (), writes: Iterable[str] = (),
         streams: Iterable[str] = ()) -> Callable[[Callable[..., None]], Step]:
    """Объявить функцию шагом генерации."""
    def declare(run: Callable[..., None]) -> Step:
        return Step(label, run, tuple(reads), tuple(writes), tuple(streams))
    return declare


def streams(seed: int, scale: float) -> dict[str, np.random.Generator]:
    """Независимые потоки случайных чисел для зерна и масштаба."""
    ss = np.random.SeedSequence([int(seed), int(round(scale * 1_000_000))])
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, ss.spawn(len(STREAMS)))}


def last_readers(steps: Iterable[Step]) -> dict[str, int]:
    """Для каждого поля и таблицы (``tables.<имя>``) — номер шага, после которого они больше не нужны:
    последнего, который их читает (шаг может и дописать таблицу, как «планы AE» — reps), или записавшего,
    если читателей нет. После этого шага таблица готова к записи в CSV, а поле можно освободить."""
    last = {}
    for i, s in enumerate(steps):
        for name in (*s.writes, *s.reads):
            last[name] = i
    return last


def run(steps: Iterable[Step], ctx: Context, rngs: dict[str, np.random.Generator], bar: tqdm,
        done: Callable[[int], None] | None = None) -> None:
    """Выполнить шаги по порядку, проверяя их объявления; ``done(i)`` — после шага номер ``i``."""
    for i, s in enumerate(steps):
        bar.set_description(f"Генерация: {s.label}")
        missing = [name for name in s.reads if not ctx.has(name)]
        if missing:
            raise RuntimeError(f"Шаг «{s.label}» читает {missing}, но их ещё никто не записал")
        taken = [name for name in s.writes if ctx.has(name)]
        if taken:
            raise RuntimeError(f"Шаг «{s.label}» пишет {taken}, но их уже записал другой шаг")
        s.run(ctx, *(rngs[name] for name in s.streams))
        missing = [name for name in s.writes if not ctx.has(name)]
        if missing:
            raise RuntimeError(f"Шаг «{s.label}» объявил, но не записал {missing}")
        bar.update(1)
        if done is not None:
            done(i)
