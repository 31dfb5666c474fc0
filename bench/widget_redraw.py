"""How long a widget takes to redraw after a slider moves, for the shipped models.

    python bench/widget_redraw.py               # 30 moves per control
    python bench/widget_redraw.py --repeats 100

What is timed is everything the kernel does between a slider's new value
and the new picture being ready to send to the browser: the widget's
callback recomputes what it shows, updates or redraws its matplotlib
Figure and encodes it as the PNG of its ipywidgets.Image. The browser's
own work (receiving and painting the PNG) is not included; the browser
test (tests/test_browser.py) exercises that path end to end.

The models are the trained ones in data/ (the RMC and LSTM of
data/nth_farthest/curriculum_stage2, seed 0, as notebook 07 uses them);
lesson 01's row explorer is timed on random attention of its sizes
(2 heads, key size 3, value size 4, 4 slots and the input row), and
lesson 02's bias widget on its own curves (each slider, and values off the
slider's step, as typed into its box: 2.37, 4.8).
Each control is set to a sequence of values that changes the view every
time; the median and the slowest move are reported.
"""

import argparse
import os
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from rmc_lib.train.runs import load_trained  # noqa: E402
from rmc_lib.trace import record  # noqa: E402
from rmc_lib.views import attention_explorer, explore_views, gate_views, memory_views  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = os.path.join(ROOT, "data", "nth_farthest", "curriculum_stage2")


def timed_moves(widget, control, values):
    """Seconds per move: set control.value; the widget recomputes and renders
    its new PNG through its observer, before the assignment returns."""
    seconds = []
    for value in values:
        before = widget.view.image.value
        start = time.perf_counter()
        control.value = value
        seconds.append(time.perf_counter() - start)
        assert widget.view.image.value != before, "the move did not change the picture"
    return seconds


def alternating(low, high, count):
    """low, high, low, ... (every move changes the value)."""
    return [low if i % 2 else high for i in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30, help="moves per control")
    args = parser.parse_args()
    rmc, task, _ = load_trained(os.path.join(RUNS, "rmc-seed0", "checkpoint.npz"))
    lstm, _, _ = load_trained(os.path.join(RUNS, "lstm-seed0", "checkpoint.npz"))
    x, _ = task.test_set(8)
    trace = record(rmc.core, x)[2]
    n = args.repeats

    cases = []
    rng = np.random.default_rng(0)
    H, key_size, head_size, F = 2, 3, 4, 8
    width = H * (2 * key_size + head_size)
    row = attention_explorer.rmc_attention_explorer(rng.normal(size=(1, 5, F)), rng.normal(size=(F, width)) / np.sqrt(F),
                                         np.zeros(width), np.ones(width), np.zeros(width), H, key_size, head_size)
    cases += [("row explorer (01)", "T", row, row.temperature_slider, alternating(0.5, 2.0, n)),
              ("row explorer (01)", "query", row, row.query_dropdown, alternating(0, 4, n))]
    bias = gate_views.bias_widget()
    cases += [("bias widget (02)", "forget", bias, bias.forget_slider, alternating(0.5, 1.5, n)),
              ("bias widget (02)", "input", bias, bias.input_slider, alternating(-1.0, 2.0, n)),
              ("bias widget (02)", "typed", bias, bias.forget_slider, alternating(2.37, 4.8, n))]
    attention = memory_views.TraceAttentionExplorer(trace, input_groups=task.input_groups())
    cases += [("attention explorer", "step", attention, attention.step_slider, alternating(0, 3, n)),
              ("attention explorer", "head", attention, attention.head_slider, alternating(0, 1, n)),
              ("attention explorer", "example", attention, attention.example_slider, alternating(0, 7, n))]
    memory = explore_views.MemoryGatesExplorer(trace)
    cases += [("memory and gates", "step", memory, memory.step_slider, alternating(0, 3, n))]
    explorer = explore_views.TaskExplorer(rmc, task, name="RMC")
    cases += [("task explorer, RMC", "problem", explorer, explorer.problem_slider, list(range(1, n + 1))),
              ("task explorer, RMC", "n", explorer, explorer.n_dropdown, alternating(1, 3, n))]
    lstm_explorer = explore_views.TaskExplorer(lstm, task, name="LSTM")
    cases += [("task explorer, LSTM", "problem", lstm_explorer, lstm_explorer.problem_slider,
               list(range(1, n + 1)))]

    print(f"redraw time per move (callback + PNG), {n} moves per control")
    print(f"{'widget':<22} {'control':<8} {'median ms':>10} {'slowest ms':>11}")
    for widget_name, control_name, widget, control, values in cases:
        seconds = timed_moves(widget, control, values)
        print(f"{widget_name:<22} {control_name:<8} {1000 * statistics.median(seconds):>10.1f} "
              f"{1000 * max(seconds):>11.1f}")


if __name__ == "__main__":
    main()
