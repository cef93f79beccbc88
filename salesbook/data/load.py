"""Загрузка таблиц «Сфера Софт» с проверкой схемы и связей.

Пример::

    from salesbook.data import load
    leads = load("leads")            # даты — datetime64, флаги — bool, id — строки

Каждая таблица читается из CSV как текст, затем приводится к нужным типам и
проверяется схемой pandera (см. :mod:`salesbook.data.schemas`). Любая
проблема — отсутствующий файл или столбец, текст в числовом столбце,
отрицательные деньги, дубликаты идентификаторов, «висячие» ссылки на другие
таблицы — превращается в :class:`DataError` с понятным сообщением на русском.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import platformdirs

from salesbook.data import schemas as S

TABLES: tuple[str, ...] = S.TABLES
ENV_VAR = "SALESBOOK_DATA"
CACHE_ENV_VAR = "SALESBOOK_CACHE_DIR"
#: ``SALESBOOK_TABLE_CACHE=off`` — не держать проверенные таблицы на диске (каждое ядро проверяет заново).
TABLE_CACHE_ENV_VAR = "SALESBOOK_TABLE_CACHE"
TABLE_CACHE_KEEP = 4  # сколько версий одной таблицы хранить в кэше
CHECKSUMS_FILE = Path(__file__).with_name("checksums.json")
MAX_EXAMPLES = 3      # сколько проблемных значений показывать в сообщении
MAX_PROBLEMS = 8      # сколько разных проблем перечислять в одном сообщении

_BOOL_VALUES = {"True": True, "False": False, "true": True, "false": False,
                "TRUE": True, "FALSE": False, "1": True, "0": False}


class DataError(Exception):
    """Ошибка в файлах данных курса (сообщение — на русском).

    Атрибуты ``file`` и ``columns`` (если известны) называют файл и столбцы,
    в которых найдена проблема.
    """

    def __init__(self, message: str, *, file: str | None = None,
                 columns: tuple[str, ...] = ()):
        super().__init__(message)
        self.file = file
        self.columns = tuple(columns)


# --------------------------------------------------------------------------
# Где лежат данные
# --------------------------------------------------------------------------

def _package_datasets_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "datasets"


def find_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Папка с CSV-файлами.

    Порядок поиска: аргумент ``data_dir``; переменная окружения
    ``SALESBOOK_DATA``; папка ``datasets/`` с файлом ``accounts.csv`` в текущей
    папке или выше по дереву; ``datasets/`` в корне репозитория курса. Если ничего
    не нашлось (пакет установлен без репозитория), учебный набор создаётся
    в кэше пользователя (см. :func:`cache_dir`).
    """
    if data_dir is not None:
        p = Path(data_dir).expanduser()
        if not p.is_dir():
            raise DataError(f"Папка с данными «{p}» не найдена.")
        return p
    env = os.environ.get(ENV_VAR)
    if env:
        p = Path(env).expanduser()
        if not p.is_dir():
            raise DataError(f"Переменная окружения {ENV_VAR} указывает на «{p}», "
                            "но такой папки нет.")
        return p
    cwd = Path.cwd().resolve()
    for d in (cwd, *cwd.parents):
        cand = d / "datasets"
        if (cand / "accounts.csv").is_file():
            return cand
    pkg = _package_datasets_dir()
    if pkg.is_dir():
        return pkg
    return _cached_data_dir()


# --------------------------------------------------------------------------
# Данные в кэше пользователя (пакет установлен без репозитория)
# --------------------------------------------------------------------------

def _reference() -> dict:
    """Эталон учебного набора: масштаб, seed и SHA-256 каждого CSV."""
    return json.loads(CHECKSUMS_FILE.read_text(encoding="utf-8"))


