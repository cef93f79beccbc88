"""Таблица crm_records согласована с контактами и компаниями; доли дублей и пропусков — как в README § 34."""

from __future__ import annotations

import pytest

from salesbook.data import load
from salesbook.data.generator.params import crm as P
from salesbook.toolkit import crm


@pytest.fixture(scope="module")
def t():
    return {n: load(n) for n in ("crm_records", "contacts", "accounts")}


def test_joins_with_contacts_and_accounts(t):
    r, c = t["crm_records"], t["contacts"]
    x = r.merge(c, left_on="true_contact_id", right_on="contact_id", how="left", validate="m:1")
    assert x["contact_id"].notna().all()
    assert (x["account_id"] == x["true_account_id"]).all()
    assert (x["first_engaged_date"].dt.year == P.YEAR).all()
    assert (x["created_date"] >= x["first_engaged_date"]).all()
    assert (r["created_date"] <= f"{P.YEAR}-12-31").all()


def test_first_record_is_clean_and_from_the_entry_channel(t):
    r, c = t["crm_records"], t["contacts"].set_index("contact_id")
    first = r.sort_values(["created_date", "record_id"]).groupby("true_contact_id").head(1)
    engaged_by = first["true_contact_id"].map(c["engaged_by"])
    assert (first["source"] == engaged_by.map(lambda e: "manual" if e == "sdr" else "web_form")).all()
    names = t["accounts"].set_index("account_id")["company_name"]
    filled = first["company_name"].notna()
    assert (first.loc[filled, "company_name"] == first.loc[filled, "true_account_id"].map(names)).all()


def test_duplicate_share_and_size(t):
    r = t["crm_records"]
    per_person = r.groupby("true_contact_id").size()
    assert per_person.between(1, 4).all()
    assert 0.30 <= (per_person > 1).mean() <= 0.42          # параметры: 36 % людей с дублями
    sample = t["contacts"]["first_engaged_date"].dt.year.eq(P.YEAR).sum()
    assert 0.45 <= r["true_contact_id"].nunique() / sample <= 0.55
    assert 2000 <= len(r) <= 4000


def test_missing_by_source_follows_parameters(t):
    q = crm.quality_by_source(t["crm_records"])
    for source, (name, company, email, phone) in P.MISSING.items():
        n = q.loc[source, "records"]
        tol = 3 * (0.25 / n) ** 0.5 + 0.02                   # три стандартные ошибки доли
        # первая запись (form/manual) тоже подчиняется пропускам своего источника
        assert abs((1 - q.loc[source, "email_filled"]) - email) <= tol, source
        assert abs((1 - q.loc[source, "company_filled"]) - company) <= tol, source


def test_traps_are_present(t):
    r = t["crm_records"]
    emails = r["email"].map(crm.normalize_email)
    generic = emails.map(crm.is_generic_email)
    assert generic.any()
    # общий ящик у разных людей одной компании встречается
    g = r[generic].groupby(emails[generic])["true_contact_id"].nunique()
    assert (g > 1).any()
    phones = r["phone"].map(crm.normalize_phone)
    shared = r.assign(p=phones).dropna(subset=["p"]).groupby("p")["true_contact_id"].nunique()
    assert (shared > 1).any()


def test_a_personal_mailbox_belongs_to_one_person(t):
    r = t["crm_records"]
    emails = r["email"].map(crm.normalize_email)
    own = emails.notna() & ~emails.map(crm.is_generic_email)
    assert (r[own].groupby(emails[own])["true_contact_id"].nunique() == 1).all()
