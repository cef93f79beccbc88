"""Почтовые ящики BDR: недельная статистика отправки по доменам для исходящих писем."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.params import mailboxes as P
from salesbook.data.generator.pipeline import step

_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
                      "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def _login(full_name: str) -> str:
    """«Никифорова Яна Анатольевна» → «yana.nikiforova»."""
    surname, name = full_name.lower().split()[:2]
    return ".".join("".join(_TRANSLIT.get(ch, ch) for ch in part) for part in (name, surname))


def _weekly(frame: pd.DataFrame, column: str | None = None) -> pd.Series:
    week = frame["date"] - pd.to_timedelta(frame["date"].dt.day_of_week, unit="D")
    keys = [frame["rep_id"], week.rename("week")]
    return frame.groupby(keys).size() if column is None else frame.groupby(keys)[column].sum()


def _domain_plan(weeks: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Вес нагрузки, неделя жизни домена и признак прогрева: массивы домены × недели."""
    n_d, n_w = len(P.DOMAINS), len(weeks)
    weight = np.zeros((n_d, n_w))
    age = np.zeros((n_d, n_w), dtype=int)
    warm = np.zeros((n_d, n_w), dtype=bool)
    ramp = np.asarray(P.WARMUP_RAMP)
    incident = pd.Timestamp(P.INCIDENT_START)
    resume = incident + pd.Timedelta(weeks=P.INCIDENT_WEEKS + P.PAUSE_WEEKS)
    for d, (name, start, prewarmed) in enumerate(P.DOMAINS):
        start = pd.Timestamp(start)
        for w, week in enumerate(weeks):
            if week < start:
                continue
            age[d, w] = (week - start).days // 7 + 1
            since = age[d, w]
            if name == P.INCIDENT_DOMAIN and week >= incident + pd.Timedelta(weeks=P.INCIDENT_WEEKS):
                if week < resume:
                    continue                                   # пауза: с домена не пишут
                since = (week - resume).days // 7 + 1          # повторный прогрев после паузы
                prewarmed = False
            in_ramp = not prewarmed and since <= len(ramp)
            weight[d, w] = ramp[since - 1] if in_ramp else 1.0
            warm[d, w] = in_ramp
    return weight, age, warm


def _inbox(rng, weeks: pd.DatetimeIndex, weight: np.ndarray, warm: np.ndarray) -> np.ndarray:
    """Доля попадания во «Входящие» по тестовой рассылке: домены × недели."""
    base = np.full(weight.shape, P.INBOX_WARM)
    n_ramp = len(P.WARMUP_RAMP)
    incident = pd.Timestamp(P.INCIDENT_START)
    resume = incident + pd.Timedelta(weeks=P.INCIDENT_WEEKS + P.PAUSE_WEEKS)
    for d, (name, start, _) in enumerate(P.DOMAINS):
        for w, week in enumerate(weeks):
            if warm[d, w] and not (name == P.INCIDENT_DOMAIN and week >= resume):
                k = (week - pd.Timestamp(start)).days // 7
                base[d, w] = P.INBOX_FIRST_WEEK + (P.INBOX_WARM - P.INBOX_FIRST_WEEK) * k / n_ramp
            if name != P.INCIDENT_DOMAIN:
                continue
            off = (week - incident).days // 7
            if 0 <= off < len(P.INCIDENT_INBOX_DROP):
                base[d, w] = P.INCIDENT_INBOX_DROP[off]
            after = (week - resume).days // 7
            if 0 <= after < P.RECOVERY_WEEKS:
                low = P.INCIDENT_INBOX_DROP[-1] + 0.1
                base[d, w] = low + (P.INBOX_WARM - low) * after / P.RECOVERY_WEEKS
    return np.clip(base + rng.normal(0.0, P.INBOX_NOISE, size=base.shape), 0.0, 1.0)


