"""The per-step readout: gradient checks with every core, only the answer
steps scored, bit errors, the NTM and the DNC read as they are, and
build_core for every kind."""

import numpy as np
import pytest

import rmc_lib

from rmc_lib.cores.classifier import CORE_ARGS, MODEL_KINDS, build_classifier, build_core
from rmc_lib.cores.dnc import DNC
from rmc_lib.cores.sequence_readout import SequenceTagger, build_tagger, targets_and_mask
from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.tasks import Copy

SIZES = {
    "rmc": dict(mem_slots=2, head_size=2, num_heads=2),
    "lstm": dict(hidden_size=4),
    "relational-rnn": dict(hidden_size=4, mem_slots=2, head_size=2, num_heads=2),
    "ntm": dict(memory_size=4, word_size=3, num_reads=1, num_writes=1, hidden_size=4),
    "dnc": dict(memory_size=4, word_size=3, num_reads=2, num_writes=1, hidden_size=4, clip_value=20),
}


@pytest.mark.parametrize("kind", sorted(SIZES))
def test_gradients_with_every_core(kind):
    rng = np.random.default_rng(0)
    task = Copy(num_bits=3, min_length=1, max_length=3)
    model = build_tagger(kind, task.input_size, task.num_outputs, rng, dtype=np.float64, **SIZES[kind])
    for name, value in model.params.items():
        if kind == "dnc":
            value += rng.normal(size=value.shape)          # weights too: see h below
        elif not name.endswith("W"):
            value += 0.3 * rng.normal(size=value.shape)
    if kind == "dnc":
        # deepmind's backward stops one gradient in the usage (DNC.stop_write_gradient);
        # finite differences measure the exact derivative, which has it
        model.core.stop_write_gradient = False
    x, labels = task.sample(3, rng)
    loss, grads, logits = model.loss_and_grads(x, labels)
    assert logits.shape == labels.shape and np.isfinite(loss) and set(grads) == set(model.params)
    # For the NTM, read from a memory that is still mostly its initial 1e-6, the
    # read heads' gradient is tiny, and at h = 1e-5 the loss's round-off / h
    # shows in it (about 7e-7, shrinking as h grows); h = 1e-4 measures 7e-8.
    # The DNC's memory starts at zero, so in these 3-7 steps content lookups
    # are nearly even and the free gates act from the third step only: the
    # write keys' and free gates' gradients are about 1e-6 even with every
    # parameter moved by N(0, 1), and at h = 1e-5 round-off / h shows in them
    # (up to 5e-6, falling as h grows); h = 1e-4 measures 6e-7.
    h = 1e-4 if kind in ("ntm", "dnc") else 1e-5
    errors = check_gradients(lambda: model.loss_and_grads(x, labels)[0], model.params, grads, h=h)
    bad = {k: v for k, v in errors.items() if not v < 1e-6}
    assert not bad, bad
    assert ("readout.W" in model.params) == (kind not in ("ntm", "dnc"))


def test_only_the_answer_steps_count(rng):
    task = Copy(num_bits=3, max_length=4)
    model = build_tagger("lstm", task.input_size, 3, rng, dtype=np.float64, hidden_size=5)
    x, labels = task.sample(4, rng)
    loss, _, logits = model.loss_and_grads(x, labels)
    changed = labels.targets.copy()
    changed[labels.mask == 0] = 1.0 - changed[labels.mask == 0]        # flip every unscored target
    assert model.loss_and_grads(x, (changed, labels.mask))[0] == loss
    errors = model.bit_errors(logits, labels)
    wrong = ((logits > 0) != labels.targets.astype(bool)) & (labels.mask[..., None] > 0)
    np.testing.assert_array_equal(errors, wrong.sum(axis=(1, 2)))
    assert model.accuracy(logits, labels) == np.mean(errors == 0)
    np.testing.assert_array_equal(model.predict(x), (logits > 0).astype(np.int8))
    np.testing.assert_allclose(model.predict_proba(x), 1 / (1 + np.exp(-logits)))


