"""RMSprop, and training on the per-step tasks: the loop with a
SequenceTagger, the best checkpoint, NaN stops, and the command line with
--model ntm and --optimizer rmsprop."""

import math
import os

import numpy as np
import pytest

from rmc_lib.cores.sequence_readout import build_tagger
from rmc_lib.tasks import Copy
from rmc_lib.train import cli
from rmc_lib.train.checkpoints import history_columns, read_checkpoint, read_history, restore, write_history
from rmc_lib.train.loop import evaluate, evaluate_metrics, train
from rmc_lib.train.optimizers import OPTIMIZERS, RMSprop


def test_rmsprop_matches_tensorflows_update(rng):
    p = {"w": rng.normal(size=5)}
    w = p["w"].copy()
    opt = RMSprop(p, lr=0.01, momentum=0.9, decay=0.95, eps=1e-10)
    ms, mom = np.ones(5), np.zeros(5)
    for _ in range(4):
        g = rng.normal(size=5)
        opt.step({"w": g})
        ms = 0.95 * ms + 0.05 * g * g
        mom = 0.9 * mom + 0.01 * g / np.sqrt(ms + 1e-10)
        w = w - mom
    np.testing.assert_allclose(p["w"], w, rtol=1e-12)
    assert opt.t == 4 and OPTIMIZERS["rmsprop"] is RMSprop
    z = {"w": np.zeros(1)}
    RMSprop(z, lr=0.1, momentum=0.0, initial_mean_square=0.0).step({"w": np.array([2.0])})
    assert z["w"][0] == pytest.approx(-0.1 / np.sqrt(0.1), rel=1e-6)       # a zero start: g / |g| * 3.16


def test_rmsprop_minimises_a_quadratic_and_restores_its_state(rng):
    p = {"w": rng.normal(size=3) * 5}
    opt = RMSprop(p, lr=0.05, momentum=0.5)
    for _ in range(400):
        opt.step({"w": 2 * p["w"]})
    assert np.linalg.norm(p["w"]) < 0.1
    q = {"w": np.zeros(3)}
    other = RMSprop(q)
    other.load_state_arrays({k: v.copy() for k, v in opt.state_arrays().items()}, opt.t)
    np.testing.assert_array_equal(other.mean_square["w"], opt.mean_square["w"])
    np.testing.assert_array_equal(other.moment["w"], opt.moment["w"])
    assert set(opt.state_arrays()) == {"ms.w", "mom.w"} and other.t == 400


def small_tagger(seed=0, kind="ntm"):
    task = Copy(num_bits=3, min_length=1, max_length=3)
    rng = np.random.default_rng(seed)
    sizes = dict(memory_size=5, word_size=3, hidden_size=6) if kind == "ntm" else dict(hidden_size=6)
    model = build_tagger(kind, task.input_size, task.num_outputs, rng, dtype=np.float64, **sizes)
    return task, model, RMSprop(model.params, lr=3e-3), rng


def test_the_loop_trains_a_tagger_and_logs_bit_errors(tmp_path):
    task, model, opt, rng = small_tagger()
    eval_set = task.test_set(20)
    history = train(model, task, opt, rng, steps=6, batch_size=2, eval_every=3, eval_set=eval_set,
                    history_path=tmp_path / "h.csv", progress=False)
    assert [r["step"] for r in history] == [3, 6]
    assert all(0 <= r["eval_bit_errors"] <= 3 * 3 for r in history)
    rows = read_history(tmp_path / "h.csv")
    assert rows[-1]["eval_bit_errors"] == history[-1]["eval_bit_errors"]
    loss, accuracy, predictions = evaluate(model, *eval_set)
    assert predictions.shape == eval_set[1].shape and 0 <= accuracy <= 1
    assert evaluate_metrics(model, *eval_set)["bit_errors"] == history[-1]["eval_bit_errors"]


def test_history_keeps_extra_columns_and_old_files_still_read(tmp_path):
    base = {"step": 1, "examples": 1, "seconds": 0.1, "lr": 1e-3, "loss": 1.0, "train_accuracy": 0.5,
            "grad_norm": 1.0, "eval_loss": 1.0, "eval_accuracy": 0.5}
    write_history(tmp_path / "a.csv", [dict(base, eval_bit_errors=3.0)])
    write_history(tmp_path / "a.csv", [dict(base, step=2, eval_bit_errors=2.0)], append=True)
    columns = history_columns(read_history(tmp_path / "a.csv"))
    np.testing.assert_array_equal(columns["eval_bit_errors"], [3.0, 2.0])
    write_history(tmp_path / "old.csv", [base])
    assert "eval_bit_errors" not in history_columns(read_history(tmp_path / "old.csv"))


def test_the_best_checkpoint_and_a_nan_stop(tmp_path):
    task, model, opt, rng = small_tagger(kind="lstm")
    history = train(model, task, opt, rng, steps=8, batch_size=2, eval_every=2, eval_set=task.test_set(10),
                    checkpoint_path=tmp_path / "last.npz", best_path=tmp_path / "best.npz", progress=False)
    best = min(history, key=lambda r: r["eval_loss"])
    assert read_checkpoint(tmp_path / "best.npz")[0]["step"] == best["step"]
    before = {k: v.copy() for k, v in model.params.items()}
    model.params["core.b"][0] = np.nan
    with pytest.raises(FloatingPointError, match="step 9: the loss .* not finite; the step was not applied"):
        train(model, task, opt, rng, steps=12, batch_size=2, eval_every=2, start_step=8, progress=False)
    assert np.isnan(model.params["core.b"][0])
    np.testing.assert_array_equal(model.params["readout.W"], before["readout.W"])     # nothing applied


