"""Где лежит курс и как открыть его тетради: адрес репозитория — в одном месте.

Адрес репозитория, ветка и адреса сервисов запуска записаны только в ``_config.yml``
(``repository``, ``launch_buttons``). Отсюда их берут:

* кнопки «Открыть в Binder / Colab / JupyterHub» на страницах книги
  (:mod:`salesbook.authoring.sphinx_ext`);
* первая ячейка рабочих тетрадей, которая устанавливает пакет курса там, где его нет
  (:func:`bootstrap_source`, вставляет генератор тетрадей);
* команда ``salesbook links`` — ссылки на тетради для Binder, Colab и своего JupyterHub
  (рецепт nbgitpuller).

Форматы ссылок:

* Binder: ``<binderhub>/v2/gh/<владелец>/<репозиторий>/<ветка>?urlpath=lab/tree/<путь>``;
* Colab: ``<colab>/github/<владелец>/<репозиторий>/blob/<ветка>/<путь>``;
* JupyterHub (nbgitpuller): ``<hub>/hub/user-redirect/git-pull?repo=…&urlpath=…&branch=…`` —
  значения параметров закодированы (``urllib.parse.urlencode``), nbgitpuller кладёт клон
  в папку с именем репозитория, поэтому ``urlpath`` начинается с ``lab/tree/<репозиторий>/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = "_config.yml"
#: Переменная окружения: откуда первая ячейка тетради устанавливает пакет (путь к колесу, папка, адрес pip).
INSTALL_ENV_VAR = "SALESBOOK_INSTALL"
INTERFACES = {"classic": "tree", "jupyterlab": "lab/tree"}
_GITHUB = re.compile(r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


class LinksError(Exception):
    """Настройки запуска в ``_config.yml`` неполны или неверны (сообщение по-русски)."""


@dataclass(frozen=True)
class Repository:
    """Репозиторий курса и сервисы, в которых открываются его тетради."""

    url: str
    branch: str
    binderhub_url: str = ""
    colab_url: str = ""
    jupyterhub_url: str = ""
    interface: str = "jupyterlab"

    @property
    def owner(self) -> str:
        return _GITHUB.match(self.url).group(1)

    @property
    def name(self) -> str:
        return _GITHUB.match(self.url).group(2)

    @property
    def pip_source(self) -> str:
        """Откуда pip устанавливает пакет курса без репозитория: ветка курса на GitHub, с точными
        версиями библиотек, от которых зависят данные и ответы (extra ``lock``)."""
        return f"salesbook[lock] @ git+{self.url}@{self.branch}"

    @property
    def pages_url(self) -> str:
        """Где книга будет на GitHub Pages после .github/workflows/publish.yml."""
        return f"https://{self.owner.lower()}.github.io/{self.name}/"

    # --- ссылки на одну тетрадь (путь от корня репозитория) -----------------

    def binder(self, path: str) -> str:
        base = _required(self.binderhub_url, "launch_buttons.binderhub_url")
        ui = INTERFACES[self.interface]
        return f"{base}/v2/gh/{self.owner}/{self.name}/{quote(self.branch, safe='')}?urlpath={quote(f'{ui}/{path}', safe='/')}"

    def colab(self, path: str) -> str:
        base = _required(self.colab_url, "launch_buttons.colab_url")
        return f"{base}/github/{self.owner}/{self.name}/blob/{quote(self.branch, safe='')}/{quote(path, safe='/')}"

    def jupyterhub(self, path: str, hub: str | None = None) -> str:
        base = _required((hub or self.jupyterhub_url).rstrip("/"), "launch_buttons.jupyterhub_url (или --hub)")
        if not re.match(r"^https?://[^/\s]+", base):
            raise LinksError(f"Адрес JupyterHub «{base}» должен начинаться с https:// (например, https://hub.example.ru).")
        ui = INTERFACES[self.interface]
        query = urlencode({"repo": self.url, "urlpath": f"{ui}/{self.name}/{path}", "branch": self.branch})
        return f"{base}/hub/user-redirect/git-pull?{query}"

    def launch(self, path: str, hub: str | None = None) -> dict[str, str]:
        """Ссылки на тетрадь во всех настроенных сервисах: ``{"Binder": …, "Colab": …, "JupyterHub": …}``."""
        links = {}
        if self.binderhub_url:
            links["Binder"] = self.binder(path)
        if self.colab_url:
            links["Colab"] = self.colab(path)
        if hub or self.jupyterhub_url:
            links["JupyterHub"] = self.jupyterhub(path, hub)
        return links


def _required(value: str, key: str) -> str:
    if not value:
        raise LinksError(f"В _config.yml не задан {key}.")
    return value.rstrip("/")


def repository(root: Path = ROOT) -> Repository:
    """Репозиторий курса и сервисы запуска из ``_config.yml``."""
    path = Path(root) / CONFIG
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError:
        raise LinksError(f"Нет файла {path}: команда работает в папке курса (там, где _config.yml).") from None
    repo = config.get("repository") or {}
    buttons = config.get("launch_buttons") or {}
    url = str(repo.get("url") or "").rstrip("/")
    if not _GITHUB.match(url):
        raise LinksError(f"repository.url в _config.yml — «{url}», а нужен адрес вида https://github.com/владелец/репозиторий.")
    interface = buttons.get("notebook_interface", "jupyterlab")
    if interface not in INTERFACES:
        raise LinksError(f"launch_buttons.notebook_interface — «{interface}», а нужен один из: {', '.join(INTERFACES)}.")
    return Repository(
        url=url,
        branch=str(repo.get("branch") or "main"),
        binderhub_url=str(buttons.get("binderhub_url") or "").rstrip("/"),
        colab_url=str(buttons.get("colab_url") or "").rstrip("/"),
        jupyterhub_url=str(buttons.get("jupyterhub_url") or "").rstrip("/"),
        interface=interface,
    )


def workbook_of(docname: str) -> str | None:
    """Рабочая тетрадь страницы раздела: ``book/ch01/1_1_1_cac`` → ``notebooks/ch01/1_1_1_cac.ipynb``."""
    match = re.fullmatch(r"book/(ch\d+/\d[\w-]*)(?:\.md|\.ipynb)?", docname)
    return f"notebooks/{match.group(1)}.ipynb" if match else None


def workbooks(selection: str | None = None, root: Path = ROOT) -> list[str]:
    """Рабочие тетради (пути от корня репозитория); ``selection`` — глава (``ch01``),
    имя раздела (``1_1_1_cac``), номер (``1.1.1``) или путь к исходнику или тетради."""
    paths = sorted(p.relative_to(root).as_posix() for p in (Path(root) / "notebooks").glob("ch*/*.ipynb"))
    if not selection:
        return paths
    wanted = selection.strip().replace("\\", "/")
    stem = Path(wanted).stem
    number = wanted.replace(".", "_")
    chosen = [p for p in paths
              if Path(p).stem == stem or Path(p).parent.name == wanted
              or Path(p).stem == number or Path(p).stem.startswith(number + "_")]
    if not chosen:
        raise LinksError(f"Не нашлось рабочей тетради «{selection}». Укажите главу (ch01), раздел (1.1.1 или 1_1_1_cac) "
                         "или путь к тетради notebooks/chNN/….ipynb.")
    return chosen


# ---------------------------------------------------------------------------
# Первая ячейка рабочей тетради
# ---------------------------------------------------------------------------

BOOTSTRAP_TAG = "bootstrap"

_BOOTSTRAP = '''\
#@title Установка пакета курса (нужна в Colab, DataSphere и на JupyterHub без курса)
# Если пакета курса нет (Colab, DataSphere, JupyterHub без курса), эта ячейка устанавливает его.
# В папке курса (make lab) и в Binder он уже есть — ячейка ничего не делает.
def _install_salesbook():
    import importlib.util
    if importlib.util.find_spec("salesbook"):
        return
    import importlib.metadata, os, pathlib, site, subprocess, sys

    class SalesbookNotReady(Exception):
        \"\"\"Остановить «Выполнить все»: IPython покажет только текст, без трассировки.\"\"\"
        def _render_traceback_(self):
            return [str(self)]

    here = pathlib.Path.cwd()
    clone = next((p for p in (here, *here.parents) if (p / "salesbook" / "__init__.py").is_file()), None)
    chosen = os.environ.get("{env}") or (str(clone) if clone else "")
    # с extra lock — точные версии библиотек, с которыми сверены данные и ответы курса
    source = (chosen + "[lock]" if os.path.exists(chosen) else chosen) or "{source}"
    print("Пакет курса не найден — устанавливаю его вместе с зависимостями из " + source + ".\\n"
          "Не прерывайте ячейку: установка идёт несколько минут, итог появится в конце.", flush=True)
    try:
        done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                               "--retries", "1", "--timeout", "30", source], capture_output=True, text=True)
        lines = (done.stderr + "\\n" + done.stdout).strip().splitlines()
        errors = [line for line in lines if line.startswith("ERROR:")]
        problem = done.returncode and (errors or lines or ["pip завершился с ошибкой"])[-1]
    except OSError as exc:
        problem = str(exc)
    if problem:
        raise SalesbookNotReady(
            f"Не удалось установить пакет курса: {{problem}}\\n"
            "Без него тетрадь не заработает, поэтому выполнение остановлено. Проверьте, что у среды есть доступ "
            "в интернет, и выполните эту ячейку снова. Не выходит — откройте тетрадь в папке курса на своём "
            "компьютере (make lab) или возьмите у преподавателя файл пакета. Подробнее — в книге курса, "
            "страница «Где открыть тетради».")
    importlib.invalidate_caches()
    spec = importlib.util.find_spec("salesbook")
    user_site = site.getusersitepackages()
    user = spec is None or str(spec.origin or "").startswith(user_site)
    loaded = {{"numpy": "numpy", "pandas": "pandas", "scipy": "scipy", "statsmodels": "statsmodels",
              "sklearn": "scikit-learn", "matplotlib": "matplotlib", "IPython": "ipython",
              "ipykernel": "ipykernel", "ipywidgets": "ipywidgets"}}
    old = []
    for module, dist in loaded.items():
        try:
            if module in sys.modules and getattr(sys.modules[module], "__version__", "") != importlib.metadata.version(dist):
                old.append(module)
        except importlib.metadata.PackageNotFoundError:
            pass
    if user or old:
        why = ("pip установил его в папку пользователя, а среда её ещё не видит" if user else
               "среда уже загрузила старые версии библиотек (" + ", ".join(old) + ")")
        raise SalesbookNotReady(
            f"Пакет курса установлен, но {{why}}. Перезапустите ядро (в Colab: «Среда выполнения → Перезапустить "
            "сеанс», в JupyterLab: «Ядро → Перезапустить ядро») и выполните тетрадь сначала — эта ячейка тогда "
            "ничего не будет делать.")
    print("Пакет курса установлен.")


_install_salesbook()
del _install_salesbook'''


def bootstrap_source(repo: Repository | None = None) -> str:
    """Код первой ячейки рабочей тетради: устанавливает пакет курса, если его нет.

    Откуда: переменная ``SALESBOOK_INSTALL`` (колесо, папка или адрес для pip), иначе клон
    репозитория, в котором лежит тетрадь (nbgitpuller, JupyterHub), иначе ветка курса на GitHub
    из ``_config.yml``; к колесу и папке добавляется extra ``lock``. Если установить не удалось
    или нужен перезапуск ядра, ячейка останавливает «Выполнить все» исключением, которое
    IPython показывает одним русским текстом, без трассировки.
    """
    repo = repo or repository()
    return _BOOTSTRAP.format(env=INSTALL_ENV_VAR, source=repo.pip_source)


# ---------------------------------------------------------------------------
# salesbook links
# ---------------------------------------------------------------------------

def report(selection: str | None = None, hub: str | None = None, root: Path = ROOT) -> str:
    """Текст для ``salesbook links``: ссылки на каждую выбранную тетрадь."""
    repo = repository(root)
    lines = [f"Репозиторий курса: {repo.url} (ветка {repo.branch}) — из _config.yml."]
    if not (hub or repo.jupyterhub_url):
        lines.append("Ссылки для своего JupyterHub: salesbook links --hub https://адрес-хаба [раздел].")
    for path in workbooks(selection, root):
        lines.append("")
        lines.append(path)
        for service, url in repo.launch(path, hub).items():
            lines.append(f"  {service + ':':<12}{url}")
    return "\n".join(lines)
