"""Проверки собранной книги, которые не зависят от браузера: английские подписи
интерфейса и битые внутренние ссылки. Функции принимают HTML (снимок страницы из
браузера или файл) и возвращают список найденных нарушений — пустой список значит
«всё в порядке». Их же на синтетической странице проверяет tests/test_browser_checkers.py.

Здесь же — явные списки исключений с причинами: какие латинские слова допустимы в
интерфейсе и какие сообщения браузера не считаются ошибкой наших страниц.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

# ---------------------------------------------------------------------------
# Английские подписи
# ---------------------------------------------------------------------------

#: Латинские слова, которые допустимы в интерфейсе русской книги, и почему.
ALLOWED_WORDS: dict[str, str] = {
    # названия сервисов и программ — не переводятся
    "Binder": "сервис запуска тетрадей (кнопка «Открыть в Binder»)",
    "Colab": "Google Colab (кнопка «Открыть в Colab»)",
    "Google": "Google Colab",
    "JupyterHub": "JupyterHub учебного центра (кнопка запуска)",
    "Jupyter": "название программы",
    "JupyterLab": "название программы",
    "Python": "язык программирования",
    "GitHub": "хостинг репозитория исходников",
    "Sphinx": "генератор книги",
    "MathJax": "библиотека формул",
    # форматы файлов в меню «Скачать»
    "ipynb": "расширение файла тетради в меню «Скачать»",
    "md": "расширение файла исходника в меню «Скачать»",
    "pdf": "формат PDF в меню «Скачать»",
    "PDF": "формат PDF",
    # клавиши
    "Ctrl": "клавиша в подсказке Ctrl+K у поиска",
    "Cmd": "клавиша в подсказке ⌘+K на macOS",
    # термины курса, которые пишутся латиницей и в русском тексте
    "IT": "«IT-продуктов» в названии книги",
    "CAC": "термин курса",
    "LTV": "термин курса",
    "CPL": "термин курса",
    "SQL": "термин курса",
    "MQL": "термин курса",
    "ACV": "термин курса",
    "ARR": "термин курса",
    "MRR": "термин курса",
    "CSM": "термин курса",
    "SDR": "термин курса",
    "AE": "термин курса",
    "SE": "термин курса",
    "ICP": "термин курса",
    "CRM": "термин курса",
    "SaaS": "термин курса",
    "RevOps": "термин курса",
    "SPIN": "методика продаж",
    "MEDDIC": "методика продаж",
    "Challenger": "методика продаж",
    "B2B": "термин курса",
    "B2C": "термин курса",
    "SMB": "сегмент",
}

_ALLOWED_LOWER = {w.lower() for w in ALLOWED_WORDS}

#: Атрибуты, которые человек видит или слышит (подсказки, скринридер, поле поиска).
UI_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-tooltip", "data-bs-title", "data-toggle-hint")

#: Поддеревья, где нет подписей интерфейса: код, формулы, служебные элементы.
_SKIP_TAGS = {"script", "style", "noscript", "template", "pre", "code", "math", "mjx-container", "head"}

#: Оглавления: ссылки в них — заголовки страниц и разделов, их пишут авторы книги.
_TOC_CLASSES = {"bd-docs-nav", "bd-sidenav", "bd-toc-nav", "page-toc"}
_TOC_IDS = {"jb-print-toc"}
#: Прочий текст авторов вне статьи: название книги, заголовок соседней страницы под
#: «назад»/«далее», результаты поиска (заголовки и фрагменты страниц).
_AUTHOR_CLASSES = {"prev-next-title", "logo__title"}

#: Стандартные врезки: их заголовок («Заметка», «Внимание») ставит тема, а не автор.
_STANDARD_ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error", "seealso"}
#: Внутри статьи подписи интерфейса только здесь; остальное — текст авторов.
_ARTICLE_UI_CLASSES = {"caption-number", "toggle-button"}   # «Упражнение 1», «Рис. 1»; кнопки togglebutton
#: Элементы статьи, чьи атрибуты — текст авторов (подсказка ссылки на источник — его название).
_ARTICLE_AUTHOR_ATTR_TAGS = {"abbr", "img", "dfn"}

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
_URLISH = re.compile(r"\S+://\S+|\S*[/\\]\S*\.\w{2,5}\b|\S+\.(?:png|svg|jpg|jpeg|gif|ico)\b")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@dataclass(frozen=True)
class Label:
    """Подпись интерфейса с английскими словами: где, какой текст, какие слова."""

    where: str
    text: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.where}: «{self.text}» (слова: {', '.join(self.words)})"


def english_words(text: str, allowed: set[str] | None = None) -> list[str]:
    """Латинские слова из двух и более букв, которых нет в списке допустимых."""
    allowed_lower = _ALLOWED_LOWER if allowed is None else {w.lower() for w in allowed}
    text = _URLISH.sub(" ", text)
    return [w for w in _WORD.findall(text) if w.lower().strip("'’") not in allowed_lower]


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text or ""))


def _describe(tag: Tag) -> str:
    parts = []
    node = tag
    while isinstance(node, Tag) and node.name not in ("body", "[document]") and len(parts) < 3:
        ident = f"#{node['id']}" if node.get("id") else ""
        classes = "".join(f".{c}" for c in (node.get("class") or [])[:2])
        parts.append(f"{node.name}{ident}{classes}")
        node = node.parent
    return " < ".join(parts)


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _soup(html) -> BeautifulSoup:
    return html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "html.parser")


def english_labels(html, allowed: set[str] | None = None) -> list[Label]:
    """Подписи интерфейса страницы, в которых остались английские слова.

    Проверяются: весь текст вне статьи (шапка, боковые панели, подвал, поиск), кроме
    заголовков страниц в оглавлениях; внутри статьи — подписи темы (номера упражнений,
    кнопки сворачивания решений, стандартные заголовки врезок); атрибуты, которые видит
    или слышит человек (title, aria-label, placeholder, alt, подсказки), — везде, кроме
    ссылок на источники и картинок в тексте авторов. ``html`` — строка или готовый
    BeautifulSoup (он не меняется).
    """
    soup = _soup(html)
    body = soup.body or soup
    found: list[Label] = []
    seen: set[tuple[str, str]] = set()

    def report(where: str, text: str) -> None:
        text = _normalize(text)
        words = english_words(text, allowed)
        if words and (where, text) not in seen:
            seen.add((where, text))
            found.append(Label(where, text, tuple(words)))

    def walk(tag: Tag, author: bool, in_article: bool, article_ui: bool, in_toc: bool) -> None:
        classes = set(tag.get("class") or [])
        in_toc = in_toc or bool(classes & _TOC_CLASSES) or tag.get("id") in _TOC_IDS
        if tag.name == "article":
            in_article = True
        if in_toc and (tag.name == "a" or "caption-text" in classes):
            author = True
        if classes & _AUTHOR_CLASSES or (tag.name == "ul" and "search" in classes):
            author = True
        if tag.name == "h1" and tag.parent is not None and tag.parent.get("id") == "jb-print-docs-body":
            author = True  # заголовок страницы в версии для печати
        parent_classes = set(tag.parent.get("class") or []) if isinstance(tag.parent, Tag) else set()
        if in_article and (
            classes & _ARTICLE_UI_CLASSES
            # «Показать решение» у ячеек myst-nb (hide-input) — не заголовки выпадающих блоков авторов
            or (tag.name == "summary" and "hide" in parent_classes)
            or ("admonition-title" in classes and parent_classes & _STANDARD_ADMONITIONS)
        ):
            article_ui = True
        if (in_article and "admonition-title" in classes and "exercise" in parent_classes
                and tag.find(class_="caption-number") is None):
            # «Упражнение 1. Название»: номер ставит книга (sphinx_ext), название — автор
            label = re.match(r"\s*(\S+(?:\s+\S+)??)\s+\d+", tag.get_text())
            report(_describe(tag), label.group(0) if label else tag.get_text())
        if in_article and "admonition-title" in classes and "solution" in parent_classes:
            # «Решение к Упражнение 1»: подпись темы — текст самого заголовка и ссылка на упражнение
            for child in tag.children:
                text = child.get_text() if isinstance(child, Tag) and child.name == "a" else child
                if isinstance(text, str) and text.strip() and not isinstance(child, Comment):
                    report(_describe(tag), str(text))

        own_attrs = not (in_article and (tag.name in _ARTICLE_AUTHOR_ATTR_TAGS or (tag.name == "a" and "reference" in classes)))
        if own_attrs:
            for attr in UI_ATTRIBUTES:
                value = tag.get(attr)
                if isinstance(value, list):
                    value = " ".join(value)
                if value:
                    report(f"{_describe(tag)} [{attr}]", value)
            if tag.name == "input" and tag.get("type") in ("button", "submit", "reset") and tag.get("value"):
                report(f"{_describe(tag)} [value]", tag["value"])

        for child in tag.children:
            if isinstance(child, Tag):
                if child.name not in _SKIP_TAGS:
                    walk(child, author, in_article, article_ui, in_toc)
            elif isinstance(child, NavigableString) and not isinstance(child, Comment) and child.strip():
                if author or (in_article and not article_ui):
                    continue
                report(_describe(tag), str(child))

    walk(body, False, False, False, False)
    return found


# ---------------------------------------------------------------------------
# Битые внутренние ссылки и картинки
# ---------------------------------------------------------------------------

#: Какие ссылки страницы проверять: (тег, атрибут).
LINK_ATTRIBUTES = (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src"), ("source", "src"), ("iframe", "src"))


@dataclass(frozen=True)
class BrokenLink:
    page: str
    tag: str
    url: str
    problem: str

    def __str__(self) -> str:
        return f"{self.page}: <{self.tag}> {self.url} — {self.problem}"


@dataclass
class LinkReport:
    broken: list[BrokenLink]
    internal: int = 0   # проверено внутренних ссылок
    external: int = 0   # внешних (в сеть тест не ходит — только считает)


class _IdCollector(HTMLParser):
    """Атрибуты id всех тегов и name у <a> — без построения дерева страницы.

    Тот же разбор html.parser, что и у BeautifulSoup, но в несколько раз быстрее: якоря
    нужны для каждой страницы, на которую ссылается проверяемая. Значения — как у
    BeautifulSoup: повторённый атрибут — последнее значение, атрибут без значения — пустая строка.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)  # повторённый атрибут: как у BeautifulSoup, последнее значение
        for name in ("id", "name") if tag == "a" else ("id",):
            if name in values:
                self.ids.add(values[name] or "")

    handle_startendtag = handle_starttag


