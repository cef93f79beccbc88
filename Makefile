# Курс «Энциклопедия продаж IT-продуктов». Две главные команды: `make book` и `make test`.
SHELL := /bin/bash
PYTHON ?= python3
# Самый старый Python, на котором курс работает (pyproject: requires-python); проверен на 3.11.
PYTHON_MIN := 3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest
# Ядро тетради на загруженной машине может стартовать дольше минуты (nbval по умолчанию ждёт 60 с).
# Три процесса на двух ядрах: тетрадь часть времени ждёт своё ядро (старт, сообщения), и третий
# процесс занимает эти паузы (замер на 2 ядрах: рабочие тетради 87 → 78 с, решения 131 → 124 с;
# четыре процесса — уже медленнее, 91 с).
# Ядра nbval говорят через файлы-сокеты, а не порты TCP (salesbook/authoring/kernels.py): порты
# параллельных ядер иногда перехватывались, и ядро тетради падало на старте.
NBVAL := $(PYTEST) -p salesbook.authoring.kernels --nbval-lax --nbval-kernel-startup-timeout 180 -n 3 --dist loadfile -q
export PYTHONHASHSEED := 0
export SALESBOOK_PROGRESS := off
# Проверки и сборка сами занимают все ядра параллельными процессами (pytest-xdist, nbval, book-exec);
# потоки OpenBLAS поверх них только отнимают ядра друг у друга (рабочие тетради одни: 82 → 75 с,
# тетрадь 9.3 рядом со сборкой книги — в 4 раза медленнее решений; юнит-тесты 137 → 123 с).
# Числа курса те же (контрольные суммы данных, ответы упражнений, числа текста), хотя в общем случае
# число потоков BLAS может сдвинуть последние биты произведений матриц. JupyterLab учащегося — как обычно.
ONE_BLAS_THREAD := book test test-unit test-notebooks test-solutions test-workbooks test-book test-browser
$(ONE_BLAS_THREAD): export OPENBLAS_NUM_THREADS := 1
$(ONE_BLAS_THREAD): export OMP_NUM_THREADS := 1
$(ONE_BLAS_THREAD): export MKL_NUM_THREADS := 1

.PHONY: help env check-python book slides test lint test-unit test-notebooks test-solutions test-workbooks test-book test-browser lab notebooks data lock bench clean

help:
	@echo "make book       — окружение + сборка книги в _build/html"
	@echo "make test       — окружение + все проверки курса"
	@echo "make test-browser — книга в Chromium и тетрадь в JupyterLab (после make book)"
	@echo "make slides     — слайды разделов в _build/html/slides (после make book)"
	@echo "make lab        — JupyterLab с рабочими тетрадями"
	@echo "make notebooks  — пересобрать notebooks/ и solutions/ из book/"
	@echo "make data       — пересоздать datasets/ (масштаб 1)"
	@echo "make lint       — линтер ruff (входит в make test)"

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || { $(MAKE) --no-print-directory check-python && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# JupyterLab по-русски по умолчанию (языковой пакет стоит в requirements.txt)
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@printf '%s\n' '{"@jupyterlab/translation-extension:plugin": {"locale": "ru_RU"}}' > $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

# Окружение создаётся из $(PYTHON): слишком старый Python остановит установку сразу, по-русски,
# а не английской ошибкой pip через несколько минут.
check-python:
	@found=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2]); sys.exit(sys.version_info[:2] < tuple(map(int, "$(PYTHON_MIN)".split("."))))' 2>/dev/null); \
	old=$$?; \
	if [ -z "$$found" ]; then \
	  echo "Не найден Python: команда «$(PYTHON)» не запускается. Нужен Python $(PYTHON_MIN) или новее (курс проверен на 3.11); укажите его так: make lab PYTHON=python3.11" >&2; exit 1; \
	elif [ $$old -ne 0 ]; then \
	  echo "Нужен Python $(PYTHON_MIN) или новее (курс проверен на 3.11), а «$(PYTHON)» — Python $$found. Установите Python 3.11 и укажите его: make lab PYTHON=python3.11" >&2; exit 1; \
	fi

# Тетради книги сначала исполняются параллельно в кэш сборки (salesbook book-exec), затем
# Jupyter Book берёт их из кэша: сам он исполняет страницы по одной.
book: env
	$(BIN)/salesbook book-exec
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	$(BIN)/salesbook slides --out _build/html/slides
	@echo
	@echo "Книга собрана. Откройте в браузере: file://$(CURDIR)/_build/html/book/intro.html"