def cache_dir() -> Path:
    """Папка учебного набора в кэше пользователя.

    ``$SALESBOOK_CACHE_DIR/datasets-<хэш>``, без переменной — в кэше пользователя
    (в Linux ``~/.cache/salesbook/``). Хэш берётся от эталонных контрольных сумм,
    поэтому новая версия данных попадает в новую папку, а не смешивается со старой.
    """
    files = json.dumps(_reference()["files"], sort_keys=True).encode()
    root = os.environ.get(CACHE_ENV_VAR) or platformdirs.user_cache_dir("salesbook", appauthor=False)
    return Path(root).expanduser() / f"datasets-{hashlib.sha256(files).hexdigest()[:10]}"


def _run_generator(out_dir: Path, scale: float, seed: int) -> None:
    """Единственное место, где загрузчик вызывает генератор данных."""
    from salesbook.data.generator import generate_csv

    generate_csv(out_dir, scale=scale, seed=seed, progress=False)


def _mismatched(folder: Path, files: dict[str, str]) -> list[str]:
    """Файлы из эталона, которых нет в папке или чей SHA-256 отличается."""
    return [name for name, digest in files.items()
            if not (folder / name).is_file()
            or hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest]


def _cached_data_dir() -> Path:
    """Учебный набор в кэше; при первом обращении создать его и сверить с эталоном.

    Набор пишется во временную папку рядом и переименовывается целиком, только если
    все файлы совпали с эталоном: прерванный запуск не оставляет половины кэша.
    """
    target = cache_dir()
    if (target / "accounts.csv").is_file():
        return target
    print(f"Папка datasets/ не найдена: создаю учебные данные в «{target}» "
          "(это займёт несколько секунд)…", file=sys.stderr, flush=True)
    ref = _reference()
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
        _run_generator(tmp, ref["scale"], ref["seed"])
        bad = _mismatched(tmp, ref["files"])
        if bad:
            raise DataError(
                "Созданные данные не совпадают с эталоном курса (" + ", ".join(bad) + "). "
                "Так бывает, если версии numpy или pandas отличаются от тех, с которыми проверен курс "
                "(requirements.txt в репозитории курса): установите эти версии или положите рядом "
                "с тетрадями папку datasets/ из репозитория.")
        tmp.chmod(0o755)  # mkdtemp создаёт папку только для владельца
        try:
            tmp.rename(target)
        except OSError:
            if not (target / "accounts.csv").is_file():  # иначе другой процесс успел раньше
                raise
    except OSError as e:
        raise DataError(f"Не удалось записать данные в «{target.parent}»: {e.strerror}. "
                        f"Укажите другую папку переменной окружения {CACHE_ENV_VAR}.") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


# --------------------------------------------------------------------------
# Форматирование сообщений
# --------------------------------------------------------------------------

def _q(name: str) -> str:
    return f"„{name}“"


def _rows_word(n: int) -> str:
    return "строка" if n == 1 else "строки"


def _line_numbers(index_values) -> list[int]:
    """Номера строк в файле (заголовок — строка 1, первая строка данных — 2)."""
    out = []
    for v in index_values:
        try:
            out.append(int(v) + 2)
        except (TypeError, ValueError):
            continue
    return out


def _fmt_rows(lines: list[int], limit: int = MAX_EXAMPLES) -> str:
    lines = sorted(set(lines))
    shown = ", ".join(str(x) for x in lines[:limit])
    more = f" и ещё {len(lines) - limit}" if len(lines) > limit else ""
    return f"{_rows_word(len(lines))} {shown}{more}"


