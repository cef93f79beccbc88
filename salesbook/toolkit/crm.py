"""CRM и CDP (раздел 7.1): качество данных, поиск дублей, единый профиль клиента, стоимость владения.

Записи о контактах — таблица ``crm_records`` (контакты, впервые вовлечённые в 2025 году, из
разных источников). Нормализация приводит поля к одному виду, блокировка отбирает пары-кандидаты,
RapidFuzz сравнивает имена и компании, правило решает «один человек или нет». Точность и полнота
правила считаются по парам записей против истинного ``true_contact_id``, который в настоящей CRM
неизвестен. Профиль клиента собирается по ``account_id`` из лидов, касаний, активностей,
использования продукта, обращений в поддержку и MRR.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from statsmodels.stats.proportion import proportion_confint

from salesbook.toolkit.validation import MetricError, positive, require_columns, share

#: Бесплатные почтовые домены: адрес на них — личная почта, по нему не определить компанию.
#: Слабое свидетельство: в малом бизнесе такой ящик бывает общим у директора и бухгалтера.
PERSONAL_DOMAINS = frozenset({"mail.ru", "yandex.ru", "ya.ru", "yandex.com", "yandex.by", "yandex.kz",
                              "gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru"})
#: Доменные алиасы Яндекс Почты: ivan@ya.ru и ivan@yandex.ru — один ящик.
YANDEX_ALIASES = frozenset({"ya.ru", "yandex.com", "yandex.by", "yandex.kz"})
#: Общие ящики компании: один адрес у многих людей, сливать записи по нему нельзя.
GENERIC_MAILBOXES = frozenset({"info", "office", "mail", "sales", "hello", "zakaz", "buh"})
#: Организационно-правовые формы, которые убирают из названия перед сравнением.
LEGAL_FORMS = frozenset({"ооо", "ао", "пао", "зао", "оао", "ип", "гбу", "гау", "мку", "фгбу", "муп", "гуп",
                         "llc", "jsc", "ltd", "ooo", "ao", "pao"})
#: Русские подписи кодов: источники записей ``crm_records`` и роли людей из ``contacts``.
LABELS = {"web_form": "Форма на сайте", "manual": "Вручную (SDR)", "event_import": "Импорт с мероприятий",
          "billing": "Биллинг (1С)", "chat": "Чат", "partner": "Партнёры", "all": "Все источники",
          "champion": "Чемпион", "economic_buyer": "Экономический покупатель", "end_user": "Пользователь",
          "executive": "Руководитель", "it_security": "ИТ и безопасность", "procurement": "Закупки",
          "finance": "Финансы", "marketing": "Маркетинг", "ae": "AE", "sdr": "SDR", "se": "SE"}
#: Поля записи о контакте и их имена в ``crm_records``.
FIELDS = {"name": "full_name", "company": "company_name", "email": "email", "phone": "phone"}

_LAT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
                 "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))
#: Адрес: латиница или кириллица в имени ящика и домене (домены .рф и другие IDN), зона — буквы
#: или punycode (xn--p1ai).
_EMAIL = re.compile(r"^[a-z0-9а-яё._%-]+@[a-z0-9а-яё-]+(\.[a-z0-9а-яё-]+)*\.([a-zа-яё]{2,}|xn--[a-z0-9-]+)$")


def label(code) -> str:
    """Русская подпись кода раздела (источник записи, роль контакта); пропуск — «—»."""
    if _blank(code):
        return "—"
    return LABELS.get(str(code), str(code))


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str)
                                                                                and not value.strip())


# ---------------------------------------------------------------------------
# Нормализация полей
# ---------------------------------------------------------------------------


def normalize_phone(value) -> str | None:
    """Телефон в формате E.164 (``+79161234567``) или ``None``, если номер неполный или пустой.

    Российский номер — 10 цифр после кода страны: «8 916 …», «+7 (916) …», «7-916-…» и «916…»
    дают один результат; российский номер другой длины считается ошибкой ввода. Номер с «+» и
    другим кодом страны (+375, +998…) длиной 11–15 цифр сохраняется как есть, без проверки
    длины по стране: такую проверку делает библиотека ``phonenumbers`` (порт libphonenumber).
    """
    if _blank(value):
        return None
    text = str(value).strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") and not digits.startswith("7"):
        return "+" + digits if 11 <= len(digits) <= 15 else None
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    if len(digits) == 10 and digits[0] in "3489":
        return "+7" + digits
    return None


def normalize_email(value) -> str | None:
    """E-mail строчными, без пробелов и без плюс-алиаса (``ivan+event@x.ru`` → ``ivan@x.ru``).

    Доменные алиасы Яндекса (``ya.ru``, ``yandex.com``…) сводятся к ``yandex.ru``. Кириллические
    домены (``.рф``) допустимы. Возвращает ``None``, если строка не похожа на адрес. Точки в имени
    ящика не убираются: так делает только Gmail, у российских почтовых сервисов точка — часть адреса.
    """
    if _blank(value):
        return None
    email = str(value).strip().lower()
    local, at, domain = email.partition("@")
    if not at:
        return None
    domain = "yandex.ru" if domain in YANDEX_ALIASES else domain
    email = f"{local.split('+')[0]}@{domain}"
    return email if _EMAIL.match(email) else None


def is_personal_email(email) -> bool:
    """Адрес на бесплатном почтовом домене (mail.ru, yandex.ru, gmail.com…)."""
    return isinstance(email, str) and email.rpartition("@")[2] in PERSONAL_DOMAINS


def is_generic_email(email) -> bool:
    """Общий ящик компании (info@, office@, sales@…): одним адресом пользуются многие люди."""
    return isinstance(email, str) and email.partition("@")[0] in GENERIC_MAILBOXES


def transliterate(text: str) -> str:
    """Кириллица латиницей (упрощённая транслитерация без диакритики): «Вега Тех» → «vega tekh»."""
    return "".join(_LAT.get(ch, ch) for ch in str(text).lower())


def normalize_company(value) -> str | None:
    """Название компании для сравнения: строчными, без кавычек и орг.-правовой формы, латиницей.

    «ООО „Вега Тех Сервис“», «Вега Тех Сервис» и «Vega Tekh Servis LLC» дают «vega tekh servis».
    """
    if _blank(value):
        return None
    text = re.sub(r"[„“”\"«»'.,]", " ", str(value).lower().replace("ё", "е"))
    words = [w for w in text.split() if w not in LEGAL_FORMS]
    words = [w for w in transliterate(" ".join(words)).split() if w not in LEGAL_FORMS]
    return " ".join(words) or None


def normalize_name(value) -> str | None:
    """ФИО для сравнения: строчными, ё → е, без точек и лишних пробелов."""
    if _blank(value):
        return None
    text = re.sub(r"[.,]", " ", str(value).lower().replace("ё", "е"))
    return " ".join(text.split()) or None


def normalize_records(records: pd.DataFrame) -> pd.DataFrame:
    """Записи ``crm_records`` с нормализованными полями ``name``, ``company``, ``email``, ``phone``.

    Исходные столбцы сохраняются; ``email`` и ``phone`` пусты, если значение отсутствует или
    не прошло проверку формата. ИНН (если есть столбец ``inn``) — только цифры.
    """
    require_columns(records, ["record_id", *FIELDS.values()], "crm_records")
    out = records.copy()
    out["name"] = out["full_name"].map(normalize_name)
    out["company"] = out["company_name"].map(normalize_company)
    out["email_norm"] = out["email"].map(normalize_email)
    out["phone_norm"] = out["phone"].map(normalize_phone)
    if "inn" in out.columns:
        out["inn"] = out["inn"].map(lambda v: None if _blank(v) else re.sub(r"\D", "", str(v)) or None)
    return out


# ---------------------------------------------------------------------------
# Качество данных
# ---------------------------------------------------------------------------


def quality_by_source(records: pd.DataFrame) -> pd.DataFrame:
    """Полнота и корректность полей по источникам записей (доли от числа записей источника).

    Столбцы ``<поле>_filled`` — доля записей, где поле заполнено (полнота); ``email_valid`` и
    ``phone_valid`` — доля записей с адресом или номером, прошедшим нормализацию (корректность).
    Последняя строка ``all`` — по всем записям.
    """
    require_columns(records, ["source", *FIELDS.values()], "crm_records", non_empty=True)
    r = records.copy()
    flags = pd.DataFrame({f"{short}_filled": ~r[col].map(_blank) for short, col in FIELDS.items()})
    flags["email_valid"] = r["email"].map(normalize_email).notna()
    flags["phone_valid"] = r["phone"].map(normalize_phone).notna()
    flags["source"] = r["source"]
    by = flags.groupby("source").mean()
    by.loc["all"] = flags.drop(columns="source").mean()
    by.insert(0, "records", list(flags.groupby("source").size()) + [len(flags)])
    return by


def uniqueness(records: pd.DataFrame, key: str = "true_contact_id") -> float:
    """Уникальность: доля записей, которые нужны (различных людей на запись), от 0 до 1."""
    require_columns(records, [key], "crm_records", non_empty=True)
    return float(records[key].nunique() / len(records))


def true_pairs(records: pd.DataFrame, key: str = "true_contact_id") -> int:
    """Число пар записей об одном человеке: Σ k·(k − 1)/2 по людям с k записями."""
    require_columns(records, [key], "crm_records")
    k = records.groupby(key).size()
    return int((k * (k - 1) // 2).sum())


# ---------------------------------------------------------------------------
# Блокировка, сравнение, правило
# ---------------------------------------------------------------------------


def block_keys(norm: pd.DataFrame) -> pd.DataFrame:
    """Ключи блокировки записи: e-mail (кроме общих ящиков), телефон, первые 4 буквы компании.

    Если в записях есть столбец ``inn`` (ИНН из биллинга, партнёрской регистрации, договора),
    он тоже становится ключом: компании с одним ИНН — одна компания, как бы ни было записано название.
    """
    require_columns(norm, ["record_id", "email_norm", "phone_norm", "company"], "нормализованные записи")
    email = norm["email_norm"].where(~norm["email_norm"].map(is_generic_email))
    keys = [("email", email), ("phone", norm["phone_norm"]), ("company", norm["company"].str[:4])]
    if "inn" in norm.columns:
        keys.append(("inn", norm["inn"]))
    parts = [pd.DataFrame({"record_id": norm["record_id"], "key": kind + ":" + value})
             for kind, value in keys]
    return pd.concat(parts).dropna().reset_index(drop=True)


def candidate_pairs(norm: pd.DataFrame, max_block: int = 50) -> pd.DataFrame:
    """Пары-кандидаты: записи, у которых совпал хотя бы один ключ блокировки.

    Блоки больше ``max_block`` записей пропускаются (слишком общий ключ). Пара ``(left, right)``
    записана один раз, ``left < right``.
    """
    keys = block_keys(norm)
    size = keys.groupby("key")["record_id"].transform("size")
    keys = keys[(size > 1) & (size <= max_block)]
    joined = keys.merge(keys, on="key", suffixes=("_l", "_r"))
    joined = joined[joined["record_id_l"] < joined["record_id_r"]]
    pairs = joined[["record_id_l", "record_id_r"]].drop_duplicates()
    return pairs.rename(columns={"record_id_l": "left", "record_id_r": "right"}).reset_index(drop=True)


def _ratio(a, b, scorer) -> float:
    if a is None or b is None or (isinstance(a, float)) or (isinstance(b, float)):
        return np.nan
    return float(scorer(a, b))


def score_pairs(norm: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Сходство пар: ``name_score`` (RapidFuzz token_sort_ratio, 0–100), ``company_score`` (WRatio),
    ``email_same`` и ``phone_same`` (точное совпадение нормализованных значений; общий ящик
    info@ совпадением не считается), ``inn_same`` — если в записях есть ИНН. Пустое поле даёт NaN и False.
    """
    require_columns(pairs, ["left", "right"], "пары")
    n = norm.set_index("record_id")
    left, right = n.loc[pairs["left"]].reset_index(), n.loc[pairs["right"]].reset_index()
    out = pairs.copy().reset_index(drop=True)
    out["name_score"] = [_ratio(a, b, fuzz.token_sort_ratio) for a, b in zip(left["name"], right["name"])]
    out["company_score"] = [_ratio(a, b, fuzz.WRatio) for a, b in zip(left["company"], right["company"])]
    generic = left["email_norm"].map(is_generic_email)
    out["email_same"] = (left["email_norm"].notna() & (left["email_norm"] == right["email_norm"]) & ~generic).to_numpy()
    out["phone_same"] = (left["phone_norm"].notna() & (left["phone_norm"] == right["phone_norm"])).to_numpy()
    if "inn" in norm.columns:
        out["inn_same"] = (left["inn"].notna() & (left["inn"].astype(str) == right["inn"].astype(str))).to_numpy()
    if "true_contact_id" in norm.columns:
        out["same_person"] = (left["true_contact_id"] == right["true_contact_id"]).to_numpy()
    return out


