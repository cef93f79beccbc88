"""Заметки AE к сделкам: по 1–3 предложения о подтверждённых элементах MEDDIC и конкурентах.

Заметку пишут после встречи (дата встречи — в тексте), и она говорит только то, что AE знал
тогда: уровни MEDDIC — из снимка стадии, в которой сделка была в день встречи
(``opportunity_stages.meddic_*``), а не из итоговой записи.

Шаблоны и подстановки — в ``corpora/deal_notes.yml``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import choice_codes, filled
from salesbook.data.generator.corpora import corpus
from salesbook.data.generator.dates import END_DAY, fmt_days, to_working_day

NOTE_LEVEL_PREFERENCE = 0.5   # сдвиг очереди элементов заметки на каждый уровень подтверждения
NOTE_SENTENCES_MIX = (0.15, 0.45, 0.40)   # доли заметок из 1, 2 и 3 предложений


def _fill_template(tpl, values):
    """Подставить массивы значений в шаблон (векторно, без цикла по строкам)."""
    parts = re.split(r"\{(\w+)\}", tpl)
    n = len(next(iter(values.values())))
    out = filled(n, parts[0])
    for i in range(1, len(parts), 2):
        out = out + values[parts[i]] + parts[i + 1]
    return out


def _capitalize(arr):
    s = pd.Series(arr, dtype=object)
    return (s.str[:1].str.upper() + s.str[1:]).to_numpy(dtype=object)


def _pick(rng, pool, n):
    return np.array(pool, dtype=object)[rng.integers(0, len(pool), n)]


def _substitutions(rng, seg, created, last_day):
    """Значения подстановок шаблонов для каждой сделки и день встречи (не позже ``last_day``)."""
    texts = corpus("deal_notes")
    n = len(seg)
    day = np.maximum(np.minimum(created + rng.integers(7, 35, n), last_day), created)
    day = to_working_day(day)
    dd = pd.Series(fmt_days(day), dtype=object)
    eb = np.empty(n, dtype=object)
    for s, sname in enumerate(S.SEGMENTS):
        sel = seg == s
        eb[sel] = _pick(rng, texts["economic_buyers"][sname], sel.sum())
    champ = _pick(rng, texts["champions"], n)
    h1 = rng.integers(8, 49, n)
    as_text = lambda x: x.astype(str).astype(object)  # noqa: E731
    return day, {
        "date": (dd.str[8:10] + "." + dd.str[5:7]).to_numpy(dtype=object),
        "eb": eb, "Eb": _capitalize(eb), "champ": champ, "Champ": _capitalize(champ),
        "h1": as_text(h1),
        "h2": as_text(np.maximum(1, np.round(h1 * rng.uniform(0.25, 0.6, n))).astype(int)),
        "pct": as_text(rng.integers(15, 46, n)),
        "sla": as_text(rng.integers(90, 99, n)),
        "n": as_text(rng.integers(4, 40, n) * np.array([1, 3, 10])[seg]),
        "weeks": as_text(rng.integers(2, 7, n)),
        "system": _pick(rng, texts["systems"], n),
        "crit": _pick(rng, texts["criteria"], n),
    }


def make_notes(rng, meddic_stages, entered, visible, seg, created, competitor, last_day):
    """Заметки к сделкам: элементы MEDDIC в случайном порядке, уровень — из снимка MEDDIC стадии,
    в которой сделка была в день встречи (``meddic_stages``: сделки × 4 стадии × 6 полей;
    ``entered``, ``visible`` — дни входа в стадии и какие стадии есть в истории).

    ``last_day`` — последний день сделки (закрытие); встречи в заметках не позже него и не позже
    конца данных.
    """
    texts = corpus("deal_notes")
    n = len(seg)
    day, vals = _substitutions(rng, seg, created, np.minimum(last_day, END_DAY))
    stage = np.maximum((visible & (entered <= day[:, None])).sum(axis=1) - 1, 0)
    meddic = meddic_stages[np.arange(n), stage]            # что AE знал в день встречи
    n_sent = choice_codes(rng, n, NOTE_SENTENCES_MIX) + 1
    # AE чаще пишет о том, что выяснил, чем о пробелах: подтверждённые элементы — раньше в очереди
    order = np.argsort(rng.random((n, len(S.MEDDIC_COLUMNS))) - NOTE_LEVEL_PREFERENCE * meddic, axis=1)
    notes = np.full(n, "", dtype=object)
    for slot in range(3):
        active = n_sent > slot
        e_idx = order[:, slot]
        sent = np.full(n, "", dtype=object)
        for ei, e in enumerate(S.MEDDIC_COLUMNS):
            for lvl, tpls in texts["templates"][e].items():
                sel = active & (e_idx == ei) & (meddic[:, ei] == lvl)
                if not sel.any():
                    continue
                t_idx = rng.integers(0, len(tpls), sel.sum())
                si = np.flatnonzero(sel)
                for ti, tpl in enumerate(tpls):
                    sub = si[t_idx == ti]
                    if len(sub):
                        sent[sub] = _fill_template(tpl, {k: v[sub] for k, v in vals.items()})
        sep = np.where((notes != "") & (sent != ""), " ", "")
        notes = notes + sep + sent
    cs = (competitor >= 0) & (rng.random(n) < 0.6)
    names = np.array([texts["competitors"][c] for c in S.COMPETITORS], dtype=object)
    first, second = texts["competitor_phrases"]
    phrase = np.where(rng.random(n) < 0.5, first, second)
    notes[cs] = notes[cs] + " " + phrase[cs] + names[competitor[cs]] + "»."
    return notes
