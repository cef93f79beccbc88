"""Сырые записи о контактах в CRM: таблица crm_records (раздел 7.1).

Строка — запись, которую создал один источник (форма на сайте, импорт списка с мероприятия,
ручной ввод сотрудником, выгрузка из биллинга, чат, регистрация партнёром). У части контактов
из ``contacts`` записей несколько, и они написаны по-разному. Таблица выводится из готовых
таблиц (контакты, компании) и их не меняет; истинные ``contact_id`` и ``account_id`` сохранены,
чтобы измерить точность и полноту поиска дублей.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesbook.data.generator.context import Context
from salesbook.data.generator.params import crm as P
from salesbook.data.generator.pipeline import step
from salesbook.data.generator.steps.people import person_names

_LAT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
                 "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def _latin(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        t = _LAT.get(low, ch)
        out.append(t.capitalize() if ch != low and t else t)
    return "".join(out)


def _split_company(name: str) -> tuple[str, str]:
    """«ООО „Ладога Доставка“» → («ООО», «Ладога Доставка»)."""
    form, quote, rest = name.partition(" „")
    if not quote:
        return "", name
    return form, rest.strip("„“\"«» ")


def _typo(rng, word: str) -> str:
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = rng.integers(3)
    if kind == 0:                                   # пропущена буква
        return word[:i] + word[i + 1:]
    if kind == 1:                                   # переставлены соседние буквы
        return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]
    return word[:i] + word[i] + word[i:]            # удвоена буква


def _company(rng, name: str, style: str) -> str:
    form, core = _split_company(name)
    if style == "registry":
        return name
    if style == "straight_quotes":
        return f'{form} "{core}"'.strip()
    if style == "bare":
        return core
    if style == "form_last":
        return f"{core} {form}".strip().lower()
    if style == "latin":
        return f"{_latin(core)} {'LLC' if form == 'ООО' else 'JSC' if form else ''}".strip()
    if style == "typo":
        words = core.split()
        j = int(rng.integers(len(words)))
        words[j] = _typo(rng, words[j])
        return f"{form} «{' '.join(words)}»".strip()
    return core.split()[0]                          # short: только первое слово


def _person(rng, full: str, style: str) -> str:
    surname, first, patronymic = full.split()
    if style == "full":
        return full
    if style == "first_last":
        return f"{first} {surname}"
    if style == "initials":
        return f"{surname} {first[0]}. {patronymic[0]}."
    if style == "yo":
        return full.replace("ё", "е").replace("Ё", "Е") if "ё" in full.lower() else f"{first} {surname}"
    if style == "typo":
        return f"{_typo(rng, surname)} {first} {patronymic}"
    return f"{first} {surname}".lower()


def _phone(digits: str, fmt: str) -> str:
    d = digits                                      # 10 цифр без кода страны
    if fmt == "+7 (XXX) XXX-XX-XX":
        return f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"
    if fmt == "8XXXXXXXXXX":
        return "8" + d
    if fmt == "+7XXXXXXXXXX":
        return "+7" + d
    if fmt == "8 XXX XXX XX XX":
        return f"8 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]}"
    return f"7-{d[:3]}-{d[3:6]}-{d[6:8]}-{d[8:]}"


def _domain(core: str) -> str:
    words = [w for w in _latin(core.lower()).replace("-", " ").split() if w.isalnum()]
    return "-".join(words[:2]) + ".ru"


@step("сырые записи о контактах в CRM", reads=("tables.contacts", "tables.accounts"),
      writes=("tables.crm_records",), streams=("crm",))
def make_crm_records(ctx: Context, rng) -> None:
    """Записи о контактах 2025 года из нескольких источников: дубли, варианты написания, пропуски."""
    contacts = ctx.tables["contacts"].copy()
    engaged = pd.to_datetime(contacts["first_engaged_date"])
    pool = contacts[(engaged.dt.year == P.YEAR).to_numpy()].reset_index(drop=True)
    pool = pool[rng.random(len(pool)) < P.SAMPLE_SHARE].reset_index(drop=True)
    accounts = ctx.tables["accounts"].lookup("account_id", pool["account_id"], ["company_name"])
    n = len(pool)
    names = person_names(rng, n)
    first_date = pd.to_datetime(pool["first_engaged_date"]).to_numpy()
    n_records = rng.choice(P.RECORDS_PER_CONTACT, size=n, p=P.RECORDS_PER_CONTACT_P)
    corporate = rng.random(n) < P.CORPORATE_EMAIL_P
    mobile = [f"9{rng.integers(0, 10**9):09d}" for _ in range(n)]
    office = {a: f"{rng.choice([495, 499, 812, 343, 383, 846])}{rng.integers(0, 10**7):07d}"
              for a in sorted(set(pool["account_id"]))}
    end = pd.Timestamp(f"{P.YEAR}-12-31")
    rows, taken = [], set()
    for i in range(n):
        account = pool.at[i, "account_id"]
        company = accounts.at[account, "company_name"]
        domain = _domain(_split_company(company)[1])
        surname, first, _ = names[i].split()
        login = f"{_latin(first.lower())}.{_latin(surname.lower())}"
        personal = f"{login.replace('.', '')}{rng.integers(*P.BIRTH_YEARS)}@{rng.choice(P.PERSONAL_DOMAINS)}"
        while personal in taken:                    # у однофамильцев — разные ящики
            personal = personal.replace("@", "1@")
        taken.add(personal)
        base_email = f"{login}@{domain}" if corporate[i] else personal
        first_source = "manual" if pool.at[i, "engaged_by"] == "sdr" else "web_form"
        for k in range(int(n_records[i])):
            if k == 0:
                source, date = first_source, pd.Timestamp(first_date[i])
                name_style, company_style, email_style = "full", "registry", "same"
            else:
                source = str(rng.choice(P.SOURCES, p=P.REPEAT_SOURCE_P))
                date = min(pd.Timestamp(first_date[i]) + pd.Timedelta(days=int(rng.integers(0, P.MAX_LAG_DAYS))), end)
                name_style = str(rng.choice(P.NAME_STYLES, p=P.NAME_STYLES_P))
                company_style = str(rng.choice(P.COMPANY_STYLES, p=P.COMPANY_STYLES_P))
                email_style = str(rng.choice(P.EMAIL_STYLES, p=P.EMAIL_STYLES_P))
            email = {"same": base_email, "upper": base_email.upper(),
                     "plus": base_email.replace("@", f"+{source.split('_')[0]}@"),
                     "personal": personal, "generic": f"info@{domain}"}[email_style]
            digits = office[account] if rng.random() < P.OFFICE_PHONE_P else mobile[i]
            phone = _phone(digits, str(rng.choice(P.PHONE_FORMATS, p=P.PHONE_FORMATS_P)))
            if rng.random() < P.BAD_PHONE_P:
                phone = phone[:-2]
            values = [_person(rng, names[i], name_style), _company(rng, company, company_style), email, phone]
            missing = rng.random(4) < np.asarray(P.MISSING[source])
            values = [None if m else v for v, m in zip(values, missing)]
            rows.append((source, date, *values, pool.at[i, "contact_id"], account))
    out = pd.DataFrame(rows, columns=["source", "created_date", "full_name", "company_name", "email", "phone",
                                      "true_contact_id", "true_account_id"])
    out = out.sort_values(["created_date", "true_contact_id"], kind="stable").reset_index(drop=True)
    out.insert(0, "record_id", [f"CR{i:05d}" for i in range(1, len(out) + 1)])
    ctx.tables["crm_records"] = out