def match_rule(scored: pd.DataFrame, threshold: float = 85, company_min: float = 85) -> pd.Series:
    """Правило «одна персона»: совпал личный e-mail, или имя похоже не меньше ``threshold``
    и при этом совпал телефон или компания похожа не меньше ``company_min``. Если в парах есть
    ``inn_same``, совпавший ИНН заменяет сравнение названий: компания та же.
    """
    require_columns(scored, ["name_score", "company_score", "email_same", "phone_same"], "оценённые пары")
    t = positive(threshold, "Порог сходства имён", allow_zero=True)
    name_ok = scored["name_score"].fillna(-1) >= t
    company_ok = scored["company_score"].fillna(-1) >= company_min
    if "inn_same" in scored.columns:
        company_ok = company_ok | scored["inn_same"]
    return scored["email_same"] | (name_ok & (scored["phone_same"] | company_ok))


def precision_recall(scored: pd.DataFrame, predicted: pd.Series, total_true_pairs: int) -> dict[str, float]:
    """Точность и полнота поиска дублей по парам записей.

    Точность — доля верных среди пар, признанных дублями; полнота — доля найденных среди ВСЕХ
    пар записей об одном человеке (``total_true_pairs``, см. :func:`true_pairs`), а не только
    среди прошедших блокировку: дубль, который блокировка не показала, тоже пропущен.
    ``precision_low`` и ``precision_high`` — 95-процентный интервал Уилсона для точности.
    """
    require_columns(scored, ["same_person"], "оценённые пары")
    if total_true_pairs <= 0:
        raise MetricError("precision_recall: в записях нет ни одной пары дублей — полноту не посчитать.")
    predicted = pd.Series(predicted, index=scored.index).astype(bool)
    tp = int((predicted & scored["same_person"]).sum())
    fp = int((predicted & ~scored["same_person"]).sum())
    low, high = proportion_confint(tp, tp + fp, method="wilson") if tp + fp else (float("nan"), float("nan"))
    return {"predicted": int(predicted.sum()), "tp": tp, "fp": fp, "fn": int(total_true_pairs - tp),
            "precision": tp / (tp + fp) if tp + fp else float("nan"), "recall": tp / total_true_pairs,
            "precision_low": float(low), "precision_high": float(high)}