def _fmt_value(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "пусто"
    return f"'{v}'"


def _fmt_examples(raw_col: pd.Series | None, index_values) -> str:
    """«'x' (строка 5), 'y' (строки 7, 9)» — до MAX_EXAMPLES значений."""
    idx = [int(i) for i in index_values if i is not None and not pd.isna(i)]
    if raw_col is None:
        return _fmt_rows(_line_numbers(idx))
    groups: dict[str, list[int]] = {}
    for i in idx:
        groups.setdefault(_fmt_value(raw_col.iloc[i]), []).append(i + 2)
    parts = [f"{v} ({_fmt_rows(lines)})" for v, lines in list(groups.items())[:MAX_EXAMPLES]]
    more = len(groups) - MAX_EXAMPLES
    return ", ".join(parts) + (f" и ещё {more} значений" if more > 0 else "")


def _type_problem(f: S.Field) -> str:
    return {
        "int": "значения не являются целыми числами",
        "float": "значения не являются числами (дробная часть — через точку, например 12.5)",
        "money": "значения не являются суммами в рублях (число с точкой, например 125000.50)",
        "date": "значения не являются датами в формате ГГГГ-ММ-ДД",
        "month": "значения не являются месяцами в формате ГГГГ-ММ-01",
    }.get(f.kind, "значения неверного типа")


def _check_problem(f: S.Field, check: str) -> str:
    if check.startswith("isin"):
        allowed = ", ".join(str(v) for v in (f.values or ()))
        return f"недопустимые значения|Допустимы: {allowed}."
    if check.startswith("greater_than_or_equal_to"):
        if f.kind == "money":
            return "отрицательные суммы|Деньги не могут быть отрицательными."
        return f"значения меньше {f.min:g}"
    if check.startswith("less_than_or_equal_to"):
        return f"значения больше {f.max:g}"
    if check.startswith("str_matches"):
        return f"значения не соответствуют формату|Пример правильного значения: {f.example}."
    if check in ("field_uniqueness", "unique_values"):
        return "повторяющиеся значения|Значения в этом столбце должны быть уникальными."
    if check == "not_nullable":
        return "пустые значения в обязательном столбце"
    if check == "month_start":
        return "дата не первое число месяца|Месяц записывается как ГГГГ-ММ-01."
    return f"значения не прошли проверку {_q(check)}"


def _column_message(fname: str, col: str, problem: str, examples: str) -> str:
    head, _, hint = problem.partition("|")
    msg = f"Файл {fname}, столбец {_q(col)}: {head}: {examples}."
    return msg + (f" {hint}" if hint else "")


def _raise(messages: list[str], fname: str, columns) -> None:
    if len(messages) > MAX_PROBLEMS:
        messages = messages[:MAX_PROBLEMS] + [f"… и ещё проблем: {len(messages) - MAX_PROBLEMS}."]
    raise DataError("\n".join(messages), file=fname, columns=tuple(dict.fromkeys(columns)))


def _translate_failures(fc: pd.DataFrame, raw: pd.DataFrame, table: str, fname: str) -> None:
    """Перевести отчёт pandera о нарушениях в DataError на русском."""
    fields = {f.name: f for f in S.TABLE_FIELDS[table]}
    fc = fc.copy()
    fc["check"] = fc["check"].astype(str)
    fc["column"] = fc["column"].astype(object)
    messages, columns = [], []
    col_level = fc[fc["schema_context"].astype(str) == "Column"]
    for col, f in fields.items():
        sub = col_level[col_level["column"] == col]
        if sub.empty:
            continue
        columns.append(col)
        coerce = sub[sub["check"].str.startswith("coerce_dtype") | sub["check"].str.startswith("dtype(")]
        if not coerce.empty:
            idx = pd.Series(coerce["index"].drop_duplicates()).dropna().astype(int)
            empty = raw[col].iloc[idx.to_numpy()].isna().to_numpy()
            if (~empty).any():
                messages.append(_column_message(fname, col, _type_problem(f),
                                                _fmt_examples(raw[col], idx[~empty])))
            if empty.any():
                messages.append(_column_message(fname, col, "пустые значения в обязательном столбце",
                                                _fmt_examples(None, idx[empty])))
            continue
        for check, g in sub.groupby("check", sort=False):
            raw_col = None if check == "not_nullable" else raw[col]
            messages.append(_column_message(fname, col, _check_problem(f, check),
                                            _fmt_examples(raw_col, g["index"].drop_duplicates())))
    if not messages:
        for tc in S.TABLE_CHECKS[table]:
            sub = fc[fc["check"].isin([tc.name, tc.message])]
            if sub.empty:
                continue
            columns.extend(tc.columns)
            cols = ", ".join(_q(c) for c in tc.columns)
            lines = _line_numbers(sub["index"].drop_duplicates())
            where = f" ({_fmt_rows(lines)})" if lines else ""
            messages.append(f"Файл {fname}, столбцы {cols}: {tc.message}{where}.")
    if not messages:
        rest = fc.drop_duplicates(["column", "check"])
        for _, r in rest.iterrows():
            col = r["column"] if isinstance(r["column"], str) else "—"
            columns.append(col)
            messages.append(f"Файл {fname}, столбец {_q(col)}: нарушена проверка {_q(r['check'])}.")
    if not messages:
        messages.append(f"Файл {fname}: данные не прошли проверку схемы таблицы {table}.")
    _raise(messages, fname, columns)


# --------------------------------------------------------------------------
# Чтение и проверка
# --------------------------------------------------------------------------

def _fingerprint(path: Path, *, referenced_by: str | None = None) -> tuple:
    try:
        st = path.stat()
    except FileNotFoundError:
        if referenced_by:
            raise DataError(
                f"Файл {path.name} не найден в папке «{path.parent}», а он нужен для проверки "
                f"связей таблицы {referenced_by}. Сгенерируйте данные: "
                f"salesbook data --out \"{path.parent}\"",
                file=path.name) from None
        raise DataError(
            f"Файл {path.name} не найден в папке «{path.parent}». Сгенерируйте данные: "
            f"salesbook data --out \"{path.parent}\"", file=path.name) from None
    return (str(path), st.st_mtime_ns, st.st_size)


def _read_raw(path: Path, usecols=None) -> pd.DataFrame:
    fname = path.name
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                           encoding="utf-8", usecols=usecols)
    except pd.errors.EmptyDataError:
        raise DataError(f"Файл {fname} пуст: в нём нет даже строки заголовка.", file=fname) from None
    except pd.errors.ParserError as e:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        detail = (f": в строке {m.group(2)} {m.group(3)} полей вместо {m.group(1)}" if m else "")
        raise DataError(f"Файл {fname} повреждён и не читается как CSV{detail}. "
                        "Проверьте запятые и кавычки или сгенерируйте данные заново.",
                        file=fname) from None
    except UnicodeDecodeError:
        raise DataError(f"Файл {fname} не в кодировке UTF-8. Сохраните его в UTF-8.",
                        file=fname) from None
    except ValueError:
        if usecols:  # нет нужного столбца
            raise DataError(f"Файл {fname}, столбец {_q(usecols[0])}: столбец отсутствует.",
                            file=fname, columns=(usecols[0],)) from None
        raise DataError(f"Файл {fname} не читается как CSV. Сгенерируйте данные заново.",
                        file=fname) from None