def test_evaluate_in_batches_equals_one_batch(rng):
    task = Copy(num_bits=3, max_length=4)
    model = build_tagger("ntm", task.input_size, 3, rng, dtype=np.float64, memory_size=6, word_size=3, hidden_size=5)
    x, labels = task.test_set(25)
    whole, parts = model.evaluate(x, labels, batch_size=25), model.evaluate(x, labels, batch_size=4)
    for key in ("loss", "accuracy", "bit_errors"):
        assert parts[key] == pytest.approx(whole[key], rel=1e-12)
    np.testing.assert_array_equal(parts["predictions"], whole["predictions"])
    loss, _, _ = model.loss_and_grads(x, labels)
    assert whole["loss"] == pytest.approx(loss, rel=1e-12)
    assert model.evaluate(x, labels)["bit_errors"] == pytest.approx(whole["bit_errors"])


def test_an_ntm_can_also_be_a_classifiers_core(rng):
    model = build_classifier("ntm", 3, 4, rng, dtype=np.float64, head_hidden=5, memory_size=4, word_size=2,
                             hidden_size=6)
    assert model.core.output_size == 6
    loss, grads, logits = model.loss_and_grads(rng.normal(size=(2, 3, 3)), np.array([0, 3]))
    assert logits.shape == (2, 4) and np.isfinite(loss)


def test_a_dnc_is_read_as_it_is_and_can_be_a_classifiers_core(rng):
    sizes = dict(memory_size=5, word_size=3, num_reads=2, num_writes=1, hidden_size=6)
    tagger = build_tagger("dnc", 6, 5, rng, dtype=np.float64, **sizes)
    assert rmc_lib.DNC is DNC and "DNC" in rmc_lib.__all__
    assert isinstance(tagger.core, DNC) and tagger.core.output_size == 5 and not tagger.readout
    assert tagger.core.clip_value is None and tagger.core.stop_write_gradient          # deepmind's DNC defaults
    x = rng.normal(size=(2, 4, 6))
    np.testing.assert_array_equal(tagger.logits(x)[0], tagger.core.forward(x)[0])
    model = build_classifier("dnc", 3, 4, rng, dtype=np.float64, head_hidden=5, **sizes)
    assert model.core.output_size == 6 and model.params["head.0.W"].shape == (6, 5)   # output_size = hidden_size
    assert build_classifier("dnc", 3, 4, rng, memory_size=4, word_size=2).core.output_size == 64  # DNC's own H
    assert build_classifier("dnc", 3, 4, rng, output_size=9, **sizes).core.output_size == 9
    loss, grads, logits = model.loss_and_grads(rng.normal(size=(2, 3, 3)), np.array([0, 3]))
    assert logits.shape == (2, 4) and np.isfinite(loss) and set(grads) == set(model.params)


def test_build_core_builds_every_kind_and_refuses_other_sizes(rng):
    assert set(MODEL_KINDS) == set(CORE_ARGS) and "dnc" in MODEL_KINDS
    core = build_core("dnc", 3, rng, memory_size=4, word_size=2, num_reads=3, num_writes=2, hidden_size=5,
                      output_size=2, clip_value=10)
    assert isinstance(core, DNC) and core.dtype == np.float32
    assert core.config() == dict(memory_size=4, word_size=2, num_reads=3, num_writes=2, hidden_size=5,
                                 output_size=2, clip_value=10.0, input_size=3)
    with pytest.raises(ValueError, match=r"a 'dnc' model takes no \['shift_range'\]"):
        build_core("dnc", 3, rng, memory_size=4, word_size=2, output_size=2, shift_range=1)
    with pytest.raises(ValueError, match="model kind must be one of"):
        build_core("ntm2", 3, rng)


def test_errors(rng):
    with pytest.raises(ValueError, match="labels must have .targets and .mask"):
        targets_and_mask(np.zeros((2, 3)))
    ntm = build_tagger("ntm", 3, 2, rng, memory_size=4, word_size=2, hidden_size=3).core
    with pytest.raises(ValueError, match="core.output_size must be num_outputs=5, got 2"):
        SequenceTagger(ntm, 5, rng=rng, readout=False)
    with pytest.raises(ValueError, match="an NTM tagger's output_size is num_outputs=2"):
        build_tagger("ntm", 3, 2, rng, memory_size=4, word_size=2, hidden_size=3, output_size=7)
    with pytest.raises(ValueError, match="a DNC tagger's output_size is num_outputs=2, got 7"):
        build_tagger("dnc", 3, 2, rng, memory_size=4, word_size=2, hidden_size=3, output_size=7)
    with pytest.raises(ValueError, match=r"a 'lstm' model takes no \['memory_size'\]"):
        build_tagger("lstm", 3, 2, rng, hidden_size=3, memory_size=4)
