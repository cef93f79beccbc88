"""Командная строка курса: ``salesbook <команда>`` или ``python -m salesbook <команда>``."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path


def _notebooks(args) -> int:
    from salesbook.authoring import notebooks

    if args.check:
        problems = notebooks.out_of_sync() + [f"утечка решения: {l}" for l in notebooks.leaked_lines()]
        problems += [f"остаток MyST: {l}" for l in notebooks.myst_leftovers()]
        for p in problems:
            print("✗", p)
        if problems:
            print("Тетради не совпадают с исходниками. Выполните: make notebooks")
            return 1
        from salesbook.runtime.fmt import plural

        sections = plural(len(notebooks.section_sources()), "раздел", "раздела", "разделов")
        print(f"Тетради совпадают с исходниками ({sections}), утечек решений нет.")
        return 0
    written = notebooks.generate(only=args.only or None)
    for path in written:
        print("записан", path.relative_to(notebooks.ROOT))
    from salesbook.runtime.fmt import plural

    print(f"Готово: {plural(len(notebooks.section_sources()), 'раздел', 'раздела', 'разделов')}, изменено файлов: {len(written)}.")
    return 0


def _data(args) -> int:
    from salesbook.data.generator import DEFAULT_SEED, generate_csv
    from salesbook.runtime.fmt import number

    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        tables = generate_csv(Path(args.out), scale=args.scale, seed=seed, progress=not args.quiet)
    except OSError as error:
        print(f"Не удалось записать данные в «{args.out}»: проверьте, что это папка и в неё можно писать "
              f"({error.strerror or error}).", file=sys.stderr)
        return 1
    rows = number(sum(tables.values()))
    scale = f"{args.scale:g}".replace(".", ",")
    print(f"Готово: {len(tables)} таблиц (всего строк: {rows}) в папке «{args.out}», масштаб {scale}, seed {seed}.")
    return 0


def _benchmarks(args) -> int:
    from salesbook.data import DataError, benchmarks, keyfigures

    try:
        rows = benchmarks.evaluate()
        if args.write:
            changed = benchmarks.update_readme(rows=rows)
            print("Таблицы ориентиров в datasets/README.md " + ("обновлены." if changed else "уже совпадают с данными."))
            changed = keyfigures.update_readme()
            print("Раздел «Ключевые цифры набора» в datasets/README.md "
                  + ("обновлён." if changed else "уже совпадает с данными."))
        else:
            print(benchmarks.markdown(rows), end="")
    except DataError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"нужно число, получено: {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"масштаб должен быть положительным числом, получено: {text}")
    return value


def _progress(args) -> int:
    from salesbook.runtime import progress
    from salesbook.runtime.fmt import pct

    if args.export:
        import json

        data = progress.export(name=args.name or "")
        try:
            Path(args.export).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        except OSError as error:
            print(f"Не удалось записать «{args.export}» ({error.strerror or error}).", file=sys.stderr)
            return 1
        print(f"Журнал выгружен в «{args.export}»: упражнений — {len(data['exercises'])}. "
              "Отправьте файл преподавателю.")
        return 0

    table = progress.summary()
    _, damaged = progress.read_log()
    print(f"Журнал: {progress.progress_file()}")
    if not progress.enabled():
        print("Запись прогресса сейчас выключена (CI или SALESBOOK_PROGRESS=off).")
    width = max([len(str(t)) for t in table["title"]] + [6])
    print(f"{'Раздел'.ljust(width)}  Упражнений  Начато  Решено")
    for row in table.itertuples():
        share = pct(row.solved / row.exercises, 0) if row.exercises else "—"
        print(f"{str(row.title).ljust(width)}  {row.exercises:>10}  {row.attempted:>6}  {row.solved:>6}  {share}")
    if damaged:
        print(f"Пропущено повреждённых строк журнала: {damaged} (остальное прочитано).")
    return 0


def _grade(args) -> int:
    from salesbook.authoring import grading
    from salesbook.runtime.fmt import plural

    root = Path(args.submissions)
    if not root.is_dir():
        print(f"Папки с работами «{root}» нет.", file=sys.stderr)
        return 1
    if not grading.find_submissions(root):
        print(f"В «{root}» нет тетрадей (.ipynb) и выгрузок журнала (.json).", file=sys.stderr)
        return 1
    print(f"Проверяю работы из «{root}» (процессов: {args.jobs}, лимит на тетрадь: {args.timeout:g}\u00a0с, "
          f"память: {args.memory}\u00a0МБ)…")
    try:
        outcome = grading.grade(root, Path(args.out), timeout=args.timeout, cell_timeout=args.cell_timeout,
                                memory_mb=args.memory, jobs=args.jobs, sections=args.section or [])
    except OSError as error:
        print(f"Не удалось записать отчёт в «{args.out}» ({error.strerror or error}).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Проверка прервана: запущенные тетради остановлены, отчёт не записан.", file=sys.stderr)
        return 130
    solved = sum(1 for r in outcome.rows if r.status == "correct" and r.source == grading.SOURCE_NOTEBOOK)
    checked = sum(1 for r in outcome.rows if r.exercise_id and r.source == grading.SOURCE_NOTEBOOK
                  and r.status not in ("not_graded", "solutions"))
    troubled = sum(1 for s in outcome.submissions if s.problems)
    people = len({s.participant for s in outcome.submissions})
    print(f"Готово: {plural(len(outcome.submissions), 'работа', 'работы', 'работ')} "
          f"({plural(people, 'участник', 'участника', 'участников')}), решено {solved} из {checked} проверенных "
          f"упражнений, замечания — в {plural(troubled, 'файле', 'файлах', 'файлах')}.")
    print(f"Отчёт: {Path(args.out) / 'report.html'} (таблицы: results.csv, summary.csv).")
    return 0


def _nonnegative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"нужно целое число, получено: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"нужно число больше нуля, получено: {text}")
    return value


def _coverage(args) -> int:
    from salesbook.authoring import coverage

    problems = coverage.problems()
    for p in problems:
        print("✗", p)
    print(coverage.report())
    return 1 if problems else 0


class _RussianHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="использование: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    _MESSAGES = (
        ("the following arguments are required", "не хватает аргументов"),
        ("unrecognized arguments", "незнакомые аргументы"),
        ("invalid choice", "нет такой команды"),
        ("invalid float value", "нужно число"),
        ("invalid int value", "нужно целое число"),
        ("expected one argument", "нужно значение"),
        ("expected at least one argument", "нужно хотя бы одно значение"),
        ("choose from", "выберите из"),
        ("argument ", "аргумент "),
    )

    def error(self, message):
        for english, russian in self._MESSAGES:
            message = message.replace(english, russian)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: ошибка: {message}\n")


def _parser(**kwargs) -> argparse.ArgumentParser:
    parser = _Parser(add_help=False, formatter_class=_RussianHelp, **kwargs)
    parser._optionals.title = "параметры"
    parser._positionals.title = "команды"
    parser.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
    return parser


class _SubParsers(argparse._SubParsersAction):
    def add_parser(self, name, **kwargs):
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _RussianHelp)
        parser = super().add_parser(name, **kwargs)
        parser._optionals.title = "параметры"
        parser.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
        return parser


def _book_exec(args) -> int:
    from salesbook.authoring import bookexec

    bookexec.execute_book(Path(args.root), jobs=args.jobs)
    return 0     # упавшую тетрадь исполнит и покажет сама сборка книги


def _check_section(args) -> int:
    from salesbook.authoring import sectioncheck

    return sectioncheck.run(args.source)


def _links(args) -> int:
    from salesbook.authoring import links

    try:
        print(links.report(args.section, hub=args.hub))
    except links.LinksError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def _programmes(args) -> int:
    from salesbook.authoring import programmes

    if args.write:
        for path in programmes.write_pages():
            print("записана", path.relative_to(programmes.ROOT))
    found = programmes.problems()
    for p in found:
        print("✗", p)
    if found:
        return 1
    print("Программы практикумов сходятся с разделами книги, страницы book/facilitator/ совпадают с данными.")
    return 0


def _slides(args) -> int:
    from salesbook.authoring import slides

    try:
        total = len(slides.resolve(Path(args.root).resolve(), args.sections or None))
        built = slides.build_decks(Path(args.root), Path(args.out), args.sections or None, force=args.all)
    except slides.SlidesError as error:
        print(error, file=sys.stderr)
        return 1
    from salesbook.runtime.fmt import plural

    kept = total - len(built)
    print(f"Слайды: {plural(total, 'раздел', 'раздела', 'разделов')} в папке «{args.out}»; пересобрано — {len(built)}"
          + (f", без изменений — {kept}." if kept else "."))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser(prog="salesbook", description="Инструменты курса «Энциклопедия продаж IT-продуктов».")
    parser.register("action", "parsers", _SubParsers)
    sub = parser.add_subparsers(dest="command", required=True, metavar="команда")

    p = sub.add_parser("notebooks", help="собрать рабочие тетради и решения из исходников book/")
    p.add_argument("--check", action="store_true", help="только проверить, что тетради совпадают с исходниками")
    p.add_argument("--only", nargs="+", metavar="ИСХОДНИК", help="пересобрать только эти исходники book/chNN/*.md")
    p.set_defaults(func=_notebooks)

    p = sub.add_parser("data", help="сгенерировать данные компании")
    p.add_argument("--scale", type=_positive, default=1.0,
                   help="масштаб объёмов: 1 — учебный набор в репозитории, 10 или 100 — большие наборы")
    p.add_argument("--seed", type=int, default=None,
                   help="зерно генератора (по умолчанию — зерно учебного набора datasets/)")
    p.add_argument("--out", default="datasets", help="папка для CSV (по умолчанию datasets)")
    p.add_argument("--quiet", action="store_true", help="без индикатора прогресса")
    p.set_defaults(func=_data)

    p = sub.add_parser("benchmarks", help="данные рядом с опубликованными ориентирами (datasets/benchmarks.yml)")
    p.add_argument("--write", action="store_true", help="переписать то, что в datasets/README.md считается из данных: "
                   "таблицы ориентиров и раздел «Ключевые цифры набора»")
    p.set_defaults(func=_benchmarks)

    p = sub.add_parser("progress", help="таблица прогресса по разделам")
    p.add_argument("--export", metavar="ФАЙЛ", help="выгрузить журнал в файл JSON для преподавателя "
                   "(salesbook grade добавит его в отчёт как самостоятельную работу)")
    p.add_argument("--name", metavar="ИМЯ", help="имя участника в выгрузке, например «Иванова Анна»")
    p.set_defaults(func=_progress)

    p = sub.add_parser(
        "grade", help="проверить сданные тетради участников и написать отчёт",
        description="Исполняет каждую сданную тетрадь (.ipynb, любые имена, вложенные папки) в свежем ядре с "
                    "лимитами времени и памяти, перепроверяет упражнения проверками курса и пишет отчёт: "
                    "results.csv, summary.csv (UTF-8 с BOM, разделитель «;») и report.html. Участник — первая "
                    "папка внутри РАБОТ для вложенных файлов (если в РАБОТАХ одна папка — папки внутри неё), "
                    "иначе имя файла без расширения. Файлы .json — выгрузки журнала (salesbook progress --export): "
                    "входят в отчёт как самостоятельная работа, не перепроверенная; имя из выгрузки берётся только "
                    "для файла, лежащего прямо в РАБОТАХ.")
    p._positionals.title = "аргументы"
    p.add_argument("submissions", metavar="РАБОТЫ", help="папка со сданными работами")
    p.add_argument("--out", required=True, metavar="ОТЧЁТ", help="папка для отчёта")
    p.add_argument("--timeout", type=_positive, default=600, metavar="С",
                   help="лимит времени на одну тетрадь, секунд (по умолчанию 600)")
    p.add_argument("--cell-timeout", type=_positive, default=None, metavar="С",
                   help="лимит времени на одну ячейку, секунд (по умолчанию — как на тетрадь, но не больше 300)")
    p.add_argument("--memory", type=_nonnegative_int, default=3000, metavar="МБ",
                   help="лимит памяти (адресного пространства) ядра тетради и проверяющего процесса — каждому, МБ (по умолчанию 3000)")
    p.add_argument("--jobs", type=_nonnegative_int, default=2, metavar="N", help="сколько тетрадей проверять одновременно (по умолчанию 2; на занятой машине с двумя ядрами — 1)")
    p.add_argument("--section", nargs="+", metavar="РАЗДЕЛ",
                   help="проверять только эти разделы: номер (1.1.1, 3.2), имя файла (3_2_modern_data) или "
                        "код (ch03.modern); тетради других разделов попадут в отчёт строкой «не проверялась»")
    p.set_defaults(func=_grade)

    p = sub.add_parser("coverage", help="проверить карту покрытия плана курса")
    p.set_defaults(func=_coverage)

    p = sub.add_parser("check-section", help="проверить один раздел: теги, тетради, nbval, сборка страницы")
    p.add_argument("source", help="исходник раздела, например book/ch01/1_1_1_cac.md")
    p.set_defaults(func=_check_section)

    p = sub.add_parser("book-exec", help="исполнить тетради книги параллельно в кэш сборки (make book делает это сам)")
    p.add_argument("--jobs", type=int, default=None, help="сколько процессов (по умолчанию — число ядер)")
    p.add_argument("--root", default=".", help="корень книги (где _config.yml и _toc.yml)")
    p.set_defaults(func=_book_exec)

    p = sub.add_parser("links", help="ссылки на рабочие тетради: Binder, Colab, свой JupyterHub (nbgitpuller)")
    p.add_argument("section", nargs="?", default=None,
                   help="глава (ch01), раздел (1.1.1 или 1_1_1_cac) или путь к тетради; без него — все тетради")
    p.add_argument("--hub", default=None, metavar="АДРЕС",
                   help="адрес JupyterHub, например https://hub.example.ru (по умолчанию — launch_buttons.jupyterhub_url)")
    p.set_defaults(func=_links)

    p = sub.add_parser("programmes", help="проверить программы практикумов (book/facilitator/programmes.yml)")
    p.add_argument("--write", action="store_true", help="пересобрать страницы book/facilitator/ из данных и шапок разделов")
    p.set_defaults(func=_programmes)

    p = sub.add_parser("slides", help="собрать слайды разделов (reveal.js) из исходников и исполненных тетрадей")
    p.add_argument("sections", nargs="*", metavar="РАЗДЕЛ",
                   help="исходники или имена разделов, например book/ch01/1_1_1_cac.md или 1_1_1_cac (по умолчанию — все)")
    p.add_argument("--out", default="_build/html/slides",
                   help="папка для слайдов (по умолчанию _build/html/slides — рядом с собранной книгой)")
    p.add_argument("--root", default=".", help="корень книги (где _config.yml и _toc.yml)")
    p.add_argument("--all", action="store_true", help="пересобрать все колоды, даже те, входы которых не менялись")
    p.set_defaults(func=_slides)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