@functools.lru_cache(maxsize=64)
def _id_values(path_str: str, column: str, _stamp: tuple) -> np.ndarray:
    df = _read_raw(Path(path_str), usecols=[column])
    return df[column].dropna().unique()


def _check_columns(raw: pd.DataFrame, table: str, fname: str) -> None:
    expected = S.columns(table)
    present = list(raw.columns)
    messages, cols = [], []
    for c in expected:
        if c not in present:
            messages.append(f"Файл {fname}, столбец {_q(c)}: столбец отсутствует.")
            cols.append(c)
    for c in present:
        if c not in expected:
            messages.append(f"Файл {fname}, столбец {_q(c)}: лишний столбец, которого нет в описании "
                            f"таблицы {table}.")
            cols.append(c)
    if messages:
        messages.append("Ожидаемые столбцы: " + ", ".join(expected) + ".")
        _raise(messages, fname, cols)


def _parse_bools(raw: pd.DataFrame, table: str, fname: str) -> pd.DataFrame:
    df = raw.copy()
    messages, cols = [], []
    for f in S.TABLE_FIELDS[table]:
        if f.kind != "bool":
            continue
        s = raw[f.name]
        mapped = s.map(_BOOL_VALUES)
        bad = mapped.isna()
        if bad.any():
            cols.append(f.name)
            empty = s.isna() & bad
            wrong = bad & ~empty
            if wrong.any():
                messages.append(_column_message(
                    fname, f.name, "значения не являются логическими|Допустимы: True, False.",
                    _fmt_examples(raw[f.name], np.flatnonzero(wrong.to_numpy()))))
            if empty.any():
                messages.append(_column_message(fname, f.name, "пустые значения в обязательном столбце",
                                                _fmt_examples(None, np.flatnonzero(empty.to_numpy()))))
            continue
        df[f.name] = mapped.astype(bool)
    if messages:
        _raise(messages, fname, cols)
    return df


