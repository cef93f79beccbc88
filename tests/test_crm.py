"""Функции раздела 7.1: нормализация, качество данных, пары, точность и полнота, профиль, TCO.

Случаи посчитаны руками; сравнение строк — RapidFuzz, его примеры воспроизводят README FuzzyWuzzy/TheFuzz
(seatgeek), откуда пришли token_sort_ratio и WRatio.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz

from salesbook.toolkit import crm
from salesbook.toolkit.validation import MetricError


def test_rapidfuzz_reproduces_the_thefuzz_readme_examples():
    # README seatgeek/thefuzz: ratio 97, partial_ratio 100, ratio 91, token_sort_ratio 100 и 84, token_set_ratio 100
    assert round(fuzz.ratio("this is a test", "this is a test!")) == 97
    assert fuzz.partial_ratio("this is a test", "this is a test!") == 100
    assert round(fuzz.ratio("fuzzy wuzzy was a bear", "wuzzy fuzzy was a bear")) == 91
    assert fuzz.token_sort_ratio("fuzzy wuzzy was a bear", "wuzzy fuzzy was a bear") == 100
    assert round(fuzz.token_sort_ratio("fuzzy was a bear", "fuzzy fuzzy was a bear")) == 84
    assert fuzz.token_set_ratio("fuzzy was a bear", "fuzzy fuzzy was a bear") == 100


@pytest.mark.parametrize("raw", ["+7 (916) 123-45-67", "89161234567", "+79161234567", "8 916 123 45 67",
                                 "7-916-123-45-67", "9161234567"])
def test_phone_formats_give_one_e164(raw):
    assert crm.normalize_phone(raw) == "+79161234567"


@pytest.mark.parametrize("raw", [None, np.nan, "", "+7 (916) 123-45-", "12345", "+375 29 12", "+1 650 253 0000 1234 5"])
def test_bad_phones_are_none(raw):
    assert crm.normalize_phone(raw) is None


def test_foreign_numbers_keep_their_country_code():
    # номера СНГ — не ошибка ввода: +375 (Беларусь), +998 (Узбекистан) сохраняются в E.164
    assert crm.normalize_phone("+375 (29) 123-45-67") == "+375291234567"
    assert crm.normalize_phone("+998 90 123 45 67") == "+998901234567"
    assert crm.normalize_phone("+7 916 123 45 67") == "+79161234567"


def test_email_normalisation():
    assert crm.normalize_email(" Ivan.Petrov+event@Vega-Tekh.RU ") == "ivan.petrov@vega-tekh.ru"
    assert crm.normalize_email("ivan.petrov@vega-tekh.ru") == "ivan.petrov@vega-tekh.ru"
    assert crm.normalize_email("не почта") is None
    assert crm.normalize_email(None) is None
    assert crm.is_personal_email("ivanpetrov@yandex.ru") and not crm.is_personal_email("i@vega.ru")
    assert crm.is_generic_email("info@vega.ru") and not crm.is_generic_email("ivan@vega.ru")


def test_email_yandex_aliases_and_idn_domains():
    # доменные алиасы Яндекса — один ящик; точка в имени ящика — часть адреса
    assert crm.normalize_email("Ivan.Petrov@ya.ru") == "ivan.petrov@yandex.ru"
    assert crm.normalize_email("ivan.petrov@yandex.com") == crm.normalize_email("ivan.petrov@yandex.ru")
    assert crm.normalize_email("ivanpetrov@yandex.ru") != crm.normalize_email("ivan.petrov@yandex.ru")
    assert crm.is_personal_email(crm.normalize_email("ivan@yandex.kz"))
    # кириллические домены и punycode
    assert crm.normalize_email("Иван@Почта.РФ") == "иван@почта.рф"
    assert crm.normalize_email("ivan@xn--80a1acny.xn--p1ai") == "ivan@xn--80a1acny.xn--p1ai"


def test_company_variants_collapse():
    variants = ["ООО „Вега Тех Сервис“", 'ООО "Вега Тех Сервис"', "Вега Тех Сервис", "вега тех сервис ооо",
                "Vega Tekh Servis LLC"]
    assert {crm.normalize_company(v) for v in variants} == {"vega tekh servis"}
    assert crm.normalize_company("ГБУ „Центр цифрового развития“") == "tsentr tsifrovogo razvitiya"
    assert crm.normalize_company("  ") is None


def test_name_normalisation():
    assert crm.normalize_name("Фёдорова  Анна Ю.") == "федорова анна ю"
    assert crm.normalize_name(np.nan) is None


RECORDS = pd.DataFrame({
    "record_id": ["CR1", "CR2", "CR3", "CR4", "CR5"],
    "source": ["web_form", "manual", "event_import", "event_import", "chat"],
    "full_name": ["Петров Иван Сергеевич", "Иван Петров", "Петрова Анна", "Сидоров Олег", None],
    "company_name": ["ООО „Вега Тех“", "Вега Тех", "Vega Tekh LLC", "ООО „Альфа“", "Альфа"],
    "email": ["ivan.petrov@vega.ru", "IVAN.PETROV+x@vega.ru", "info@vega.ru", "info@vega.ru", None],
    "phone": ["89161234567", "+7 (916) 123-45-67", None, "12", "+79990000000"],
    "true_contact_id": ["CT1", "CT1", "CT2", "CT3", "CT3"],
})


def test_quality_by_source_by_hand():
    q = crm.quality_by_source(RECORDS)
    assert q.loc["event_import", "records"] == 2
    assert q.loc["event_import", "phone_filled"] == 0.5      # «12» заполнен, но неверен
    assert q.loc["event_import", "phone_valid"] == 0.0
    assert q.loc["all", "email_filled"] == pytest.approx(4 / 5)
    assert q.loc["all", "phone_valid"] == pytest.approx(3 / 5)


def test_uniqueness_and_true_pairs():
    assert crm.uniqueness(RECORDS) == pytest.approx(3 / 5)
    assert crm.true_pairs(RECORDS) == 2                          # CT1: 1 пара, CT3: 1 пара
    four = pd.DataFrame({"true_contact_id": ["a"] * 4 + ["b"]})
    assert crm.true_pairs(four) == 6


def test_pairs_scores_rule_and_metrics_by_hand():
    norm = crm.normalize_records(RECORDS)
    pairs = crm.candidate_pairs(norm)
    got = set(map(tuple, pairs[["left", "right"]].to_numpy()))
    # e-mail info@ не блокирует; компания «vega…» — CR1, CR2, CR3; «alfa» — CR4, CR5
    assert got == {("CR1", "CR2"), ("CR1", "CR3"), ("CR2", "CR3"), ("CR4", "CR5")}
    s = crm.score_pairs(norm, pairs).set_index(["left", "right"])
    assert s.loc[("CR1", "CR2"), "email_same"] and s.loc[("CR1", "CR2"), "phone_same"]
    assert not s.loc[("CR1", "CR3"), "email_same"]
    assert math.isnan(s.loc[("CR4", "CR5"), "name_score"])
    s = s.reset_index()
    pred = crm.match_rule(s, 85)
    assert list(s.loc[pred, "left"]) == ["CR1"] and list(s.loc[pred, "right"]) == ["CR2"]
    m = crm.precision_recall(s, pred, crm.true_pairs(RECORDS))
    assert m["tp"] == 1 and m["fp"] == 0 and m["fn"] == 1
    assert m["precision"] == 1.0 and m["recall"] == 0.5
    person = crm.resolve(RECORDS, s, pred)
    assert person["CR2"] == "CR1" and person["CR3"] == "CR3"


def test_inn_is_a_blocking_key_and_a_company_match():
    rec = pd.DataFrame({"record_id": ["a", "b", "c"], "full_name": ["Петров Иван", "Иван Петров", "Сидоров Олег"],
                        "company_name": ["ООО „Вега“", "АО „Северный холдинг“", "ООО „Альфа“"],
                        "email": [None, None, None], "phone": [None, None, None],
                        "inn": ["7701234567", "7701 234 567", None]})
    norm = crm.normalize_records(rec)
    pairs = crm.candidate_pairs(norm)
    assert ("a", "b") in set(map(tuple, pairs[["left", "right"]].to_numpy()))   # названия разные, ИНН один
    s = crm.score_pairs(norm, pairs)
    assert s["inn_same"].tolist() == [True] and crm.match_rule(s, 85).tolist() == [True]
    no_inn = crm.score_pairs(norm.drop(columns="inn"), pairs)
    assert "inn_same" not in no_inn and not crm.match_rule(no_inn, 85).any()


def test_card_errors_by_hand():
    # карточки: {a, b, c} — два человека (P1: a, b; P2: c); {d} и {e} — один человек P3 в двух карточках
    rec = pd.DataFrame({"record_id": list("abcde"), "true_contact_id": ["P1", "P1", "P2", "P3", "P3"]})
    person = pd.Series({"a": "a", "b": "a", "c": "a", "d": "d", "e": "e"})
    e = crm.card_errors(rec, person)
    assert e == {"cards": 3, "people": 3, "mixed_cards": 1, "records_in_mixed": 3, "misplaced": 1, "extra_cards": 1}
    # пар тут: 2 ложных (a–c, b–c) и 1 пропущенная (d–e) — а карточек с ошибкой по одной
    table = crm.card_error_table(rec, pd.DataFrame({"left": ["a"], "right": ["b"], "name_score": [100.0],
                                                    "company_score": [100.0], "email_same": [False],
                                                    "phone_same": [True]}), [85])
    assert table.loc[85, "mixed_cards"] == 0 and table.loc[85, "extra_cards"] == 1


def test_resolve_is_transitive():
    rec = pd.DataFrame({"record_id": ["a", "b", "c", "d"]})
    scored = pd.DataFrame({"left": ["a", "b"], "right": ["b", "c"]})
    person = crm.resolve(rec, scored, pd.Series([True, True]))
    assert person.to_dict() == {"a": "a", "b": "a", "c": "a", "d": "d"}


def test_error_cost_and_validation():
    assert crm.error_cost(10, 100, 4000, 1000) == 140_000
    with pytest.raises(MetricError):
        crm.error_cost(1, 1, -1, 1)
    with pytest.raises(MetricError):
        crm.precision_recall(pd.DataFrame({"same_person": [True]}), pd.Series([True]), 0)


def test_tco_by_hand():
    t = crm.tco(seats=10, licence_per_seat_month=1000, widgets_per_seat_month=100, implementation_rub=100_000,
                integration_rub=50_000, admin_hours_per_month=10, hour_cost_rub=2000, years=3, annual_price_growth=0.1)
    assert t["licences"] == pytest.approx(10 * 1000 * 12 * (1 + 1.1 + 1.21))
    assert t["widgets"] == pytest.approx(10 * 100 * 12 * (1 + 1.1 + 1.21))
    assert t["admin"] == 10 * 2000 * 36
    assert t["total"] == pytest.approx(t["licences"] + t["widgets"] + 150_000 + 720_000)
    with pytest.raises(MetricError):
        crm.tco(0, licence_per_seat_month=1000, implementation_rub=0, integration_rub=0, admin_hours_per_month=0,
                hour_cost_rub=0)


def test_tco_packages_and_perpetual_licence_by_hand():
    common = dict(implementation_rub=0, integration_rub=0, admin_hours_per_month=0, hour_cost_rub=1, years=3)
    # 60 мест при пакете на 50 — два пакета
    packs = crm.tco(60, package_per_month=10_000, package_seats=50, **common)
    assert packs["licences"] == 2 * 10_000 * 36
    # бессрочная лицензия разово плюс продление 20 % в год со второго года
    box = crm.tco(60, perpetual_licence_rub=500_000, renewal_share=0.2, **common)
    assert box["licences"] == pytest.approx(500_000 + 2 * 100_000)
    with pytest.raises(MetricError):
        crm.tco(60, package_per_month=10_000, **common)                # пакет без размера


def test_breakeven_admin_hours_by_hand():
    option = dict(licence_per_seat_month=0, implementation_rub=100_000, integration_rub=0, admin_hours_per_month=50)
    # сопернику 460 000 ₽ за 3 года; вариант без админа стоит 100 000 — запас 360 000 ₽ = 10 ч × 1000 ₽ × 36 мес
    assert crm.breakeven_admin_hours(option, 460_000, seats=5, hour_cost_rub=1000, years=3) == pytest.approx(10)
    assert crm.breakeven_admin_hours(option, 50_000, seats=5, hour_cost_rub=1000, years=3) < 0


def test_account_profile_by_hand():
    d = pd.Timestamp
    leads = pd.DataFrame({"lead_id": ["L1", "L2"], "account_id": ["A1", "A1"],
                          "created_date": [d("2024-03-01"), d("2025-02-01")], "channel": ["ppc", "events"],
                          "opportunity_id": [None, "O1"]})
    touches = pd.DataFrame({"lead_id": ["L1"], "date": [d("2024-02-20")]})
    acts = pd.DataFrame({"lead_id": [None, "L1"], "opportunity_id": ["O1", None],
                         "date": [d("2025-05-01"), d("2024-03-05")]})
    usage = pd.DataFrame({"month": [d("2025-11-01"), d("2025-12-01")], "account_id": ["A1", "A1"],
                          "active_users": [3, 4], "licensed_seats": [5, 5]})
    tickets = pd.DataFrame({"account_id": ["A1", "A1"], "created_date": [d("2024-06-01"), d("2025-06-01")]})
    mrr = pd.DataFrame({"month": [d("2025-10-01"), d("2025-11-01"), d("2025-12-01")], "account_id": ["A1"] * 3,
                        "mrr_rub": [0.0, 9950.0, 9950.0]})
    p = crm.account_profile(leads, touches, acts, usage, tickets, mrr).loc["A1"]
    assert p["first_touch"] == d("2024-02-20") and p["first_channel"] == "ppc"
    assert p["channels"] == 2 and p["leads"] == 2
    assert p["last_activity"] == d("2025-05-01")
    assert p["active_users"] == 4 and p["licensed_seats"] == 5
    assert p["tickets_12m"] == 1 and p["mrr_rub"] == 9950.0
    assert p["first_paid"] == d("2025-11-01")                    # первый месяц с MRR > 0


def test_link_accounts_propagates_through_person():
    norm = crm.normalize_records(RECORDS)
    accounts = pd.DataFrame({"account_id": ["A1", "A2"], "company_name": ["ООО „Вега Тех“", "ООО „Альфа“"]})
    person = pd.Series({"CR1": "CR1", "CR2": "CR1", "CR3": "CR3", "CR4": "CR4", "CR5": "CR4"})
    assert crm.link_accounts(norm, accounts).notna().all()
    norm.loc[norm["record_id"] == "CR5", "company"] = None
    assert pd.isna(crm.link_accounts(norm, accounts)["CR5"])
    assert crm.link_accounts(norm, accounts, person)["CR5"] == "A2"