@step("почтовые ящики BDR", reads=("tables.reps", "tables.activities", "tables.rep_daily_activity"),
      writes=("tables.mailboxes",), streams=("mailboxes",))
def make_mailboxes(ctx: Context, rng) -> None:
    """Недельная статистика ящиков BDR по доменам: письма из отчёта рассыльщика (в том числе письма
    по лидам CRM из activities), возвраты, жалобы на спам, попадание во «Входящие»; прогрев новых
    доменов и инцидент с купленной базой."""
    reps = ctx.tables["reps"]
    bdr = reps[reps["role"] == "BDR"].set_index("rep_id")
    daily = ctx.tables["rep_daily_activity"]
    daily = daily[daily["rep_id"].isin(bdr.index)].assign(date=lambda f: pd.to_datetime(f["date"]))
    acts = ctx.tables["activities"]
    mail = acts.rows(acts.select(lambda c: (c["type"] == "email") & c["rep_id"].isin(bdr.index) & c["lead_id"].notna(),
                                 "type", "rep_id", "lead_id"), ["rep_id", "date", "outcome"])
    mail = mail.assign(date=pd.to_datetime(mail["date"]), bounced=(mail["outcome"] == "bounced").astype(int))
    sent = _weekly(daily, "emails")
    crm = pd.DataFrame({"crm_sent": _weekly(mail), "crm_bounced": _weekly(mail, "bounced")})
    weekly = pd.concat([sent.rename("sent"), crm], axis=1).fillna(0).astype(int).sort_index(level=["week", "rep_id"])
    weeks = pd.DatetimeIndex(sorted(weekly.index.get_level_values("week").unique()))
    weight, age, warm = _domain_plan(weeks)
    inbox = _inbox(rng, weeks, weight, warm)
    incident = pd.Timestamp(P.INCIDENT_START)
    names = [d[0] for d in P.DOMAINS]
    rows = []
    for (rep, week), r in weekly.iterrows():
        w = weeks.get_loc(week)
        active = np.flatnonzero(weight[:, w] > 0)
        p = weight[active, w] / weight[active, w].sum()
        crm_n = rng.multinomial(r["crm_sent"], p)
        crm_b = rng.multivariate_hypergeometric(crm_n, r["crm_bounced"])
        base_n = rng.multinomial(r["sent"] - r["crm_sent"], p)
        login = _login(bdr.loc[rep, "full_name"])
        for j, d in enumerate(active):
            in_incident = names[d] == P.INCIDENT_DOMAIN and 0 <= (week - incident).days // 7 < P.INCIDENT_WEEKS
            hard_rate = P.INCIDENT_HARD_BOUNCE if in_incident else P.BASE_HARD_BOUNCE
            base_rate = P.INCIDENT_COMPLAINT_RATE if in_incident else P.COMPLAINT_RATE_BASE
            total = int(crm_n[j] + base_n[j])
            hard = int(crm_b[j] + rng.binomial(base_n[j], hard_rate))
            soft = int(rng.binomial(total - hard, P.SOFT_BOUNCE))
            delivered = total - hard - soft
            rate = (crm_n[j] * P.COMPLAINT_RATE_CRM + base_n[j] * base_rate) / total if total else 0.0
            rows.append({
                "week": week.strftime("%Y-%m-%d"), "domain": names[d], "mailbox": f"{login}@{names[d]}",
                "rep_id": rep, "domain_week": int(age[d, w]), "warmup": bool(warm[d, w]),
                "sent": total, "crm_sent": int(crm_n[j]), "crm_bounced": int(crm_b[j]),
                "hard_bounces": hard, "soft_bounces": soft, "delivered": delivered,
                "complaints": int(rng.binomial(delivered, rate)), "inbox_share": round(float(inbox[d, w]), 2)})
    df = pd.DataFrame(rows)
    ctx.tables["mailboxes"] = df.sort_values(["week", "domain", "mailbox"], kind="stable").reset_index(drop=True)
