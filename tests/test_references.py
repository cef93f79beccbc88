"""Список литературы: у каждого источника год или «б. г.» — иначе ссылка в тексте покажет английское «n.d.»."""

import re
from pathlib import Path

from pybtex.database import parse_file

BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"


def test_every_source_has_a_year_or_the_russian_undated_mark():
    entries = parse_file(str(BIB)).entries
    bad = [key for key, entry in entries.items()
           if not re.fullmatch(r"\d{4}[a-zа-я]?|б\. г\.", entry.fields.get("year", "").strip())]
    assert not bad, f"без года (поставьте год или «б. г.»): {bad}"
