"""Ways to run the course: one repository address, launch links, the workbook's first cell
(Colab and other hosted notebooks), Binder / repo2docker, the Pages workflow."""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
import yaml

from salesbook import cli
from salesbook.authoring import links, notebooks

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO_URL = CONFIG["repository"]["url"]
BRANCH = CONFIG["repository"]["branch"]
OWNER, NAME = REPO_URL.removeprefix("https://github.com/").split("/")
WORKBOOK = "notebooks/ch01/1_1_1_cac.ipynb"


# --------------------------------------------------------------------------
# One address: _config.yml
# --------------------------------------------------------------------------

def _tracked_text_files():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for rel in listed:
        path = ROOT / rel
        if path.suffix in {".csv", ".png", ".svg", ".json"} or not path.is_file():
            continue
        try:
            yield rel, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def test_repository_address_is_written_only_in_config():
    """Адрес набран руками только в _config.yml; в тетрадях он — вывод генератора."""
    typed = [rel for rel, text in _tracked_text_files()
             if f"{OWNER}/{NAME}" in text and rel != "_config.yml"
             and not rel.startswith(("notebooks/", "solutions/"))]
    assert typed == []


def test_links_follow_the_config(tmp_path):
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    config = config.replace(REPO_URL, "https://github.com/other-org/other-course").replace("branch: main", "branch: spring")
    config = re.sub(r'jupyterhub_url: ""', 'jupyterhub_url: "https://hub.example.ru/"', config)
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    repo = links.repository(tmp_path)
    assert repo.pip_source == "salesbook[lock] @ git+https://github.com/other-org/other-course@spring"
    assert "git+https://github.com/other-org/other-course@spring" in links.bootstrap_source(repo)
    assert OWNER not in links.bootstrap_source(repo)
    assert set(repo.launch(WORKBOOK)) == {"Binder", "Colab", "JupyterHub"}
    assert repo.jupyterhub(WORKBOOK).startswith("https://hub.example.ru/hub/user-redirect/git-pull?")


def test_launch_links_open_the_workbook():
    repo = links.repository()
    binder = urlsplit(repo.binder(WORKBOOK))
    assert (binder.netloc, binder.path) == ("mybinder.org", f"/v2/gh/{OWNER}/{NAME}/{BRANCH}")
    assert parse_qs(binder.query) == {"urlpath": [f"lab/tree/{WORKBOOK}"]}
    colab = urlsplit(repo.colab(WORKBOOK))
    assert (colab.netloc, colab.path) == ("colab.research.google.com", f"/github/{OWNER}/{NAME}/blob/{BRANCH}/{WORKBOOK}")


def test_jupyterhub_link_is_an_nbgitpuller_link():
    hub = links.repository().jupyterhub(WORKBOOK, hub="https://hub.example.ru/")
    parts = urlsplit(hub)
    assert (parts.netloc, parts.path) == ("hub.example.ru", "/hub/user-redirect/git-pull")
    # значения параметров закодированы целиком: «/» и «:» внутри них не разорвут запрос
    assert all(re.fullmatch(r"[\w.%-]+", value) for value in re.findall(r"=([^&]*)", parts.query))
    # nbgitpuller кладёт клон в папку с именем репозитория
    assert parse_qs(parts.query) == {"repo": [REPO_URL], "branch": [BRANCH], "urlpath": [f"lab/tree/{NAME}/{WORKBOOK}"]}


@pytest.mark.parametrize("hub", ["hub.example.ru", "ftp://hub.example.ru"])
def test_bad_hub_address_gives_russian_message(hub, capsys):
    assert cli.main(["links", "1.1.1", "--hub", hub]) == 1
    err = capsys.readouterr().err
    assert "должен начинаться с https://" in err and "Traceback" not in err


