"""MemN2N: the whole network's gradient against finite differences (with and
without the softmax, position encoding and temporal encoding), adjacent
weight tying, the answer's form, the trace, and what bad batches get."""

from types import SimpleNamespace

import numpy as np
import pytest

from rmc_lib.cores.memn2n import MemN2N
from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.nn.memory_hops import position_weights


def small_batch(rng, V=9):
    stories = rng.integers(1, V, size=(3, 5, 4))
    stories[:, :, 3] = 0
    stories[0, 1, 2:] = 0
    times = np.array([[5, 4, 3, 2, 1], [3, 2, 1, 0, 0], [1, 0, 0, 0, 0]])
    stories[times == 0] = 0
    questions = rng.integers(1, V, size=(3, 3))
    questions[1, 2] = 0
    return SimpleNamespace(stories=stories, times=times, questions=questions), rng.integers(1, V, size=3)


@pytest.mark.parametrize("linear, encoding, temporal", [(False, "position", True), (True, "position", True),
                                                       (False, "bag", False), (True, "bag", True)])
def test_gradients_end_to_end(rng, linear, encoding, temporal):
    x, answers = small_batch(rng)
    model = MemN2N(9, rng=rng, embedding_size=6, hops=3, memory_size=6, encoding=encoding,
                   temporal=temporal, init_scale=0.5, dtype=np.float64)
    model.linear = linear
    _, grads, _ = model.loss_and_grads(x, answers)
    errors = check_gradients(lambda: model.loss_and_grads(x, answers)[0], model.params, grads)
    assert max(errors.values()) < 1e-7, errors


def test_attend_empty_gradients_and_the_empty_slots_score(rng):
    x, answers = small_batch(rng)
    model = MemN2N(9, rng=rng, embedding_size=5, hops=2, memory_size=6, attend_empty=True, init_scale=0.5,
                   dtype=np.float64)
    _, grads, _ = model.loss_and_grads(x, answers)
    errors = check_gradients(lambda: model.loss_and_grads(x, answers)[0], model.params, grads)
    assert max(errors.values()) < 1e-7, errors
    attention = model.trace(x).attention
    # an empty slot is embedded as zeros: score 0, so weight exp(0) / sum, the same on every empty slot
    np.testing.assert_allclose(attention.sum(-1), 1.0)
    assert np.all(attention[:, 2, 1:] > 0) and np.allclose(attention[:, 2, 1:], attention[:, 2, 1:2])
    masked = MemN2N(9, rng=rng, embedding_size=5, hops=2, memory_size=6, dtype=np.float64)
    masked.params.update({k: v.copy() for k, v in model.params.items()})
    assert np.all(masked.trace(x).attention[:, 2, 1:] == 0)


def test_one_hop_by_hand(rng):
    """The forward pass written out for one hop, against the class."""
    x, _ = small_batch(rng)
    model = MemN2N(9, rng=rng, embedding_size=4, hops=1, memory_size=6, dtype=np.float64)
    p = model.params
    w, qw = position_weights(x.stories, 4), position_weights(x.questions, 4)
    u = np.einsum("bwd,bwd->bd", p["embed.0"][x.questions], qw)
    on = (x.times > 0)[..., None]
    m = np.einsum("bmwd,bmwd->bmd", p["embed.0"][x.stories], w) + p["time.0"][x.times - 1] * on
    c = np.einsum("bmwd,bmwd->bmd", p["embed.1"][x.stories], w) + p["time.1"][x.times - 1] * on
    scores = np.where(x.times > 0, np.einsum("bmd,bd->bm", m, u), -np.inf)
    attention = np.exp(scores - scores.max(1, keepdims=True))
    attention /= attention.sum(1, keepdims=True)
    logits = (u + np.einsum("bm,bmd->bd", attention, c)) @ p["embed.1"].T
    np.testing.assert_allclose(model.logits(x)[0], logits, rtol=1e-12)
    np.testing.assert_allclose(model.trace(x).attention[0], attention, rtol=1e-12)


def test_adjacent_tying_and_sizes(rng):
    model = MemN2N(30, rng=rng, embedding_size=20, hops=3, memory_size=50)
    assert sorted(model.params) == ["embed.0", "embed.1", "embed.2", "embed.3",
                                    "time.0", "time.1", "time.2", "time.3"]
    # K + 1 tables of each kind, not the 2K of untied A^k, C^k (plus B and W)
    assert model.num_params() == 4 * 30 * 20 + 4 * 50 * 20
    assert model.params["embed.0"].std() == pytest.approx(0.1, rel=0.1)


def test_trace_shapes_and_empty_slots(rng):
    x, _ = small_batch(rng)
    model = MemN2N(9, rng=rng, embedding_size=4, hops=2, memory_size=6)
    trace = model.trace(x)
    assert trace.attention.shape == (2, 3, 5) and trace.states.shape == (3, 3, 4)
    assert np.all(trace.attention[:, x.times == 0] == 0)
    np.testing.assert_allclose(trace.attention.sum(-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(trace.probabilities.sum(-1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(model.predict(x), trace.probabilities.argmax(-1))


def test_evaluate_in_batches_is_the_same(rng):
    x, answers = small_batch(rng)
    model = MemN2N(9, rng=rng, embedding_size=4, hops=2, memory_size=6, dtype=np.float64)
    whole, parts = model.evaluate(x, answers), model.evaluate(x, answers, batch_size=2)
    assert whole["loss"] == pytest.approx(parts["loss"], rel=1e-12)
    np.testing.assert_array_equal(whole["predictions"], parts["predictions"])


def test_bad_batches_get_clear_errors(rng):
    x, _ = small_batch(rng)
    model = MemN2N(9, rng=rng, memory_size=6)
    with pytest.raises(ValueError, match="has no \\['times'\\]"):
        model.logits(SimpleNamespace(stories=x.stories, questions=x.questions))
    with pytest.raises(ValueError, match="x.stories holds word index 11"):
        model.logits(SimpleNamespace(stories=x.stories + 3, times=x.times, questions=x.questions))
    with pytest.raises(ValueError, match="x.times holds temporal index 7, but a memory of 6 sentences has indices 0..6"):
        model.logits(SimpleNamespace(stories=x.stories, times=x.times + 2, questions=x.questions))
    with pytest.raises(ValueError, match="stories \\[B, M, W\\], times \\[B, M\\]"):
        model.logits(SimpleNamespace(stories=x.stories, times=x.times[:, :3], questions=x.questions))
    with pytest.raises(ValueError, match="encoding must be"):
        MemN2N(9, rng=rng, encoding="pe")
    with pytest.raises(ValueError, match="hops must be a positive integer"):
        MemN2N(9, rng=rng, hops=0)
