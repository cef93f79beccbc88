"""Программы практикумов сходятся с разделами книги: разделы, время, решения, страницы."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from salesbook.authoring import programmes, sitting
from salesbook.authoring.bookexec import book_sources

ROOT = Path(__file__).resolve().parents[1]
DATA = yaml.safe_load((ROOT / programmes.DATA).read_text(encoding="utf-8"))
SECTIONS = programmes.sections(ROOT)


def _all_days():
    for programme in DATA["programmes"]:
        for day in programme["days"]:
            yield programme["id"], day


def test_programmes_agree_with_the_book():
    assert programmes.problems(ROOT) == []


def test_every_section_of_a_programme_is_in_the_toc():
    toc = {p.relative_to(ROOT).with_suffix("").as_posix() for p in book_sources(ROOT)}
    docs = set(DATA["sessions"])
    for _, day in _all_days():
        docs |= {item["section"] for item in day["schedule"] if "section" in item}
        docs |= set(day.get("homework") or [])
    assert docs and docs <= toc, sorted(docs - toc)


def test_no_section_time_is_typed_in_the_programmes():
    """Время раздела читают из шапки: в пунктах-разделах нет минут."""
    for _, day in _all_days():
        for item in day["schedule"]:
            if "section" in item:
                assert set(item) == {"section"}, item


def test_session_time_is_the_section_header_time():
    known = programmes.sections(ROOT)
    for _, day in _all_days():
        for slot in programmes.schedule(day, known).sessions:
            text = (ROOT / f"{slot.section.doc}.md").read_text(encoding="utf-8")
            assert slot.minutes == sitting.measure(text).minutes


def test_each_day_ends_when_it_says_including_breaks():
    for name, day in _all_days():
        planned = programmes.schedule(day, SECTIONS)
        total = sum(s.minutes for s in planned.slots)
        assert planned.start + total == planned.end, (name, day["title"])
        breaks = [s for s in planned.slots if s.kind == "break"]
        assert breaks, f"{name}, {day['title']}: день без перерыва"
        # между двумя разделами подряд — всегда перерыв
        kinds = [s.kind for s in planned.slots]
        assert "section, section" not in ", ".join(kinds), (name, day["title"])


def test_decision_is_the_last_exercise_of_its_section():
    for doc, session in DATA["sessions"].items():
        last = SECTIONS[doc].exercises[-1]
        assert session["decision"] == last.id, doc
        assert last.title and last.statement


def test_the_one_day_is_the_unit_economics_core():
    one_day = next(p for p in DATA["programmes"] if p["id"] == "one_day")
    docs = [i["section"] for d in one_day["days"] for i in d["schedule"] if "section" in i]
    assert all(d.startswith("book/ch01/1_1_") for d in docs) and len(docs) == 4


def test_six_weeks_cover_what_they_claim():
    six = next(p for p in DATA["programmes"] if p["id"] == "six_weeks")
    assert len(six["days"]) == 6
    taught = set()
    for day in six["days"]:
        docs = [i["section"] for i in day["schedule"] if "section" in i] + list(day.get("homework") or [])
        taught |= {SECTIONS[d].chapter for d in docs}
    assert taught == set(six["covers"])
    assert set(six["covers"]) | set(six["outside"]) == {s.chapter for s in SECTIONS.values()}


def test_exercises_are_read_in_order_with_ids():
    text = """\
:::{exercise} Первое
:label: a-ex1
Условие первого.
:::

```{code-cell} ipython3
:tags: [solution, hide-input]
:exercise: ch99.a.q1
x = 1
```

::::{exercise} Решение руководителя
:label: a-ex2
Условие с `кодом`.
::::

