from salesbook.runtime import plotting


def test_genai_label_names_use_cases_defects_and_policies():
    assert plotting.genai_label("call_summary") == "Конспект звонка"
    assert plotting.genai_label("pii") == "Чужие персональные данные"
    assert plotting.genai_label("auto_only") == "Черновик без проверки человеком"
    assert plotting.genai_label("helppro") == "ХелпПро"      # чужие коды — общей подписью курса


def test_genai_labels_for_defect_kinds_and_missed_details():
    assert plotting.genai_label("tone") == "Тон не по бренду"
    assert plotting.genai_label("promise") == "Обещание сверх политики компании"
    assert plotting.genai_label("name_only") == "Имя без телефона и компании"


def test_genai_policy_plot_draws_lines_band_and_threshold():
    import matplotlib.pyplot as plt

    fig, ax = plotting.new_figure("т")
    plotting.genai_policy_plot(ax, [0.8, 0.9, 1.0], [900.0, 500.0, 100.0], 300.0, catch_band=(0.85, 0.99), breakeven=0.95)
    assert len(ax.lines) == 3 and len(ax.patches) == 1
    plt.close(fig)
