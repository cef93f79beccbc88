"""Отчёт о проверке: ``results.csv``, ``summary.csv`` и ``report.html`` (без JS и внешних ссылок).

Порядок строк детерминирован (участник, файл, курс упражнений), времени и дат в
файлах нет — два запуска на одних работах дают одинаковые файлы.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

RESULT_COLUMNS = ("participant", "file", "section", "exercise_id", "title", "status", "message", "source")
SUMMARY_COLUMNS = ("participant", "section", "exercises", "correct", "incorrect", "invalid", "unattempted",
                   "flagged", "not_graded", "source")


def _course_order() -> dict[str, int]:
    from salesbook.authoring.grading import _section_key
    from salesbook.exercises import section_modules
    from salesbook.runtime.checks import Exercise

    order = {}
    for module in sorted(section_modules(), key=lambda m: _section_key(m.TITLE)):
        for value in vars(module).values():
            if isinstance(value, Exercise):
                order.setdefault(value.id, len(order))
    return order


_ADDRESS = re.compile(r"\s+at 0x[0-9a-fA-F]+")


def clean(text: str) -> str:
    """Без адресов памяти (``<function f at 0x7f…>``): два запуска дают одинаковые файлы."""
    return _ADDRESS.sub("", str(text))


def _participant_key(name: str) -> tuple:
    return name.casefold(), name


def best_cells(rows) -> dict[tuple[str, str], tuple[str, str]]:
    """(участник, упражнение) → (статус, источник): лучший статус из тетрадей, журнал — только без тетради."""
    from salesbook.authoring.grading import SOURCE_NOTEBOOK, STATUS_RANK

    best: dict[tuple[str, str], tuple[str, str]] = {}
    for row in rows:
        if not row.exercise_id:
            continue
        key = (row.participant, row.exercise_id)
        old = best.get(key)
        new = (row.status, row.source)
        if old is None:
            best[key] = new
        elif (old[1] == SOURCE_NOTEBOOK) != (new[1] == SOURCE_NOTEBOOK):
            best[key] = old if old[1] == SOURCE_NOTEBOOK else new
        elif STATUS_RANK[new[0]] > STATUS_RANK[old[0]]:
            best[key] = new
    return best


def write(outcome, out: Path) -> None:
    from salesbook.authoring.grading import SOURCE_NOTEBOOK, STATUS_LABELS, STATUS_MARKS, _section_key
    from salesbook.exercises import all_exercises, section_titles

    out.mkdir(parents=True, exist_ok=True)
    order = _course_order()
    rows = sorted(outcome.rows, key=lambda r: (_participant_key(r.participant), r.file, order.get(r.exercise_id, -1)))
    with open(out / "results.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(RESULT_COLUMNS)
        for r in rows:
            writer.writerow([r.participant, r.file, r.section, r.exercise_id, r.title, STATUS_LABELS[r.status],
                             clean(r.message), r.source])

    best = best_cells(rows)
    exercises = {ex.id: ex for ex in all_exercises()}
    titles = section_titles()
    shown_sections = sorted({eid.rsplit(".", 1)[0] for _, eid in best}, key=lambda s: _section_key(titles.get(s, s)))
    columns = {s: [eid for eid in sorted(exercises, key=lambda e: order[e]) if eid.rsplit(".", 1)[0] == s]
               for s in shown_sections}
    participants = sorted({r.participant for r in rows} | {s.participant for s in outcome.submissions},
                          key=_participant_key)

    with open(out / "summary.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(SUMMARY_COLUMNS)
        for p in participants:
            totals = dict.fromkeys(STATUS_LABELS, 0)
            n_total, journal_any = 0, False
            for s in shown_sections:
                counts = dict.fromkeys(STATUS_LABELS, 0)
                sources = set()
                for eid in columns[s]:
                    cell = best.get((p, eid))
                    if cell:
                        counts[cell[0]] += 1
                        sources.add(cell[1])
                if not sources:
                    continue
                journal_any |= any(src != SOURCE_NOTEBOOK for src in sources)
                source = " + ".join(sorted(sources))
                writer.writerow([p, titles.get(s, s), len(columns[s])] + [counts[k] for k in STATUS_LABELS] + [source])
                n_total += len(columns[s])
                for k in counts:
                    totals[k] += counts[k]
            writer.writerow([p, "ИТОГО", n_total] + [totals[k] for k in STATUS_LABELS]
                            + ["есть журнал — не перепроверен" if journal_any else ""])

    (out / "report.html").write_text(_html(outcome, rows, best, participants, shown_sections, columns, titles,
                                           exercises, STATUS_LABELS, STATUS_MARKS, SOURCE_NOTEBOOK),
                                     encoding="utf-8")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em;color:#202124}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #dadce0;padding:.25em .45em;text-align:center;vertical-align:top}
th{background:#f1f3f4}td.name,th.name{text-align:left;white-space:nowrap}
td.total{font-weight:600;background:#f8f9fa}
.legend span{margin-right:1.2em}.log{color:#5f6368}
ul.problems{margin:.2em 0 1em 1.2em;padding:0}li{margin:.15em 0}
"""


