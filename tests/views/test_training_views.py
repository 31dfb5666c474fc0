"""Figures of training runs: mean curves over seeds, the runs figure, one run's history."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmc_lib.train.runs import load_runs
from rmc_lib.train.checkpoints import write_history
from rmc_lib.views.training_views import mean_curve, plot_history, plot_runs


def columns(steps, accuracies, batch=10, seconds_per_step=0.5):
    steps = np.asarray(steps, dtype=float)
    accuracies = np.asarray(accuracies, dtype=float)
    return {"step": steps, "examples": steps * batch, "seconds": steps * seconds_per_step,
            "loss": 1 - accuracies, "eval_loss": 1 - accuracies, "eval_accuracy": accuracies}


def history_rows(accuracies, eval_every=100, batch=10):
    return [{"step": eval_every * (i + 1), "examples": eval_every * (i + 1) * batch,
             "seconds": 1.0 * (i + 1), "lr": 1e-3, "loss": 1.2 - a, "train_accuracy": a,
             "grad_norm": 1.0, "eval_loss": 1.1 - a, "eval_accuracy": a} for i, a in enumerate(accuracies)]


def test_mean_curve_covers_the_range_of_the_shortest_run():
    seeded = [(0, columns([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4])),
              (1, columns([1, 2, 3], [0.3, 0.4, 0.5]))]
    grid, mean = mean_curve(seeded)
    np.testing.assert_array_equal(grid, [10, 20, 30])
    np.testing.assert_allclose(mean, [0.2, 0.3, 0.4])


def test_mean_curve_interpolates_runs_evaluated_at_other_points():
    seeded = [(0, columns([2, 4], [0.2, 0.4])), (1, columns([1, 2, 3, 4, 5], [0.0, 0.2, 0.4, 0.6, 0.8]))]
    grid, mean = mean_curve(seeded, by="step")
    np.testing.assert_array_equal(grid, [2, 4])
    np.testing.assert_allclose(mean, [0.2, 0.5])


def test_mean_curve_skips_rows_without_an_evaluation():
    a = columns([1, 2, 3], [0.1, np.nan, 0.3])
    grid, mean = mean_curve([(0, a)])
    np.testing.assert_array_equal(grid, [10, 30])
    np.testing.assert_allclose(mean, [0.1, 0.3])


def test_mean_curve_refuses_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        mean_curve([])
    with pytest.raises(ValueError, match="no column 'minutes'"):
        mean_curve([(0, columns([1], [0.5]))], by="minutes")


def test_plot_runs_draws_a_thin_line_per_seed_and_a_thick_mean(tmp_path):
    for model, seed, accs in [("rmc", 0, [0.3, 0.6, 0.9]), ("rmc", 1, [0.4, 0.7, 0.8]),
                              ("lstm", 0, [0.25, 0.3, 0.5]), ("lstm", 1, [0.2, 0.4]),
                              ("lstm", 2, [0.3, 0.3, 0.6, 0.7])]:
        folder = tmp_path / f"{model}-seed{seed}"
        folder.mkdir()
        write_history(folder / "history.csv", history_rows(accs))
    runs = load_runs(tmp_path)
    ax = plot_runs(runs, models=["rmc", "lstm"], title="runs")
    lines = ax.get_lines()
    assert len(lines) == 2 + 1 + 3 + 1
    widths = [line.get_linewidth() for line in lines]
    assert widths.count(max(widths)) == 2                      # one mean per model
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["RMC (mean of 2 seeds)", "LSTM (mean of 3 seeds)"]
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "training examples (log scale)"
    assert ax.get_ylabel() == "held-out accuracy"
    assert ax.get_ylim() == (0, 1)
    assert ax.get_title() == "runs"


def test_plot_runs_refuses_unknown_models_and_axes():
    runs = {"rmc": [(0, columns([1, 2], [0.3, 0.5]))]}
    with pytest.raises(ValueError, match=r"no runs for \['gru'\]"):
        plot_runs(runs, models=["gru"])
    with pytest.raises(ValueError, match="by must be"):
        plot_runs(runs, by="minutes")
    ax = plot_runs(runs, by="seconds", log_x=False)
    assert ax.get_xlabel() == "seconds of training"


def test_plot_history_draws_loss_and_accuracy_with_reference_lines():
    ax_loss, ax_acc = plot_history(history_rows([0.3, 0.5, 0.92]), threshold=0.9,
                                   chance={"guessing": 0.25}, title="one run")
    assert ax_loss.get_title() == "loss" and ax_acc.get_title() == "held-out accuracy"
    assert ax_acc.get_xlabel() == "training examples" and ax_acc.get_ylabel() == "accuracy"
    np.testing.assert_allclose(ax_acc.get_lines()[0].get_ydata(), [0.3, 0.5, 0.92])
    levels = sorted(line.get_ydata()[0] for line in ax_acc.get_lines()[1:])
    assert levels == [0.25, 0.9]
    assert any(np.isclose(line.get_ydata()[0], -np.log(0.25)) for line in ax_loss.get_lines()[2:])
    assert ax_loss.figure._suptitle.get_text() == "one run"


def test_plot_history_accepts_columns_and_refuses_an_empty_history():
    cols = columns([1, 2], [0.4, 0.6])
    ax_loss, ax_acc = plot_history(cols, by="step")
    assert ax_acc.get_xlabel() == "training steps"
    with pytest.raises(ValueError, match="history is empty"):
        plot_history([])
