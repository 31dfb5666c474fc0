"""bAbI through the series' command line: MemN2N with the paper's recipe
(linear start, halving learning rate), resumed exactly; an LSTM on the same
task flattened; and the mismatches refused."""

import os

import numpy as np
import pytest

from rmc_lib.train import cli
from rmc_lib.train.checkpoints import read_checkpoint, read_history
from rmc_lib.train.loop import train
from rmc_lib.train.optimizers import halving_rate

RECIPE = ["train", "--task", "babi", "--babi-task", "1", "--model", "memn2n", "--optimizer", "sgd",
          "--momentum", "0", "--lr", "0.5", "--clip", "1.25", "--batch-size", "32", "--eval-every", "4",
          "--halve-every", "8", "--linear-start", "--quiet", "--embedding-size", "8"]


def test_halving_schedule():
    assert [halving_rate(s, 1.0, halve_every=3) for s in range(7)] == [1, 1, 1, .5, .5, .5, .25]
    with pytest.raises(ValueError, match="not both"):
        train(None, None, None, None, steps=1, decay_steps=5, halve_every=3)


def test_memn2n_trains_ends_its_linear_start_and_resumes_exactly(tmp_path, capsys):
    straight, split = str(tmp_path / "straight"), str(tmp_path / "split")
    cli.main(RECIPE + ["--steps", "40", "--out", straight])
    cli.main(RECIPE + ["--steps", "20", "--out", split])
    cli.main(RECIPE + ["--steps", "40", "--out", split, "--resume"])
    rows = read_history(os.path.join(straight, "history.csv"))
    assert [r["lr"] for r in rows][:4] == [0.5, 0.5, 0.25, 0.25]
    linear = [r["linear"] for r in rows]
    assert linear[0] == 1.0 and linear[-1] == 0.0 and linear == sorted(linear, reverse=True)
    meta, params, _ = read_checkpoint(os.path.join(straight, "checkpoint.npz"))
    # the switch happens at the first evaluation whose loss is not below the one before
    ended = meta["linear_start_ended"]
    losses = {int(r["step"]): r["eval_loss"] for r in rows}
    assert losses[ended] >= losses[ended - 4] and linear[[int(r["step"]) for r in rows].index(ended)] == 1.0
    meta2, params2, _ = read_checkpoint(os.path.join(split, "checkpoint.npz"))
    assert meta.get("linear_start_ended") == meta2.get("linear_start_ended")
    for name in params:
        np.testing.assert_array_equal(params[name], params2[name])
    accuracy = cli.main(["evaluate", os.path.join(straight, "checkpoint.npz")])
    out = capsys.readouterr().out
    assert "on 1000 examples" in out and f"test error {1 - accuracy:.4f}" in out


def test_an_lstm_reads_the_flattened_task(tmp_path):
    out = str(tmp_path / "lstm")
    cli.main(["train", "--task", "babi", "--babi-task", "15", "--model", "lstm", "--hidden-size", "8",
              "--batch-size", "8", "--steps", "3", "--eval-every", "3", "--quiet", "--out", out])
    meta, _, _ = read_checkpoint(os.path.join(out, "checkpoint.npz"))
    assert meta["task"]["form"] == "sequence" and meta["task"]["random_noise"] == 0.0
    assert 0.0 <= cli.main(["evaluate", os.path.join(out, "checkpoint.npz")]) <= 1.0


def test_mismatches_are_refused(tmp_path):
    with pytest.raises(SystemExit, match="--linear-start applies to --model memn2n only"):
        cli.main(["train", "--task", "babi", "--model", "lstm", "--linear-start", "--steps", "1",
                  "--out", str(tmp_path / "a")])
    with pytest.raises(SystemExit, match="MemN2N needs a bAbI task"):
        cli.main(["train", "--task", "copy", "--model", "memn2n", "--steps", "1", "--out", str(tmp_path / "b")])
    with pytest.raises(SystemExit, match="one of the generated tasks"):
        cli.main(["train", "--task", "babi", "--babi-task", "4", "--model", "memn2n", "--steps", "1",
                  "--out", str(tmp_path / "c")])