def test_links_command_prints_every_service(capsys):
    assert cli.main(["links", "1.1.2", "--hub", "https://hub.example.ru"]) == 0
    out = capsys.readouterr().out
    assert "notebooks/ch01/1_1_2_ltv.ipynb" in out and "notebooks/ch01/1_1_2_ltv_cohorts.ipynb" in out
    assert out.count("Binder:") == out.count("Colab:") == out.count("JupyterHub:") == 2
    assert cli.main(["links", "ch77"]) == 1
    assert "Не нашлось рабочей тетради «ch77»" in capsys.readouterr().err


def test_book_buttons_use_the_same_links():
    from salesbook.authoring.sphinx_ext import _retarget_launch_buttons

    theme = {"Binder": f"https://mybinder.org/v2/gh/{OWNER}/{NAME}/{BRANCH}?urlpath=lab/tree/book/ch01/1_1_1_cac.md",
             "Colab": f"https://colab.research.google.com/github/{OWNER}/{NAME}/blob/{BRANCH}/book/ch01/1_1_1_cac.md"}
    context = {"header_buttons": [{"label": "launch-buttons",
                                   "buttons": [{"text": k, "url": v} for k, v in theme.items()]}]}
    app = type("App", (), {"srcdir": str(ROOT)})()
    _retarget_launch_buttons(app, "book/ch01/1_1_1_cac", "page.html", context, None)
    got = {b["text"]: b["url"] for b in context["header_buttons"][0]["buttons"]}
    assert got == {k: v for k, v in links.repository().launch(WORKBOOK).items() if k in theme}


# --------------------------------------------------------------------------
# The workbook's first cell: install the course where it is missing
# --------------------------------------------------------------------------

def _code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("variant", notebooks.VARIANTS)
def test_every_workbook_starts_with_the_install_cell(variant):
    source = links.bootstrap_source()
    paths = sorted((ROOT / variant).glob("ch*/*.ipynb"))
    assert paths
    for path in paths:
        first, second = _code_cells(path)[:2]
        assert (first.metadata.get("tags"), first.source) == ([links.BOOTSTRAP_TAG], source), path
        assert "setup" in second.metadata.get("tags", []), path


def test_book_pages_do_not_carry_the_install_cell():
    assert not [p for p in (ROOT / "book").rglob("*.md") if "_install_salesbook" in p.read_text(encoding="utf-8")]


def test_install_cell_is_silent_where_the_course_is_installed(tmp_path):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", links.bootstrap_source()], capture_output=True, text=True, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert time.perf_counter() - start < 5


