"""Рабочая тетрадь в настоящем JupyterLab: выполняется без ошибок, проверки упражнений
отвечают «Ещё не решено», на верный ответ — «Верно», на типичную ошибку — своей подсказкой;
калькулятор на ipywidgets пересчитывается при движении ползунка."""

from __future__ import annotations

import json
import re

import pytest
from browsersupport import LOGS, ROOT, require_browser, stat

require_browser(module_level=True)  # без Chromium — один понятный пропуск на модуль

#: Все тесты тетради — в одном процессе pytest-xdist: один сервер JupyterLab на прогон.
pytestmark = pytest.mark.xdist_group("lab")

NOTEBOOK = "notebooks/ch01/1_1_1_cac.ipynb"
CORRECT_EXERCISE = "ch01.cac.q1"                 # вводим решение из solutions.json
WRONG_EXERCISE = ("ch01.cac.q3", "inverse")      # вводим перевёрнутую дробь — ждём подсказку этой ошибки
WRONG_REPLACE = ("ppc_leads_per_customer = ppc_leads / ppc_customers", "ppc_leads_per_customer = ppc_customers / ppc_leads")

#: Где искать тетради с калькулятором unit_economics_calculator( (пути от корня репозитория).
CALCULATOR_SEARCH = ["notebooks"]
CALCULATOR_CALL = "unit_economics_calculator("

ERROR_MIME = ("application/vnd.jupyter.stderr", "application/vnd.jupyter.error")

_ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def _solutions() -> dict[str, str]:
    return json.loads((ROOT / "salesbook" / "exercises" / "solutions.json").read_text(encoding="utf-8"))


def _code_cells(path: str) -> list[tuple[int, str, list[str]]]:
    """(номер ячейки среди всех, код, теги) для кодовых ячеек тетради."""
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out.append((i, source, list(cell.get("metadata", {}).get("tags", []))))
    return out


def _starter_cell(path: str, exercise_id: str) -> int:
    """Номер ячейки-заготовки упражнения: тег starter и вызов qN.check() того же упражнения."""
    check = exercise_id.rsplit(".", 1)[1] + ".check()"
    cells = [i for i, source, tags in _code_cells(path) if "starter" in tags and source.rstrip().endswith(check)]
    assert len(cells) == 1, f"в {path} не одна заготовка с {check}: {cells}"
    return cells[0]


# ---------------------------------------------------------------------------
# Управление JupyterLab из браузера
# ---------------------------------------------------------------------------


def open_notebook(context, lab, path: str):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(lab.notebook_url(path), wait_until="domcontentloaded")
    page.locator(f"{_ACTIVE} .jp-Notebook .jp-Cell").first.wait_for(state="visible", timeout=60_000)
    # ядро запущено и подключено: в строке состояния «Python 3 (ipykernel) | Простаивает»
    # (Idle без русского языкового пакета; до подключения там «Нет Ядра» / «No Kernel»)
    try:
        page.wait_for_function(
            """() => { const bar = document.querySelector('#jp-main-statusbar');
                       return bar && /\\|\\s*(Простаивает|Idle)/.test(bar.innerText) && !/(Нет Ядра|No Kernel)/.test(bar.innerText); }""",
            timeout=60_000,
        )
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"ядро тетради {path} не запустилось за 60 с: {exc}.{snapshot(page, 'kernel-start')}", pytrace=False)
    return page, errors


def _prompts(page) -> list[str]:
    # Свёрнутая ячейка (установка пакета курса) показывает вместо кода заглушку с пустым приглашением.
    return page.eval_on_selector_all(f"{_ACTIVE} .jp-CodeCell .jp-InputPrompt:not(.jp-Placeholder-prompt)", "els => els.map(e => e.textContent.trim())")


def snapshot(page, name: str) -> str:
    """Снимок экрана JupyterLab для разбора провала."""
    LOGS.mkdir(parents=True, exist_ok=True)
    path = LOGS / f"{name}.png"
    try:
        page.screenshot(path=str(path))
    except Exception:  # noqa: BLE001 — снимок только помогает, провал важнее
        return ""
    return f" Снимок экрана: {path.relative_to(ROOT)}"


def run_all(page) -> None:
    page.locator(f"{_ACTIVE} .jp-Notebook").click(position={"x": 5, "y": 5})
    # меню «Выполнить» (Run — если русский языковой пакет JupyterLab не включён)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^(Выполнить|Run)$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    # все ячейки получили номер выполнения — или выполнение остановилось на ошибке
    try:
        _wait_run_all(page)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"«Run All Cells» не закончился: приглашения ячеек {_prompts(page)}; {exc}.{snapshot(page, 'run-all')}", pytrace=False)