```{code-cell} ipython3
:tags: [solution, hide-input]
:exercise: ch99.a.q2
y = 2
```
"""
    found = programmes.exercises(text)
    assert [(e.id, e.title, e.statement) for e in found] == [
        ("ch99.a.q1", "Первое", "Условие первого."),
        ("ch99.a.q2", "Решение руководителя", "Условие с `кодом`."),
    ]


@pytest.fixture
def book_copy(tmp_path):
    """Копия того, что читают программы: оглавление и папка book/ (разделы, метки, book/_glue, программы)."""
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    # страницы книги (метки {ref}), записанные значения book/_glue, данные и страницы программ
    shutil.copytree(ROOT / "book", tmp_path / "book", ignore=shutil.ignore_patterns("*.bib"))
    return tmp_path


def test_changing_a_section_time_without_the_programme_fails(book_copy):
    assert programmes.problems(book_copy) == []
    source = book_copy / "book/ch01/1_1_3_payback.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(re.sub(r"(\*\*Время:\*\* \d+–)90", r"\g<1>80", text, count=1), encoding="utf-8")
    found = programmes.problems(book_copy)
    assert any("Юнит-экономика: от CAC до цены" in p and "17:50" in p and "18:00" in p for p in found), found
    assert any("one_day.md" in p and "programmes --write" in p for p in found), found


def test_a_new_last_exercise_makes_the_decision_stale(book_copy):
    source = book_copy / "book/ch01/1_1_1_cac.md"
    text = source.read_text(encoding="utf-8")
    extra = ":::{exercise} Ещё одно\n:label: ch01-cac-ex7\nУсловие.\n:::\n\n```{code-cell} ipython3\n" \
            ":tags: [solution, hide-input]\n:exercise: ch01.cac.q7\nz = 1\n```\n\n"
    source.write_text(text.replace("## Проверьте себя", extra + "## Проверьте себя"), encoding="utf-8")
    found = programmes.problems(book_copy, check_pages=False)
    assert any("ch01.cac.q6" in p and "ch01.cac.q7" in p for p in found), found


def test_a_section_missing_from_the_toc_is_named(book_copy):
    data = book_copy / programmes.DATA
    data.write_text(data.read_text(encoding="utf-8").replace("section: book/ch02/2_1_funnel\n",
                                                           "section: book/ch02/2_9_nowhere\n"), encoding="utf-8")
    found = programmes.problems(book_copy, check_pages=False)
    assert any("2_9_nowhere" in p and "_toc.yml" in p for p in found), found


def test_pages_link_every_deck_and_name_the_grading_section():
    slides_page = (ROOT / programmes.PAGES_DIR / "slides.md").read_text(encoding="utf-8")
    for section in SECTIONS.values():
        assert f'href="{section.slides_href}"' in slides_page
    for programme in DATA["programmes"]:
        page = (ROOT / programmes.PAGES_DIR / f"{programme['id']}.md").read_text(encoding="utf-8")
        assert "«Проверка работ участников» на странице {ref}`howto`" in page
        assert "SALESBOOK_EXPECT=unattempted" in page


def test_facilitator_pages_are_in_the_toc_after_howto():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    captions = [p["caption"] for p in toc["parts"]]
    assert captions[:2] == ["Как устроен курс", "Для преподавателя"]
    part = toc["parts"][1]["chapters"][0]
    pages = {s["file"] for s in part["sections"]}
    expected = {f"book/facilitator/{p['id']}" for p in DATA["programmes"]} | {"book/facilitator/slides"}
    assert part["file"] == "book/facilitator/index" and pages == expected


def _edit_data(root, old: str, new: str) -> None:
    data = root / programmes.DATA
    text = data.read_text(encoding="utf-8")
    assert old in text, old
    data.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_exercise_the_decision_needs_cannot_go_home(book_copy):
    """Решение 5.1 называет «переплату из упражнения 4»: отдать его на дом нельзя, и в requires оно обязано быть."""
    _edit_data(book_copy, "exercises: [ch05.hiring.q2]", "exercises: [ch05.hiring.q2, ch05.hiring.q4]")
    found = programmes.problems(book_copy, check_pages=False)
    assert any("5_1_hiring" in p and "упражнение 5" in p and "упражнение 4" in p and "optional" in p
               for p in found), found
    assert any("ch05.hiring.q4 одновременно в requires и в optional" in p for p in found), found


def test_a_decision_reference_must_be_in_requires(book_copy):
    _edit_data(book_copy, "    requires: [ch05.hiring.q4]\n", "")
    found = programmes.problems(book_copy, check_pages=False)
    assert any("5_1_hiring" in p and "(ch05.hiring.q4)" in p and "requires" in p for p in found), found


def test_every_in_class_session_has_a_cut_list_and_needs_nothing_it_cuts():
    for doc, session in DATA["sessions"].items():
        optional = set((session.get("optional") or {}).get("exercises") or [])
        needed = set(session.get("requires") or []) | {session["decision"]}
        assert not optional & needed, doc
    taught = {i["section"] for _, d in _all_days() for i in d["schedule"] if "section" in i}
    assert all((DATA["sessions"][doc].get("optional") or {}).get("exercises") for doc in taught)


def test_the_old_six_week_order_is_caught(book_copy):
    """Коучинг (5.3) опирается на 10.1: дома после недели 4 он стоял раньше, чем 10.1 в аудитории."""
    _edit_data(book_copy, "homework: [book/ch10/10_2_ab]", "homework: [book/ch05/5_3_coaching_tmp]")
    _edit_data(book_copy, "homework: [book/ch05/5_3_coaching]", "homework: [book/ch10/10_2_ab]")
    _edit_data(book_copy, "homework: [book/ch05/5_3_coaching_tmp]", "homework: [book/ch05/5_3_coaching]")
    found = programmes.problems(book_copy, check_pages=False)
    assert any("Шестинедельная" in p and "5.3. Коучинг" in p and "10.1. KPI и OKR" in p for p in found), found


def test_questions_take_numbers_from_glue_and_unknown_names_are_named(book_copy):
    questions = programmes.questions_for("book/ch01/1_1_1_cac", ROOT)
    assert questions[0].startswith("Полный CAC «Сферы Деск» за 2024 год в 2,1 раза больше")
    _edit_data(book_copy, "`cac_full_to_media.b2b.2024`", "`cac_full_to_media.b2b.2099`")
    found = programmes.problems(book_copy, check_pages=False)
    assert any("1_1_1_cac" in p and "cac_full_to_media.b2b.2099" in p and "book/_glue" in p for p in found), found


def test_a_missing_label_and_a_breakable_unit_are_named(book_copy):
    _edit_data(book_copy, "{ref}`ch10-cycle-survival` и первые", "{ref}`ch10-cycle-nowhere` и первые")
    _edit_data(book_copy, "(15\\u00a0минут)", "(15 минут)")
    found = programmes.problems(book_copy, check_pages=False)
    assert any("ch10-cycle-nowhere" in p and "метки" in p for p in found), found
    assert any("«15 минут»" in p and "неразрывный пробел" in p for p in found), found


def test_pages_name_the_exercise_and_the_check_to_type():
    page = (ROOT / programmes.PAGES_DIR / "one_day.md").read_text(encoding="utf-8")
    assert ("упражнение 4 «Куда добавить бюджет привлечения» (в тетради — `q5.check()`, подсказка `q5.hint()`)"
            in page)
    assert "{glue" not in page and "в 2,1 раза больше" in page
    six = (ROOT / programmes.PAGES_DIR / "six_weeks.md").read_text(encoding="utf-8")
    assert "дома заложите 2–3\u00a0часа" in six and "Вопрос для разбора." in six
