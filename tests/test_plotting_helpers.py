"""Помощники оформления раздела 1.2: подписи пар кодов, тепловая карта, интервалы, подписи точек, p-value."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from salesbook.runtime import fmt, plotting  # noqa: E402


def test_p_value_two_significant_digits_with_comma():
    assert fmt.p_value(0.005941) == "0,0059"
    assert fmt.p_value(0.62) == "0,62"
    assert fmt.p_value(1.0) == "1,0"
    assert fmt.p_value(float("nan")) == "—" and fmt.p_value("x") == "—"


def test_pair_label_keeps_case_of_codes():
    assert plotting.pair_label(("mid_market", "it")) == "Mid-market · ИТ"
    assert plotting.pair_label("smb") == "SMB"


def test_heatmap_writes_every_cell_and_labels_axes():
    values = pd.DataFrame([[0.1, 0.5], [0.3, np.nan]], index=["smb", "enterprise"], columns=["it", "retail"])
    notes = pd.DataFrame([["n = 1", "n = 2"], ["n = 3", "n = 0"]], index=values.index, columns=values.columns)
    fig, ax = plt.subplots()
    image = plotting.heatmap(ax, values, notes, vmax=0.6)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 4 and "50\u00a0%\nn = 2" in texts and "—\nn = 0" in texts
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ИТ", "Ритейл"]
    assert image.get_clim() == (0.0, 0.6)
    plt.close(fig)


def test_interval_plot_one_row_per_group_and_muted_rows_grey():
    est = pd.Series([0.2, 0.4], index=pd.MultiIndex.from_tuples([("smb", "it"), ("enterprise", "retail")]))
    fig, ax = plt.subplots()
    plotting.interval_plot(ax, est, est - 0.1, est + 0.1, muted=[True, False], reference=0.3, reference_label="база")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["SMB · ИТ", "Enterprise · Ритейл"]
    assert ax.get_legend() is not None
    plt.close(fig)


def test_interval_plot_per_row_reference_marks_each_row():
    est = pd.Series([0.2, 0.4, 0.5], index=["a", "b", "c"])
    fig, ax = plt.subplots()
    plotting.interval_plot(ax, est, est - 0.1, est + 0.1, reference=pd.Series([0.3, 0.3, 0.45], index=est.index),
                           reference_label="win rate сегмента")
    marks = ax.collections[-1].get_segments()
    assert len(marks) == 3 and [m[0][0] for m in marks] == [0.3, 0.3, 0.45]
    assert ax.get_legend().get_texts()[0].get_text() == "win rate сегмента"
    plt.close(fig)


def test_label_points_moves_overlapping_labels_up():
    fig, ax = plt.subplots()
    placed = plotting.label_points(ax, [0.5, 0.5, 0.9], [3.0, 3.05, 3.0], ["a", "b", "c"])
    ys = sorted(y for x, y in placed if x == 0.5)
    assert ys[1] - ys[0] >= 0.14 - 1e-9                   # близкие подписи разведены
    assert (0.9, 3.0) in placed                            # далёкая осталась на месте
    assert len(ax.texts) == 3
    plt.close(fig)


def test_decision_forest_colors_rows_by_decision_and_draws_threshold():
    frame = pd.DataFrame({"diff": [11.7, 2.2], "low": [0.8, -6.7], "high": [23.1, 11.5],
                          "decision": ["more_data", "no_launch"]}, index=["EXP01", "EXP02"])
    fig, ax = plt.subplots()
    plotting.decision_forest(ax, frame, 8.4)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "порог пользы: 8,4" and "мало данных" in labels and "не внедрять" in labels
    assert "внедрять" not in labels  # в легенде только встретившиеся решения
    assert {t.get_text() for t in ax.get_yticklabels()} == {"EXP01", "EXP02"}
    plt.close(fig)


def test_dashboard_panels_draw_every_series_with_russian_labels():
    fig, axes = plt.subplots(1, 3)
    plotting.lines_by_column(axes[0], pd.DataFrame({"smb": [0.3, 0.2], "mid_market": [0.4, 0.5]}, index=["2025Q1", "2025Q2"]),
                             "Win rate", pct=True)
    assert len(axes[0].get_lines()) == 2
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["SMB", "Mid-market"]
    values = pd.Series([0.8, 1.2, 0.5], index=["R1", "R2", "R3"])
    plotting.barh_by_group(axes[1], values, ["smb", "smb", "enterprise"], "План", reference=1, pct=True,
                           order=["smb", "mid_market", "enterprise"])
    assert len(axes[1].patches) == 3
    legend = axes[1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["SMB", "Mid-market", "Enterprise"]
    assert len({tuple(h.get_facecolor()) for h in legend.legend_handles}) == 3, "у каждой группы свой цвет в легенде"
    plotting.paired_bars(axes[2], pd.DataFrame({"NRR": [1.1, 1.2], "GRR": [0.9, 0.95]}, index=["smb", "mid_market"]),
                         "Удержание", reference=1, pct=True)
    assert len(axes[2].patches) == 4 and [t.get_text() for t in axes[2].get_xticklabels()] == ["SMB", "Mid-market"]
    plt.close(fig)