def threshold_table(scored: pd.DataFrame, total_true_pairs: int, thresholds: Iterable[float]) -> pd.DataFrame:
    """Точность и полнота правила :func:`match_rule` при разных порогах сходства имён."""
    rows = {t: precision_recall(scored, match_rule(scored, t), total_true_pairs) for t in thresholds}
    return pd.DataFrame(rows).T.rename_axis("threshold")


def error_cost(fp: float, fn: float, cost_false_merge: float, cost_missed_duplicate: float) -> float:
    """Цена ошибок поиска дублей, ₽: ложные слияния × цена слияния + пропущенные дубли × цена дубля.

    Единица счёта — та, за которую платит бизнес: записи, попавшие в чужую карточку, и лишние
    карточки (см. :func:`card_errors`); можно передать и пары из :func:`precision_recall`.
    """
    positive(cost_false_merge, "Цена ложного слияния", allow_zero=True)
    positive(cost_missed_duplicate, "Цена пропущенного дубля", allow_zero=True)
    return float(fp * cost_false_merge + fn * cost_missed_duplicate)


def resolve(records: pd.DataFrame, scored: pd.DataFrame, predicted: pd.Series) -> pd.Series:
    """Идентификатор найденного человека для каждой записи: связные компоненты графа «пара — дубль».

    Номер компоненты — наименьший ``record_id`` в ней. Две записи, связанные через третью,
    попадают к одному человеку, даже если их самих правило не сравнивало.
    """
    parent = {r: r for r in records["record_id"]}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    hits = scored.loc[pd.Series(predicted, index=scored.index).astype(bool), ["left", "right"]]
    for a, b in hits.itertuples(index=False):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return pd.Series({r: find(r) for r in records["record_id"]}, name="person_id")


