"""Reversal through the series' command line: a stack LSTM trains, resumes
and is tested beyond its training lengths; the task and model options land in
the checkpoint."""

import os

import pytest

from rmc_lib.train import cli
from rmc_lib.train.checkpoints import read_checkpoint

COMMON = ["train", "--task", "reversal", "--symbols", "4", "--min-length", "2", "--max-length", "4",
          "--hidden-size", "8", "--value-size", "3", "--batch-size", "4", "--eval-every", "5", "--eval-size", "8",
          "--quiet"]


@pytest.mark.parametrize("model", ["stack-lstm", "queue-lstm", "lstm"])
def test_train_resume_and_test_longer_strings(tmp_path, capsys, model):
    out = str(tmp_path / model)
    args = COMMON + ["--model", model] if model != "lstm" else [a for a in COMMON if a not in ("--value-size", "3")] + \
        ["--model", model]
    cli.main(args + ["--steps", "5", "--out", out])
    cli.main(args + ["--steps", "10", "--out", out, "--resume"])
    meta, params, _ = read_checkpoint(os.path.join(out, "checkpoint.npz"))
    assert meta["step"] == 10 and meta["task"] == {"name": "reversal", "num_symbols": 4,
                                                   "min_length": 2, "max_length": 4}
    if model != "lstm":
        assert meta["model"]["sizes"]["value_size"] == 3 and params["core.value.W"].shape == (8, 3)
    capsys.readouterr()
    accuracy = cli.main(["evaluate", os.path.join(out, "checkpoint.npz"), "--lengths", "6,8"])
    printed = capsys.readouterr().out
    assert 0.0 <= accuracy <= 1.0 and "wrong symbols per sequence" in printed
    assert "length 6:" in printed and "length 8:" in printed


def test_act_and_an_lstm_on_parity_from_the_command_line(tmp_path, capsys):
    for model in ("act", "lstm"):
        out = str(tmp_path / model)
        cli.main(["train", "--task", "parity", "--parity-size", "6", "--model", model, "--hidden-size", "8",
                  "--max-ponder", "4", "--ponder-penalty", "0.01", "--batch-size", "8", "--steps", "6",
                  "--eval-every", "3", "--eval-size", "20", "--quiet", "--out", out])
        meta, _, _ = read_checkpoint(os.path.join(out, "checkpoint.npz"))
        assert meta["task"] == {"name": "parity", "size": 6}
        if model == "act":
            assert meta["model"]["sizes"] == {"hidden_size": 8, "threshold": 0.99, "max_steps": 4,
                                              "ponder_penalty": 0.01}
            rows = open(os.path.join(out, "history.csv")).read().splitlines()
            assert "eval_steps" in rows[0] and "eval_ponder" in rows[0]
        assert 0.0 <= cli.main(["evaluate", os.path.join(out, "checkpoint.npz")]) <= 1.0