NTM_RUN = ["train", "--task", "copy", "--bits", "3", "--max-length", "3", "--model", "ntm",
           "--hidden-size", "6", "--memory-size", "5", "--word-size", "3", "--optimizer", "rmsprop",
           "--lr", "1e-3", "--rmsprop-decay", "0.95", "--batch-size", "2", "--eval-every", "2",
           "--eval-size", "10", "--quiet"]


def test_command_line_ntm_copy_train_resume_and_evaluate(tmp_path, capsys):
    out = str(tmp_path / "ntm")
    cli.main(NTM_RUN + ["--steps", "4", "--keep-best", "--out", out])
    text = capsys.readouterr().out
    assert "ntm:" in text and "wrong bits per sequence" in text
    meta, params, optim = read_checkpoint(os.path.join(out, "checkpoint.npz"))
    assert meta["model"]["kind"] == "ntm" and meta["model"]["sizes"]["memory_size"] == 5
    assert meta["task"] == {"name": "copy", "num_bits": 3, "min_length": 1, "max_length": 3}
    assert meta["optimizer_kind"] == "rmsprop" and meta["optimizer_hyperparameters"]["decay"] == 0.95
    assert meta["settings"]["rmsprop_decay"] == 0.95 and "ms.core.output.W" in optim
    assert os.path.exists(os.path.join(out, "best.npz"))
    cli.main(NTM_RUN + ["--steps", "6", "--resume", "--out", out])
    rows = read_history(os.path.join(out, "history.csv"))
    assert [r["step"] for r in rows] == [2, 4, 6] and all(math.isfinite(r["eval_bit_errors"]) for r in rows)
    with pytest.raises(SystemExit, match="cannot resume: .* another settings"):
        cli.main(NTM_RUN[:-1] + ["--rmsprop-decay", "0.9", "--quiet", "--steps", "8", "--resume", "--out", out])
    capsys.readouterr()
    accuracy = cli.main(["evaluate", os.path.join(out, "checkpoint.npz"), "--lengths", "5,7"])
    text = capsys.readouterr().out
    assert 0 <= accuracy <= 1 and "wrong bits per sequence" in text
    assert "length 5:" in text and "length 7:" in text


def test_resuming_rmsprop_continues_bit_for_bit(tmp_path):
    straight, parted = str(tmp_path / "straight"), str(tmp_path / "parted")
    cli.main(NTM_RUN + ["--steps", "6", "--out", straight])
    cli.main(NTM_RUN + ["--steps", "2", "--out", parted])
    cli.main(NTM_RUN + ["--steps", "6", "--resume", "--out", parted])
    _, a, oa = read_checkpoint(os.path.join(straight, "checkpoint.npz"))
    _, b, ob = read_checkpoint(os.path.join(parted, "checkpoint.npz"))
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    for name in oa:
        np.testing.assert_array_equal(oa[name], ob[name])


@pytest.mark.parametrize("task, extra", [
    ("repeat-copy", ["--max-length", "2", "--max-repeats", "2"]),
    ("associative-recall", ["--bits", "2", "--item-length", "2", "--max-items", "3"]),
])
def test_command_line_lstm_on_the_other_tasks(tmp_path, capsys, task, extra):
    out = str(tmp_path / task)
    cli.main(["train", "--task", task, *extra, "--model", "lstm", "--hidden-size", "4", "--batch-size", "2",
              "--steps", "2", "--eval-every", "2", "--eval-size", "6", "--quiet", "--out", out])
    meta, _, _ = read_checkpoint(os.path.join(out, "checkpoint.npz"))
    assert meta["task"]["name"] == task
    cli.main(["evaluate", os.path.join(out, "checkpoint.npz"), "--lengths", "3"])
    text = capsys.readouterr().out
    assert ("length 3:" in text) if task == "repeat-copy" else ("num_items 3:" in text)


def test_command_line_refusals(tmp_path):
    with pytest.raises(SystemExit, match="bad task: min_length must be <= max_length"):
        cli.main(["train", "--task", "copy", "--min-length", "5", "--max-length", "2", "--steps", "1",
                  "--out", str(tmp_path / "a")])
    with pytest.raises(SystemExit):
        cli.main(["evaluate", "x.npz", "--lengths", "0,3"])
    out = str(tmp_path / "nth")
    cli.main(["train", "--objects", "3", "--features", "2", "--model", "lstm", "--hidden-size", "4",
              "--head-hidden", "4", "--batch-size", "4", "--steps", "1", "--eval-every", "1", "--eval-size", "8",
              "--quiet", "--out", out])
    with pytest.raises(SystemExit, match="--lengths applies to the sequence tasks"):
        cli.main(["evaluate", os.path.join(out, "checkpoint.npz"), "--lengths", "3"])
