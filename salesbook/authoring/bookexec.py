"""Исполнение тетрадей книги параллельно — до сборки Jupyter Book.

Jupyter Book 1.x в режиме ``execute_notebooks: cache`` исполняет тетради по одной (myst-nb
исполняет страницу, когда Sphinx её читает), а на машине с несколькими ядрами большая часть
времени сборки — это ожидание ядер Python по очереди. Здесь тетради, которых нет в кэше,
исполняются заранее в нескольких процессах и кладутся в тот же кэш jupyter-cache
(``_build/.jupyter_cache``); сборка затем берёт их из кэша («Using cached notebook»).

Своё здесь только расписание: список исходников из ``_toc.yml``, порядок (сначала долгие —
по времени прошлого исполнения из кэша) и пул процессов с раздачей по одной тетради. Чтение
тетради, её исполнение и запись в кэш — те же функции, которыми пользуется сборка
(развёртка упражнений курса, читатель MyST-тетрадей myst-nb, ``single_nb_execution`` и
``cache_notebook_bundle`` из jupyter-cache), поэтому хэш тетради в кэше совпадает с тем, что
ищет сборка (это проверяет тест). Если тетрадь здесь упала, она остаётся неисполненной:
сборка исполнит её снова и покажет ошибку как обычно — этот шаг ничего не скрывает.
"""
from __future__ import annotations

import multiprocessing as mproc
import os
import re
import tempfile
import time
from pathlib import Path

import yaml

__all__ = ["book_sources", "cache_settings", "execute_book"]

SECTION_DOC = re.compile(r"book/ch\d+/\d")   # страницы разделов: как в sphinx_ext._expand_exercises


def _toc_files(entries) -> list[str]:
    files: list[str] = []
    for entry in entries or []:
        if "file" in entry:
            files.append(entry["file"])
        for key in ("sections", "chapters"):
            files += _toc_files(entry.get(key))
        for part in entry.get("parts", []) or []:
            files += _toc_files(part.get("chapters"))
    return files


def book_sources(root: Path) -> list[Path]:
    """Исходники-тетради книги в порядке оглавления: .md из ``_toc.yml`` с ядром в шапке."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + _toc_files(toc.get("parts")) + _toc_files(toc.get("chapters"))
    out = []
    for name in files:
        path = root / (name if name.endswith(".md") else name + ".md")
        if path.exists() and "kernelspec:" in path.read_text(encoding="utf-8").split("\n---", 1)[0]:
            out.append(path)
    return out


def read_as_book(path: Path, root: Path):
    """Тетрадь такой, какой её читает сборка: заготовки упражнений развёрнуты расширением курса
    (событие ``source-read``), затем читатель MyST-тетрадей myst-nb — иначе хэш в кэше не совпадёт."""
    from myst_nb.core.read import read_myst_markdown_notebook

    from salesbook.authoring.exercise_cells import expand_text

    text = path.read_text(encoding="utf-8")
    if SECTION_DOC.match(path.relative_to(root).as_posix()):
        text = expand_text(text)
    return read_myst_markdown_notebook(text, add_source_map=True, path=str(path))


def _execute(args):
    """Исполнить одну тетрадь и положить результат в кэш сборки (в отдельном процессе)."""
    cache_path, root, path, timeout = args
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution

    from salesbook.authoring import kernels

    path = Path(path)
    nb = read_as_book(path, Path(root))
    # ядра нескольких процессов стартуют одновременно: сокеты-файлы вместо портов TCP (см. kernels);
    # папка сокетов — на одну тетрадь: пул завершает свои процессы без уборки при выходе
    with tempfile.TemporaryDirectory(prefix="sbk-") as sockets:
        kernels.use_socket_dir(sockets)
        result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout, allow_errors=False,
                                     kernel_manager_class=kernels.AsyncIpcKernelManager)
    if result.err is not None:
        return path.name, result.time, type(result.err).__name__
    get_cache(cache_path).cache_notebook_bundle(
        CacheBundleIn(nb, str(path), data={"execution_seconds": result.time}), check_validity=False, overwrite=True)
    return path.name, result.time, None


def cache_settings(root: Path) -> tuple[str, int] | None:
    """Кэш исполнения книги и срок на ячейку из ``_config.yml``; ``None`` — книга не в режиме «cache»."""
    config_file = Path(root) / "_config.yml"
    if not config_file.exists():
        return None
    execute = (yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}).get("execute", {}) or {}
    if execute.get("execute_notebooks", "auto") != "cache":
        return None
    return str(Path(root) / (execute.get("cache") or "_build/.jupyter_cache")), int(execute.get("timeout", 300))


def execute_book(root: Path, jobs: int | None = None, timeout: int | None = None) -> int:
    """Исполнить в ``jobs`` процессах тетради книги, которых нет в кэше сборки; вернуть, сколько упало."""
    from jupyter_cache import get_cache

    root = Path(root).resolve()
    settings = cache_settings(root)
    if settings is None:
        print("Книга: тетради исполняет сама сборка (execute_notebooks не «cache»).")
        return 0
    cache_path, timeout = settings[0], timeout or settings[1]
    cache = get_cache(cache_path)
    sources = book_sources(root)
    todo = []
    for path in sources:
        try:
            cache.match_cache_notebook(read_as_book(path, root))
        except KeyError:
            todo.append(path)
    if not todo:
        print(f"Книга: все тетради ({len(sources)}) уже в кэше сборки.")
        return 0
    # сначала долгие: время прошлого исполнения тетради с тем же путём, если оно есть в кэше
    last = {r.uri: (r.data or {}).get("execution_seconds", 0.0) for r in cache.list_cache_records()}
    todo.sort(key=lambda p: -last.get(str(p), 60.0))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    start = time.perf_counter()
    failed = []
    args = [(cache_path, str(root), str(p), timeout) for p in todo]
    with mproc.get_context("spawn").Pool(jobs) as pool:
        for name, seconds, err in pool.imap_unordered(_execute, args, chunksize=1):
            print(f"  {name}: {seconds:.1f} с" + (f" — ошибка {err}, сборка покажет её" if err else ""), flush=True)
            if err:
                failed.append(name)
    took = time.perf_counter() - start
    print(f"Книга: исполнено тетрадей — {len(todo) - len(failed)} из {len(todo)} за {took:.0f} с, "
          f"процессов — {jobs}; из кэша — {len(sources) - len(todo)}.")
    return len(failed)
