"""Отчёт о проверке: ``results.csv``, ``summary.csv`` и ``report.html`` (без JS и внешних ссылок).

Порядок строк детерминирован (участник, файл, курс упражнений), времени и дат в
файлах нет — два запуска на одних работах дают одинаковые файлы. Таблицы CSV — для
Excel с русскими настройками: UTF-8 с BOM, разделитель «;», заголовки по-русски;
машинные коды (id упражнения, код статуса) — в своих столбцах.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass
from pathlib import Path

#: (ключ, заголовок столбца) results.csv.
RESULT_COLUMNS = (("participant", "Участник"), ("file", "Файл"), ("section", "Раздел"), ("exercise_id", "id упражнения"),
                  ("title", "Упражнение"), ("status", "Статус"), ("status_code", "Код статуса"),
                  ("message", "Сообщение"), ("source", "Источник"))
CSV_DELIMITER = ";"


@dataclass
class Part:
    """Часть раздела, которая сдаётся одной тетрадью (раздел бывает разбит на две)."""

    key: str
    title: str
    ids: list[str]


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


def parts() -> list[Part]:
    """Части курса в его порядке: тетрадь = исходник книги с упражнениями; модуль без исходника — одна часть."""
    from salesbook.authoring.grading import _section_key, identify
    from salesbook.exercises import section_modules
    from salesbook.runtime.checks import Exercise

    books: dict[str, list[tuple[str, list[str]]]] = {}
    for path in sorted((identify.ROOT / "book").glob("ch*/*.md")):
        ids = identify._book_exercises(path.relative_to(identify.ROOT).as_posix()) or ()
        if ids:
            books.setdefault(ids[0].rsplit(".", 1)[0], []).append((path.stem, list(ids)))
    result = []
    for module in sorted(section_modules(), key=lambda m: _section_key(m.TITLE)):
        ids = [v.id for v in vars(module).values() if isinstance(v, Exercise)]
        if not ids:
            continue
        prefix = ids[0].rsplit(".", 1)[0]
        found = books.get(prefix, [])
        covered = set()
        for stem, book_ids in found:
            book_ids = [i for i in book_ids if i in ids and i not in covered]
            covered |= set(book_ids)
            title = module.TITLE if len(found) == 1 else f"{module.TITLE} — тетрадь {stem}"
            result.append(Part(stem, title, sorted(book_ids, key=ids.index)))
        rest = [i for i in ids if i not in covered]
        if rest:
            result.append(Part(prefix, module.TITLE, rest))
    return [p for p in result if p.ids]


_ADDRESS = re.compile(r"\s+at 0x[0-9a-fA-F]+")


def clean(text: str) -> str:
    """Без адресов памяти (``<function f at 0x7f…>``): два запуска дают одинаковые файлы."""
    return _ADDRESS.sub("", str(text))


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


def _writer(fh):
    return csv.writer(fh, delimiter=CSV_DELIMITER)


def write(outcome, out: Path) -> None:
    from salesbook.authoring.grading import SOURCE_NOTEBOOK, STATUS_LABELS, name_key

    out.mkdir(parents=True, exist_ok=True)
    order = _course_order()
    rows = sorted(outcome.rows, key=lambda r: (name_key(r.participant), r.file, order.get(r.exercise_id, -1)))
    with open(out / "results.csv", "w", encoding="utf-8-sig", newline="") as fh:
        writer = _writer(fh)
        writer.writerow([h for _, h in RESULT_COLUMNS])
        for r in rows:
            writer.writerow([r.participant, r.file, r.section, r.exercise_id, r.title, STATUS_LABELS[r.status], r.status,
                             clean(r.message), r.source])

    best = best_cells(rows)
    all_parts = parts()
    part_of = {eid: part for part in all_parts for eid in part.ids}
    shown = [part for part in all_parts if any(eid in part.ids for _, eid in best)]
    participants = sorted({r.participant for r in rows} | {s.participant for s in outcome.submissions}, key=name_key)
    files: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        if r.exercise_id in part_of:
            files.setdefault((r.participant, part_of[r.exercise_id].key), set()).add(r.file)

    with open(out / "summary.csv", "w", encoding="utf-8-sig", newline="") as fh:
        writer = _writer(fh)
        writer.writerow(["Участник", "Раздел (тетрадь)", "Файлы", "Упражнений"] + list(STATUS_LABELS.values())
                        + ["не сдано", "Источник"])
        for p in participants:
            totals = dict.fromkeys(STATUS_LABELS, 0)
            n_total, missing_total, journal_any = 0, 0, False
            for part in shown:
                counts = dict.fromkeys(STATUS_LABELS, 0)
                sources = set()
                for eid in part.ids:
                    cell = best.get((p, eid))
                    if cell:
                        counts[cell[0]] += 1
                        sources.add(cell[1])
                if not sources:
                    continue
                missing = len(part.ids) - sum(counts.values())
                journal_any |= any(src != SOURCE_NOTEBOOK for src in sources)
                writer.writerow([p, part.title, ", ".join(sorted(files.get((p, part.key), ()))), len(part.ids)]
                                + [counts[k] for k in STATUS_LABELS] + [missing, " + ".join(sorted(sources))])
                n_total += len(part.ids)
                missing_total += missing
                for k in counts:
                    totals[k] += counts[k]
            writer.writerow([p, "ИТОГО", "", n_total] + [totals[k] for k in STATUS_LABELS]
                            + [missing_total, "есть журнал — не перепроверен" if journal_any else ""])

    (out / "report.html").write_text(_html(outcome, rows, best, participants, shown, part_of), encoding="utf-8")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em;color:#202124}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #dadce0;padding:.25em .45em;text-align:center;vertical-align:top}
th{background:#f1f3f4}td.name,th.name{text-align:left;white-space:nowrap}
td.msg,th.msg{text-align:left;white-space:normal;max-width:42em;overflow-wrap:anywhere}
td.total{font-weight:600;background:#f8f9fa}
td small{font-size:.7em;color:#3c4043;margin-left:.15em}
.s-correct{background:#e6f4ea}.s-incorrect{background:#fce8e6}.s-invalid{background:#fef7e0}
.s-unattempted{background:#f1f3f4}.s-flagged{background:#f3e8fd}.s-solutions{background:#e8f0fe}
.s-not_graded{background:#fde2cf}
.legend span{margin-right:1.2em;padding:0 .3em;display:inline-block}.log{color:#5f6368;font-style:italic}
ul.problems{margin:.2em 0 1em 1.2em;padding:0}li{margin:.15em 0}
"""


