"""Ядра проверок говорят через файлы-сокеты, а не порты TCP (salesbook.authoring.kernels).

Порты TCP выбираются до старта ядра, и параллельные ядра (три процесса nbval рядом со сборкой
книги) могут их перехватить: ядро падает на старте. Здесь проверяется, что ядра nbval, book-exec
и nbclient действительно стартуют с транспортом ``ipc`` и путь их сокетов не зависит от папки тетради.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from salesbook.authoring import bookexec, kernels

ROOT = Path(__file__).resolve().parents[1]

#: Ячейка тетради: ядро само сообщает, как с ним говорят, и падает, если не через сокеты.
PROBE = ("from ipykernel.kernelapp import IPKernelApp\nimport os\napp = IPKernelApp.instance()\n"
         "assert app.transport == 'ipc', app.transport\nassert os.path.isabs(app.ip), app.ip\n"
         "print(app.transport)")


def test_nbval_with_the_plugin_starts_kernels_over_sockets(tmp_path):
    folder = tmp_path / "глава"
    folder.mkdir()
    for name in ("a.ipynb", "b.ipynb"):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)]), folder / name)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # два процесса pytest-xdist, как в make test: модуль подключается и в них
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "salesbook.authoring.kernels", "--nbval-lax",
                          "-n", "2", "-q", "-p", "no:cacheprovider", str(folder)],
                         env=env, capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "2 passed" in run.stdout


def test_makefile_loads_the_plugin_for_both_nbval_runs():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    nbval = next(line for line in makefile.splitlines() if line.startswith("NBVAL :="))
    assert "-p salesbook.authoring.kernels" in nbval
    assert "$(NBVAL) -p salesbook.authoring.nbval_book" in makefile and "$(NBVAL) notebooks" in makefile


def test_notebook_client_kernel_uses_sockets_and_leaves_none_behind(monkeypatch):
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    with tempfile.TemporaryDirectory(prefix="sbk-test-", dir="/tmp") as sockets:
        monkeypatch.setattr(kernels, "_SOCKET_DIR", None)
        kernels.use_socket_dir(sockets)
        assert kernels.socket_dir() == sockets
        NotebookClient(nb, kernel_manager_class=kernels.AsyncIpcKernelManager,
                       resources={"metadata": {"path": str(ROOT)}}).execute()
        assert not os.listdir(sockets)                  # сокеты убраны при остановке ядра
    assert nb.cells[0].outputs[0]["text"] == "ipc\n"


def test_too_long_socket_paths_fall_back_to_tmp_or_tcp(monkeypatch, tmp_path):
    """У пути сокета предел ≈ 100 байт: из слишком глубокой временной папки сокеты уходят в /tmp,
    а если и там нельзя — ядро говорит по TCP, но стартует."""
    deep = tmp_path / ("п" * 60)
    deep.mkdir()
    monkeypatch.setattr(kernels, "_SOCKET_DIR", None)
    kernels.use_socket_dir(deep)                        # не берётся: слишком длинно
    assert kernels._SOCKET_DIR is None
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    folder = kernels.socket_dir()
    try:
        assert folder.startswith("/tmp/") and kernels.fits(folder)
        assert kernels.IpcKernelManager().transport == "ipc"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    monkeypatch.setattr(kernels, "_SOCKET_DIR", None)
    monkeypatch.setattr(kernels, "fits", lambda folder: False)
    manager = kernels.IpcKernelManager()
    assert manager.transport == "tcp" and manager.ip in ("127.0.0.1", "localhost")


def test_book_exec_starts_kernels_over_sockets(tmp_path):
    root = tmp_path / "book_root"
    (root / "book").mkdir(parents=True)
    (root / "book" / "page.md").write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
        f"# Страница\n\n```{{code-cell}} ipython3\n{PROBE}\n```\n", encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/page\n", encoding="utf-8")
    (root / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 120\n", encoding="utf-8")
    assert bookexec.execute_book(root, jobs=1) == 0
