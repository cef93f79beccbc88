"""Сделки: из SQL-лида — сделка AE со стадиями, исходом, MEDDIC, заметками и активностями."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data import schemas as S
from salesbook.data.generator.arrays import (
    IdRange,
    choice_codes,
    concat_records,
    filled,
    labels,
    optional_labels,
    per,
    sigmoid,
)
from salesbook.data.generator.context import (
    CALL,
    EMAIL,
    MEETING,
    TELEGRAM,
    WHATSAPP,
    Accounts,
    Context,
    DealResults,
    DealSizes,
    DealTouches,
    Leads,
    Opportunities,
    Reps,
)
from salesbook.data.generator.dates import (
    END_DAY,
    NA,
    START,
    add_workdays,
    after,
    fmt_days,
    month_of,
    to_workday,
    to_working_day,
    to_working_day_back,
    workdays_between,
)
from salesbook.data.generator.frames import DeferredTable, Packed, encode, narrow
from salesbook.data.generator.params import deals
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.notes import make_notes
from salesbook.data.generator.steps.people import assign_reps, ramp_factor


def _staff(rng, reps: Reps, created, seg):
    """Владелец-AE команды сегмента и, если нужен, пресейл (SE)."""
    segn = labels(S.SEGMENTS, seg)
    owner = assign_reps(reps, rng, "AE", created, teams=segn)
    se_need = rng.random(len(seg)) < per(deals.SE_INVOLVEMENT, S.SEGMENTS)[seg]
    se = np.full(len(seg), -1, dtype=np.int64)
    si = np.flatnonzero(se_need)
    se_team = np.where(segn[si] == "smb", "mid_market", segn[si])
    se[si] = assign_reps(reps, rng, "SE", created[si], teams=se_team)
    return owner, se


def _per_segment(seg, draw):
    """Значения, которые для сделок каждого сегмента выбирает ``draw(сегмент, сколько)``."""
    out = np.empty(len(seg))
    for s, sname in enumerate(S.SEGMENTS):
        sel = seg == s
        out[sel] = draw(sname, sel.sum())
    return out


def _terms(rng, created, seg):
    """Условия сделки: шум числа мест, цена по прайсу, скидка, конкурент, заменяемая система."""
    n = len(seg)
    seat_noise = _per_segment(seg, lambda name, k: rng.normal(0, deals.SEATS_SIGMA[name], k))
    year = 2023 + month_of(created) // 12
    price = per(deals.SEAT_PRICE, S.SEGMENTS)[seg] * np.where(year >= 2025, 1 + deals.PRICE_INCREASE_2025, 1.0)
    levels = np.array(deals.DISCOUNT_LEVELS)
    disc = _per_segment(seg, lambda name, k: levels[choice_codes(rng, k, deals.DISCOUNT_MIX[name])])
    comp = np.full(n, -1, dtype=np.int64)
    has_comp = rng.random(n) < per(deals.COMPETITOR_PROB, S.SEGMENTS)[seg]
    for s, sname in enumerate(S.SEGMENTS):
        sel = has_comp & (seg == s)
        comp[sel] = choice_codes(rng, sel.sum(), deals.COMPETITOR_MIX[sname])
    replaced = np.full(n, -1, dtype=np.int64)
    has_sys = rng.random(n) < per(deals.REPLACED_SYSTEM_PROB, S.SEGMENTS)[seg]
    for s, sname in enumerate(S.SEGMENTS):
        sel = has_sys & (seg == s)
        replaced[sel] = choice_codes(rng, sel.sum(), deals.REPLACED_SYSTEM_MIX[sname])
    return seat_noise, price, disc, comp, replaced


def _win_logit(leads: Leads, li, seg, d, skill, ramp, se, comp, disc, size, replaced):
    """Логит выигрыша: сегмент, канал, качество сделки, продавец, пресейл, конкурент, скидка, размер."""
    comp_eff = np.where(comp >= 0, per(deals.COMPETITOR_WIN_EFFECT, S.COMPETITORS)[np.maximum(comp, 0)], 0.0)
    return (per(deals.WIN_LOGIT_BASE, S.SEGMENTS)[seg]
            + pd.Series(leads.chn[li]).map(deals.WIN_CHANNEL_EFFECT).to_numpy()
            + deals.WIN_DEAL_QUALITY_COEF * d + skill + deals.WIN_RAMP_PENALTY * (ramp - 1)
            + np.where(se >= 0, deals.WIN_SE_EFFECT, 0) * (seg > 0) + comp_eff + 0.5 * disc
            + deals.WIN_SIZE_COEF * size + deals.WIN_TRIAL_EFFECT * leads.trial[li]
            + np.where(replaced == S.COMPETITORS.index("globalitsm"), deals.REPLACED_GLOBALITSM_WIN_EFFECT, 0.0))


def _budget_calendar(rng, close, seg, ind):
    """Сделка закрывается по бюджетному календарю клиента и продавца (см. deals.CLOSE_PULL_*).

    Правило одно для выигрышей и проигрышей: выигрыш стягивают к концу квартала, чтобы
    освоить лимит, а проигрыш в те же дни закрывает AE, разбирая воронку к отчёту за квартал.
    Если бы переносились только выигрыши, доля выигрышей по дате закрытия прыгала бы у конца
    квартала сама собой — эффект генератора, а не рынка.

    Сделка, которая «естественно» закрылась бы в первые недели после конца квартала, с
    вероятностью CLOSE_PULL_QUARTER (после декабря — CLOSE_PULL_DECEMBER) подписывается
    в последние рабочие дни квартала: лимиты года и квартала надо освоить. Январские
    закрытия с вероятностью CLOSE_JANUARY_DEFER переносятся на февраль: каникулы, бюджет
    года ещё не доведён.
    """
    ts = pd.to_datetime(np.datetime64(START, "D") + close.astype("timedelta64[D]"))
    month, dom = ts.month.to_numpy(), ts.day.to_numpy()
    weight = per(deals.CLOSE_PULL_SEGMENT, S.SEGMENTS)[seg] * np.where(ind == S.INDUSTRIES.index("public_sector"),
                                                                     deals.CLOSE_PULL_PUBLIC_MULT, 1.0)
    after_q = np.isin(month, (1, 4, 7, 10)) & (dom <= deals.CLOSE_PULL_WINDOW_DAYS)
    p = np.where(month == 1, deals.CLOSE_PULL_DECEMBER, deals.CLOSE_PULL_QUARTER) * weight
    pull = after_q & (rng.random(len(close)) < p)
    qend = close - dom                                             # последний день предыдущего месяца
    back = rng.integers(0, deals.CLOSE_PULL_LAST_DAYS, len(close))
    out = np.where(pull, to_working_day_back(qend - back), close)
    ts = pd.to_datetime(np.datetime64(START, "D") + out.astype("timedelta64[D]"))
    jan = ~pull & (ts.month.to_numpy() == 1) & (rng.random(len(close)) < deals.CLOSE_JANUARY_DEFER)
    shift = 32 - ts.day.to_numpy() + rng.integers(0, 15, len(close))
    return np.where(jan, add_workdays(out + shift), out)


def _stages(rng, leads: Leads, li, created, seg, d, won, size):
    """Длительность цикла и дни входа в стадии; проигранные сделки обрываются на своей стадии."""
    n = len(li)
    # стадия проигрыша: слабые сделки отваливаются раньше
    u = sigmoid(0.8 * d + rng.normal(0, 0.7, n))
    last_open = np.where(won, 3, np.digitize(u, [0.35, 0.62, 0.82]))
    cyc_med = per(deals.CYCLE_MEDIAN_DAYS, S.SEGMENTS)[seg] * pd.Series(
        labels(S.INDUSTRIES, leads.ind[li])).map(deals.CYCLE_INDUSTRY_MULT).fillna(1.0).to_numpy()
    # крупнее сделка внутри сегмента — больше согласующих и дольше цикл
    cyc = cyc_med * np.exp(deals.CYCLE_SIZE_ELASTICITY * size + rng.normal(0, deals.CYCLE_SIGMA, n))
    cyc = np.where(won, cyc, cyc * (0.3 + 0.7 * (last_open + 1) / 4) * 0.85)
    close = after(created, np.maximum(3, cyc))
    close = np.maximum(_budget_calendar(rng, close, seg, leads.ind[li]), add_workdays(created, 2))
    cyc = close - created
    g = rng.gamma(np.array(deals.STAGE_DURATION_SHAPE)[None, :], size=(n, 4))
    g[np.arange(4)[None, :] > last_open[:, None]] = 0
    frac = g / g.sum(axis=1, keepdims=True)
    cum = np.hstack([np.zeros((n, 1)), np.cumsum(frac, axis=1)[:, :3]])
    # входы в стадии — по рабочим дням цикла, чтобы будни были равномерны
    span = workdays_between(created, close) - 1
    entered = add_workdays(np.repeat(created[:, None], 4, axis=1), np.floor(cum * span[:, None]).astype(np.int64))
    reached = np.arange(4)[None, :] <= last_open[:, None]
    visible = reached & (entered <= END_DAY)
    return last_open, close, entered, visible


def _meddic(rng, wl, won, seg, owner, n_reps, record_at, closed):
    """Оценки MEDDIC 0/1/2 в CRM: на входе в каждую стадию и итоговая запись — один путь на сделку.

    Исход: выигрыш ⇔ wl + ε > 0, ε (то, что решится по ходу сделки) восстанавливается по исходу.
    То, что AE узнал о ε к моменту k, — путь B(t_k) броуновского моста от 0 до ε (t_k —
    ``MEDDIC_REVEALED``): к каждому моменту добавляется новая часть сведений, и ранние сведения
    из пути не пропадают. Скрытая оценка поля — «своя» часть логита сделки (без базы сегмента) и
    B(t_k), манера AE, постоянная ошибка пары «сделка — поле» и случайное блуждание записи:
    оценка на стадии k — оценка на k − 1 плюс новые сведения и новый шум. Уровень поля не
    убывает. Итог — тот же путь в момент ``record_at`` (0–3 — вход в стадию, на 1 больше — после
    входа в последнюю стадию); после закрытия к нему добавляется только правило «подписание
    подтверждает ЛПР и процесс решения» (MEDDIC_SIGNED_CONFIRM). Возвращает (итог: сделки × 6,
    снимки: сделки × 4 стадии × 6).
    """
    n, n_el = len(seg), len(S.MEDDIC_COLUMNS)
    p = sigmoid(wl)
    u = np.clip(np.where(won, rng.random(n) * p, p + rng.random(n) * (1 - p)), 1e-12, 1 - 1e-12)
    eps = np.log((1 - u) / u)                      # выигрыш ⇔ wl + eps > 0
    own = wl - per(deals.WIN_LOGIT_BASE, S.SEGMENTS)[seg]
    own = own - own.mean()
    t = np.array(deals.MEDDIC_REVEALED)
    moments = np.arange(len(t))
    var = np.pi ** 2 / 3                           # дисперсия логистического ε
    known = np.zeros((n, len(t)))
    b, t0 = np.zeros(n), 0.0
    for k, tk in enumerate(t):                     # мост: шаг от B(t0) к B(tk) при B(1) = ε
        if tk > t0:
            step = (tk - t0) / (1 - t0)
            b = b + step * (eps - b) + rng.normal(0, 1, n) * np.sqrt(var * (tk - t0) * (1 - tk) / (1 - t0))
            t0 = tk
        known[:, k] = b
    state = own[:, None] + known                   # сделки × моменты
    rep_bias = rng.normal(deals.MEDDIC_OPTIMISM, deals.MEDDIC_REP_BIAS_SD, n_reps)[owner]
    lv = np.empty((n, len(moments), n_el), dtype=np.int64)
    for ei, e in enumerate(S.MEDDIC_COLUMNS):
        bias = deals.MEDDIC_BIAS[e] - (deals.MEDDIC_ENTERPRISE_EB_PENALTY if e == "meddic_economic_buyer" else 0) * (seg == 2)
        lat = (bias[:, None] if np.ndim(bias) else bias) + rep_bias[:, None] + deals.MEDDIC_SIGNAL * state
        ahead = moments[None, :] - deals.MEDDIC_ELEMENT_STAGE[e]      # стадий после «своей» (< 0 — до неё)
        lat = lat + deals.MEDDIC_EARLY_PENALTY * np.minimum(ahead, 0) + deals.MEDDIC_STAGE_GAIN * np.maximum(ahead, 0)
        walk = np.cumsum(rng.normal(0, deals.MEDDIC_STAGE_NOISE_SD, (n, len(moments))), axis=1)
        lat = lat + rng.normal(0, deals.MEDDIC_FIELD_NOISE_SD, (n, 1)) + walk
        lv[:, :, ei] = np.maximum.accumulate(np.digitize(lat, deals.MEDDIC_THRESHOLDS), axis=1)
    final = lv[np.arange(n), record_at].copy()
    signed = won & closed
    for e in ("meddic_economic_buyer", "meddic_decision_process"):
        ei = S.MEDDIC_COLUMNS.index(e)
        final[:, ei] = np.where(signed & (rng.random(n) < deals.MEDDIC_SIGNED_CONFIRM), 2, final[:, ei])
    return final, lv[:, :4]


def _loss_reasons(rng, lost, comp):
    """Причина проигрыша; при конкуренте половина проигрышей — ему."""
    lr = choice_codes(rng, len(lost), deals.LOSS_REASON_MIX)
    to_comp = (comp >= 0) & (rng.random(len(lost)) < deals.COMPETITOR_LOSS_SHARE)
    lr = np.where(to_comp, 1, lr)
    return np.where(lost, labels(S.LOSS_REASONS, lr), None)


@step("сделки", reads=("leads", "funnel", "reps"), writes=("opps", "deal_results", "deal_touches"),
      streams=("opps", "meddic"))
def make_opportunities(ctx: Context, rng, rng_meddic) -> None:
    """Сделки из SQL-лидов: владелец, исход, стадии, MEDDIC, заметки, активности."""
    leads = ctx.leads
    opp_day = ctx.funnel.opp_day
    li = np.flatnonzero(opp_day != NA)
    li = li[np.lexsort((li, opp_day[li]))]
    n = len(li)
    created = opp_day[li]
    seg = leads.seg[li]
    owner, se = _staff(rng, ctx.reps, created, seg)
    ramp = ramp_factor(ctx.reps, owner, created)
    skill = ctx.reps.skill[owner]
    # скрытое качество сделки: частично из качества лида
    d = 0.55 * leads.q[li] + 0.35 * leads.fit[li] + rng.normal(0, 0.8, n)
    seat_noise, price, disc, comp, replaced = _terms(rng, created, seg)   # места — позже, когда известна компания
    # размер сделки внутри сегмента (отклонение логарифма мест от медианы сегмента): по
    # штату из заявки лида — тем же расчётом, что и места в _deal_sizes
    size = _seat_index(seg, leads.emp[li], seat_noise) - np.log(per(deals.SEATS_MEDIAN, S.SEGMENTS)[seg])
    wl = _win_logit(leads, li, seg, d, skill, ramp, se, comp, disc, size, replaced)
    won = rng.random(n) < sigmoid(wl)
    last_open, close, entered, visible = _stages(rng, leads, li, created, seg, d, won, size)
    is_closed = close <= END_DAY
    cur = np.where(is_closed, np.where(won, 4, 5), visible.sum(axis=1) - 1)
    outcome = np.where(is_closed, np.where(won, 0, 1), 2)
    rng.standard_normal(len(S.MEDDIC_COLUMNS) * n)   # прежний расход потока: причины проигрыша не меняются
    loss_reason = _loss_reasons(rng, outcome == 1, comp)
    # итоговая запись — на сегодня: после входа в последнюю (текущую) стадию AE успел выяснить ещё что-то
    last_open_or_cur = np.where(is_closed, last_open, cur)
    meddic, meddic_stages = _meddic(rng_meddic, wl, won, seg, owner, len(ctx.reps.ids),
                                    last_open_or_cur + 1, is_closed)
    notes = make_notes(rng_meddic, meddic_stages, entered, visible, seg, created, comp, np.minimum(close, created + 40))
    of_lead = np.full(len(leads.day), -1, dtype=np.int64)
    of_lead[li] = np.arange(n)
    opps = ctx.opps = Opportunities(
        ids=IdRange("O", n, 5), li=li, of_lead=of_lead, created=created, close=close, is_closed=is_closed,
        seg=seg, owner=owner, se=se, won=won, outcome=outcome, cur=cur, d=d, last_open=last_open,
        entered=entered, visible=visible, ramp=ramp, seat_noise=seat_noise, price=price, disc=disc,
        comp=comp, replaced=replaced, meddic=meddic, meddic_stages=meddic_stages, notes=notes, loss_reason=loss_reason)
    ctx.deal_results = DealResults(ids=opps.ids, owner=owner, se=se, won=won, is_closed=is_closed, close=close, d=d)
    ctx.deal_touches = _deal_touches(rng, opps, ctx.reps)


_OUT = {name: code for code, name in enumerate(S.ALL_ACTIVITY_OUTCOMES)}   # исход активности → код


def _deal_touches(rng, opps: Opportunities, reps: Reps) -> DealTouches:
    """Активности по сделкам: встречи на стадиях (в крупном бизнесе — по две) и письма, звонки,
    сообщения AE, пресейла и руководителя между ними — в рабочие дни."""
    n = len(opps.li)
    visible, entered, is_closed, close = opps.visible, opps.entered, opps.is_closed, opps.close
    created, owner, se, seg = opps.created, opps.owner, opps.se, opps.seg
    recs = []
    oi2, st2 = np.nonzero(visible)
    span_end = np.where(is_closed, close, END_DAY)
    mday = to_working_day(np.minimum(to_workday(entered[oi2, st2]), span_end[oi2]))
    rep = np.where((st2 == 1) & (se[oi2] >= 0), se[oi2], owner[oi2])
    noshow = rng.random(len(oi2)) < 0.06
    recs.append(dict(opp=oi2, rep=rep, day=mday, type=np.full(len(oi2), MEETING),
                     outcome=np.where(noshow, _OUT["no_show"], _OUT["held"]),
                     dur=np.full(len(oi2), -1)))
    # вторая встреча стадии: в середине стадии (до входа в следующую или до закрытия)
    per_stage = per(deals.DEAL_MEETINGS_PER_STAGE, S.SEGMENTS)[seg[oi2]]
    two = np.flatnonzero(per_stage >= 2)
    nxt = np.where(st2[two] < 3, entered[oi2[two], np.minimum(st2[two] + 1, 3)], span_end[oi2[two]])
    stage_end = np.minimum(np.where(visible[oi2[two], np.minimum(st2[two] + 1, 3)] & (st2[two] < 3), nxt,
                                    span_end[oi2[two]]), span_end[oi2[two]])
    start = entered[oi2[two], st2[two]]
    wd = np.maximum(workdays_between(start, np.maximum(stage_end, start)) - 1, 0)
    day2 = add_workdays(start, np.floor(rng.random(len(two)) * wd * 0.8 + wd * 0.1).astype(np.int64))
    rep2 = np.where(se[oi2[two]] >= 0, se[oi2[two]], owner[oi2[two]])
    recs.append(dict(opp=oi2[two], rep=rep2, day=np.minimum(day2, to_working_day(span_end[oi2[two]])),
                     type=np.full(len(two), MEETING), outcome=np.full(len(two), _OUT["held"]),
                     dur=np.full(len(two), -1)))
    rate = per(deals.OPP_FOLLOWUPS_PER_30_DAYS, S.SEGMENTS)[seg]
    nf = rng.poisson(np.maximum(span_end - created, 0) / 30 * rate)
    nf = np.minimum(nf, per(deals.DEAL_FOLLOWUP_CAP, S.SEGMENTS)[seg].astype(np.int64))
    fo = np.repeat(np.arange(n), nf)
    # день — равномерно среди рабочих дней сделки, с даты создания по дату закрытия в таблице
    first, last = to_working_day(created[fo]), to_working_day(span_end[fo])
    fday = add_workdays(first, np.floor(rng.random(len(fo)) * workdays_between(first, last)).astype(np.int64))
    is_email = rng.random(len(fo)) < deals.DEAL_FOLLOWUP_EMAIL_SHARE
    other = np.array([CALL, TELEGRAM, WHATSAPP])[choice_codes(rng, len(fo), deals.DEAL_FOLLOWUP_OTHER_MIX)]
    ftype = np.where(is_email, EMAIL, other)
    u = rng.random(len(fo))
    o = _OUT
    fout = np.where(ftype == CALL, np.where(u < 0.7, o["connected"], o["no_answer"]),
                    np.where(ftype == EMAIL, np.where(u < 0.35, o["replied"], np.where(u < 0.75, o["opened"], o["sent"])),
                             np.where(u < 0.5, o["replied"], np.where(u < 0.85, o["read"], o["sent"]))))
    fdur = np.where((ftype == CALL) & (fout == o["connected"]),
                    np.round(np.exp(rng.normal(np.log(420), 0.5, len(fo)))), np.where(ftype == CALL, 0, -1))
    # исполнитель: AE, пресейл или руководитель команды сегмента
    who = np.zeros(len(fo), dtype=np.int64)
    for s_, sname in enumerate(S.SEGMENTS):
        sel = seg[fo] == s_
        who[sel] = choice_codes(rng, int(sel.sum()), deals.DEAL_FOLLOWUP_BY[sname])
    frep = owner[fo].copy()
    by_se = (who == 1) & (se[fo] >= 0)
    frep[by_se] = se[fo][by_se]
    by_mgr = np.flatnonzero(who == 2)
    mgr = assign_reps(reps, rng, "manager", fday[by_mgr], teams=labels(S.SEGMENTS, seg[fo][by_mgr]))
    frep[by_mgr] = np.where(mgr >= 0, mgr, frep[by_mgr])
    recs.append(dict(opp=fo, rep=frep, day=fday, type=ftype, outcome=fout, dur=fdur))
    act = concat_records(recs)
    r = act["rep"]
    ok = (act["day"] <= END_DAY) & (reps.hire[r] <= act["day"]) & ((reps.exit[r] == NA) | (act["day"] <= reps.exit[r]))
    # числа — в самом узком целом типе (исход — код, а не строка: встреч и писем по сделкам миллионы)
    return DealTouches(**{k: narrow(v[ok]) for k, v in act.items()})


def _seat_index(seg, emp, seat_noise):
    """Логарифм ожидаемого числа мест по размеру компании и шуму сделки (до ограничений)."""
    out = np.empty(len(seg))
    for s, sname in enumerate(S.SEGMENTS):
        sel = seg == s
        out[sel] = (np.log(deals.SEATS_MEDIAN[sname])
                    + deals.SEATS_EMPLOYEE_ELASTICITY[sname] * np.log(emp[sel] / deals.SEATS_EMPLOYEE_REF[sname])
                    + seat_noise[sel])
    return out


def _deal_sizes(opps: Opportunities, accounts: Accounts) -> DealSizes:
    """Места и годовая сумма: места — доля штата компании (не больше SEATS_MAX_SHARE), допродажа — ≈ 30 % мест."""
    emp = accounts.emp[accounts.of_lead[opps.li]]
    seats = np.exp(_seat_index(opps.seg, emp, opps.seat_noise))
    cap = np.maximum(deals.SEATS_MIN, np.floor(per(deals.SEATS_MAX_SHARE, S.SEGMENTS)[opps.seg] * emp))
    seats = np.where(accounts.upsell, np.maximum(1, np.round(seats * deals.UPSELL_SEATS_SHARE)),
                     np.maximum(deals.SEATS_MIN, np.round(seats)))
    seats = np.minimum(seats, cap).astype(np.int64)
    return DealSizes(seats=seats, amount=np.round(seats * opps.price * (1 - opps.disc) * 12))


def _opportunity_tables(ctx: Context) -> None:
    opps, sizes, r_ids = ctx.opps, ctx.deal_sizes, ctx.reps.ids
    df = pd.DataFrame({
        "opportunity_id": opps.ids[:], "lead_id": ctx.leads.ids[opps.li],
        "account_id": ctx.accounts.ids[ctx.accounts.of_lead[opps.li]],
        "owner_id": r_ids[opps.owner], "se_id": optional_labels(r_ids, opps.se),
        "segment": labels(S.SEGMENTS, opps.seg), "created_date": fmt_days(to_working_day(opps.created)),
        "close_date": fmt_days(to_working_day(np.where(opps.is_closed, opps.close, NA))),
        "stage": labels(S.STAGES, opps.cur),
        "outcome": labels(S.OUTCOMES, opps.outcome), "amount_rub": sizes.amount,
        "loss_reason": opps.loss_reason,
        "competitor": optional_labels(S.COMPETITORS, opps.comp),
        "replaced_system": optional_labels(S.COMPETITORS, opps.replaced),
    })
    for ei, e in enumerate(S.MEDDIC_COLUMNS):
        df[e] = opps.meddic[:, ei]
    df["notes"] = opps.notes
    ctx.tables["opportunities"] = df
    # история стадий: видимые входы в открытые стадии и закрытие
    oi, st = np.nonzero(opps.visible)
    cl = np.flatnonzero(opps.is_closed)
    st_df = pd.concat([pd.DataFrame({"o": oi, "s": st, "day": opps.entered[oi, st]}),
                       pd.DataFrame({"o": cl, "s": np.where(opps.won[cl], 4, 5), "day": opps.close[cl]})]
                      ).sort_values(["o", "s"], kind="stable")
    o, s = st_df["o"].to_numpy(), st_df["s"].to_numpy()
    stages = pd.DataFrame({"opportunity_id": opps.ids[o], "stage": labels(S.STAGES, s),
                           "entered_date": fmt_days(to_working_day(st_df["day"].to_numpy()))})
    # MEDDIC на входе в открытую стадию — снимок; в строке закрытия — итоговая запись сделки
    snap = np.where((s < 4)[:, None], opps.meddic_stages[o, np.minimum(s, 3)], opps.meddic[o])
    for ei, e in enumerate(S.MEDDIC_COLUMNS):
        stages[e] = snap[:, ei]
    ctx.tables["opportunity_stages"] = stages


LEAD_COLUMNS = tuple(S.columns("leads"))


def _leads_table(ctx: Context) -> None:
    """Таблица leads — компактно (:class:`~salesbook.data.generator.frames.DeferredTable`): 2 млн строк на
    масштабе 100 хранятся кодами и номерами, строки собираются по частям и для шагов-читателей."""
    leads, funnel, accounts = ctx.leads, ctx.funnel, ctx.accounts
    status_vocab, reason_vocab = [], []
    raw = {"acc": Packed(accounts.of_lead), "emp": Packed(accounts.emp), "day": Packed(leads.day),
           "ch": Packed(leads.ch), "seg": Packed(leads.seg), "ind": Packed(leads.ind), "title": Packed(leads.title),
           "visits": Packed(leads.visits), "pages": Packed(leads.pages), "downloads": Packed(leads.downloads),
           "webinar": Packed(leads.webinar), "demo": Packed(leads.demo), "opens": Packed(leads.opens),
           "trial": Packed(leads.trial), "sdr": Packed(funnel.sdr),
           "mql": Packed(to_working_day(funnel.mql_day)), "sql": Packed(to_working_day(funnel.sql_day)),
           "status": encode(funnel.status, status_vocab), "reason": encode(funnel.reason, reason_vocab),
           "opp": Packed(ctx.opps.of_lead)}
    lead_ids, acc_ids, rep_ids, opp_ids = leads.ids, accounts.ids, ctx.reps.ids, ctx.opps.ids

    def render(rows, names):
        def r(key):
            return raw[key][rows]
        column = {
            "lead_id": lambda: labels(lead_ids, rows), "account_id": lambda: labels(acc_ids, r("acc")),
            "created_date": lambda: fmt_days(r("day")), "business_line": lambda: filled(len(r("day")), "b2b"),
            "channel": lambda: labels(S.LEAD_CHANNELS, r("ch")), "segment": lambda: labels(S.SEGMENTS, r("seg")),
            "industry": lambda: labels(S.INDUSTRIES, r("ind")), "employees": lambda: raw["emp"][r("acc")],
            "job_title_level": lambda: labels(S.JOB_TITLE_LEVELS, r("title")),
            "website_visits": lambda: r("visits"), "pages_viewed": lambda: r("pages"),
            "content_downloads": lambda: r("downloads"), "webinar_attended": lambda: r("webinar"),
            "demo_requested": lambda: r("demo"), "email_opens": lambda: r("opens"), "trial_started": lambda: r("trial"),
            "sdr_id": lambda: optional_labels(rep_ids, r("sdr")),
            "mql_date": lambda: fmt_days(r("mql")), "sql_date": lambda: fmt_days(r("sql")),
            "status": lambda: labels(status_vocab, r("status")),
            "disqualify_reason": lambda: labels(reason_vocab, r("reason")),
            "opportunity_id": lambda: optional_labels(opp_ids, r("opp")),
        }
        return {name: column[name]() for name in names}

    ctx.tables["leads"] = DeferredTable(len(leads.day), LEAD_COLUMNS, render,
                                        text=set(LEAD_COLUMNS) - {"employees", "website_visits", "pages_viewed",
                                                                  "content_downloads", "webinar_attended",
                                                                  "demo_requested", "email_opens", "trial_started"})


@step("таблицы сделок и лидов", reads=("leads", "funnel", "reps", "opps", "accounts"),
      writes=("deal_sizes", "tables.opportunities", "tables.opportunity_stages", "tables.leads"))
def make_deal_and_lead_tables(ctx: Context) -> None:
    """Размеры сделок (нужна компания) и таблицы opportunities, opportunity_stages, leads."""
    ctx.deal_sizes = _deal_sizes(ctx.opps, ctx.accounts)
    _opportunity_tables(ctx)
    _leads_table(ctx)