# Порядок: решения (они же исполняют книгу) → сборка книги вместе с рабочими тетрадями (сборка
# Sphinx занимает одно ядро, тетради — остальное; вывод каждой цели — целиком, когда она закончится)
# → книга в браузере.
test: env
	@start=$$(date +%s); rm -f _build/junit-*.xml _build/browser-skipped.txt; \
	$(MAKE) --no-print-directory test-unit test-solutions || exit $$?; \
	$(MAKE) --no-print-directory -j2 --output-sync=target test-book test-workbooks || exit $$?; \
	$(MAKE) --no-print-directory test-browser || exit $$?; \
	$(BIN)/salesbook coverage; \
	echo "Все проверки курса прошли за $$(( $$(date +%s) - start )) с."; \
	if [ -f _build/browser-skipped.txt ]; then cat _build/browser-skipped.txt; fi; \
	$(BIN)/python -m salesbook.authoring.testsummary _build/junit-*.xml

# Линтер (ruff.toml): ошибки pyflakes и порядок импортов. Исправить: .venv/bin/ruff check --fix .
lint: env
	$(BIN)/ruff check .

# Байт-код пишется (__pycache__, в .gitignore), даже если окружение его запрещает (PYTHONDONTWRITEBYTECODE):
# pytest хранит там модули тестов с переписанными assert, и без него каждый из двух процессов
# заново переписывает все ≈140 модулей тестов при каждом запуске (≈6 с процессора на процесс).
test-unit: export PYTHONDONTWRITEBYTECODE :=
test-unit: env lint
	$(PYTEST) tests -q -n 2 --junitxml=_build/junit-unit.xml

test-notebooks: test-solutions test-workbooks

# Решения исполняются под nbval один раз на два дела: в том же ядре между ячейками решений идут
# служебные ячейки книги (числа для текста, заготовки), и исполненная тетрадь книги ложится в кэш
# сборки (salesbook/authoring/nbval_book.py). Поэтому в make test решения идут до test-book:
# salesbook book-exec исполняет только то, чего в кэше нет.
test-solutions: env
	@echo "— Решения: каждое упражнение должно пройти проверку (заодно исполняется книга)"
	SALESBOOK_EXPECT=pass $(NBVAL) -p salesbook.authoring.nbval_book --book-cache solutions --junitxml=_build/junit-solutions.xml

test-workbooks: env
	@echo "— Рабочие тетради: каждое упражнение должно быть «ещё не решено»"
	SALESBOOK_EXPECT=unattempted $(NBVAL) notebooks --junitxml=_build/junit-notebooks.xml

test-book: env
	$(BIN)/salesbook book-exec
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	$(BIN)/salesbook slides --out _build/html/slides

# Слайды разделов (reveal.js, без сети) из исходников и исполненных тетрадей книги: графики берутся
# из кэша исполнения, поэтому сначала make book (он собирает слайды и сам).
slides: env
	$(BIN)/salesbook slides --out _build/html/slides

# Книга в браузере и рабочая тетрадь в JupyterLab (tests/browser). Нужны собранная книга
# (make book; в make test её собирает test-book) и Chromium: sudo apt-get install chromium.
# Без Chromium тесты пропускаются с объяснением; SALESBOOK_REQUIRE_BROWSER=1 (CI) — провал.
# Два процесса: страницы книги делятся между ними, тесты тетради идут в одном (группа lab).
test-browser: env
	$(PYTEST) tests/browser -q -rs -n 2 --dist loadgroup --junitxml=_build/junit-browser.xml

# Журнал прогресса в make test выключен (SALESBOOK_PROGRESS := off выше), а у учащегося — включён.
lab: env
	SALESBOOK_PROGRESS=on $(BIN)/jupyter lab notebooks

notebooks: env
	$(BIN)/salesbook notebooks

data: env
	$(BIN)/salesbook data --scale 1 --out datasets

lock: env
	(echo "# Точные версии всех пакетов курса (pip freeze). Обновлять: make lock"; \
	 $(BIN)/pip freeze --exclude-editable | grep -vi "^salesbook") > requirements.txt

clean:
	rm -rf _build
