"""Черновики AI-ассистента продавцов (раздел 8.1) и их разметка двумя проверяющими.

Модель здесь не вызывается: черновики собираются из шаблонов и фактов CRM по сделке
(ACV, стадия, конкурент, роль контакта, дата решения), а дефекты вносятся с долями из
``params/genai.py``. Итоговая разметка ``label_final`` — то, что внесено; проверяющие
A и B находят дефекты не всегда и иногда ошибаются на чистых текстах.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.params import genai as P
from salesbook.data.generator.pipeline import step

NB = "\u00a0"
COMPETITOR_RU = {"helppro": "ХелпПро", "servicebox": "СервисБокс", "globalitsm": "ГлобалITSM",
                 "opendesk": "ОпенДеск", "etalonitsm": "ЭталонITSM"}
STAGE_RU = {"discovery": "выявление потребностей", "demo": "демонстрация", "proposal": "коммерческое предложение",
            "negotiation": "переговоры", "closed_won": "переговоры", "closed_lost": "переговоры"}
ROLE_RU = {"economic_buyer": "финансовый директор", "champion": "руководитель поддержки",
           "end_user": "старший оператор поддержки", "it_security": "специалист по ИБ",
           "procurement": "менеджер по закупкам", "finance": "финансовый контролёр", "executive": "генеральный директор"}
INDUSTRY_RU = {"retail": "розница", "finance": "финансы", "it": "ИТ", "manufacturing": "производство",
               "logistics": "логистика", "education": "образование", "healthcare": "здравоохранение",
               "public_sector": "госсектор"}
REGION_RU = {"moscow": "Москва", "spb": "Санкт-Петербург", "regions": "регионы России", "cis": "СНГ"}
NEXT_STEPS = ("пилот на одной линии поддержки", "демонстрация для ИТ-службы", "согласование договора с закупками",
              "встреча с финансовым директором", "тестовый доступ на 14 дней")
PAINS = ("заявки теряются между почтой и мессенджерами", "SLA по заявкам срываются", "нет отчётности по операторам",
         "операторы отвечают на одни и те же вопросы", "дорогая поддержка старой системы")
FEATURES = ("интеграция с SAP из коробки", "сертификат ФСТЭК на текущую версию", "офлайн-режим мобильного приложения",
            "голосовой бот в базовом тарифе")
PRESSURE = ("Предложение действует только до пятницы — потом цена вырастет.",
            "Решайте быстрее: таких условий больше не будет.",
            "Срочно подтвердите, иначе место в графике внедрения уйдёт другому клиенту.")
SUBTLE = ("Ну вы же понимаете, что без нас тут не обойтись.", "Честно, другие варианты даже смотреть не стоит.")
EMOJI = ("🚀", "🔥", "😉", "👍")


def money(v: float) -> str:
    s = f"{int(round(v)):,}".replace(",", NB)
    return f"{s}{NB}₽"


def staff(n: int, case: str = "gen") -> str:
    """«для 71 сотрудника», «для 5 сотрудников»; case="nom": «21 сотрудник», «3 сотрудника»."""
    last2, last = n % 100, n % 10
    if case == "gen":
        word = "сотрудника" if last == 1 and last2 != 11 else "сотрудников"
    elif last == 1 and last2 != 11:
        word = "сотрудник"
    elif 2 <= last <= 4 and not 12 <= last2 <= 14:
        word = "сотрудника"
    else:
        word = "сотрудников"
    return f"{n} {word}"


def ddmm(d: pd.Timestamp) -> str:
    return d.strftime("%d.%m.%Y")


def _pick(rng, shares: dict) -> str:
    keys = list(shares)
    p = np.asarray([shares[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _lognormal(rng, median_sigma) -> float:
    median, sigma = median_sigma
    return round(float(median * np.exp(rng.normal(0.0, sigma))), 1)


def _login(full_name: str) -> str:
    from salesbook.data.generator.steps.mailboxes import _login as login
    return login(full_name)


def _short_name(full: str) -> str:
    """«Смирнова Анна Сергеевна» → «Анна Сергеевна» (обращение в письме)."""
    parts = full.split()
    return " ".join(parts[1:3])


def _person(full: str) -> str:
    """«Смирнова Анна Сергеевна» → «Анна Смирнова»."""
    parts = full.split()
    return f"{parts[1]} {parts[0]}"


def _fake_phone(rng) -> str:
    return f"+7 9{rng.integers(10, 99)} {rng.integers(100, 999)}-{rng.integers(10, 99)}-{rng.integers(10, 99)}"


@step("черновики AI-ассистента", reads=("tables.opportunities", "tables.opportunity_stages", "tables.accounts",
                                       "tables.contacts", "tables.reps"),
      writes=("tables.genai_outputs",), streams=("genai",))
def make_genai_outputs(ctx: Context, rng) -> None:
    """Выборка черновиков ассистента за 2025 год: письма после встречи, конспекты звонков, справки о компании."""
    from salesbook.data.generator.steps.people import person_names

    opps = ctx.tables["opportunities"].copy()
    for c in ("created_date", "close_date"):
        opps[c] = pd.to_datetime(opps[c])
    # Дата решения в тексте — close_date: у открытых сделок её нет, поэтому берём закрытые.
    opps = opps[(opps["created_date"] >= pd.Timestamp(P.PILOT_START)) & opps["close_date"].notna()]
    opps = opps.sort_values("opportunity_id")
    stages = ctx.tables["opportunity_stages"].copy()
    stages["entered_date"] = pd.to_datetime(stages["entered_date"])
    table = ctx.tables["accounts"]
    accounts = table.lookup("account_id", opps["account_id"], ["company_name", "industry", "employees", "region"])
    contacts = ctx.tables["contacts"].sort_values("contact_id")
    by_account = contacts.groupby("account_id")
    reps = ctx.tables["reps"].set_index("rep_id")

    def other_name(k: int) -> str:   # название k-й компании таблицы — одна строка, а не все два миллиона
        return table.rows(np.array([k]), ["company_name"])["company_name"].iloc[0]

    n_total = sum(P.TEXTS_PER_CASE.values())
    names = person_names(rng, n_total * 2)
    rows = []
    k = 0
    for case in P.USE_CASES:
        n = min(P.TEXTS_PER_CASE[case], len(opps))      # на малом масштабе сделок может не хватить
        chosen = opps.iloc[np.sort(rng.choice(len(opps), size=n, replace=False))]
        rates = P.DEFECT_RATES[case]
        for _, o in chosen.iterrows():
            span = max((o["close_date"] - o["created_date"]).days, 0)
            day = o["created_date"] + pd.Timedelta(days=int(rng.integers(0, span + 1)))
            st = stages[(stages["opportunity_id"] == o["opportunity_id"]) & (stages["entered_date"] <= day)]
            stage = st["stage"].iloc[-1] if len(st) else "discovery"
            acc = accounts.loc[o["account_id"]]
            cts = by_account.get_group(o["account_id"])
            ct = cts.iloc[int(rng.integers(len(cts)))]
            addressee, other_person = names[2 * k], names[2 * k + 1]
            k += 1
            u = rng.random()
            defect, edge = "ok", 0.0
            for kind in ("fact", "pii", "tone", "promise"):
                edge += rates[kind]
                if u < edge:
                    defect = kind
                    break
            detail = ""
            if defect == "fact":
                detail = _pick(rng, P.FACT_KINDS_RESEARCH if case == "account_research" else P.FACT_KINDS)
                if detail == "date" and case == "account_research":
                    detail = "amount"
            elif defect == "pii":
                detail = _pick(rng, P.PII_KINDS)
            elif defect == "tone":
                detail = _pick(rng, P.TONE_KINDS)
            elif defect == "promise":
                detail = _pick(rng, P.PROMISE_KINDS)

            amount = float(o["amount_rub"])
            if detail == "amount":
                factor = rng.choice([rng.uniform(0.6, 0.9), rng.uniform(1.12, 1.5)])
                amount = round(amount * factor, -3)
            close = o["close_date"]
            if detail == "date":
                close = close + pd.Timedelta(days=int(rng.choice([-1, 1]) * rng.integers(7, 40)))
            comp = o["competitor"] if isinstance(o["competitor"], str) and o["competitor"] else ""
            if detail == "competitor":
                comp = str(rng.choice([c for c in COMPETITOR_RU if c != comp]))
            employees = int(acc["employees"])
            if detail == "headcount":
                employees = int(round(employees * rng.choice([0.4, 0.5, 2.0, 3.0])))
            comp_ru = COMPETITOR_RU.get(comp, "")
            role = ROLE_RU[ct["role"]]
            step_txt = NEXT_STEPS[int(rng.integers(len(NEXT_STEPS)))]
            pain = PAINS[int(rng.integers(len(PAINS)))]
            rep_full = reps.loc[o["owner_id"], "full_name"]

            if case == "followup_email":
                disc = ""
                if rng.random() < 0.3:
                    disc = f", скидка {int(rng.choice([5, 10, 15]))}{NB}% уже учтена"
                parts = [f"{_short_name(addressee)}, добрый день! Спасибо за встречу.",
                         f"Как договорились: «Сфера Деск» для компании из {staff(employees)}, {money(amount)} в год{disc}."]
                if comp_ru:
                    parts.append(f"Сравнение с «{comp_ru}» по вашим критериям пришлю отдельно.")
                parts.append(f"Следующий шаг — {step_txt}, решение ждём до {ddmm(close)}.")
            elif case == "call_summary":
                parts = [f"Итоги звонка {ddmm(day)}: {role}, {acc['company_name']}; этап — {STAGE_RU[stage]}.",
                         f"Бюджет — {money(amount)} в год.",
                         f"Боль: {pain}."]
                parts.append(f"Сравнивают с «{comp_ru}»." if comp_ru else "Других поставщиков не смотрят.")
                parts.append(f"Договорились: {step_txt} до {ddmm(close)}.")
            else:
                parts = [f"Справка: {acc['company_name']} — {INDUSTRY_RU[acc['industry']]}, "
                         f"{staff(employees, 'nom')}, {REGION_RU[acc['region']]}.",
                         f"Потенциал сделки — {money(amount)} в год."]
                parts.append(f"Сейчас смотрят «{comp_ru}»." if comp_ru else "Конкурентов в сделке не видно.")
                parts.append(f"Вероятная боль: {pain}. Кому звонить: {role}.")

            # Безобидные тексты, похожие на дефект (допущение курса): цитата клиента со словом
            # «срочно» в конспекте, цена дополнительного модуля в письме — на них срабатывают проверки.
            if defect == "ok" and case == "call_summary" and rng.random() < P.QUOTE_SHARE:
                parts.insert(-1, "Клиент: «срочно нужно навести порядок до конца квартала».")
            if defect == "ok" and case == "followup_email" and rng.random() < P.ADDON_SHARE:
                parts.insert(-1, f"Модуль аналитики — ещё {money(P.ADDON_PRICE_RUB)} в год, если понадобится.")
            if detail == "feature":
                parts.insert(-1, f"Важно для них: {FEATURES[int(rng.integers(len(FEATURES)))]} — у нас это есть.")
            elif detail == "phone":
                parts.append(f"Контакт {_person(other_person)} для референса: {_fake_phone(rng)}.")
            elif detail == "email":
                parts.append(f"Можно сослаться на {_person(other_person)}: {_login(other_person)}@mail.ru.")
            elif detail == "other_client":
                other = other_name(int(rng.integers(len(table))))
                parts.append(f"Как в {other}, где {_person(other_person)} жаловалась на то же самое.")
            elif detail == "name_only":
                parts.append(f"Похожая ситуация была у {_person(other_person)}, их руководителя поддержки.")
            elif detail == "emoji":
                parts[-1] = parts[-1] + f" {EMOJI[int(rng.integers(len(EMOJI)))]}"
            elif detail == "familiar":
                parts.append("Если что, пиши мне напрямую — ты же сам говорил, что тянуть нельзя.")
            elif detail == "pressure":
                parts.append(PRESSURE[int(rng.integers(len(PRESSURE)))])
            elif detail == "subtle":
                parts.append(SUBTLE[int(rng.integers(len(SUBTLE)))])
            elif detail == "discount":
                parts.append(f"Готовы дать скидку {int(rng.choice([20, 25, 30, 40]))}{NB}% при оплате за год.")
            elif detail == "sla":
                parts.append(f"Гарантируем доступность {str(rng.choice(['99,9', '99,95', '99,99']))}{NB}% по договору.")
            elif detail == "free_work":
                parts.append("Доработку интеграции под вас сделаем бесплатно, это не проблема.")

            if case == "followup_email":
                sign = f"С уважением, {_person(rep_full)}"
                if rng.random() < P.SIGNATURE_SHARE:
                    sign += f", {P.COMPANY_PHONE}, {_login(rep_full)}@{P.COMPANY_DOMAIN}"
                parts.append(sign)
            text = " ".join(parts)

            labels = {}
            for who in ("a", "b"):
                if defect == "ok":
                    found = rng.random() < P.REVIEWER_FALSE_ALARM[who]
                    labels[who] = str(rng.choice(["fact", "pii", "tone", "promise"])) if found else "ok"
                else:
                    found = rng.random() < P.REVIEWER_RECALL[who][defect]
                    kind = defect
                    if found and rng.random() < P.REVIEWER_WRONG_KIND:
                        kind = str(rng.choice([x for x in ("fact", "pii", "tone", "promise") if x != defect]))
                    labels[who] = kind if found else "ok"
            manual = _lognormal(rng, P.MANUAL_MINUTES[case])
            edit = _lognormal(rng, P.EDIT_MINUTES[case])
            if defect != "ok" and labels["a"] != "ok":
                edit = round(edit * P.EDIT_DEFECT_FACTOR, 1)
            tokens = P.PROMPT_TOKENS[case] + int(round(len(text) / P.CHARS_PER_TOKEN))
            rows.append({"output_id": "", "created_date": day, "use_case": case,
                         "opportunity_id": o["opportunity_id"], "account_id": o["account_id"],
                         "rep_id": o["owner_id"], "contact_id": ct["contact_id"], "text": text, "tokens": tokens,
                         "manual_minutes": manual, "edit_minutes": edit, "review_a": labels["a"],
                         "review_b": labels["b"], "label_final": defect, "defect_detail": detail or None})
    df = pd.DataFrame(rows).sort_values(["created_date", "use_case", "opportunity_id"], kind="stable")
    df["output_id"] = [f"G{i:04d}" for i in range(1, len(df) + 1)]
    df["created_date"] = df["created_date"].dt.strftime("%Y-%m-%d")
    ctx.tables["genai_outputs"] = df.reset_index(drop=True)
