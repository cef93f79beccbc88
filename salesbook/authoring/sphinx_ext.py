"""Расширение Sphinx для книги курса.

1. Кнопки запуска (Binder, Colab, JupyterHub) ведут на рабочую тетрадь
   ``notebooks/chNN/<раздел>.ipynb``, а не на исходник ``book/…md``: Colab не
   открывает MyST, а учащемуся нужна тетрадь с пропусками.
2. Упражнения — как в рабочих тетрадях: заготовки выводятся из решений
   (``salesbook.authoring.exercise_cells``), нумерация заново на каждой странице.
3. Таблица времени выполнения тетрадей (страница «Состояние сборки») — по-русски.
4. Интерфейс целиком по-русски. У sphinx-book-theme и pydata-sphinx-theme нет
   русского перевода части подписей (кнопки, подсказки, поле поиска), поэтому
   после сборки эти подписи заменяются в HTML по словарю ниже. Словарь — точные
   строки, так что новая английская подпись после обновления темы не
   переведётся молча, а будет поймана тестом интерфейса.
5. Числа в тексте разделов (``{glue:text}``) после исполнения сверяются с записанными
   в ``book/_glue/`` — по ним собраны тетради. Расхождение — предупреждение, то есть
   провал сборки с ``--warningiserror``: данные или код сдвинули число, нужно
   выполнить ``make notebooks``.
6. Адрес репозитория и ссылки запуска доступны страницам как подстановки MyST
   (``{{ course_repo }}``, ``{{ binder_link }}``…) — из ``_config.yml``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

UI_STRINGS = {
    "Back to top": "Наверх",
    "Search this book...": "Поиск по книге…",
    "Search": "Поиск",
    "Version warning": "Предупреждение о версии",
    "Main": "Основное меню",
    "Page": "Страница",
    "Color mode": "Тема оформления",
    "System Settings": "Как в системе",
    "Light": "Светлая",
    "Dark": "Тёмная",
    "Toggle hidden content": "Показать или скрыть",
    "Toggle primary sidebar": "Показать или скрыть оглавление",
    "Toggle secondary sidebar": "Показать или скрыть содержание страницы",
    "Launch interactive content": "Открыть тетрадь для работы",
    "Launch on Binder": "Открыть в Binder",
    "Launch on Colab": "Открыть в Colab",
    "Launch on JupyterHub": "Открыть в JupyterHub",
    "Binder logo": "Логотип Binder",
    "Colab logo": "Логотип Colab",
    "JupyterHub logo": "Логотип JupyterHub",
    "Download this page": "Скачать страницу",
    "Download source file": "Скачать исходник",
    "Print to PDF": "Печать в PDF",
    "Fullscreen mode": "Полноэкранный режим",
    "Source repositories": "Репозиторий исходников",
    "Source repository": "Репозиторий исходников",
    "Skip to main content": "Перейти к содержанию",
    "Site navigation": "Навигация по сайту",
    "Section Navigation": "Навигация по разделу",
    "Breadcrumb": "Путь к странице",
    "Home": "Главная",
    "Contents": "Содержание",
    "previous page": "предыдущая страница",
    "next page": "следующая страница",
    "previous": "назад",
    "next": "далее",
    "By ": "Авторы: ",
}

#: Сообщения поиска Sphinx (searchtools.js), у которых в русском каталоге Sphinx 7.4
#: пустой перевод: без него после поиска под «Результаты поиска» пустая строка.
JS_STRINGS = {
    "Search finished, found ${resultCount} page(s) matching the search query.":
        "Поиск завершён, найдено страниц: ${resultCount}.",
    "Searching for multiple words only shows matches that contain\n    all words.":
        "Если в запросе несколько слов, найдутся только страницы, где есть все слова.",
}

_SOURCE = re.compile(r"book/(ch\d+/[\w-]+)\.(?:md|ipynb)")


def _retarget_launch_buttons(app, pagename, templatename, context, doctree):
    """Ссылки кнопок запуска — те же, что печатает ``salesbook links``
    (:mod:`salesbook.authoring.links`, адрес репозитория из ``_config.yml``)."""
    from salesbook.authoring import links

    workbook = links.workbook_of(pagename)
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if "url" not in button:
                continue
            ours = links.repository(Path(app.srcdir)).launch(workbook) if workbook else {}
            button["url"] = ours.get(button.get("text"), _SOURCE.sub(r"notebooks/\1.ipynb", button["url"]))


_CODE = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>)", re.S)


def _translate(text: str) -> str:
    """Перевести подписи интерфейса; код (``<pre>``, ``<code>``) не трогать."""
    parts = _CODE.split(text)
    parts[::2] = [_translate_fragment(part) for part in parts[::2]]
    return "".join(parts)


def _translate_fragment(text: str) -> str:
    for english, russian in sorted(UI_STRINGS.items(), key=lambda kv: -len(kv[0])):
        escaped = re.escape(english)
        # значение атрибута: ="Back to top"
        text = re.sub(rf'="{escaped}"', f'="{russian}"', text)
        # текст элемента: >Back to top<, в том числе с пробелами и переносами вокруг
        text = re.sub(rf">(\s*){escaped}(\s*)<", rf">\g<1>{russian}\g<2><", text)
    return text


def _complete_js_translations(path: Path) -> None:
    """Дописать в ``_static/translations.js`` переводы, которые в каталоге Sphinx пустые."""
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    start, end = text.find("("), text.rfind(")")
    catalog = json.loads(text[start + 1 : end])
    messages = catalog.get("messages", {})
    changed = False
    for english, russian in JS_STRINGS.items():
        if not messages.get(english):
            messages[english] = russian
            changed = True
    if changed:
        body = json.dumps(catalog, ensure_ascii=False, indent=4, sort_keys=True)
        path.write_text(f"{text[:start]}({body}){text[end + 1:]}", encoding="utf-8")


def _note_build_start(app):
    app._salesbook_build_started = time.time()


def _translate_html(app, exception):
    """Перевести подписи в страницах, которые записала эта сборка; остальные переведены прошлыми
    сборками (перевод идемпотентен). По времени изменения файла, а не по списку страниц: при
    параллельной записи страницы пишут другие процессы."""
    if exception is not None or app.builder.format != "html":
        return
    started = getattr(app, "_salesbook_build_started", 0.0) - 2.0   # запас на грубое время файловой системы
    for path in Path(app.outdir).rglob("*.html"):
        if path.stat().st_mtime < started:
            continue
        original = path.read_text(encoding="utf-8")
        translated = _translate(original)
        if translated != original:
            path.write_text(translated, encoding="utf-8")
    _complete_js_translations(Path(app.outdir) / "_static" / "translations.js")


def _russian_exec_table() -> None:
    """Таблица времени выполнения тетрадей (директива nb-exec-table) по-русски и без
    отметки времени сборки: дата изменения делала бы страницу разной при каждой сборке."""
    from docutils import nodes
    from myst_nb.ext import execution_tables as table_module

    from salesbook.runtime.fmt import number

    if getattr(table_module, "_salesbook_patched", False):
        return
    table_module._key2header.clear()
    table_module._key2header.update({"runtime": "Время выполнения, с", "method": "Как получен результат", "succeeded": "Итог"})
    table_module._key2transform.update({
        "runtime": lambda x: "—" if x is None else number(x, 1),
        "method": lambda x: {"cache": "через кэш исполнения", "auto": "выполнена", "force": "выполнена", "inline": "выполнена"}.get(str(x), str(x)),
        "succeeded": lambda x: "✅ без ошибок" if x is True else "❌ ошибка",
    })
    original = table_module.make_stat_table

    def make_stat_table(parent_docname, metadata):
        table = original(parent_docname, metadata)
        for paragraph in table.findall(nodes.paragraph):
            if paragraph.astext() == "Document":
                paragraph.replace_self(nodes.paragraph(text="Раздел"))
                break
        return table

    table_module.make_stat_table = make_stat_table
    table_module._salesbook_patched = True


_SECTION_DOC = re.compile(r"book/ch\d+/\d")


def _expand_exercises(app, docname, source):
    """Заготовки упражнений в книге — те же, что в рабочих тетрадях.

    В исходнике раздела есть только решения с метками; заготовки из них выводит
    :func:`salesbook.authoring.exercise_cells.expand` ещё до того, как myst-nb
    прочитает и исполнит тетрадь (и положит её в кэш исполнения).
    """
    from sphinx.util import logging

    from salesbook.authoring.exercise_cells import MarkerError, expand_text

    if not _SECTION_DOC.match(docname):
        return
    try:
        source[0] = expand_text(source[0])
    except MarkerError as exc:
        logging.getLogger(__name__).warning(str(exc), location=docname)


def _number_exercises_per_page(app, doctree):
    """«Упражнение 1. Название» с нумерацией заново на каждой странице — как в тетрадях.

    sphinx-exercise нумерует упражнения сквозной нумерацией по всей книге, и в
    разделе 3.2 они начинались бы с 7, а в тетради того же раздела — с 1.
    Поэтому нумеруемые узлы заменяются ненумеруемыми с номером в заголовке.
    """
    from docutils import nodes
    from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, exercise_subtitle, exercise_title

    from salesbook.authoring.exercise_cells import exercise_title as numbered_title

    for number, node in enumerate(list(doctree.findall(exercise_enumerable_node)), 1):
        plain = exercise_node(node.rawsource, *node.children, **node.attributes)
        title = plain.children[0] if plain.children else None
        if isinstance(title, exercise_title):
            subtitle = next((c for c in title.children if isinstance(c, exercise_subtitle)), None)
            text = numbered_title(number, subtitle.astext() if subtitle is not None else None)
            del title[:]
            title += nodes.Text(text)
        node.replace_self(plain)


def _register_russian_bibliography_style() -> None:
    """Стиль списка литературы «russian»: стиль plain из pybtex с русскими связками.

    В plain соавторов соединяет «and», а адрес подписан «URL:»; в книге на русском
    это «и» и «Адрес:». Остальное (порядок полей, пунктуация) — как в plain.
    """
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.template import field, href, names, sentence, words

    class RussianStyle(PlainStyle):
        default_sorting_style = "author_year_title"

        def format_names(self, role, as_sentence=True):
            formatted = names(role, sep=", ", sep2=" и ", last_sep=" и ")
            return sentence[formatted] if as_sentence else formatted

        def format_url(self, e):
            url = field("url", raw=True)
            return words["Адрес:", href(url)[url]]

    register_plugin("pybtex.style.formatting", "russian", RussianStyle, force=True)


def _register_russian_reference_style() -> None:
    """Ссылки в тексте «автор, год» с русскими связками: «Landis и Koch, 1977», «Gong и др., 2024».

    Стиль author_year из sphinxcontrib-bibtex соединяет авторов через «and» и сокращает список
    как «et al.»; связки задаёт его PersonStyle, остальное — как в author_year.
    """
    from dataclasses import dataclass, field

    import sphinxcontrib.bibtex.plugin
    from sphinxcontrib.bibtex.style.referencing import PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    def russian_person() -> PersonStyle:
        return PersonStyle(sep2=" и ", last_sep=" и ", other=" и\u00a0др.")

    @dataclass
    class RussianAuthorYearStyle(AuthorYearReferenceStyle):
        person: PersonStyle = field(default_factory=russian_person)

    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "author_year_ru", RussianAuthorYearStyle, force=True
    )


def _check_glued_values(app, doctree):
    """Значения ``fmt.glue`` этого исполнения совпадают с ``book/_glue/…json`` (пункт 5)."""
    from myst_nb.core.variables import format_plain_text
    from myst_nb.sphinx_ import NbMetadataCollector
    from sphinx.util import logging

    from salesbook.authoring import glue

    docname = app.env.docname
    source = Path(app.env.doc2path(docname))
    book = Path(app.srcdir) / "book"
    if source.suffix != ".md" or book not in source.parents or not source.name[0].isdigit():
        return
    recorded_path = glue.values_path(source, Path(app.srcdir))
    app.env.note_dependency(str(recorded_path))
    doc_data = NbMetadataCollector.get_doc_data(app.env).get(docname, {})
    if not doc_data.get("exec_data"):
        return  # раздел не исполнялся (например, соседний раздел в salesbook check-section)
    executed = {}
    if doc_data.get("glue"):
        outputs = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.glue.json"
        data = json.loads(outputs.read_text(encoding="utf-8"))
        # тот же текст, что вставляет роль {glue:text}
        executed = {name: format_plain_text(out["data"]["text/plain"], "s") for name, out in data.items()}
    recorded = glue.committed(source, Path(app.srcdir))
    for problem in glue.compare(executed, recorded):
        logging.getLogger(__name__).warning(
            f"{problem} — выполните make notebooks", location=docname, type="salesbook", subtype="glue"
        )


def _wheel_name(root: Path) -> str:
    """Имя колеса пакета курса (``pip wheel . --no-deps``) — из версии в ``pyproject.toml``."""
    import tomllib

    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    return f"salesbook-{version}-py3-none-any.whl"


def _course_substitutions(app, config):
    """Адрес репозитория и ссылки запуска для страниц книги (``{{ course_repo }}`` и т. д.) —
    из того же ``_config.yml``, что и кнопки запуска: руками адрес в тексте не набирается."""
    from salesbook.authoring import links

    repo = links.repository(Path(app.srcdir))
    first = links.workbooks(root=Path(app.srcdir))[0]
    ours = {
        "course_repo": f"<{repo.url}>",
        "course_branch": f"`{repo.branch}`",
        "course_pip": f"`{repo.pip_source}`",
        "binder_link": f"[открыть папку тетрадей в Binder]({repo.binder('notebooks')})",
        "colab_example": f"<{repo.colab(first)}>",
        # длинная ссылка — отдельным блоком кода, а не строкой в абзаце
        "hub_example": f"```text\n{repo.jupyterhub(first, hub='https://hub.example.ru')}\n```",
        "wheel_install": f"`%env {links.INSTALL_ENV_VAR}=/content/{_wheel_name(Path(app.srcdir))}`",
        "book_site": f"<{repo.pages_url}>",
    }
    config.myst_substitutions = {**(config.myst_substitutions or {}), **ours}


def setup(app):
    _russian_exec_table()
    _register_russian_bibliography_style()
    _register_russian_reference_style()
    app.connect("source-read", _expand_exercises)
    app.connect("doctree-read", _number_exercises_per_page)
    app.connect("doctree-read", _check_glued_values)
    app.connect("config-inited", _course_substitutions)
    app.connect("html-page-context", _retarget_launch_buttons, priority=600)
    app.connect("builder-inited", _note_build_start)
    app.connect("build-finished", _translate_html)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