def card_errors(records: pd.DataFrame, person: pd.Series, key: str = "true_contact_id") -> dict[str, int]:
    """Ошибки по карточкам после :func:`resolve` — так качество слияния видит отдел продаж.

    ``mixed_cards`` — карточек, где смешаны разные люди; ``records_in_mixed`` — записей в них;
    ``misplaced`` — записей в чужой карточке (в смешанной карточке все, кроме записей её
    основного человека); ``extra_cards`` — лишних карточек: у человека, разнесённого по k карточкам,
    лишних k − 1; ``cards`` и ``people`` — найдено карточек и настоящих людей.
    """
    require_columns(records, ["record_id", key], "crm_records")
    frame = pd.DataFrame({"card": person.reindex(records["record_id"]).to_numpy(), "true": records[key].to_numpy()})
    people_per_card = frame.groupby("card")["true"].nunique()
    mixed = people_per_card[people_per_card > 1].index
    in_mixed = frame[frame["card"].isin(mixed)]
    main = in_mixed.groupby(["card", "true"]).size().groupby("card").max()
    cards_per_person = frame.groupby("true")["card"].nunique()
    return {"cards": int(frame["card"].nunique()), "people": int(frame["true"].nunique()),
            "mixed_cards": int(len(mixed)), "records_in_mixed": int(len(in_mixed)),
            "misplaced": int(len(in_mixed) - main.sum()), "extra_cards": int((cards_per_person - 1).sum())}


