"""Figures of training runs (mean curves over seeds, the runs figure, one run's history, the live
plot) and of lesson 05's sections; every one fits the output area."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from rmc_lib.train.runs import load_runs
from rmc_lib.train.checkpoints import write_history
from rmc_lib.views import training_views
from rmc_lib.views.common import layout_problems
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


def test_plot_history_marks_a_step_on_both_panels():
    axes = plot_history(history_rows([0.3, 0.5, 0.92]), marks={"linear start ends": 250})
    for ax in axes:
        marked = [line for line in ax.get_lines() if line.get_label() == "linear start ends"]
        assert len(marked) == 1 and marked[0].get_xdata()[0] == 250


def test_plot_history_accepts_columns_and_refuses_an_empty_history():
    cols = columns([1, 2], [0.4, 0.6])
    ax_loss, ax_acc = plot_history(cols, by="step")
    assert ax_acc.get_xlabel() == "training steps"
    with pytest.raises(ValueError, match="history is empty"):
        plot_history([])


def test_plot_history_of_a_long_run_fits_and_its_tick_labels_never_collide():
    rows = history_rows(np.linspace(0.33, 0.91, 19), eval_every=500, batch=64)     # up to 608,000 examples
    ax_loss, ax_acc = plot_history(rows, threshold=0.9, chance={"guessing (1/4)": 0.25,
                                                                "'not the reference' (1/3)": 1 / 3},
                                   title="The live run: from the '1 in 3' rule to 90% held-out accuracy")
    assert layout_problems(ax_loss.figure, dpi=100) == []
    labels = [t.get_text() for t in ax_acc.get_xticklabels() if t.get_text()]
    assert all(label.endswith("k") or label == "0" for label in labels) and len(labels) <= 6


def test_plot_history_refuses_a_wrong_number_of_axes():
    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="axes must hold 2 axes"):
        plot_history(history_rows([0.3, 0.5]), axes=axes)


class FakeHandle:
    def __init__(self):
        self.updates = 0

    def update(self, fig):
        self.updates += 1


def test_live_plot_draws_the_history_panels_in_place(monkeypatch):
    import IPython.display

    handle = FakeHandle()
    monkeypatch.setattr(IPython.display, "display", lambda fig, display_id: handle)
    live = training_views.LivePlot("training live", threshold=0.9, chance={"guessing (1/4)": 0.25})
    for count in (1, 2, 19):
        live.update(history_rows(np.linspace(0.33, 0.91, count), eval_every=500, batch=64))
    assert handle.updates == 3
    ax_loss, ax_acc = live.axes
    assert len(ax_acc.get_lines()[0].get_ydata()) == 19               # redrawn, not piled up
    assert ax_acc.get_title() == "held-out accuracy"
    FigureCanvasAgg(live.fig)               # closed, it is drawn only through the display handle
    assert layout_problems(live.fig, dpi=100) == []


def test_live_plot_outside_a_notebook_redraws_without_a_display_handle(monkeypatch):
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda fig, display_id: None)   # what a plain script gets
    live = training_views.LivePlot("training live", threshold=0.9)
    live.update(history_rows(np.linspace(0.33, 0.91, 4), eval_every=500, batch=64))
    assert len(live.axes[1].get_lines()[0].get_ydata()) == 4


def test_plot_runs_and_run_draws_the_run_over_the_runs(tmp_path):
    for model, seed, accs in [("rmc", 0, [0.3, 0.6, 0.9]), ("lstm", 0, [0.25, 0.3, 0.5])]:
        folder = tmp_path / f"{model}-seed{seed}"
        folder.mkdir()
        write_history(folder / "history.csv", history_rows(accs))
    live = history_rows([0.35, 0.5, 0.8, 0.91], eval_every=500, batch=64)
    ax = training_views.plot_runs_and_run(load_runs(tmp_path), live, "the live run above\n(learning rate 3e-3)",
                                          models=["rmc", "lstm"], title="runs and the live run")
    last = ax.get_lines()[-1]
    np.testing.assert_allclose(last.get_ydata(), [0.35, 0.5, 0.8, 0.91])
    assert last.get_linestyle() == "--"
    assert ax.get_ylim() == (0.25, 1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "the live run above\n(learning rate 3e-3)"
    assert layout_problems(ax.figure, dpi=100) == []


def test_plot_double_softmax_draws_both_curves_and_the_floor():
    margins = np.linspace(-8, 8, 161)
    once = (np.log1p(3 * np.exp(-margins)), -3 * np.exp(-margins) / (np.exp(-margins) * 3 + 1))
    twice = (np.full(161, 0.8), np.full(161, -0.1))
    ax_loss, ax_grad = training_views.plot_double_softmax(margins, {"softmax once (right)": once,
                                                                    "softmax twice (the pitfall)": twice}, 0.7437)
    assert [line.get_color() for line in ax_grad.get_lines()[:2]] == ["tab:blue", "tab:red"]
    assert any(np.allclose(line.get_ydata(), 0.7437) for line in ax_loss.get_lines())
    assert "floor of the double softmax (0.744)" in [t.get_text() for t in ax_loss.get_legend().get_texts()]
    assert layout_problems(ax_loss.figure, dpi=100) == []


def test_plot_gradient_through_time_reads_back_in_time():
    ax_m, ax_x = training_views.plot_gradient_through_time([0.34, 0.09, 0.055, 0.048, 0.05],
                                                           [0.029, 0.019, 0.014, 0.011])
    assert ax_m.xaxis_inverted() and ax_x.xaxis_inverted()
    np.testing.assert_allclose(ax_m.get_lines()[0].get_ydata(), [0.34, 0.09, 0.055, 0.048, 0.05])
    assert [p.get_height() for p in ax_x.patches] == pytest.approx([0.029, 0.019, 0.014, 0.011])
    assert layout_problems(ax_m.figure, dpi=100) == []
    with pytest.raises(ValueError, match="T \\+ 1 = 5 entries"):
        training_views.plot_gradient_through_time([1.0, 2.0], [0.1, 0.2, 0.3, 0.4])


def test_plot_bias_correction_and_schedules_fit():
    t = np.arange(1, 5001)
    ax = training_views.plot_bias_correction(t, (1 - 0.9 ** t) / np.sqrt(1 - 0.999 ** t))
    assert ax.get_xscale() == "log"
    assert layout_problems(ax.figure, dpi=100) == []
    steps = np.arange(12000)
    ax = training_views.plot_schedules(steps, {"constant": np.full(12000, 3e-3),
                                               "warm-up": np.minimum(3e-3, 3e-3 * (steps + 1) / 1000)},
                                       title="learning_rate(step, 3e-3, ...)")
    assert ax.get_title() == "learning_rate(step, 3e-3, ...)"
    assert [line.get_linestyle() for line in ax.get_lines()] == ["-", "--"]
    assert ax.get_ylim() == pytest.approx((0, 3.3e-3))
    assert layout_problems(ax.figure, dpi=100) == []
    assert training_views.plot_schedules(steps, {"constant": np.full(12000, 3e-3)}).get_title() == ""


def test_plot_adam_steps_counts_from_the_spike_and_marks_the_bound():
    steps = np.r_[np.full(10, 0.1), 3.16 * 0.9 ** np.arange(15)]
    ax = training_views.plot_adam_steps(steps, 3.1623, spike_at=10)
    line = ax.get_lines()[0]
    assert line.get_xdata()[10] == 0 and line.get_xdata()[0] == -10
    assert any(np.allclose(other.get_ydata(), 3.1623) for other in ax.get_lines()[1:])
    assert ax.get_ylim()[1] > 3.1623 * 1.5                    # room for the legend above the bound
    assert layout_problems(ax.figure, dpi=100) == []
    with pytest.raises(ValueError, match="spike_at must index steps"):
        training_views.plot_adam_steps(steps, 3.16, spike_at=25)


def test_plot_gradient_norms_and_overfit_fit(rng):
    norms = np.abs(rng.normal(0.7, 0.4, size=500))
    ax = training_views.plot_gradient_norms(norms, clip=1.0)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), np.minimum(norms, 1.0))
    assert layout_problems(ax.figure, dpi=100) == []
    losses = np.geomspace(1.3, 1e-5, 300)
    accuracies = np.minimum(1.0, np.linspace(0.25, 3, 300))
    ax_loss, ax_acc = training_views.plot_overfit(losses, accuracies)
    assert ax_loss.get_yscale() == "log" and ax_acc.get_ylim() == (0, 1.05)
    assert layout_problems(ax_loss.figure, dpi=100) == []


def test_thousands_labels_say_the_value_of_their_tick():
    # a tick at 1,500 examples once read "2k" (rounded to whole thousands)
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    training_views._thousands(ax)
    label = ax.xaxis.get_major_formatter()
    assert [label(v, 0) for v in (500, 1000, 1500, 12500, 200000)] == ["500", "1k", "1.5k", "12.5k", "200k"]