def _check_foreign_keys(df: pd.DataFrame, raw: pd.DataFrame, table: str, fname: str,
                        ref_stamps: dict) -> None:
    messages, cols = [], []
    for t, col, ref_t, ref_col in S.FOREIGN_KEYS:
        if t != table:
            continue
        ref_path, stamp = ref_stamps[ref_t]
        ids = _id_values(str(ref_path), ref_col, stamp)
        vals = df[col]
        bad = vals.notna() & ~vals.isin(ids)
        if bad.any():
            cols.append(col)
            messages.append(
                f"Файл {fname}, столбец {_q(col)}: значения не найдены в {ref_t}.csv "
                f"(столбец {_q(ref_col)}): "
                f"{_fmt_examples(raw[col], np.flatnonzero(bad.to_numpy()))}.")
    if messages:
        _raise(messages, fname, cols)


def _validate(raw: pd.DataFrame, table: str, fname: str) -> pd.DataFrame:
    _check_columns(raw, table, fname)
    df = _parse_bools(raw, table, fname)[S.columns(table)]
    schema = S.SCHEMAS[table]
    failures = None
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        failures = e.failure_cases
    except pa.errors.SchemaError as e:  # на всякий случай: не-ленивый режим
        failures = getattr(e, "failure_cases", None)
        if not (isinstance(failures, pd.DataFrame) and "index" in failures):
            failures = pd.DataFrame(columns=["schema_context", "column", "check", "index"])
        failures = failures.assign(schema_context="Column", column=getattr(e.schema, "name", None),
                                   check=str(e.check))
    # переводим вне блока except, чтобы в трассировке не было английского текста pandera
    _translate_failures(failures, raw, table, fname)
    raise AssertionError("недостижимо")


def _load_uncached(table: str, path_str: str, stamp: tuple, refs: tuple) -> pd.DataFrame:
    path = Path(path_str)
    fname = path.name
    raw = _read_raw(path)
    if len(raw) == 0:
        raise DataError(f"Файл {fname} не содержит ни одной строки данных (есть только заголовок).",
                        file=fname)
    df = _validate(raw, table, fname)
    ref_stamps = {ref: (Path(p), st) for ref, p, st in refs}
    _check_foreign_keys(df, raw, table, fname, ref_stamps)
    return df


# Проверка схемы — самая долгая часть загрузки (секунды на большую таблицу), а каждая тетрадь
# запускается в новом ядре. Поэтому проверенная таблица кладётся на диск (pickle) под ключом из SHA-256
# самого файла, файлов, на которые он ссылается, и версии проверки (код схем и загрузчика, версии
# pandas, numpy, pandera). Изменённый, испорченный или чужой файл даёт другой ключ и проверяется
# заново; пути в ключ не входят. joblib.Memory, сделанный для такого кэша, здесь не годится: он
# читает таблицы со строковыми столбцами чистым Python-распаковщиком pickle — в 50–100 раз медленнее,
# чем pandas.read_pickle (журнал касаний — 9 с вместо 0,1 с).

@functools.lru_cache(maxsize=1)
def _validation_version() -> str:
    h = hashlib.sha256()
    for source in (Path(S.__file__), Path(__file__)):
        h.update(source.read_bytes())
    for library in ("pandas", "numpy", "pandera"):
        h.update(importlib.metadata.version(library).encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=256)