def _clean_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SALESBOOK_DATA", "SALESBOOK_EXPECT")}
    env.update(HOME=str(tmp_path / "home"), IPYTHONDIR=str(tmp_path / "ipython"), MPLBACKEND="Agg",
               MPLCONFIGDIR=str(tmp_path / "mpl"), SALESBOOK_PROGRESS="off", PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1", JUPYTER_PLATFORM_DIRS="1", **extra)
    return env


def _run(*cmd, **kw):
    kw.setdefault("env", {k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _venv(path, with_libraries=True):
    """Чистое окружение; библиотеки курса — из окружения проекта через .pth (без сети)."""
    _run(sys.executable, "-m", "venv", "--without-pip", path)
    python = path / "bin" / "python"
    if with_libraries:
        site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
        (site / "project_libraries.pth").write_text(
            "\n".join(dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))) + "\n")
    return python


#: Как IPython показывает исключение с ``_render_traceback_`` (без IPython — в окружении без библиотек).
RENDER = textwrap.dedent("""
    import sys
    try:
        exec(compile(sys.argv[1], "<cell>", "exec"), {"__name__": "__main__"})
    except Exception as exc:
        print("\\n".join(exc._render_traceback_()))
        print("STOPPED", type(exc).__name__)
""")

#: Ячейка в настоящей оболочке IPython; аргументы ``модуль=версия`` — библиотеки, «уже загруженные» средой.
SHELL = textwrap.dedent("""
    import sys, types
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    for name, version in (arg.split("=") for arg in sys.argv[2:]):
        sys.modules[name] = types.SimpleNamespace(__version__=version)
    result = shell.run_cell(sys.argv[1])
    print("STOPPED", type(result.error_in_exec).__name__ if result.error_in_exec else None)
""")

#: Подменный pip: FAKE_PIP=fail — ошибка с хвостом, как у pip; user — пакет в папку пользователя
#: (pip без прав на site-packages); path — в папку FAKE_PIP_TARGET, которая уже есть в sys.path.
FAKE_PIP = textwrap.dedent("""
    import os, site, sys
    from pathlib import Path

    mode = os.environ["FAKE_PIP"]
    if mode == "fail":
        print("  Building wheel for salesbook (pyproject.toml): finished with status 'error'", file=sys.stderr)
        print("ERROR: Could not find a version that satisfies the requirement numpy==2.4.6", file=sys.stderr)
        print("note: This error originates from a subprocess, and is likely not a problem with pip.", file=sys.stderr)
        sys.exit(1)
    target = Path(site.getusersitepackages() if mode == "user" else os.environ["FAKE_PIP_TARGET"])
    (target / "salesbook").mkdir(parents=True)
    (target / "salesbook" / "__init__.py").write_text("")
""")


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    """Окружение «облачного Jupyter» без пакета курса (библиотеки — из проекта) и подменный pip."""
    root = tmp_path_factory.mktemp("hosted")
    python = _venv(root / "venv")
    (root / "fakepip" / "pip").mkdir(parents=True)
    (root / "fakepip" / "pip" / "__init__.py").write_text("")
    (root / "fakepip" / "pip" / "__main__.py").write_text(FAKE_PIP)
    return python, root


def _cell_in_ipython(hosted, tmp_path, mode, *loaded):
    python, root = hosted
    (tmp_path / "site").mkdir(exist_ok=True)
    env = _clean_env(tmp_path, PYTHONPATH=os.pathsep.join([str(root / "fakepip"), str(tmp_path / "site")]), FAKE_PIP=mode,
                     FAKE_PIP_TARGET=str(tmp_path / "site"), PYTHONUSERBASE=str(tmp_path / "user"))
    return _run(python, "-c", SHELL, links.bootstrap_source(), *loaded, cwd=tmp_path, env=env).stdout


def test_failed_install_stops_run_all_with_pips_error_line_and_no_traceback(hosted, tmp_path):
    out = _cell_in_ipython(hosted, tmp_path, "fail")
    assert "Не прерывайте ячейку: установка идёт несколько минут, итог появится в конце." in out
    assert ("Не удалось установить пакет курса: ERROR: Could not find a version that satisfies the requirement "
            "numpy==2.4.6\n") in out
    assert "note: This error" not in out and "Traceback" not in out and "File " not in out
    assert "выполнение остановлено" in out
    assert out.rstrip().endswith("STOPPED SalesbookNotReady")   # «Выполнить все» дальше не пойдёт


def test_user_site_install_asks_for_a_kernel_restart(hosted, tmp_path):
    """pip без прав на site-packages ставит в папку пользователя; её нет в sys.path, а старые
    библиотеки образа видны раньше — ячейка просит перезапустить ядро и останавливает выполнение."""
    out = _cell_in_ipython(hosted, tmp_path, "user")
    assert list((tmp_path / "user").rglob("salesbook/__init__.py"))
    assert "Пакет курса установлен, но pip установил его в папку пользователя" in out
    assert "Перезапустите ядро" in out and "Traceback" not in out
    assert out.rstrip().endswith("STOPPED SalesbookNotReady")


def test_libraries_loaded_before_the_install_ask_for_a_restart(hosted, tmp_path):
    out = _cell_in_ipython(hosted, tmp_path, "path", "ipywidgets=7.7.1", "IPython=7.34.0", "pandas=2.2.2")
    assert "среда уже загрузила старые версии библиотек (pandas, IPython, ipywidgets)" in out
    assert out.rstrip().endswith("STOPPED SalesbookNotReady")
    # после перезапуска пакет на месте — ячейка молчит
    assert _cell_in_ipython(hosted, tmp_path, "fail").strip() == "STOPPED None"


def test_install_cell_without_pip_says_so_in_russian(tmp_path):
    python = _venv(tmp_path / "bare", with_libraries=False)
    done = _run(python, "-c", RENDER, links.bootstrap_source(), cwd=tmp_path, env=_clean_env(tmp_path))
    assert "Не удалось установить пакет курса: " in done.stdout and "No module named pip" in done.stdout
    assert done.stdout.rstrip().endswith("STOPPED SalesbookNotReady") and done.stderr == ""


def test_lock_extra_pins_the_lock_versions():
    """salesbook[lock] (его ставит первая ячейка) — точные версии requirements.txt для библиотек,
    от которых зависят контрольные суммы данных и эталонные ответы."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lock = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
                if "==" in line and not line.startswith("#"))
    lock = {canonicalize_name(name): version.strip() for name, version in lock.items()}
    extra = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
             ["project"]["optional-dependencies"]["lock"]]
    pins = {canonicalize_name(r.name): str(r.specifier) for r in extra}
    assert {"numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "numpy-financial"} <= set(pins)
    assert pins == {name: f"=={lock[name]}" for name in pins}
    assert links.repository().pip_source.startswith("salesbook[lock] @ git+")


@pytest.mark.parametrize("python, minimum, message", [
    (sys.executable, "3.99", "Нужен Python 3.99 или новее (курс проверен на 3.11), а «{python}» — Python 3.11."),
    ("/нет/python3", "3.11", "Не найден Python: команда «{python}» не запускается."),
    (sys.executable, "3.11", ""),
])
def test_make_checks_the_python_version_before_building_the_environment(python, minimum, message):
    done = subprocess.run(["make", "-s", "--no-print-directory", "check-python", f"PYTHON={python}",
                           f"PYTHON_MIN={minimum}"], cwd=ROOT, capture_output=True, text=True)
    assert (done.returncode == 0) == (message == "")
    assert message.format(python=python) in done.stderr
    if message:
        assert "make lab PYTHON=python3.11" in done.stderr
    recipe = re.search(r"^\$\(STAMP\):.*?\n\t(.*?)\n", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
    assert "check-python" in recipe and recipe.index("check-python") < recipe.index("-m venv")


#: Исполняется в чистом окружении: первые ячейки тетради до подготовки включительно и проверка.
RUNNER = textwrap.dedent("""
    import sys
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    path = Path(sys.argv[1])
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cells.append(cell)
            if "setup" in cell.metadata.get("tags", []):
                break
    cells.append(nbformat.v4.new_code_cell(sys.argv[2]))
    nb.cells = cells
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for n, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain", "") or out.get("evalue", "")
            print(f"[{n}:{out.get('name', out['output_type'])}]", text.strip())
""")

CHECK = textwrap.dedent("""
    import importlib.metadata, json, sys
    import salesbook
    from salesbook.data import load
    print("KERNEL", sys.executable)
    print("FILE", salesbook.__file__)
    print("FROM", json.loads(importlib.metadata.distribution("salesbook").read_text("direct_url.json") or "{}").get("url"))
    print("ACCOUNTS", len(load("accounts")))
""")


@pytest.mark.wheel
def test_colab_like_environment_installs_the_course_from_the_first_cell(tmp_path):
    """Как в Colab: в папке только тетрадь, пакета нет; первая ячейка ставит его (здесь — из
    колеса, SALESBOOK_INSTALL), подготовка загружает таблицы, данные создаются в кэше."""
    src, dist, work, cache = (tmp_path / d for d in ("src", "dist", "content", "cache"))
    shutil.copytree(ROOT / "salesbook", src / "salesbook", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", src)
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, src)
    (wheel,) = dist.glob("salesbook-*.whl")
    python = _venv(tmp_path / "venv")
    work.mkdir()
    # ячейка — как её пишет генератор сейчас (что в тетрадях она та же, проверяет тест выше)
    nb = nbformat.read(ROOT / WORKBOOK, as_version=4)
    next(c for c in nb.cells if links.BOOTSTRAP_TAG in c.metadata.get("tags", [])).source = links.bootstrap_source()
    nbformat.write(nb, work / Path(WORKBOOK).name)

    env = _clean_env(tmp_path, SALESBOOK_INSTALL=str(wheel), SALESBOOK_CACHE_DIR=str(cache))
    done = _run(python, "-c", RUNNER, work / Path(WORKBOOK).name, CHECK, cwd=work, env=env)
    out = done.stdout
    assert f"[0:stdout] Пакет курса не найден — устанавливаю его вместе с зависимостями из {wheel}[lock]." in out
    assert "Пакет курса установлен." in out and "Не удалось" not in out
    assert f"KERNEL {python}" in out
    assert f"FILE {tmp_path / 'venv'}" in out and f"FROM {wheel.as_uri()}" in out
    assert "создаю учебные данные" in out                      # данные — по требованию, в кэш
    assert re.search(r"ACCOUNTS [1-9]\d+", out)
    assert [p.name for p in cache.iterdir() if p.name.startswith("datasets-")]

    # второй запуск той же ячейки — в окружении, где пакет уже есть, — молчит
    again = _run(python, "-c", links.bootstrap_source(), cwd=work, env=env)
    assert (again.stdout, again.stderr) == ("", "")


@pytest.mark.wheel
def test_install_cell_with_an_unreachable_source_says_what_to_do(tmp_path):
    python = _venv(tmp_path / "venv")
    env = _clean_env(tmp_path, SALESBOOK_INSTALL=str(tmp_path / "нет-такого" / "salesbook-0.1.0-py3-none-any.whl"))
    out = _run(python, "-c", SHELL, links.bootstrap_source(), cwd=tmp_path, env=env).stdout
    assert "Не удалось установить пакет курса: ERROR: " in out and "make lab" in out and "Traceback" not in out
    assert out.rstrip().endswith("STOPPED SalesbookNotReady")


@pytest.mark.wheel
def test_install_cell_in_a_hub_clone_installs_the_clone(tmp_path):
    """JupyterHub + nbgitpuller, в образе хаба курса нет: тетрадь лежит в клоне репозитория,
    и первая ячейка ставит пакет из этого клона (та же версия, что у тетради)."""
    clone = tmp_path / NAME
    shutil.copytree(ROOT / "salesbook", clone / "salesbook", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", clone)
    (clone / "notebooks" / "ch01").mkdir(parents=True)
    python = _venv(tmp_path / "venv")
    # PIP_NO_BUILD_ISOLATION=0 (так у pip пишется «без изоляции»): setuptools — из окружения, без сети
    env = _clean_env(tmp_path, PIP_NO_BUILD_ISOLATION="0")
    done = _run(python, "-c", links.bootstrap_source(), cwd=clone / "notebooks" / "ch01", env=env)
    assert "Пакет курса установлен." in done.stdout, done.stderr
    where = _run(python, "-c", "import importlib.metadata as m, salesbook; print(salesbook.__file__); "
                 "print(m.distribution('salesbook').read_text('direct_url.json'))", cwd=tmp_path, env=env).stdout
    assert str(tmp_path / "venv") in where and clone.as_uri() in where


# --------------------------------------------------------------------------
# Binder / repo2docker: binder/requirements.txt, runtime.txt, postBuild
# --------------------------------------------------------------------------

BINDER = ROOT / "binder"


def _requirement_lines(path):
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def _dry_run(requirements: Path, report: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--quiet",
                           "--report", report, "-r", requirements],
                          capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    if done.returncode == 0:
        done.install = json.loads(report.read_text())["install"]
    return done


def test_binder_installs_exactly_the_lock(tmp_path):
    """binder/requirements.txt — ссылка на requirements.txt; pip разрешает её в точные версии
    лока, и все они уже стоят в окружении проекта (ставить нечего, сеть не нужна)."""
    assert _requirement_lines(BINDER / "requirements.txt") == ["-r ../requirements.txt"]
    done = _dry_run(BINDER / "requirements.txt", tmp_path / "report.json")
    assert done.returncode == 0 and done.install == [], done.stderr
    # та же проверка ловит расхождение: версия, которой нет в окружении, не разрешается без сети
    (tmp_path / "binder").mkdir()
    (tmp_path / "requirements.txt").write_text("pandas==0.0.1\n", encoding="utf-8")
    shutil.copy(BINDER / "requirements.txt", tmp_path / "binder")
    assert _dry_run(tmp_path / "binder" / "requirements.txt", tmp_path / "report.json").returncode != 0


def test_binder_python_is_the_course_python():
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() == f"python-{sys.version_info[0]}.{sys.version_info[1]}"
    assert sys.version_info[:2] == (3, 11)
    mode = subprocess.run(["git", "ls-files", "-s", "binder/postBuild"], cwd=ROOT, capture_output=True, text=True).stdout
    assert mode.startswith("100755"), "binder/postBuild должен быть исполняемым (git update-index --chmod=+x)"


@pytest.mark.wheel
def test_binder_postbuild_installs_the_course_and_the_workbook_runs(tmp_path):
    """postBuild в чистом окружении с библиотеками лока: пакет курса ставится из репозитория,
    JupyterLab — по-русски, первая ячейка тетради молчит, подготовка берёт datasets/ репозитория."""
    repo = tmp_path / "repo"
    for part in ("salesbook", "binder"):
        shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", repo)
    (repo / "datasets").symlink_to(ROOT / "datasets")
    (repo / Path(WORKBOOK).parent).mkdir(parents=True)
    shutil.copy(ROOT / WORKBOOK, repo / WORKBOOK)
    venv = tmp_path / "venv"
    python = _venv(venv)
    env = _clean_env(tmp_path, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    done = _run("bash", repo / "binder" / "postBuild", cwd=repo, env=env)
    assert f"Пакет курса установлен: {repo / 'salesbook' / '__init__.py'}" in done.stdout
    overrides = json.loads((venv / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides == {"@jupyterlab/translation-extension:plugin": {"locale": "ru_RU"}}

    notebook = repo / WORKBOOK
    out = _run(python, "-c", RUNNER, notebook, CHECK, cwd=notebook.parent, env=env).stdout
    assert "[0:" not in out                                  # первая ячейка ничего не печатает
    assert f"FILE {repo / 'salesbook' / '__init__.py'}" in out and "создаю" not in out
    assert re.search(r"ACCOUNTS [1-9]\d+", out)


# --------------------------------------------------------------------------
# The book online: GitHub Pages workflow
# --------------------------------------------------------------------------

def test_pages_workflow_builds_the_book_with_make_and_publishes_it():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 читает `on` как True
    assert triggers["push"]["branches"] == [BRANCH]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = [step.get("run", "") for step in steps]
    assert any(re.fullmatch(r"make book\s*", run) for run in runs)
    uses = {step["uses"].split("@")[0]: step for step in steps if "uses" in step}
    assert {"actions/checkout", "actions/setup-python", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "_build/html"
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    for ref in (step["uses"] for step in steps if "uses" in step):
        assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", ref), f"{ref}: действие должно быть закреплено за версией"
    book_recipe = re.search(r"^book: (.*?)(?=^\S)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M | re.S)
    assert book_recipe and "jupyter-book build" in book_recipe.group(1)


def test_make_lab_records_progress():
    """make test выключает журнал прогресса для всего Makefile; make lab включает его обратно,
    иначе `salesbook progress` у учащегося всегда пуст."""
    done = subprocess.run(["make", "-n", "--no-print-directory", "lab"], cwd=ROOT, capture_output=True, text=True)
    line = next(ln for ln in done.stdout.splitlines() if "jupyter lab" in ln)
    assert "SALESBOOK_PROGRESS=on" in line, line
