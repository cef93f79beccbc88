"""Кнопки «Открыть в…» собранной книги ведут на рабочую тетрадь своего раздела.

Браузер не нужен: HTML страниц разбирается как текст, поэтому тест идёт и без Chromium —
после сборки книги (make test-book, затем make test-browser). Ожидаемое считается прямо из
_config.yml и _toc.yml, без кода, который строит ссылки (salesbook.authoring.links).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from browsersupport import HTML, ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"]["branch"]
OWNER, NAME = urlsplit(REPO_URL).path.strip("/").split("/")
SERVICES = {name: (CONFIG["launch_buttons"].get(key) or "").rstrip("/")
            for name, key in (("Binder", "binderhub_url"), ("Colab", "colab_url"), ("JupyterHub", "jupyterhub_url"))}
SERVICES = {name: url for name, url in SERVICES.items() if url}


def _sections() -> list[str]:
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"file: (book/ch\d+/\d[\w-]*)", toc)


SECTIONS = _sections()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _launch_links(page: Path) -> dict[str, list[str]]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return {name: [h for h in parser.hrefs if h.startswith(base + "/")] for name, base in SERVICES.items()}


def _target(service: str, url: str) -> tuple[str, str, str, str]:
    """(владелец, репозиторий, ветка, путь тетради) из ссылки сервиса."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if service == "Binder":
        owner, name, branch = re.fullmatch(r"/v2/gh/([^/]+)/([^/]+)/([^/]+)", parts.path).groups()
        path = query["urlpath"][0].removeprefix("lab/tree/")
    elif service == "Colab":
        owner, name, branch, path = re.fullmatch(r"/github/([^/]+)/([^/]+)/blob/([^/]+)/(.+)", parts.path).groups()
    else:
        assert parts.path.endswith("/hub/user-redirect/git-pull"), url
        owner, name = urlsplit(query["repo"][0]).path.strip("/").split("/")
        branch = query["branch"][0]
        path = query["urlpath"][0].removeprefix(f"lab/tree/{name}/")  # nbgitpuller: клон в папке репозитория
    return owner, name, branch, path


@pytest.fixture(scope="module")
def built():
    if not (HTML / "book" / "intro.html").is_file():
        pytest.fail("Книга не собрана: нет _build/html/book/intro.html. Выполните make book, затем make test-browser.", pytrace=False)
    return HTML


def test_every_section_page_is_built(built):
    missing = [s for s in SECTIONS if not (built / f"{s}.html").is_file()]
    assert SECTIONS and missing == []


@pytest.mark.parametrize("section", SECTIONS)
def test_launch_buttons_open_the_sections_workbook(section, built):
    found = _launch_links(built / f"{section}.html")
    workbook = f"notebooks/{section.removeprefix('book/')}.ipynb"
    assert (ROOT / workbook).is_file(), f"{section}: нет рабочей тетради {workbook}"
    for service, urls in found.items():
        assert len(urls) == 1, f"{section}: кнопок {service} — {len(urls)}"
        assert _target(service, urls[0]) == (OWNER, NAME, BRANCH, workbook), urls[0]


def test_open_page_names_the_configured_repository(built):
    page = (built / "book" / "open.html").read_text(encoding="utf-8")
    assert f'href="{REPO_URL}"' in page
    assert f'href="{SERVICES["Binder"]}/v2/gh/{OWNER}/{NAME}/{BRANCH}?urlpath=lab/tree/notebooks"' in page
