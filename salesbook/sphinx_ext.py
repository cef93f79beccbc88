"""Расширение Sphinx для книги курса.

1. Кнопки запуска (Binder, Colab, JupyterHub) ведут на рабочую тетрадь
   ``notebooks/chNN/<раздел>.ipynb``, а не на исходник ``book/…md``: Colab не
   открывает MyST, а учащемуся нужна тетрадь с пропусками.
2. Таблица времени выполнения тетрадей (страница «Состояние сборки») — по-русски.
3. Интерфейс целиком по-русски. У sphinx-book-theme и pydata-sphinx-theme нет
   русского перевода части подписей (кнопки, подсказки, поле поиска), поэтому
   после сборки эти подписи заменяются в HTML по словарю ниже. Словарь — точные
   строки, так что новая английская подпись после обновления темы не
   переведётся молча, а будет поймана тестом интерфейса.
"""

from __future__ import annotations

import re
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

_SOURCE = re.compile(r"book/(ch\d+/[\w-]+)\.(?:md|ipynb)")


def _retarget_launch_buttons(app, pagename, templatename, context, doctree):
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if "url" in button:
                button["url"] = _SOURCE.sub(r"notebooks/\1.ipynb", button["url"])


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


def _translate_html(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        original = path.read_text(encoding="utf-8")
        translated = _translate(original)
        if translated != original:
            path.write_text(translated, encoding="utf-8")


def _russian_exec_table() -> None:
    """Таблица времени выполнения тетрадей (директива nb-exec-table) по-русски и без
    отметки времени сборки: дата изменения делала бы страницу разной при каждой сборке."""
    from docutils import nodes
    from myst_nb.ext import execution_tables as table_module

    from .fmt import number

    if getattr(table_module, "_salesbook_patched", False):
        return
    table_module._key2header.clear()
    table_module._key2header.update({"runtime": "Время выполнения, с", "method": "Как получен результат", "succeeded": "Итог"})
    table_module._key2transform.update({
        "runtime": lambda x: "—" if x is None else number(x, 1),
        "method": lambda x: {"cache": "из кэша", "auto": "выполнена", "force": "выполнена", "inline": "выполнена"}.get(str(x), str(x)),
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


def setup(app):
    _russian_exec_table()
    app.connect("html-page-context", _retarget_launch_buttons, priority=600)
    app.connect("build-finished", _translate_html)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
