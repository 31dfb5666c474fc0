import numpy as np
import pytest

from rmc_lib.runs import examples_to_reach, load_runs, summary_at, value_at
from rmc_lib.train import write_history


def row(step, seconds, acc):
    return {"step": step, "examples": step * 10, "seconds": seconds, "lr": 1e-3, "loss": 1.0,
            "train_accuracy": acc, "grad_norm": 1.0, "eval_loss": 1.0, "eval_accuracy": acc}


@pytest.fixture
def runs_folder(tmp_path):
    for model, seed, accs in [("rmc", 0, [0.3, 0.6, 0.9]), ("rmc", 1, [0.4, 0.7, 0.8]),
                              ("lstm", 0, [0.25, 0.3, 0.5])]:
        folder = tmp_path / f"{model}-seed{seed}"
        folder.mkdir()
        write_history(folder / "history.csv", [row(100 * (i + 1), 5.0 * (i + 1), a) for i, a in enumerate(accs)])
    (tmp_path / "notes").mkdir()   # not a run folder: ignored
    return tmp_path


def test_load_runs_groups_by_model_and_seed(runs_folder):
    runs = load_runs(runs_folder)
    assert sorted(runs) == ["lstm", "rmc"]
    assert [seed for seed, _ in runs["rmc"]] == [0, 1]
    np.testing.assert_array_equal(runs["rmc"][1][1]["eval_accuracy"], [0.4, 0.7, 0.8])


def test_value_and_summary_at_a_budget(runs_folder):
    runs = load_runs(runs_folder)
    columns = runs["rmc"][0][1]
    assert value_at(columns, 2000) == 0.6            # examples 1000, 2000, 3000
    assert value_at(columns, 2999) == 0.6
    assert np.isnan(value_at(columns, 999))
    assert value_at(columns, 15.0, by="seconds") == 0.9
    mean, low, high, values = summary_at(runs, 2000)["rmc"]
    assert (mean, low, high) == pytest.approx((0.65, 0.6, 0.7))
    with pytest.raises(ValueError, match="by must be"):
        value_at(columns, 1, by="minutes")


def test_examples_to_reach(runs_folder):
    runs = load_runs(runs_folder)
    assert examples_to_reach(runs["rmc"][0][1], 0.85) == 3000
    assert np.isnan(examples_to_reach(runs["lstm"][0][1], 0.85))