def card_error_table(records: pd.DataFrame, scored: pd.DataFrame, thresholds: Iterable[float]) -> pd.DataFrame:
    """:func:`card_errors` правила :func:`match_rule` при разных порогах сходства имён."""
    rows = {t: card_errors(records, resolve(records, scored, match_rule(scored, t))) for t in thresholds}
    return pd.DataFrame(rows).T.rename_axis("threshold")


def link_accounts(norm: pd.DataFrame, accounts: pd.DataFrame, person: pd.Series | None = None) -> pd.Series:
    """Компания из ``accounts`` для каждой записи: точное совпадение нормализованного названия.

    Если задан ``person`` (результат :func:`resolve`), компания, найденная у одной записи
    человека, переходит на все его записи (так CDP достраивает граф идентичности).
    """
    require_columns(accounts, ["account_id", "company_name"], "accounts")
    names = accounts.assign(key=accounts["company_name"].map(normalize_company))
    names = names.drop_duplicates("key", keep=False).set_index("key")["account_id"]
    linked = norm["company"].map(names)
    linked.index = norm["record_id"]
    if person is not None:
        by_person = linked.groupby(person.reindex(linked.index)).transform(lambda s: s.dropna().iloc[0]
                                                                           if s.notna().any() else np.nan)
        linked = linked.fillna(by_person)
    return linked.rename("account_id")


