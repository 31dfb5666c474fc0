"""stack_trace reads a StackLSTM's cache faithfully; stack_view draws it within
the output area, its labels readable."""

import numpy as np
import pytest

from rmc_lib.cores.lstm import LSTM
from rmc_lib.cores.stack_rnn import StackLSTM
from rmc_lib.nn.neural_stack import stack_step_forward
from rmc_lib.tasks.transduction import Transduction
from rmc_lib.views.common import layout_problems
from rmc_lib.views.stack_views import stack_trace, stack_view


@pytest.fixture
def run(rng):
    task = Transduction("reversal", num_symbols=4, min_length=5, max_length=5)
    x, _ = task.sample(2, rng)
    core = StackLSTM(6, input_size=task.input_size, value_size=3, rng=rng)
    return core, x


def test_trace_replays_the_stack(run):
    core, x = run
    trace = stack_trace(core, x)
    T = x.shape[1]
    assert trace["strengths"].shape == (2, T, T) and trace["push"].shape == (2, T)
    V, s = np.zeros((2, 0, 3)), np.zeros((2, 0))
    for t in range(T):                       # replaying the recorded pushes and pops gives the same strengths
        V, s, _, _ = stack_step_forward(V, s, trace["push"][:, t], trace["pop"][:, t], np.zeros((2, 3)))
        np.testing.assert_allclose(trace["strengths"][:, t, :t + 1], s)
        assert np.all(trace["strengths"][:, t, t + 1:] == 0)
    np.testing.assert_allclose(trace["reads"].sum(-1), np.minimum(1, trace["strengths"].sum(-1)), atol=1e-12)


def test_view_fits_and_labels_the_steps(run):
    core, x = run
    trace = stack_trace(core, x)
    symbols = list("abcde") + ["|"] + ["."] * 5
    top, bottom = stack_view(trace, example=1, symbols=symbols, answer=list("edcba"))
    assert [t.get_text() for t in bottom.get_xticklabels()] == symbols
    assert "stack holds" in bottom.get_title() and top.get_title().startswith("answered:")
    fig = bottom.figure
    assert fig.get_size_inches()[0] <= 9.4 and layout_problems(fig) == []
    with pytest.raises(ValueError, match="core must be a StackLSTM"):
        stack_trace(LSTM(3, input_size=5, rng=np.random.default_rng(0)), x)
