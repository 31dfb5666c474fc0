"""The self-checks of 06_tasks and 07_explore pass correct answers, catch
typical mistakes, and name the case that failed."""

import copy

import numpy as np
import pytest

from rmc_lib.cores.classifier import build_classifier
from rmc_lib.exercises import explore as explore_checks
from rmc_lib.exercises import tasks as tasks_checks
from rmc_lib.tasks import NthFarthest
from rmc_lib.trace import record
from rmc_lib.train.loop import evaluate


# ---------------------------------------------------------------- lesson 06

def numpy_plateau(C, n_choices):
    share = np.mean(np.array(n_choices) == C)          # the problems it answers for free
    return share + (1 - share) / (C - 1), (1 - share) * np.log(C - 1)


def test_plateau_check(capsys):
    assert tasks_checks.check_plateau(numpy_plateau)
    assert "check_plateau: passed (6 cases)" in capsys.readouterr().out
    # the formulas of every n used for any curriculum: wrong for stage 1
    assert not tasks_checks.check_plateau(lambda C, s: (2 / C, (C - 1) / C * np.log(C - 1)))
    assert "failed on C = 4, only n = 1 (stage 1 of the curriculum)" in capsys.readouterr().out
    # forgetting the free n = C problems: 1/(C-1) and ln(C-1) everywhere
    assert not tasks_checks.check_plateau(lambda C, s: (1 / (C - 1), np.log(C - 1)))
    assert "failed on C = 4, every n (section 3)" in capsys.readouterr().out
    # guessing's loss, ln C, instead of ln(C-1)
    assert not tasks_checks.check_plateau(lambda C, s: (numpy_plateau(C, s)[0], numpy_plateau(C, s)[1] / np.log(C - 1) * np.log(C)))
    out = capsys.readouterr().out
    assert "(item 1 of the result)" in out and "expected 0.8240" in out
    # a list instead of a pair
    assert not tasks_checks.check_plateau(lambda C, s: list(numpy_plateau(C, s)))
    assert "expected a tuple of 2" in capsys.readouterr().out


def test_plateau_comparison_prints_prediction_and_run(capsys):
    tasks_checks.compare_plateau(numpy_plateau, 6, tuple(range(1, 7)), 0.356, 1.344)
    assert capsys.readouterr().out.strip() == "your prediction: accuracy 0.333, loss 1.341; the run: accuracy 0.356, loss 1.344"

    def stub(C, n_choices):
        raise NotImplementedError
    tasks_checks.compare_plateau(stub, 6, (1,), 0.3, 1.6)
    assert "your prediction: none yet (NotImplementedError)" in capsys.readouterr().out


def numpy_margin(distances, n):
    ordered = np.sort(distances)[::-1]
    gaps = [ordered[i] - ordered[i + 1] for i in range(len(ordered) - 1)]
    return min(gaps[max(n - 2, 0):n])          # the gap above rank n and the one below it


def test_margin_check(capsys):
    assert tasks_checks.check_margin(numpy_margin)
    assert "check_margin: passed (5 cases)" in capsys.readouterr().out
    # only the gap to the next rank: wrong for the last rank and where the gap above is smaller
    assert not tasks_checks.check_margin(lambda d, n: np.sort(d)[::-1][n - 1] - np.sort(d)[::-1][min(n, len(d) - 1)])
    # the unsorted distances taken as they come
    assert not tasks_checks.check_margin(lambda d, n: min(abs(d[n - 1] - d[j]) for j in (n - 2, n) if 0 <= j < len(d)))
    assert "failed on" in capsys.readouterr().out


@pytest.fixture(scope="module")
def small_task_and_model():
    task = NthFarthest(4, 3)
    model = build_classifier("rmc", task.input_size, task.num_classes, np.random.default_rng(3), dtype=np.float64,
                             head_hidden=8, mem_slots=2, head_size=4, num_heads=2)
    x, labels, details = task.sample(200, np.random.default_rng(4), return_details=True)
    return task, model, x, labels, details


def test_hardest_n_check(small_task_and_model, capsys):
    task, model, x, labels, details = small_task_and_model
    _, _, predictions = evaluate(model, x, labels)
    accuracy = {n: np.mean(predictions[details["n"] == n] == labels[details["n"] == n]) for n in range(1, 5)}
    hardest = min(accuracy, key=accuracy.get)
    assert tasks_checks.check_hardest_n(hardest, model, task, x, labels, details)
    assert f"passed: n = {hardest} is the hardest" in capsys.readouterr().out
    other = 1 + hardest % 4
    assert not tasks_checks.check_hardest_n(other, model, task, x, labels, details)
    assert f"failed: n = {other} is not the hardest; accuracy for each n: n = 1: " in capsys.readouterr().out
    assert not tasks_checks.check_hardest_n(None, model, task, x, labels, details)
    assert "write your prediction first" in capsys.readouterr().out
    assert not tasks_checks.check_hardest_n(7, model, task, x, labels, details)
    assert "n = 7 is not asked by this task" in capsys.readouterr().out