# ---------------------------------------------------------------------------
# Единый профиль клиента (CDP)
# ---------------------------------------------------------------------------


def account_profile(leads: pd.DataFrame, touches: pd.DataFrame, activities: pd.DataFrame,
                    usage: pd.DataFrame, tickets: pd.DataFrame, mrr: pd.DataFrame,
                    as_of: str = "2025-12-31") -> pd.DataFrame:
    """Единый профиль B2B-аккаунта на дату ``as_of``: одна строка на компанию с лидами.

    Столбцы: ``first_touch`` (первое маркетинговое касание или создание первого лида),
    ``first_channel`` (канал первого лида), ``channels`` (различных каналов лидов), ``leads``,
    ``last_activity`` (последняя активность продаж по лидам и сделкам компании), ``usage_month``,
    ``active_users`` и ``licensed_seats`` (последний месяц в данных об использовании, активные
    пользователи и оплаченные места в нём), ``tickets_12m`` (обращения в
    поддержку за 12 месяцев до ``as_of``), ``mrr_rub`` (MRR в месяце ``as_of``, ₽), ``first_paid``
    (первый месяц с MRR — от него считают, идёт ли ещё внедрение).
    """
    require_columns(leads, ["lead_id", "account_id", "created_date", "channel", "opportunity_id"], "leads")
    require_columns(touches, ["lead_id", "date"], "touches")
    require_columns(activities, ["lead_id", "opportunity_id", "date"], "activities")
    require_columns(usage, ["month", "account_id", "active_users", "licensed_seats"], "product_usage")
    require_columns(tickets, ["account_id", "created_date"], "support_tickets")
    require_columns(mrr, ["month", "account_id", "mrr_rub"], "mrr")
    end = pd.Timestamp(as_of)
    lead = leads[leads["created_date"] <= end].sort_values(["created_date", "lead_id"])
    prof = lead.groupby("account_id").agg(first_lead=("created_date", "min"), first_channel=("channel", "first"),
                                          channels=("channel", "nunique"), leads=("lead_id", "size"))
    t = touches[touches["date"] <= end].merge(lead[["lead_id", "account_id"]], on="lead_id")
    prof["first_touch"] = pd.concat([t.groupby("account_id")["date"].min(), prof["first_lead"]],
                                    axis=1).min(axis=1)
    opp_account = lead.dropna(subset=["opportunity_id"]).set_index("opportunity_id")["account_id"]
    act = activities[activities["date"] <= end]
    act_account = act["lead_id"].map(lead.set_index("lead_id")["account_id"]).fillna(
        act["opportunity_id"].map(opp_account))
    prof["last_activity"] = act.groupby(act_account)["date"].max()
    last_month = usage[usage["month"] <= end].sort_values("month").groupby("account_id").last()
    prof["active_users"] = last_month["active_users"]
    prof["licensed_seats"] = last_month["licensed_seats"]
    prof["usage_month"] = last_month["month"]
    recent = tickets[(tickets["created_date"] > end - pd.DateOffset(months=12)) & (tickets["created_date"] <= end)]
    prof["tickets_12m"] = recent.groupby("account_id").size()
    prof["tickets_12m"] = prof["tickets_12m"].fillna(0).astype(int)
    month = end.to_period("M").to_timestamp()
    prof["mrr_rub"] = mrr[mrr["month"] == month].groupby("account_id")["mrr_rub"].sum()
    prof["mrr_rub"] = prof["mrr_rub"].fillna(0.0)
    paid = mrr[(mrr["mrr_rub"] > 0) & (mrr["month"] <= end)]
    prof["first_paid"] = paid.groupby("account_id")["month"].min()
    cols = ["first_touch", "first_channel", "channels", "leads", "last_activity", "usage_month", "active_users",
            "licensed_seats", "tickets_12m", "mrr_rub", "first_paid"]
    return prof[cols]


