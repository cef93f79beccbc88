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


def test_label_points_moves_overlapping_labels_up():
    fig, ax = plt.subplots()
    placed = plotting.label_points(ax, [0.5, 0.5, 0.9], [3.0, 3.05, 3.0], ["a", "b", "c"])
    ys = sorted(y for x, y in placed if x == 0.5)
    assert ys[1] - ys[0] >= 0.14 - 1e-9                   # близкие подписи разведены
    assert (0.9, 3.0) in placed                            # далёкая осталась на месте
    assert len(ax.texts) == 3
    plt.close(fig)