def _digest(path_str: str, _stamp: tuple) -> str:
    return hashlib.sha256(Path(path_str).read_bytes()).hexdigest()


def table_cache_dir() -> Path | None:
    """Папка проверенных таблиц: ``tables/`` рядом с учебным набором в кэше (None — кэш выключен)."""
    if os.environ.get(TABLE_CACHE_ENV_VAR, "").strip().lower() in ("off", "0", "no", "false"):
        return None
    root = os.environ.get(CACHE_ENV_VAR) or platformdirs.user_cache_dir("salesbook", appauthor=False)
    return Path(root).expanduser() / "tables"


def _load_persistent(table: str, path_str: str, stamp: tuple, refs: tuple) -> pd.DataFrame:
    folder = table_cache_dir()
    if folder is None:
        return _load_uncached(table, path_str, stamp, refs)
    key = hashlib.sha256("|".join(
        [_validation_version(), table, _digest(path_str, stamp)]
        + [f"{ref}={_digest(p, st)}" for ref, p, st in refs]).encode()).hexdigest()[:32]
    target = folder / f"{table}-{key}.pkl"
    try:
        return pd.read_pickle(target)
    except Exception:  # noqa: BLE001 — нет в кэше или файл кэша повреждён: проверяем заново
        pass
    df = _load_uncached(table, path_str, stamp, refs)
    try:  # запись во временный файл и переименование: параллельные ядра не видят половины файла
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{table}-", suffix=".tmp", dir=folder)
        os.close(fd)
        try:
            df.to_pickle(tmp)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        # старые версии таблицы не копятся: остаются TABLE_CACHE_KEEP последних записанных
        versions = sorted(folder.glob(f"{table}-*.pkl"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
        for old in versions[TABLE_CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # кэш недоступен для записи — загрузка просто медленнее
    return df


_load_cached = functools.lru_cache(maxsize=32)(_load_persistent)


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Загрузить таблицу курса с проверкой типов, значений и связей.

    Параметры
    ---------
    name : str
        Имя таблицы, например ``"leads"`` (список — ``TABLES``).
    data_dir : str | Path | None
        Папка с CSV. По умолчанию — ``SALESBOOK_DATA``, ближайшая папка
        ``datasets/`` или учебный набор в кэше пользователя (см. :func:`find_data_dir`).

    Возвращает
    ----------
    pandas.DataFrame
        Даты — ``datetime64``, флаги — ``bool``, идентификаторы и коды — строки,
        деньги — ``float64``. Возвращается копия: её можно менять, не боясь
        испортить кэш.

    Исключения
    ----------
    DataError
        Если файла нет, он пуст или повреждён, не хватает столбцов или есть
        лишние, значения неверного типа или вне допустимого набора, деньги
        отрицательные, идентификаторы повторяются или ссылаются на
        несуществующие строки других таблиц.
    """
    if name not in TABLES:
        raise DataError(f"Неизвестная таблица {_q(str(name))}. Доступны: {', '.join(TABLES)}.")
    d = find_data_dir(data_dir)
    path = d / f"{name}.csv"
    stamp = _fingerprint(path)
    refs = []
    for t, _col, ref_t, _ref_col in S.FOREIGN_KEYS:
        if t == name and ref_t not in [r[0] for r in refs]:
            ref_path = d / f"{ref_t}.csv"
            refs.append((ref_t, str(ref_path), _fingerprint(ref_path, referenced_by=f"{name}.csv")))
    df = _load_cached(name, str(path), stamp, tuple(refs))
    return df.copy()


def load_all(data_dir: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Загрузить все таблицы курса: словарь «имя → DataFrame» (см. :func:`load`)."""
    return {t: load(t, data_dir) for t in TABLES}


def clear_cache() -> None:
    """Сбросить кэш загруженных таблиц (обычно не нужно: кэш следит за изменением файлов)."""
    _load_cached.cache_clear()
    _id_values.cache_clear()
    _digest.cache_clear()