# ---------------------------------------------------------------------------
# Стоимость владения CRM
# ---------------------------------------------------------------------------


def tco(seats: int, *, implementation_rub: float, integration_rub: float, admin_hours_per_month: float,
        hour_cost_rub: float, years: int = 3, licence_per_seat_month: float = 0.0,
        package_per_month: float = 0.0, package_seats: int | None = None, perpetual_licence_rub: float = 0.0,
        renewal_share: float = 0.0, widgets_per_seat_month: float = 0.0, annual_price_growth: float = 0.0,
        hosting_per_month: float = 0.0) -> pd.Series:
    """Совокупная стоимость владения CRM (TCO) за ``years`` лет, ₽, по статьям. Без дисконтирования.

    Лицензии — как их продают: подписка за место (места × цена в месяц × 12), подписка пакетами
    (пакетов на ``package_seats`` пользователей, сколько нужно на ``seats`` мест, × цена пакета × 12) —
    обе растут на ``annual_price_growth`` в год; или бессрочная лицензия разово плюс продление
    обновлений со второго года (доля ``renewal_share`` цены лицензии в год). ``widgets`` — платные
    виджеты маркетплейса за место в месяц (мессенджеры, телефония), растут так же. Внедрение и
    интеграции — разово; администрирование — часы в месяц × цена часа × 12 × годы; хостинг
    (коробка на своих серверах) — в месяц.
    """
    s = positive(seats, "Мест в CRM")
    g = share(annual_price_growth, "Рост цены в год", upper_open=True)
    y = int(positive(years, "Срок, лет"))
    growth = sum((1 + g) ** k for k in range(y))
    per_seat = positive(licence_per_seat_month, "Цена места в месяц", allow_zero=True) * s
    package = positive(package_per_month, "Цена пакета в месяц", allow_zero=True)
    if package:
        size = positive(package_seats if package_seats is not None else 0, "Пользователей в пакете")
        package *= -(-s // size)
    perpetual = positive(perpetual_licence_rub, "Бессрочная лицензия", allow_zero=True)
    renewal = perpetual * share(renewal_share, "Продление обновлений, доля цены лицензии", upper_open=True) * (y - 1)
    admin = positive(admin_hours_per_month, "Часов администрирования в месяц", allow_zero=True) \
        * positive(hour_cost_rub, "Цена часа", allow_zero=True) * 12 * y
    parts = {"licences": (per_seat + package) * 12 * growth + perpetual + renewal,
             "widgets": positive(widgets_per_seat_month, "Виджеты за место в месяц", allow_zero=True) * s * 12 * growth,
             "implementation": positive(implementation_rub, "Внедрение", allow_zero=True),
             "integration": positive(integration_rub, "Интеграции", allow_zero=True), "admin": admin,
             "hosting": positive(hosting_per_month, "Хостинг в месяц", allow_zero=True) * 12 * y}
    parts["total"] = sum(parts.values())
    return pd.Series(parts, name="tco_rub")


def breakeven_admin_hours(option: dict, rival_total: float, seats: int, hour_cost_rub: float,
                          years: int = 3) -> float:
    """Часов администрирования в месяц, при которых вариант ``option`` стоит за ``years`` лет
    столько же, сколько соперник с TCO ``rival_total``: меньше часов — вариант дешевле.

    ``option`` — параметры :func:`tco` без ``hour_cost_rub`` и ``years``; отрицательный ответ
    значит, что вариант дороже соперника даже без администрирования.
    """
    positive(hour_cost_rub, "Цена часа")
    y = int(positive(years, "Срок, лет"))
    without_admin = tco(seats, **{**option, "admin_hours_per_month": 0}, hour_cost_rub=hour_cost_rub, years=y)
    return float((rival_total - without_admin["total"]) / (hour_cost_rub * 12 * y))