@lru_cache(maxsize=256)
def _ids(path: Path, mtime: float) -> frozenset[str]:
    collector = _IdCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return frozenset(collector.ids)


def anchors_of(path: Path) -> frozenset[str]:
    """Идентификаторы, на которые можно сослаться через #якорь."""
    return _ids(path, path.stat().st_mtime)


def broken_links(html, page: str, root: Path, base_url: str = "", page_ids: set[str] | None = None) -> LinkReport:
    """Внутренние ссылки страницы, которые никуда не ведут.

    ``page`` — путь страницы относительно ``root`` (каталог собранной книги),
    ``base_url`` — адрес, по которому книга открыта в браузере (ссылки на него тоже
    внутренние). Ссылка битая, если нет файла, на который она ведёт, или на целевой
    странице нет якоря ``#…``. Для ссылок на ту же страницу якоря берутся из
    ``page_ids`` (живой DOM) или из самого ``html``.
    """
    root = Path(root)
    soup = _soup(html)
    if page_ids is None:
        page_ids = {t["id"] for t in soup.find_all(id=True)} | {t["name"] for t in soup.find_all("a", attrs={"name": True})}
    base_parts = urlsplit(base_url) if base_url else None
    report = LinkReport(broken=[])
    page_dir = Path(page).parent
    for tag_name, attr in LINK_ATTRIBUTES:
        for tag in soup.find_all(tag_name):
            url = tag.get(attr)
            if url is None:
                continue
            url = url.strip()
            parts = urlsplit(url)
            if parts.scheme in ("mailto", "tel", "javascript", "data"):
                continue
            if parts.scheme or parts.netloc:
                same_site = base_parts is not None and (parts.scheme, parts.netloc) == (base_parts.scheme, base_parts.netloc)
                if not same_site:
                    report.external += 1
                    continue
                target_rel = unquote(parts.path).lstrip("/")
                base_path = unquote(base_parts.path).lstrip("/")
                if base_path and target_rel.startswith(base_path):
                    target_rel = target_rel[len(base_path):]
                target = root / target_rel
            elif not parts.path:
                # ссылка на эту же страницу: файл есть (мы на нём), проверяем только якорь
                report.internal += 1
                fragment = unquote(parts.fragment)
                if fragment and fragment not in page_ids:
                    report.broken.append(BrokenLink(page, tag_name, url, f"на странице нет якоря #{fragment}"))
                continue
            elif parts.path.startswith("/"):
                target = root / unquote(parts.path).lstrip("/")
            else:
                target = root / page_dir / unquote(parts.path)
            report.internal += 1
            if url in ("", "#"):
                continue
            try:
                target = target.resolve()
                target.relative_to(root.resolve())
            except ValueError:
                report.broken.append(BrokenLink(page, tag_name, url, "ведёт за пределы книги"))
                continue
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                report.broken.append(BrokenLink(page, tag_name, url, "нет такого файла"))
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                same_page = target == (root / page).resolve()
                ids = page_ids if same_page else anchors_of(target)
                if fragment not in ids:
                    report.broken.append(BrokenLink(page, tag_name, url, f"на странице нет якоря #{fragment}"))
    return report


