"""Таблица ориентиров datasets/benchmarks.yml не расходится с данными молча."""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from salesbook import cli
from salesbook.data import DataError, benchmarks, keyfigures, load_all
from salesbook.toolkit.course import SEGMENTS

BIB = Path(benchmarks.ROOT / "book" / "references.bib").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows():
    return benchmarks.evaluate(load_all())


def _label(r) -> str:
    return f"{r.id} {r.segment or ''} {r.period}".strip()


def _lower(r) -> float:
    """Нижний край проверяемого: значение или, у строки с binomial_ci, нижняя граница интервала."""
    return r.value if pd.isna(r.ci_low) else r.ci_low


def _upper(r) -> float:
    return r.value if pd.isna(r.ci_high) else r.ci_high


def test_rows_without_gap_are_inside_their_range(rows):
    outside = [f"{_label(r)} = {r.value:.4g}, ориентир {r.low}–{r.high}" for r in rows.itertuples()
               if not isinstance(r.gap, str) and not r.inside]
    assert not outside, "Метрика вышла из опубликованного диапазона: " + "; ".join(outside)


def test_rows_with_gap_are_still_outside(rows):
    fixed = [_label(r) for r in rows.itertuples() if isinstance(r.gap, str) and r.inside]
    assert not fixed, ("Данные уже в диапазоне — уберите gap в datasets/benchmarks.yml и обновите README "
                       "(salesbook benchmarks --write): " + ", ".join(fixed))


def test_gap_keeps_its_side(rows):
    """Расхождение с указанной стороной (side) не перескочило на другую сторону диапазона."""
    wrong = [f"{_label(r)} = {r.value:.4g}, ориентир {r.low}–{r.high}, ожидалось {r.side}"
             for r in rows.itertuples() if isinstance(r.gap, str) and isinstance(r.side, str)
             and not (_upper(r) < r.low if r.side == "below" else _lower(r) > r.high)]
    assert not wrong, "Расхождение сменило сторону — перепишите gap: " + "; ".join(wrong)


def test_every_entry_is_complete_and_cited():
    for entry in benchmarks.load_benchmarks():
        assert {"id", "name", "how", "unit", "source", "verified", "rows"} <= set(entry), entry["id"]
        assert entry["unit"] in ("share", "months", "ratio", "number", "points")
        for key in entry["source"]:
            assert f"{{{key}," in BIB, f"{entry['id']}: нет записи {key} в book/references.bib"
        for row in entry["rows"]:
            assert row.get("low") is not None or row.get("high") is not None, entry["id"]
            assert row.get("segment") in (None, *SEGMENTS), entry["id"]
            assert row.get("side") in (None, "below", "above"), entry["id"]
            assert row.get("side") is None or "gap" in row, entry["id"]


def test_readme_tables_match_the_data(rows):
    text = benchmarks.README_FILE.read_text(encoding="utf-8")
    assert benchmarks.readme_block(text) == benchmarks.markdown(rows), \
        "Таблицы ориентиров в datasets/README.md устарели: выполните salesbook benchmarks --write"


@pytest.fixture(scope="module")
def figures():
    return keyfigures.compute(load_all())


def test_readme_key_figures_match_the_data(figures):
    text = keyfigures.README_FILE.read_text(encoding="utf-8")
    assert keyfigures.readme_block(text) == keyfigures.markdown(figures), \
        "Раздел «Ключевые цифры набора» в datasets/README.md устарел: выполните salesbook benchmarks --write"


def test_key_figures_use_the_course_definitions(figures):
    """CAC, окупаемость и LTV/CAC в README — те же, что считают разделы 1.1.1–1.1.4."""
    from salesbook.toolkit import acquisition, finance, unit_economics
    from salesbook.toolkit.course import YEAR_2024, YEARS_2024_2025

    t = load_all()
    spend, costs, opps, mrr, cogs = (t[n] for n in ("marketing_spend", "sm_costs", "opportunities", "mrr", "cogs"))
    cac = acquisition.acquisition_costs(spend, costs, *YEAR_2024).sum() / acquisition.new_customers(opps, *YEAR_2024)
    gm = unit_economics.gross_margin_for_period(mrr, cogs, *YEAR_2024)
    new_mrr = unit_economics.new_mrr_per_customer(opps, *YEAR_2024)
    ltv = unit_economics.simple_ltv(unit_economics.arpa_for_period(mrr, *YEAR_2024), gm,
                                    unit_economics.logo_churn_monthly(mrr, *YEARS_2024_2025))
    e = figures["economics"]
    assert e["cac"] == pytest.approx(cac)
    assert e["payback"] == pytest.approx(finance.payback_simple(cac, new_mrr * gm))
    assert e["ltv_cac"] == pytest.approx(ltv / cac)


def test_key_figures_update_rewrites_only_their_block(tmp_path, figures):
    text = keyfigures.README_FILE.read_text(encoding="utf-8")
    path = tmp_path / "README.md"
    stale = text.replace(keyfigures.README_START + "\n", keyfigures.README_START + "\nустаревшая строка\n", 1)
    path.write_text(stale, encoding="utf-8")
    assert keyfigures.update_readme(path, figures) is True
    assert path.read_text(encoding="utf-8") == text
    assert keyfigures.update_readme(path, figures) is False


def test_gap_makes_a_row_fail_inside_check(tmp_path, rows):
    """Тест умеет падать: убрали gap у строки вне диапазона — evaluate видит её вне диапазона."""
    entries = yaml.safe_load(benchmarks.BENCHMARKS_FILE.read_text(encoding="utf-8"))
    outside = next(e for e in entries if all("gap" in row for row in e["rows"]))
    for row in outside["rows"]:
        row.pop("gap")
    path = tmp_path / "benchmarks.yml"
    path.write_text(yaml.safe_dump([outside], allow_unicode=True), encoding="utf-8")
    checked = benchmarks.evaluate(load_all(), path)
    assert not checked["inside"].any() and checked["gap"].isna().all()


def test_holidays_follow_the_labour_code():
    dates = pd.Series(pd.to_datetime(["2025-01-07", "2025-01-09", "2025-05-09", "2025-11-04", "2025-11-05"]))
    assert benchmarks._holiday(dates).tolist() == [True, False, True, True, False]


def test_unknown_metric_and_missing_file_give_russian_errors(tmp_path):
    with pytest.raises(DataError, match="не найден"):
        benchmarks.load_benchmarks(tmp_path / "нет.yml")
    path = tmp_path / "b.yml"
    path.write_text("- {id: magic, rows: []}\n", encoding="utf-8")
    with pytest.raises(DataError, match="без расчёта"):
        benchmarks.load_benchmarks(path)


def test_cli_prints_the_tables(capsys, rows, monkeypatch):
    monkeypatch.setattr(benchmarks, "evaluate", lambda *a, **k: rows)
    assert cli.main(["benchmarks"]) == 0
    assert capsys.readouterr().out == benchmarks.markdown(rows)
