"""Планы мотивации (таблица pay_plans): как генератор начислял переменную часть.

Числа не задаются здесь заново — это описание правил из :mod:`.people` (AE_COMMISSION,
SDR_MEETING_BONUS, SE_COMMISSION, MANAGER_COMMISSION, CSM_EXPANSION_BONUS) словами и кодами,
чтобы читатель мог пересчитать выплаты из сделок, встреч и MRR. Сами ставки — допущение курса
(см. комментарии в people.py).
"""

from salesbook.data.generator.params import people

# (роль, составляющая, база начисления, ставка — доля базы, сумма за единицу в ценах января 2023 г., ₽,
#  индексация суммы за единицу, кому и как делится, условие выплаты, когда начисляется)
PLAN_ROWS = (
    ("AE", "ae_commission", "won_acv", people.AE_COMMISSION, None, False, "owner",
     "employed_on_close_date", "close_month"),
    ("SDR", "sql_meeting_bonus", "sql_meetings", None, people.SDR_MEETING_BONUS["SDR"], True, "owner",
     "employed_on_meeting_date", "meeting_month"),
    ("BDR", "sql_meeting_bonus", "sql_meetings", None, people.SDR_MEETING_BONUS["BDR"], True, "owner",
     "employed_on_meeting_date", "meeting_month"),
    ("SE", "se_commission", "won_acv_supported", people.SE_COMMISSION, None, False, "owner",
     "none", "close_month"),
    ("manager", "manager_override", "won_acv_all", people.MANAGER_COMMISSION, None, False,
     "equal_among_employed", "employed_in_month", "close_month"),
    ("CSM", "csm_expansion_bonus", "annual_expansion", people.CSM_EXPANSION_BONUS, None, False,
     "equal_among_employed", "employed_in_month", "expansion_month"),
)
VALID_FROM = "2023-01-01"          # первый месяц данных; правила не менялись за всё время данных (допущение курса)
VALID_TO = "2025-12-31"
