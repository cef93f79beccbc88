"""The package outside the repository: declared dependencies, package data, data on demand."""

import ast
import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from salesbook.data import DataError

load_module = sys.modules["salesbook.data.load"]  # salesbook.data.load is the function
ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


# --------------------------------------------------------------------------
# pyproject.toml: what the code imports is declared, and the lock satisfies it
# --------------------------------------------------------------------------

def _imported_distributions(files) -> set[str]:
    modules = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module)
    modules = {m for m in modules if m.split(".")[0] not in set(sys.stdlib_module_names) | {"salesbook"}}
    owners = importlib.metadata.packages_distributions()
    found = set()
    for module in modules:
        top = module.split(".")[0]
        if len(owners[top]) > 1 and "." in module:
            # пространство имён (sphinxcontrib.*): владелец — дистрибутив, в котором лежит подпакет
            sub = "/".join(module.split(".")[:2])
            found |= {d for d in owners[top] if any(str(f).startswith(sub + "/") or str(f) == sub + ".py"
                                                   for f in importlib.metadata.files(d) or ())}
        else:
            found |= set(owners[top])
    return {canonicalize_name(d) for d in found}


def _names(requirements) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


#: Библиотеки, которые код тетрадей импортирует только при сборке книги, — с причиной.
BOOK_BUILD_ONLY = {
    "myst-nb": "fmt.glue вызывается только в скрытых ячейках glue: в тетрадях их нет, в книге их исполняет myst-nb",
}


def test_every_imported_library_is_declared():
    files = sorted((ROOT / "salesbook").rglob("*.py"))
    authoring = [f for f in files if "authoring" in f.relative_to(ROOT).parts]
    runtime = [f for f in files if f not in authoring]
    declared = _names(PYPROJECT["dependencies"])
    assert _imported_distributions(runtime) - declared - set(BOOK_BUILD_ONLY) == set()
    assert set(BOOK_BUILD_ONLY) <= _names(PYPROJECT["optional-dependencies"]["authoring"])
    assert _imported_distributions(authoring) - declared - _names(PYPROJECT["optional-dependencies"]["authoring"]) == set()


def test_locked_versions_satisfy_declared_bounds():
    lock = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            lock[canonicalize_name(name)] = version.strip()
    extras = [r for group in PYPROJECT["optional-dependencies"].values() for r in group]
    for text in PYPROJECT["dependencies"] + extras:
        req = Requirement(text)
        assert req.specifier.contains(lock[canonicalize_name(req.name)], prereleases=True), text


# --------------------------------------------------------------------------
# Data on demand: no datasets/ folder → generate into the cache, verify, rename
# --------------------------------------------------------------------------

@pytest.fixture
def no_datasets(tmp_path, monkeypatch):
    """Как после установки из колеса: ни datasets/ рядом, ни репозитория."""
    monkeypatch.delenv(load_module.ENV_VAR, raising=False)
    monkeypatch.setenv(load_module.CACHE_ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(load_module, "_package_datasets_dir", lambda: tmp_path / "no_repo" / "datasets")
    return tmp_path / "cache"


def _fake_generator(out_dir, scale, seed):
    for name in load_module._reference()["files"]:
        (out_dir / name).write_text("не те данные\n", encoding="utf-8")


def test_cache_with_wrong_data_is_refused_and_not_kept(no_datasets, monkeypatch, capsys):
    monkeypatch.setattr(load_module, "_run_generator", _fake_generator)
    with pytest.raises(DataError, match="не совпадают с эталоном курса") as err:
        load_module.find_data_dir()
    assert "accounts.csv" in str(err.value)
    assert "создаю учебные данные" in capsys.readouterr().err
    assert list(no_datasets.iterdir()) == []  # ни кэша, ни временной папки


def test_cache_written_by_another_process_meanwhile_is_used(no_datasets, monkeypatch):
    target = load_module.cache_dir()

    def other_process_wins(out_dir, scale, seed):
        target.mkdir()
        (target / "accounts.csv").write_text("готово\n", encoding="utf-8")
        _fake_generator(out_dir, scale, seed)

    monkeypatch.setattr(load_module, "_mismatched", lambda folder, files: [])
    monkeypatch.setattr(load_module, "_run_generator", other_process_wins)
    assert load_module.find_data_dir() == target
    assert (target / "accounts.csv").read_text(encoding="utf-8") == "готово\n"
    assert [p.name for p in no_datasets.iterdir()] == [target.name]


def test_unwritable_cache_gives_russian_error(no_datasets, monkeypatch):
    no_datasets.write_text("это файл, а не папка", encoding="utf-8")
    with pytest.raises(DataError, match=load_module.CACHE_ENV_VAR):
        load_module.find_data_dir()


# --------------------------------------------------------------------------
# The wheel in a clean environment outside the repository
# --------------------------------------------------------------------------

LEARNER_SCRIPT = textwrap.dedent("""
    import salesbook
    from salesbook.data import load
    from salesbook.exercises import solution_code
    from salesbook.exercises.ch01_cac import q1
    from salesbook.toolkit import acquisition, course

    spend, costs, opps = load("marketing_spend"), load("sm_costs"), load("opportunities")
    exec(solution_code("ch01.cac.q1"))
    print("FILE", salesbook.__file__)
    print("PASSED", q1.check().passed)
    print(q1.solution())
""")


def _run(*cmd, **kw):
    # Репозиторий на PYTHONPATH (так работают в копиях рабочего дерева) pip принял бы за установленный пакет.
    kw.setdefault("env", {k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.mark.wheel
def test_wheel_works_outside_the_repository(tmp_path):
    src, dist, venv, work, cache = (tmp_path / d for d in ("src", "dist", "venv", "work", "cache"))
    shutil.copytree(ROOT / "salesbook", src / "salesbook", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", src)
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", dist, src)
    (wheel,) = dist.glob("salesbook-*.whl")
    packed = zipfile.ZipFile(wheel).namelist()
    assert {"salesbook/exercises/solutions.json", "salesbook/data/checksums.json"} <= set(packed)

    # Чистое окружение: колесо — в его site-packages, библиотеки — из окружения проекта (.pth),
    # репозитория на пути нет.
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "project_libraries.pth").write_text(
        "\n".join(dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))) + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel)

    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "SALESBOOK_DATA", "SALESBOOK_EXPECT")}
    env.update(SALESBOOK_CACHE_DIR=str(cache), SALESBOOK_PROGRESS="off", MPLBACKEND="Agg",
               MPLCONFIGDIR=str(tmp_path / "mpl"))
    done = _run(python, "-c", LEARNER_SCRIPT, cwd=work, env=env)

    assert f"FILE {site / 'salesbook' / '__init__.py'}" in done.stdout
    assert "PASSED True" in done.stdout
    assert "**Решение.**" in done.stdout and "full_cac_q3 =" in done.stdout
    assert "пока не опубликовано" not in done.stdout
    assert "создаю учебные данные" in done.stderr
    (data,) = [p for p in cache.iterdir() if p.name != "tables"]  # tables/ — проверенные таблицы
    assert data.name.startswith("datasets-")
    assert sorted(p.name for p in data.iterdir()) == sorted(load_module._reference()["files"])