# ---------------------------------------------------------------------------
# Сообщения браузера, которые не считаются ошибкой наших страниц
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowedBrowserError:
    kind: str        # "pageerror" (исключение JS), "console" (console.error), "request" (ресурс не загрузился)
    text: str        # регулярное выражение для текста сообщения
    source: str      # регулярное выражение для адреса, откуда сообщение (пусто — любой)
    reason: str

    def matches(self, kind: str, text: str, source: str = "") -> bool:
        return kind == self.kind and re.search(self.text, text) is not None and re.search(self.source, source or "") is not None


ALLOWED_BROWSER_ERRORS = (
    AllowedBrowserError(
        "pageerror", r"Identifier 'THEBE_JS_URL' has already been declared", r"",
        "Sphinx 7.4 добавляет встроенный скрипт настроек sphinx-thebe дважды (дубликат с filename=None "
        "не отсеивается), второе объявление const падает. Thebe в книге не включён (нет launch_buttons.thebe), "
        "так что ошибка ничего не ломает; исправлять в sphinx-thebe/Sphinx или отсеять дубликат в sphinx_ext.",
    ),
    AllowedBrowserError(
        "console", r"^Got invalid theme mode: \. Resetting to auto\.$", r"pydata-sphinx-theme\.js",
        "pydata-sphinx-theme при первом заходе (пустой localStorage, data-default-mode=\"\") пишет в console.error "
        "и включает тему «как в системе» — это сообщение, а не исключение.",
    ),
    AllowedBrowserError(
        "console", r"^Failed to load resource: the server responded with a status of 404", r"/favicon\.ico$",
        "браузер сам запрашивает /favicon.ico, а значка у книги нет; страницы на него не ссылаются.",
    ),
    AllowedBrowserError(
        "request", r"404", r"/favicon\.ico$",
        "то же: автоматический запрос значка сайта.",
    ),
    AllowedBrowserError(
        "request", r"net::ERR_ABORTED$", r"",
        "запрос оборвал сам браузер (переход на другую страницу). Внешний адрес обрывом не считается: "
        "он не доходит до сети (net::ERR_PROXY_CONNECTION_FAILED), записывается отдельно и валит тест "
        "страницы. Битый ресурс виден как ответ 404, а не как обрыв.",
    ),
)


def is_allowed_browser_error(kind: str, text: str, source: str = "") -> AllowedBrowserError | None:
    for rule in ALLOWED_BROWSER_ERRORS:
        if rule.matches(kind, text, source):
            return rule
    return None
