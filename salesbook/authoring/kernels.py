"""Ядра тетрадей для проверок курса: связь с ядром через файлы-сокеты, а не порты TCP.

``make test`` и ``salesbook book-exec`` запускают ядра параллельно (три процесса nbval, рядом —
сборка книги). По умолчанию jupyter_client выбирает ядру пять свободных портов TCP, закрывает
их и отдаёт номера ядру; пока ядро стартует, тот же порт может занять другой процесс (порты
берутся из того же диапазона, что и исходящие соединения). Тогда ядро падает на старте,
nbval пишет «Kernel died before replying to kernel_info», и все ячейки тетради становятся
ошибками — так однажды упала целая тетрадь в прогоне рабочих тетрадей. Это известная гонка
jupyter_client (jupyter/jupyter_client#487, #154).

Транспорт ``ipc`` её не имеет: каналы ядра — файлы-сокеты во временной папке процесса, с
именем, которое не выбирает никто другой. jupyter_client и ipykernel поддерживают его сами;
здесь только выбран транспорт и короткий абсолютный путь (ядро работает в папке тетради, а
путь по умолчанию ``kernel-ipc`` — относительный, и клиент искал бы сокеты не там). Путь сокета
ограничен ≈ 100 байтами: если временная папка слишком глубока, берётся ``/tmp``, а если и она
не годится — обычный TCP. Файлы-сокеты удаляет сам jupyter_client при остановке ядра, папку —
выход из процесса (``book-exec`` и проверка работ дают каждой тетради свою папку и удаляют её сами:
их процессы могут завершиться без уборки при выходе).

Учащийся этого не видит: JupyterLab запускает ядра по-своему. Подключение к nbval —
``pytest -p salesbook.authoring.kernels`` (переменная NBVAL в Makefile); ``book-exec``, числа для
текста (``glue``) и ``salesbook grade`` передают класс в nbclient (в проверке работ сбой старта
ядра стал бы «сбоем» работы участника).
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

#: Предел длины пути сокета с запасом: sun_path — 108 байт в Linux, 104 в macOS.
MAX_SOCKET_PATH = 100
#: Самое длинное, что добавляется к папке: «/» + имя ядра (12 знаков) + «-» + номер порта.
_SUFFIX = 1 + 12 + 1 + 5

_SOCKET_DIR: str | None = None


def fits(folder: str) -> bool:
    """Поместится ли путь сокета в этой папке в предел длины."""
    return len(os.fsencode(folder)) + _SUFFIX <= MAX_SOCKET_PATH


def use_socket_dir(path) -> None:
    """Класть сокеты ядер этого процесса в ``path`` (папку удаляет тот, кто её дал): так делают
    ``book-exec`` и проверка работ, чьи процессы могут завершиться, не дойдя до уборки при выходе.
    Слишком длинный путь не берётся — тогда папку выберет :func:`socket_dir`."""
    global _SOCKET_DIR
    path = os.path.abspath(path)
    if fits(path):
        os.makedirs(path, exist_ok=True)
        _SOCKET_DIR = path


def socket_dir() -> str | None:
    """Папка для сокетов ядер этого процесса; ``None`` — короткой папки нет, ядра пойдут по TCP."""
    global _SOCKET_DIR
    if _SOCKET_DIR is None and sys.platform != "win32":
        prefix = "salesbook-kernels-"
        for base in (tempfile.gettempdir(), "/tmp"):
            # mkdtemp добавляет к префиксу 8 случайных знаков
            if fits(os.path.join(base, prefix + "x" * 8)) and os.path.isdir(base) and os.access(base, os.W_OK):
                _SOCKET_DIR = tempfile.mkdtemp(prefix=prefix, dir=base)
                atexit.register(shutil.rmtree, _SOCKET_DIR, ignore_errors=True)
                break
    return _SOCKET_DIR


class _Ipc(HasTraits):
    """Транспорт ``ipc`` и уникальный путь сокетов; нет подходящей папки (или это Windows) — TCP."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc" if socket_dir() is not None else "tcp"

    @default("ip")
    def _default_ip(self) -> str:
        if self.transport != "ipc":
            return super()._ip_default()
        return os.path.join(socket_dir(), uuid.uuid4().hex[:12])


class IpcKernelManager(_Ipc, KernelManager):
    """Ядро для nbval (синхронный клиент)."""


class AsyncIpcKernelManager(_Ipc, AsyncKernelManager):
    """Ядро для nbclient (``NotebookClient(kernel_manager_class=…)``): book-exec, glue и проверка работ."""


def pytest_configure(config):
    """Ядра nbval (рабочие тетради и решения) стартуют через ``IpcKernelManager``."""
    import nbval.kernel

    nbval.kernel.KernelManager = IpcKernelManager