# ---------------------------------------------------------------- lesson 07

def test_survival_check(capsys):
    assert explore_checks.check_survival(lambda f: np.prod(f[1:], axis=0).mean())
    assert "check_survival: passed (3 cases)" in capsys.readouterr().out
    # step 0's own gate included
    assert not explore_checks.check_survival(lambda f: np.prod(f, axis=0).mean())
    assert "the product includes step 0's own gate" in capsys.readouterr().out
    # the mean gate to the power T-1
    assert not explore_checks.check_survival(lambda f: f[1:].mean() ** (len(f) - 1))
    assert "take the product first, then the mean" in capsys.readouterr().out
    # only the last step's gate
    assert not explore_checks.check_survival(lambda f: f[-1].mean())


@pytest.fixture(scope="module")
def gated_model():
    task = NthFarthest(4, 3)
    model = build_classifier("rmc", task.input_size, task.num_classes, np.random.default_rng(5), dtype=np.float64,
                             head_hidden=8, mem_slots=2, head_size=4, num_heads=2)
    return model, task.sample(40, np.random.default_rng(6))[0]


def test_survival_grows_with_the_forget_bias_and_the_bias_is_restored(gated_model):
    model, x = gated_model
    kept = [explore_checks.survival_at(model, x, bias) for bias in (-2.0, 0.0, 1.0, 3.0)]
    assert kept == sorted(kept) and model.core.forget_bias == 1.0
    # at zero pre-activations it would be sigma(b)^3; an untrained model's are small
    np.testing.assert_allclose(kept, [1 / (1 + np.exp(-b)) ** 3 for b in (-2.0, 0.0, 1.0, 3.0)], atol=0.1)
    _, _, trace = record(model.core, x)
    assert explore_checks.survival(trace.forget_gate) == pytest.approx(kept[2])


def test_forget_bias_check(gated_model, capsys):
    model, x = gated_model
    smallest = explore_checks.smallest_bias(model, x)
    assert explore_checks.survival_at(model, x, smallest) >= 0.5 > explore_checks.survival_at(model, x, smallest - 0.01)
    answer = np.ceil(smallest * 100) / 100               # rounded up to the hundredth: still enough
    assert explore_checks.check_forget_bias(answer, model, x)
    assert f"passed: {answer:.2f} keeps" in capsys.readouterr().out
    assert not explore_checks.check_forget_bias(smallest - 0.1, model, x)           # too small
    assert "less than 0.5" in capsys.readouterr().out
    assert not explore_checks.check_forget_bias(smallest + 0.5, model, x)           # enough, not the smallest
    assert "look for a smaller bias" in capsys.readouterr().out
    assert not explore_checks.check_forget_bias(None, model, x)
    assert "write your answer first" in capsys.readouterr().out
    assert model.core.forget_bias == 1.0


def test_without_inputs_check(capsys):
    def right(model, columns):
        copied = copy.deepcopy(model)
        copied.core.params["input.W"][columns] = 0
        return copied

    assert explore_checks.check_without_inputs(right)
    assert "check_without_inputs: passed (4 groups of the input)" in capsys.readouterr().out

    def in_place(model, columns):
        model.core.params["input.W"][columns] = 0
        return model
    assert not explore_checks.check_without_inputs(in_place)
    assert "the original model changed (core.input.W)" in capsys.readouterr().out

    def shallow(model, columns):
        copied = copy.copy(model)                      # shares the parameter arrays
        copied.core.params["input.W"][columns] = 0
        return copied
    assert not explore_checks.check_without_inputs(shallow)
    assert "the original model changed" in capsys.readouterr().out

    def columns_of_w(model, columns):
        copied = copy.deepcopy(model)
        copied.core.params["input.W"][:, columns] = 0  # output features, not input columns
        return copied
    assert not explore_checks.check_without_inputs(columns_of_w)
    assert "failed on the 'vector' columns 0:3: the copy still depends on them" in capsys.readouterr().out


def test_accuracy_without_falls_back_to_rmc_libs_function(small_task_and_model):
    task, model, x, labels, _ = small_task_and_model

    def stub(model, columns):
        raise NotImplementedError
    used, results = explore_checks.accuracy_without(stub, model, task, x, labels)
    assert used == "rmc_lib's" and list(results) == ["vector", "id", "n", "reference id"]
    used_yours, same = explore_checks.accuracy_without(explore_checks.without_inputs, model, task, x, labels)
    assert used_yours == "yours" and same == results
    accuracy, by_n = results["n"]
    assert 0 <= accuracy <= 1 and sorted(by_n) == [1, 2, 3, 4]
