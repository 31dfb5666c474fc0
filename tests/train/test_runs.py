import numpy as np
import pytest

from rmc_lib.train.runs import examples_to_reach, load_runs, summary_at, value_at
from rmc_lib.train.checkpoints import write_history


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


def test_load_trained_rebuilds_the_model_and_accuracy_by_n_splits_the_test_set(tmp_path):
    from rmc_lib.train import cli
    from rmc_lib.train.runs import accuracy_by_n, load_trained
    from rmc_lib.train.loop import evaluate
    out = str(tmp_path / "run")
    cli.main(["train", "--objects", "3", "--features", "2", "--mem-slots", "2", "--head-size", "4",
              "--head-hidden", "4", "--batch-size", "4", "--steps", "3", "--eval-every", "3",
              "--eval-size", "60", "--quiet", "--out", out])
    model, task, meta = load_trained(f"{out}/checkpoint.npz")
    assert meta["step"] == 3 and task.num_objects == 3 and task.include_n
    x, labels = task.test_set(60, seed=cli.TEST_SET_SEED)
    _, accuracy, predictions = evaluate(model, x, labels)
    # the logged accuracy is reproduced by the rebuilt model
    assert np.isclose(accuracy, meta_accuracy(out))
    by_n = accuracy_by_n(model, task, x, labels)
    assert sorted(by_n) == [1, 2, 3] and sum(count for _, count in by_n.values()) == 60
    n = x[:, 0, 5:8].argmax(-1) + 1
    for value, (value_accuracy, count) in by_n.items():
        assert count == np.sum(n == value)
        assert np.isclose(value_accuracy, np.mean(predictions[n == value] == labels[n == value]))
    with pytest.raises(ValueError, match="must be"):
        accuracy_by_n(model, task, x[:, :, :-1], labels)
    # the model's answers, when already computed, are used as they are
    assert accuracy_by_n(model, task, x, labels, predictions) == by_n
    flipped = np.where(predictions == labels, (labels + 1) % 3, labels)       # right <-> wrong
    for value, (value_accuracy, _) in accuracy_by_n(model, task, x, labels, flipped).items():
        assert np.isclose(value_accuracy, 1 - by_n[value][0])
    with pytest.raises(ValueError, match=r"predictions must have the shape of labels \(60,\)"):
        accuracy_by_n(model, task, x, labels, predictions[:5])


def meta_accuracy(out):
    from rmc_lib.train.checkpoints import read_history
    return read_history(f"{out}/history.csv")[-1]["eval_accuracy"]


def test_read_evaluation_reads_what_evaluate_prints(tmp_path, capsys):
    # a real evaluate run of a tiny per-step model, then its printed text read back
    from rmc_lib.train import cli
    from rmc_lib.train.runs import read_evaluation

    out = tmp_path / "run"
    cli.main(["train", "--task", "copy", "--bits", "3", "--max-length", "4", "--model", "lstm", "--hidden-size", "8",
              "--steps", "2", "--batch-size", "2", "--eval-every", "2", "--eval-size", "4", "--quiet",
              "--out", str(out)])
    capsys.readouterr()
    cli.main(["evaluate", str(out / "checkpoint.npz"), "--lengths", "6,9"])
    report = tmp_path / "evaluate.txt"
    report.write_text(capsys.readouterr().out)
    table = read_evaluation(report)
    assert sorted(table, key=str) == [6, 9, "trained"]
    assert all(value >= 0 for value in table.values())
    assert table[9] > 0          # an untrained model gets bits wrong on long sequences

    report.write_text("held-out accuracy 0.5 (loss 0.7) on 4 examples\n")
    with pytest.raises(ValueError, match="no 'wrong bits per sequence' line"):
        read_evaluation(report)


def test_babi_test_errors_reads_every_run(tmp_path, capsys):
    from rmc_lib.train.runs import babi_test_errors
    for task, model, seed, wrong in ((2, "memn2n", 1, 120), (2, "memn2n", 0, 80), (2, "lstm", 0, 600), (15, "memn2n", 0, 0)):
        folder = tmp_path / f"qa{task}" / f"{model}-seed{seed}"
        folder.mkdir(parents=True)
        (folder / "evaluate.txt").write_text(f"$ python -m rmc_lib evaluate x\nheld-out accuracy ...\n"
                                             f"  test error {wrong / 1000:.4f} ({wrong} of 1000 questions wrong)\n")
    (tmp_path / "qa3" / "rmc-seed0").mkdir(parents=True)          # unfinished: no evaluate.txt yet
    (tmp_path / "notes").mkdir()
    table = babi_test_errors(tmp_path)
    assert list(table) == [2, 3, 15]
    np.testing.assert_allclose(table[2]["memn2n"], [0.08, 0.12])   # in seed order
    np.testing.assert_allclose(table[2]["lstm"], [0.6])
    assert table[3] == {} and table[15]["memn2n"].tolist() == [0.0]
    (tmp_path / "qa3" / "rmc-seed0" / "evaluate.txt").write_text("held-out accuracy 0.5\n")
    with pytest.raises(ValueError, match="holds no 'test error' line"):
        babi_test_errors(tmp_path)


def test_read_evaluation_and_read_perfect_read_a_symbol_task(tmp_path, capsys):
    from rmc_lib.train import cli
    from rmc_lib.train.runs import read_evaluation, read_perfect

    out = tmp_path / "run"
    cli.main(["train", "--task", "reversal", "--symbols", "3", "--min-length", "2", "--max-length", "3",
              "--model", "stack-lstm", "--hidden-size", "6", "--value-size", "2", "--steps", "2", "--batch-size", "2",
              "--eval-every", "2", "--eval-size", "4", "--quiet", "--out", str(out)])
    capsys.readouterr()
    accuracy = cli.main(["evaluate", str(out / "checkpoint.npz"), "--lengths", "5,7"])
    report = tmp_path / "evaluate.txt"
    report.write_text(capsys.readouterr().out)
    assert sorted(read_evaluation(report), key=str) == [5, 7, "trained"]
    perfect = read_perfect(report)
    assert sorted(perfect, key=str) == [5, 7, "trained"] and perfect["trained"] == pytest.approx(accuracy, abs=1e-4)
    assert all(0.0 <= v <= 1.0 for v in perfect.values())
    report.write_text("nothing\n")
    with pytest.raises(ValueError, match="no 'held-out accuracy' line"):
        read_perfect(report)