def _h(text) -> str:
    return html.escape(str(text), quote=True)


def _mark(status: str) -> str:
    from salesbook.authoring.grading import STATUS_LETTERS, STATUS_MARKS

    return f"{STATUS_MARKS[status]}<small>{STATUS_LETTERS[status]}</small>"


def _plus(n: int) -> str:
    return f" (+{n}*)" if n else ""


def _num(value) -> str:
    return f"{value:g}".replace(".", ",") if isinstance(value, (int, float)) else str(value)


def _html(outcome, rows, best, participants, shown, part_of) -> str:
    from salesbook.authoring.grading import SEVERITY, SOURCE_NOTEBOOK, STATUS_LABELS, name_key
    from salesbook.exercises import all_exercises

    labels = STATUS_LABELS
    exercises = {ex.id: ex for ex in all_exercises()}
    parts = ["<!DOCTYPE html>", '<html lang="ru"><head><meta charset="utf-8">',
             "<title>Проверка работ практикума</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>Проверка работ практикума</h1>"]
    solved = sum(1 for v in best.values() if v[0] == "correct" and v[1] == SOURCE_NOTEBOOK)
    journal = sum(1 for v in best.values() if v[0] == "correct" and v[1] != SOURCE_NOTEBOOK)
    parts.append(f"<p>Работ: {len(outcome.submissions)}, участников: {len(participants)}, решённых упражнений, "
                 f"проверенных по тетрадям: {solved}" + (f" (и ещё {journal} — по журналу, не перепроверено)"
                                                         if journal else "") + ".</p>")
    params = outcome.params or {}
    if params:
        memory = params.get("memory_mb")
        parts.append(f"<p class=\"log\">Версия курса {_h(params.get('course_version', ''))}; лимиты: "
                     f"{_num(params.get('timeout'))}\u00a0с на тетрадь, {_num(params.get('cell_timeout'))}\u00a0с на "
                     f"ячейку, {memory}\u00a0МБ памяти на процесс; разделы: "
                     f"{_h(', '.join(params.get('sections') or []) or 'все')}. Тесты-квизы (quiz) не оцениваются — "
                     "только упражнения с проверкой. Время проверки каждой тетради печатается в терминале, в файлы "
                     "отчёта не пишется (два запуска дают одинаковые файлы).</p>")
    for note in outcome.notes:
        parts.append(f"<p><strong>{_h(note)}</strong></p>")
    legend = " ".join(f'<span class="s-{k}">{_mark(k)} — {labels[k]}</span>' for k in labels)
    parts.append(f'<p class="legend">{legend} <span>* — из журнала самостоятельной работы, не перепроверено</span>'
                 "<span>«—» — упражнение не сдано (нет ни в тетради, ни в журнале)</span></p>")

    parts.append("<h2>Участники и упражнения</h2>")
    if shown:
        parts.append('<table><thead><tr><th class="name" rowspan="2">Участник</th>')
        for part in shown:
            parts.append(f'<th colspan="{len(part.ids) + 1}">{_h(part.title)}</th>')
        parts.append('<th rowspan="2">Всего решено (в сданных тетрадях)</th></tr><tr>')
        for part in shown:
            for eid in part.ids:
                parts.append(f'<th title="{_h(exercises[eid].title)}">{_h(eid)}</th>')
            parts.append("<th>итог</th>")
        parts.append("</tr></thead><tbody>")
        for p in participants:
            parts.append(f'<tr><td class="name">{_h(p)}</td>')
            total_ok, total_log, total_n = 0, 0, 0
            for part in shown:
                cells = [best.get((p, eid)) for eid in part.ids]
                if not any(cells):
                    parts.append("<td>—</td>" * len(part.ids) + '<td class="total">—</td>')
                    continue
                ok = log = 0
                for cell in cells:
                    if cell is None:
                        parts.append("<td>—</td>")
                        continue
                    star = "" if cell[1] == SOURCE_NOTEBOOK else "*"
                    if cell[0] == "correct":
                        ok += not star
                        log += bool(star)
                    parts.append(f'<td class="s-{cell[0]}{" log" if star else ""}" title="{_h(labels[cell[0]])}">'
                                 f"{_mark(cell[0])}{star}</td>")
                parts.append(f'<td class="total">{ok}/{len(part.ids)}{_plus(log)}</td>')
                total_ok, total_log, total_n = total_ok + ok, total_log + log, total_n + len(part.ids)
            parts.append(f'<td class="total">{total_ok}/{total_n}{_plus(total_log)}</td></tr>')
        parts.append('<tr><td class="name total">Решили</td>')
        for part in shown:
            for eid in part.ids:
                n = sum(1 for p in participants if best.get((p, eid)) == ("correct", SOURCE_NOTEBOOK))
                k = sum(1 for p in participants if (best.get((p, eid)) or ("",))[0] == "correct") - n
                parts.append(f'<td class="total">{n}{_plus(k)}</td>')
            parts.append("<td></td>")
        parts.append(f'<td class="total">{solved}{_plus(journal)}</td></tr></tbody></table>')
        parts.append('<table><thead><tr><th class="name">Упражнение</th><th class="name">Название</th></tr></thead><tbody>')
        for part in shown:
            for eid in part.ids:
                parts.append(f'<tr><td class="name">{_h(eid)}</td><td class="msg">{_h(exercises[eid].title)}</td></tr>')
        parts.append("</tbody></table>")
    else:
        parts.append("<p>Ни одного проверенного упражнения.</p>")

    parts.append("<h2>Что пошло не так</h2>")
    any_problem = False
    for sub in sorted(outcome.submissions, key=lambda s: (name_key(s.participant), s.file)):
        if not sub.problems:
            continue
        any_problem = True
        parts.append(f"<p><strong>{_h(sub.participant)}</strong> — {_h(sub.file)}</p><ul class=\"problems\">")
        for where, reason in sub.problems:
            parts.append(f"<li>{_h(clean(where))} → {_h(clean(reason))}</li>")
        parts.append("</ul>")
    if not any_problem:
        parts.append("<p>Ничего: все тетради выполнились без ошибок.</p>")

    # незасчитанные: без строк журнала, которые перекрыла тетрадь; важное — сверху; пропуски — числом на файл
    shown_rows, blanks = [], {}
    for r in rows:
        if not r.exercise_id or r.status == "correct":
            continue
        if r.source != SOURCE_NOTEBOOK and (best.get((r.participant, r.exercise_id)) or ("", ""))[1] == SOURCE_NOTEBOOK:
            continue
        if r.status == "unattempted":
            blanks.setdefault((r.participant, r.file, r.source), []).append(r.exercise_id)
        else:
            shown_rows.append(r)
    shown_rows.sort(key=lambda r: SEVERITY.index(r.status))
    parts.append('<h2>Ответы, которые не засчитаны</h2><table><thead><tr><th class="name">Участник</th>'
                 '<th class="name">Файл</th><th class="msg">Упражнение</th><th>Статус</th><th class="msg">Сообщение</th>'
                 "</tr></thead><tbody>")
    for r in shown_rows:
        parts.append(f'<tr><td class="name">{_h(r.participant)}</td><td class="name">{_h(r.file)}</td>'
                     f'<td class="msg">{_h(r.exercise_id)} — {_h(r.title)}</td>'
                     f'<td class="s-{r.status}">{_mark(r.status)} {_h(labels[r.status])}</td>'
                     f'<td class="msg">{_h(clean(r.message))}</td></tr>')
    for (participant, file, _), ids in sorted(blanks.items(), key=lambda kv: (name_key(kv[0][0]), kv[0][1])):
        names = ", ".join(i.rsplit(".", 1)[-1] for i in ids)
        parts.append(f'<tr><td class="name">{_h(participant)}</td><td class="name">{_h(file)}</td>'
                     f'<td class="msg">{len(ids)}: {_h(names)}</td>'
                     f'<td class="s-unattempted">{_mark("unattempted")} {_h(labels["unattempted"])}</td>'
                     '<td class="msg">Ответа нет или в нём остался пропуск ___.</td></tr>')
    parts.append("</tbody></table>")
    parts.append("<p class=\"log\">Проверка исполняет каждую тетрадь заново и сравнивает ответы проверками курса; "
                 "сохранённые выводы тетрадей не читаются. Обман изнутри тетради полностью исключить нельзя: "
                 "тетради с отметкой 🚩 стоит посмотреть глазами.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
