"""program_trace runs a hand-written program through the continuous stack and
queue as the paper's example says; answer_positions counts right symbols by
their place in the answer; the result views draw what they are given, within
the output area."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmc_lib.tasks.transduction import Transduction
from rmc_lib.views import transduction_views as tv
from rmc_lib.views.stack_views import stack_view

from .test_task_views import fits


def test_the_papers_example_as_a_program():
    trace = tv.program_trace([(0.0, 0.8, "v1"), (0.1, 0.5, "v2"), (0.9, 0.9, "v3")])
    np.testing.assert_allclose(trace["strengths"][0, 2], [0.3, 0.0, 0.9])
    np.testing.assert_allclose(trace["strengths"][0, 1, :2], [0.7, 0.5])
    assert tv.describe_read(trace, 2) == {"v1": 0.1, "v3": 0.9}
    assert tv.describe_read(trace, 1) == {"v1": 0.5, "v2": 0.5}
    assert trace["alphabet"] == ["v1", "v2", "v3"] and trace["symbols"] == ["v1", "v2", "v3"]
    ax = stack_view(trace, symbols=trace["symbols"])           # the trace is one stack_view draws
    assert fits(ax[0].figure) == []
    plt.close("all")


@pytest.mark.parametrize("queue, order", [(False, "dcba"), (True, "abcd")])
def test_push_then_pop_reads_reversed_from_a_stack_and_in_order_from_a_queue(queue, order):
    program = [(0.0, 1.0, c) for c in "abcd"] + [(1.0, 0.0, "-")] * 4
    trace = tv.program_trace(program, queue=queue)
    reads = [max(tv.describe_read(trace, t).items(), key=lambda kv: kv[1])[0] for t in range(3, 7)]
    assert "".join(reads) == order


def test_bad_programs_are_refused():
    with pytest.raises(ValueError, match="at least one step"):
        tv.program_trace([])
    with pytest.raises(ValueError, match=r"step 1 is \(1.5, 0.0, 'b'\)"):
        tv.program_trace([(0.0, 1.0, "a"), (1.5, 0.0, "b")])
    for bad in (0.5, "x", (0.5, 0.5, "c", "d")):           # not a number, not three things
        with pytest.raises(ValueError, match="each step must be \\(pop in \\[0, 1\\], push in \\[0, 1\\], symbol\\)"):
            tv.program_trace([(0.0, 1.0, "a"), bad])
    with pytest.raises(ValueError, match="each step must be"):
        tv.program_trace([("half", 1.0, "a")])
    for step in (3, -1, 0.5):
        with pytest.raises(ValueError, match="step must be an integer in \\[0, 1\\)"):
            tv.describe_read(tv.program_trace([(0.0, 1.0, "a")]), step)


class Answers:
    """A stand-in model whose answers are given."""

    def __init__(self, predictions):
        self.predictions = predictions

    def predict(self, x):
        return self.predictions


def test_answer_positions_counts_by_place_in_the_answer(rng):
    task = Transduction("reversal", num_symbols=4, min_length=2, max_length=4)
    x, targets = task.encode([[0, 1], [2, 3, 1, 0]])
    predictions = targets.targets.copy()
    predictions[1, 5 + 2] = (predictions[1, 5 + 2] + 1) % 4  # string 2's third answer symbol wrong
    predictions[0, 3 + 1] = (predictions[0, 3 + 1] + 1) % 4  # string 1's second
    np.testing.assert_allclose(tv.answer_positions(Answers(predictions), x, targets), [1.0, 0.5, 0.0, 1.0])
    pair = (targets.targets, targets.mask)
    np.testing.assert_allclose(tv.answer_positions(Answers(predictions), x, pair), [1.0, 0.5, 0.0, 1.0])
    with pytest.raises(ValueError, match="targets must have the steps of x: \\[B, T\\] = \\[2, 3\\] "
                                         ".*got \\[2, 9\\]"):
        tv.answer_positions(Answers(predictions[:, :3]), x, targets)


def test_the_result_views_draw_their_numbers():
    ax = tv.position_view({"a": np.array([1.0, 0.5, 0.25])})
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.5, 0.25])
    assert fits(ax.figure) == []
    tables = {"stack": [{"trained": 1.0, 65: 1.0}, {"trained": 0.0, 65: 0.0}],
              "lstm": [{"trained": 0.0, 65: 0.0}, {"trained": 0.5, 65: 0.0}]}
    ax = tv.strings_right_view(tables)
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == pytest.approx([0.5, 0.5, 0.25, 0.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["8-64 (trained)", "length 65"]
    assert fits(ax.figure) == []
    assert [c.get_offsets()[:, 1].tolist() for c in ax.collections[:2]] == [[1.0, 1.0], [0.0, 0.0]]   # a dot per seed
    figures = plt.get_fignums()
    with pytest.raises(ValueError, match="at least one model"):
        tv.strings_right_view({})
    with pytest.raises(ValueError, match="model 'lstm' has no seeds"):
        tv.strings_right_view({"stack": tables["stack"], "lstm": []})
    with pytest.raises(ValueError, match="model 'lstm'.s table 1 lacks \\[65\\]"):
        tv.strings_right_view({"stack": tables["stack"], "lstm": [{"trained": 0.0, 65: 0.0}, {"trained": 0.5}]})
    assert plt.get_fignums() == figures                     # no empty figure left behind
    plt.close("all")
