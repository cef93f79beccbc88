"""Параллельное исполнение тетрадей книги: сборка должна найти их в кэше, а не исполнять снова."""

from pathlib import Path

from jupyter_cache import get_cache
from myst_nb.core.config import NbParserConfig
from myst_nb.core.read import create_nb_reader
from myst_parser.config.main import MdParserConfig

from salesbook.authoring import bookexec, sphinx_ext

ROOT = Path(__file__).resolve().parents[1]
SECTION = ROOT / "book" / "ch10" / "10_2_ab.md"     # раздел с упражнениями: их заготовки разворачивает расширение


def _as_sphinx_reads(path: Path):
    """Тетрадь так, как её получает myst-nb в сборке: событие source-read курса, затем читатель myst-nb."""
    source = [path.read_text(encoding="utf-8")]
    docname = path.relative_to(ROOT).with_suffix("").as_posix()
    sphinx_ext._expand_exercises(None, docname, source)
    reader = create_nb_reader(str(path), MdParserConfig(), NbParserConfig(), source[0])
    return reader.read(source[0])


def _read_plain(path: Path):
    """Тетрадь из файла как есть, без развёртки упражнений."""
    text = path.read_text(encoding="utf-8")
    return create_nb_reader(str(path), MdParserConfig(), NbParserConfig(), text).read(text)


def test_sources_follow_the_table_of_contents():
    sources = bookexec.book_sources(ROOT)
    assert SECTION in sources
    assert all(p.suffix == ".md" and p.exists() for p in sources)
    assert ROOT / "book" / "glossary.md" not in sources           # страница без ядра не исполняется


def test_notebook_is_read_exactly_as_the_build_reads_it(tmp_path):
    cache = get_cache(str(tmp_path / "cache"))
    ours = bookexec.read_as_book(SECTION, ROOT)
    build = _as_sphinx_reads(SECTION)
    assert cache.create_hashed_notebook(ours)[1] == cache.create_hashed_notebook(build)[1]
    # заготовки упражнений действительно развёрнуты: без развёртки хэш был бы другим
    assert cache.create_hashed_notebook(_read_plain(SECTION))[1] != cache.create_hashed_notebook(ours)[1]


def test_a_page_executed_ahead_is_found_by_the_build(tmp_path):
    root = tmp_path / "book_root"
    (root / "book").mkdir(parents=True)
    page = root / "book" / "page.md"
    page.write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
        "# Страница\n\n```{code-cell} ipython3\nprint(6 * 7)\n```\n", encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/page\n", encoding="utf-8")
    (root / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 120\n", encoding="utf-8")
    assert bookexec.execute_book(root, jobs=1) == 0
    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    cache.match_cache_notebook(_read_plain(page))       # KeyError, если сборке пришлось бы исполнять
    _, merged = cache.merge_match_into_notebook(_read_plain(page))
    code = [c for c in merged.cells if c.cell_type == "code"]
    assert code[0].outputs[0]["text"].strip() == "42"
    assert "все тетради (1) уже в кэше" in _second_run(root)


def _second_run(root: Path) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bookexec.execute_book(root, jobs=1)
    return out.getvalue()
