"""Помощник графиков раздела 2.3: тренды двух групп и линия старта программы."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from salesbook.runtime import plotting  # noqa: E402


def test_trends_with_start_draws_lines_and_start_marker():
    frame = pd.DataFrame({"in_programme": [1.0, 2.0, 3.0], "not_in_programme": [1.0, 1.5, 1.0]},
                         index=["2025Q1", "2025Q2", "2025Q3"])
    fig, ax = plt.subplots()
    plotting.trends_with_start(ax, frame, "2025Q2", "Пайплайн", "₽ на аккаунт")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["В программе", "Вне программы", "Старт программы"]
    assert ax.lines[-1].get_xdata()[0] == 0.5
    plt.close(fig)


def test_role_labels_are_russian():
    assert plotting.label("economic_buyer") == "Экономический покупатель"
    assert plotting.label("one_to_few") == "1:few"


def test_committee_executive_label_does_not_change_the_survey_role():
    assert plotting.committee_role_label("executive") == "Топ-менеджер (роль не подтверждена)"
    assert plotting.committee_role_label("champion") == "Чемпион"
    assert plotting.label("executive") == "Первое лицо"


def test_trends_with_start_labels_quarters_in_russian():
    frame = pd.DataFrame({"in_programme": [1.0, 2.0]}, index=pd.PeriodIndex(["2025Q1", "2025Q2"], freq="Q"))
    fig, ax = plt.subplots()
    plotting.trends_with_start(ax, frame, pd.Period("2025Q2"), "Пайплайн")
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["I\u00a0кв.\u00a02025", "II\u00a0кв.\u00a02025"]
    assert ax.lines[-1].get_xdata()[0] == 0.5
    plt.close(fig)


def test_engaged_by_labels():
    assert plotting.label("sdr") == "SDR/BDR"
    assert plotting.label("se") == "SE (пресейл)"