def _h(text) -> str:
    return html.escape(str(text), quote=True)


def _html(outcome, rows, best, participants, sections, columns, titles, exercises, labels, marks, notebook_source) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="ru"><head><meta charset="utf-8">',
             "<title>Проверка работ практикума</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>Проверка работ практикума</h1>"]
    n_files = len(outcome.submissions)
    solved = sum(1 for v in best.values() if v[0] == "correct" and v[1] == notebook_source)
    parts.append(f"<p>Работ: {n_files}, участников: {len(participants)}, решённых упражнений (проверено по "
                 f"тетрадям): {solved}.")
    if outcome.wanted:
        parts.append(f" Проверялись только разделы: {_h(', '.join(outcome.wanted))}.")
    parts.append("</p>")
    legend = " ".join(f"<span>{marks[k]} — {labels[k]}</span>" for k in labels)
    parts.append(f'<p class="legend">{legend} <span>* — из журнала самостоятельной работы, не перепроверено</span>'
                 "<span>— — не сдано</span></p>")

    parts.append("<h2>Участники и упражнения</h2>")
    if sections:
        parts.append("<table><thead><tr><th class=\"name\" rowspan=\"2\">Участник</th>")
        for s in sections:
            parts.append(f'<th colspan="{len(columns[s]) + 1}">{_h(titles.get(s, s))}</th>')
        parts.append('<th rowspan="2">Всего решено</th></tr><tr>')
        for s in sections:
            for eid in columns[s]:
                parts.append(f'<th title="{_h(exercises[eid].title)}">{_h(eid.rsplit(".", 1)[1])}</th>')
            parts.append("<th>итог</th>")
        parts.append("</tr></thead><tbody>")
        for p in participants:
            parts.append(f'<tr><td class="name">{_h(p)}</td>')
            total_ok, total_n = 0, 0
            for s in sections:
                ok = 0
                for eid in columns[s]:
                    cell = best.get((p, eid))
                    if cell is None:
                        parts.append("<td>—</td>")
                        continue
                    star = "" if cell[1] == notebook_source else "*"
                    ok += cell[0] == "correct"
                    cls = "" if not star else ' class="log"'
                    parts.append(f'<td{cls} title="{_h(labels[cell[0]])}">{marks[cell[0]]}{star}</td>')
                parts.append(f'<td class="total">{ok}/{len(columns[s])}</td>')
                total_ok += ok
                total_n += len(columns[s])
            parts.append(f'<td class="total">{total_ok}/{total_n}</td></tr>')
        parts.append('<tr><td class="name total">Решили</td>')
        for s in sections:
            for eid in columns[s]:
                n = sum(1 for p in participants if best.get((p, eid), ("",))[0] == "correct")
                parts.append(f'<td class="total">{n}</td>')
            parts.append("<td></td>")
        parts.append("<td></td></tr></tbody></table>")
    else:
        parts.append("<p>Ни одного проверенного упражнения.</p>")

    parts.append("<h2>Что пошло не так</h2>")
    any_problem = False
    for sub in sorted(outcome.submissions, key=lambda s: (s.participant.casefold(), s.participant, s.file)):
        if not sub.problems:
            continue
        any_problem = True
        parts.append(f"<p><strong>{_h(sub.participant)}</strong> — {_h(sub.file)}</p><ul class=\"problems\">")
        for where, reason in sub.problems:
            parts.append(f"<li>{_h(clean(where))} → {_h(clean(reason))}</li>")
        parts.append("</ul>")
    if not any_problem:
        parts.append("<p>Ничего: все тетради выполнились без ошибок.</p>")

    parts.append("<h2>Ответы, которые не засчитаны</h2><table><thead><tr><th class=\"name\">Участник</th>"
                 "<th class=\"name\">Файл</th><th>Упражнение</th><th>Статус</th><th class=\"name\">Сообщение</th>"
                 "</tr></thead><tbody>")
    for r in rows:
        if r.exercise_id and r.status != "correct":
            parts.append(f'<tr><td class="name">{_h(r.participant)}</td><td class="name">{_h(r.file)}</td>'
                         f"<td>{_h(r.exercise_id)}</td><td>{marks[r.status]} {_h(labels[r.status])}</td>"
                         f'<td class="name">{_h(clean(r.message))}</td></tr>')
    parts.append("</tbody></table>")
    parts.append("<p class=\"log\">Проверка исполняет каждую тетрадь заново и сравнивает ответы проверками курса; "
                 "сохранённые выводы тетрадей не читаются. Обман изнутри тетради полностью исключить нельзя: "
                 "тетради с отметкой 🚩 стоит посмотреть глазами.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
