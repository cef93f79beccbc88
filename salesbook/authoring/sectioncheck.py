"""Проверка одного раздела целиком, пока пишется курс: ``salesbook check-section book/chNN/x.md``.

1. Исходник соблюдает договорённости о тегах; тетради раздела пересобираются.
2. Решения раздела проходят все проверки (SALESBOOK_EXPECT=pass), рабочая
   тетрадь — вся «ещё не решено» (SALESBOOK_EXPECT=unattempted), под nbval.
3. Книга собирается с предупреждениями-ошибками во временной папке: раздел
   исполняется, остальные страницы — без исполнения (быстро, и соседние
   недописанные разделы не мешают).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from salesbook.authoring import glue, notebooks
from salesbook.authoring.notebooks import ROOT


def _toc_with(section: Path) -> dict:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    rel = section.relative_to(ROOT).with_suffix("").as_posix()
    chapter_index = section.parent.relative_to(ROOT).as_posix() + "/index"

    def exists(entry):
        return (ROOT / (entry["file"] + ".md")).exists()

    present = False
    for part in toc.get("parts", []):
        chapters = []
        for chapter in part.get("chapters", []):
            if not exists(chapter):
                continue
            sections = [s for s in chapter.get("sections", []) if exists(s)]
            present |= any(s["file"] == rel for s in sections) or chapter["file"] == rel
            if chapter["file"] == chapter_index and not any(s["file"] == rel for s in sections):
                sections.append({"file": rel})
                present = True
            if sections:
                chapter["sections"] = sections
            else:
                chapter.pop("sections", None)
            chapters.append(chapter)
        part["chapters"] = chapters
    if not present:
        toc["parts"].insert(-1, {"caption": "Проверяемый раздел", "chapters": [{"file": rel}]})
    return toc


def run(section: str) -> int:
    path = (ROOT / section).resolve() if not Path(section).is_absolute() else Path(section)
    if not path.exists():
        print(f"Нет файла {section}")
        return 2
    problems = notebooks.lint_source(path)
    if problems:
        print("\n".join(problems))
        return 1
    notebooks.generate(only=[path])
    outs = notebooks.output_paths(path)
    python = sys.executable
    env = dict(os.environ, SALESBOOK_PROGRESS="off")
    for variant, expect in (("solutions", "pass"), ("notebooks", "unattempted")):
        print(f"— nbval: {outs[variant].relative_to(ROOT)} (SALESBOOK_EXPECT={expect})")
        code = subprocess.call([python, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", str(outs[variant])],
                               env=dict(env, SALESBOOK_EXPECT=expect), cwd=ROOT)
        if code:
            return code
    out = Path(tempfile.gettempdir()) / f"salesbook-check-{path.stem}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    others = [str(p.relative_to(ROOT)) for p in notebooks.section_sources() if p != path]
    config["sphinx"]["config"]["nb_execution_excludepatterns"] = others
    # у неисполненных соседей {glue:text} пуст — не ошибка; раздел берётся из кэша, куда его записал generate
    config["sphinx"]["config"]["suppress_warnings"] = ["myst.domains", "mystnb.glue"]
    config["execute"]["cache"] = str(ROOT / glue.CACHE_DIR)
    (out / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (out / "_toc.yml").write_text(yaml.safe_dump(_toc_with(path), allow_unicode=True), encoding="utf-8")
    print(f"— книга с этим разделом: {out / 'html'}")
    code = subprocess.call(
        [str(Path(python).with_name("jupyter-book")), "build", str(ROOT), "--config", str(out / "_config.yml"),
         "--toc", str(out / "_toc.yml"), "--path-output", str(out), "--warningiserror", "--nitpick", "--keep-going", "--quiet"],
        env=env, cwd=ROOT,
    )
    if code == 0:
        print(f"Раздел в порядке. Страница: {out / '_build' / 'html' / path.relative_to(ROOT).with_suffix('.html')}")
    return code