def _wait_run_all(page) -> None:
    page.wait_for_function(
        """(errorMimes) => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt:not(.jp-Placeholder-prompt)')].map(e => e.textContent.trim());
            if (prompts.some(t => t.includes('*'))) return false;
            if (prompts.length && prompts.every(t => /^\\[\\d+\\]:$/.test(t))) return true;
            return errorMimes.some(m => panel.querySelector(`.jp-OutputArea-output[data-mime-type="${m}"]`));
        }""",
        arg=list(ERROR_MIME),
        timeout=90_000,
    )


def error_outputs(page) -> list[str]:
    selector = ", ".join(f'{_ACTIVE} .jp-OutputArea-output[data-mime-type="{m}"]' for m in ERROR_MIME)
    return [t.strip()[:500] for t in page.eval_on_selector_all(selector, "els => els.map(e => e.innerText)")]


def cell(page, index: int):
    return page.locator(f"{_ACTIVE} .jp-Notebook .jp-Cell").nth(index)


def replace_and_run(page, index: int, code: str) -> str:
    """Заменить код ячейки, выполнить её (Shift+Enter) и вернуть новый номер выполнения."""
    target = cell(page, index)
    before = target.locator(".jp-InputPrompt").inner_text().strip()
    editor = target.locator(".cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)  # как вставка: без автоскобок и автоотступов редактора
    typed = "\n".join(target.locator(".cm-line").all_inner_texts())
    assert typed.strip() == code.strip(), f"в ячейку попал не тот код:\n{typed}"
    page.keyboard.press("Shift+Enter")
    prompt = target.locator(".jp-InputPrompt")
    page.wait_for_function(
        """([el, before]) => { const t = el.textContent.trim(); return /^\\[\\d+\\]:$/.test(t) && t !== before; }""",
        arg=[prompt.element_handle(), before],
        timeout=60_000,
    )
    return prompt.inner_text().strip()


def check_result(page, index: int):
    checks = cell(page, index).locator(".jp-OutputArea-output .salesbook-check")
    assert checks.count() == 1, f"у ячейки {index} нет результата проверки; выводы: {cell(page, index).locator('.jp-OutputArea').inner_text()}"
    return checks.first


# ---------------------------------------------------------------------------
# Тетрадь раздела 1.1.1
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(lab_context, lab):
    notebook = ROOT / NOTEBOOK
    original = notebook.read_bytes()
    page, errors = open_notebook(lab_context, lab, NOTEBOOK)
    try:
        run_all(page)
        stat("notebook_cells_run", len(_prompts(page)))
        yield page, errors
    finally:
        page.close()
    # тетрадь в репозитории не изменилась: автосохранение выключено, сохранять тест не должен
    assert notebook.read_bytes() == original, f"тест изменил {NOTEBOOK} — тетради пересобирает только make notebooks"


def test_workbook_runs_without_errors(workbook):
    page, errors = workbook
    prompts = _prompts(page)
    not_run = [i for i, t in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", t)]
    assert not error_outputs(page), "в тетради вывод с ошибкой:\n" + "\n---\n".join(error_outputs(page))
    assert not not_run, f"ячейки не выполнились: {not_run} (приглашения: {prompts})"
    assert not errors, f"ошибки JavaScript в JupyterLab: {errors}"


def test_jupyterlab_speaks_russian(workbook):
    """make env включает русский языковой пакет JupyterLab: меню учащегося — по-русски."""
    page, _ = workbook
    labels = page.eval_on_selector_all(".lm-MenuBar-itemLabel", "els => els.map(e => e.textContent.trim())")
    assert "Файл" in labels and "Выполнить" in labels, f"меню JupyterLab не по-русски: {labels}"


def test_every_exercise_is_unattempted(workbook):
    page, _ = workbook
    starters = [i for i, _, tags in _code_cells(NOTEBOOK) if "starter" in tags]
    assert starters, f"в {NOTEBOOK} нет заготовок упражнений"
    for index in starters:
        result = check_result(page, index)
        assert "salesbook-unattempted" in (result.get_attribute("class") or ""), result.inner_text()
        assert "Ещё не решено" in result.inner_text(), result.inner_text()
    all_checks = page.locator(f"{_ACTIVE} .jp-OutputArea-output .salesbook-check")
    assert all_checks.count() == len(starters), "проверок на странице больше, чем заготовок"


def test_quiz_works_in_jupyterlab(workbook):
    """Квиз в тетради — тот же HTML с CSS, что и в книге: клик по варианту показывает отзыв к нему."""
    page, _ = workbook
    quiz = page.locator(f"{_ACTIVE} .jp-OutputArea-output .salesbook-quiz").first
    quiz.scroll_into_view_if_needed()
    assert quiz.count() == 1, "в выводе тетради нет квиза (JupyterLab мог вырезать HTML или стили)"
    option = quiz.locator(".q").first.locator("label.opt").first
    feedback = option.locator(".fb")
    assert not feedback.is_visible(), "отзыв виден до выбора варианта"
    option.click()
    assert feedback.is_visible(), "после клика по варианту отзыв не появился — стили квиза не работают в JupyterLab"
    assert re.search(r"Верно|Неверно", feedback.inner_text())


def test_correct_answer_is_accepted(workbook):
    page, _ = workbook
    index = _starter_cell(NOTEBOOK, CORRECT_EXERCISE)
    replace_and_run(page, index, _solutions()[CORRECT_EXERCISE])
    result = check_result(page, index)
    assert "salesbook-correct" in (result.get_attribute("class") or ""), result.inner_text()
    assert "Верно" in result.inner_text()
    assert not error_outputs(page), error_outputs(page)


def test_known_mistake_gets_its_hint(workbook):
    from salesbook.exercises import ch01_cac

    page, _ = workbook
    exercise_id, mistake_name = WRONG_EXERCISE
    exercise = next(q for q in vars(ch01_cac).values() if getattr(q, "id", None) == exercise_id)
    hint = next(m.hint for m in exercise.mistakes if m.name == mistake_name)
    solution = _solutions()[exercise_id]
    assert WRONG_REPLACE[0] in solution, f"решение {exercise_id} изменилось — обновите WRONG_REPLACE в тесте"
    index = _starter_cell(NOTEBOOK, exercise_id)
    replace_and_run(page, index, solution.replace(*WRONG_REPLACE))
    result = check_result(page, index)
    text = result.inner_text()
    assert "salesbook-incorrect" in (result.get_attribute("class") or ""), text
    assert "Неверно" in text and hint in text, f"ждали подсказку «{hint}», получили «{text}»"


# ---------------------------------------------------------------------------
# Калькулятор юнит-экономики на ipywidgets
# ---------------------------------------------------------------------------


def calculator_notebooks() -> list[str]:
    found = []
    for folder in CALCULATOR_SEARCH:
        for path in sorted((ROOT / folder).rglob("*.ipynb")):
            if ".ipynb_checkpoints" in path.parts:
                continue
            if any(CALCULATOR_CALL in source for _, source, _ in _code_cells(path.relative_to(ROOT).as_posix())):
                found.append(path.relative_to(ROOT).as_posix())
    return found


_RESULT_TEXT = """(el) => {
    // текст вывода калькулятора без самих ползунков и их подписей-значений
    const copy = el.cloneNode(true);
    copy.querySelectorAll('.widget-slider, .widget-readout, input, .noUi-target').forEach(n => n.remove());
    return copy.innerText.replace(/\\s+/g, ' ').trim();
}"""


def test_calculator_slider_changes_result(lab_context, lab):
    notebooks = calculator_notebooks()
    if not notebooks:
        pytest.skip(
            f"Тетради с калькулятором ещё нет: ни одна тетрадь в {', '.join(CALCULATOR_SEARCH)}/ не вызывает "
            f"{CALCULATOR_CALL}…). Тест заработает сам, как только она появится."
        )
    for path in notebooks:
        original = (ROOT / path).read_bytes()
        page, errors = open_notebook(lab_context, lab, path)
        try:
            run_all(page)
            stat("notebook_cells_run", len(_prompts(page)))
            assert not error_outputs(page), f"{path}: вывод с ошибкой:\n" + "\n---\n".join(error_outputs(page))
            index = next(i for i, source, _ in _code_cells(path) if CALCULATOR_CALL in source)
            output = cell(page, index).locator(".jp-Cell-outputWrapper")
            slider = output.locator(".widget-slider .noUi-handle, .widget-hslider .noUi-handle").first
            slider.wait_for(state="visible", timeout=30_000)
            before = output.evaluate(_RESULT_TEXT)
            assert before, f"{path}: у калькулятора пустой вывод"
            slider.scroll_into_view_if_needed()
            slider.focus()
            for _ in range(5):
                slider.press("ArrowRight")
            try:
                page.wait_for_function(f"([el, before]) => ({_RESULT_TEXT})(el) !== before", arg=[output.element_handle(), before], timeout=5_000)
            except Exception:  # noqa: BLE001 — клавиатура не сдвинула ползунок: тянем мышью
                box = slider.bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.mouse.down()
                page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2, steps=5)
                page.mouse.up()
                page.wait_for_function(f"([el, before]) => ({_RESULT_TEXT})(el) !== before", arg=[output.element_handle(), before], timeout=15_000)
            after = output.evaluate(_RESULT_TEXT)
            assert after != before, f"{path}: ползунок сдвинут, а результат калькулятора не изменился"
            assert not error_outputs(page), f"{path}: ошибка после движения ползунка:\n" + "\n".join(error_outputs(page))
            assert not errors, f"{path}: ошибки JavaScript: {errors}"
        finally:
            page.close()
        assert (ROOT / path).read_bytes() == original, f"тест изменил {path}"
