"""Подписи кодов планов мотивации (раздел 5.4, часть 2)."""

from salesbook.runtime import plotting


def test_pay_plan_codes_have_russian_labels():
    from salesbook.data import schemas as S

    for code in S.PAY_COMPONENTS + S.PAY_BASES + S.PAY_SPLITS + S.PAY_TIMINGS:
        assert plotting.label(code) != code
