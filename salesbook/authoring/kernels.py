"""Ядра тетрадей для проверок курса: связь с ядром через файлы-сокеты, а не порты TCP.

``make test`` и ``salesbook book-exec`` запускают ядра параллельно (три процесса nbval, рядом —
сборка книги). По умолчанию jupyter_client выбирает ядру пять свободных портов TCP, закрывает
их и отдаёт номера ядру; пока ядро стартует, тот же порт может занять другой процесс (порты
берутся из того же диапазона, что и исходящие соединения). Тогда ядро падает на старте,
nbval пишет «Kernel died before replying to kernel_info», и все ячейки тетради становятся
ошибками — так однажды упала целая тетрадь в прогоне рабочих тетрадей. Это известная гонка
jupyter_client (jupyter/jupyter_client#487, #154).

Транспорт ``ipc`` её не имеет: каналы ядра — файлы-сокеты в своей временной папке процесса,
с именем, которое не выбирает никто другой. jupyter_client и ipykernel поддерживают его сами;
здесь только выбран транспорт и короткий абсолютный путь (ядро работает в папке тетради, а
путь по умолчанию ``kernel-ipc`` — относительный, и клиент искал бы сокеты не там).
Файлы-сокеты удаляет сам jupyter_client при остановке ядра, папку — выход из процесса.

Учащийся этого не видит: JupyterLab запускает ядра по-своему. Подключение к nbval —
``pytest -p salesbook.authoring.kernels`` (переменная NBVAL в Makefile); ``book-exec`` передаёт
класс в nbclient, как и ``salesbook grade`` (там сбой старта ядра стал бы «сбоем» работы участника).
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import uuid

from jupyter_client.manager import AsyncKernelManager, KernelManager
from traitlets import HasTraits, default

_SOCKET_DIR: str | None = None


def _socket_dir() -> str:
    """Своя временная папка процесса для сокетов ядер; путь короткий (у сокета предел ≈ 100 байт)."""
    global _SOCKET_DIR
    if _SOCKET_DIR is None:
        _SOCKET_DIR = tempfile.mkdtemp(prefix="salesbook-kernels-")
        atexit.register(shutil.rmtree, _SOCKET_DIR, ignore_errors=True)
    return _SOCKET_DIR


def use_socket_dir(path) -> None:
    """Класть сокеты ядер в ``path`` (папку удаляет тот, кто её дал): так делает проверка работ,
    чей процесс может быть убит по лимиту, не дойдя до уборки при выходе."""
    global _SOCKET_DIR
    os.makedirs(path, exist_ok=True)
    _SOCKET_DIR = str(path)


class _Ipc(HasTraits):
    """Транспорт ``ipc`` и уникальный путь сокетов (на Windows сокетов нет — там остаётся TCP)."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc" if sys.platform != "win32" else "tcp"

    @default("ip")
    def _default_ip(self) -> str:
        if self.transport != "ipc":
            return super()._ip_default()
        return os.path.join(_socket_dir(), uuid.uuid4().hex[:12])


class IpcKernelManager(_Ipc, KernelManager):
    """Ядро для nbval (синхронный клиент)."""


class AsyncIpcKernelManager(_Ipc, AsyncKernelManager):
    """Ядро для nbclient (``NotebookClient(kernel_manager_class=…)``): book-exec и проверка работ."""


def pytest_configure(config):
    """Ядра nbval (рабочие тетради и решения) стартуют через ``IpcKernelManager``."""
    import nbval.kernel

    nbval.kernel.KernelManager = IpcKernelManager
