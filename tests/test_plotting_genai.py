from salesbook.runtime import plotting


def test_genai_label_names_use_cases_defects_and_policies():
    assert plotting.genai_label("call_summary") == "Конспект звонка"
    assert plotting.genai_label("pii") == "Чужие персональные данные"
    assert plotting.genai_label("auto_only") == "Черновик без проверки человеком"
    assert plotting.genai_label("helppro") == "ХелпПро"      # чужие коды — общей подписью курса
