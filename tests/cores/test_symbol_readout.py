"""SymbolTagger: gradients end to end (an LSTM, and a StackLSTM on a reversal
batch) against finite differences, the whole-string accuracy, and a tiny
reversal learned by a stack."""

import numpy as np
import pytest

from rmc_lib.cores.lstm import LSTM
from rmc_lib.cores.stack_rnn import StackLSTM
from rmc_lib.cores.symbol_readout import SymbolTagger
from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.nn.neural_stack import kink_margin
from rmc_lib.tasks.transduction import Transduction


def test_gradients_with_an_lstm(rng):
    task = Transduction("reversal", num_symbols=4, min_length=2, max_length=3)
    x, labels = task.sample(3, rng)
    targets, mask = labels.targets, labels.mask
    model = SymbolTagger(LSTM(5, input_size=task.input_size, rng=rng), 4, rng=rng)
    _, grads, _ = model.loss_and_grads(x, (targets, mask))
    errors = check_gradients(lambda: model.loss_and_grads(x, (targets, mask))[0], model.params, grads)
    assert max(errors.values()) < 1e-7, errors


def test_gradients_with_a_stack():
    task = Transduction("reversal", num_symbols=3, min_length=2, max_length=3)
    for seed in range(300):
        rng = np.random.default_rng(seed)
        x, labels = task.sample(2, rng)
        targets, mask = labels.targets, labels.mask
        model = SymbolTagger(StackLSTM(4, input_size=task.input_size, value_size=2, rng=rng), 3, rng=rng)
        for name in ("core.push.W", "core.pop.W"):
            model.params[name] *= 3.0          # pushes and pops away from 1/2, where ties are likely
        _, _, core_cache = model.core.forward(x)
        _, grads, _ = model.loss_and_grads(x, (targets, mask))
        # away from the kinks, and with the push and the pop both mattering to the loss
        if kink_margin([step[-1] for step in core_cache["steps"]]) > 1e-3 and \
                min(np.abs(grads["core.push.W"]).max(), np.abs(grads["core.pop.W"]).max()) > 1e-3:
            break
    else:
        pytest.fail("no inputs away from the kinks found")
    errors = check_gradients(lambda: model.loss_and_grads(x, (targets, mask))[0], model.params, grads)
    assert max(errors.values()) < 1e-7, errors


def test_accuracy_counts_whole_strings(rng):
    targets = np.array([[0, 1, 2], [0, 1, 2]])
    mask = np.array([[0, 1, 1], [0, 1, 1]])
    logits = np.zeros((2, 3, 3))
    logits[0, np.arange(3), [2, 1, 2]] = 5.0          # right on both answer steps (step 0 is not scored)
    logits[1, np.arange(3), [0, 1, 0]] = 5.0          # one answer step wrong
    np.testing.assert_array_equal(SymbolTagger.symbol_errors(logits, (targets, mask)), [0, 1])
    model = SymbolTagger(LSTM(3, input_size=2, rng=rng), 3, rng=rng)
    assert model.accuracy(logits, (targets, mask)) == 0.5
    x = rng.normal(size=(2, 3, 2))
    np.testing.assert_allclose(model.predict_proba(x).sum(-1), 1.0)            # a distribution over symbols
    np.testing.assert_array_equal(model.predict_proba(x).argmax(-1), model.predict(x))
