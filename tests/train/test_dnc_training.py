"""The DNC through the command line: training on copy, Nth farthest and
deepmind's repeat copy, evaluate, an exact resume, and the memory options'
per-model defaults."""

import os

import numpy as np
import pytest

from rmc_lib.cores.dnc import DNC
from rmc_lib.train import cli
from rmc_lib.train.checkpoints import read_checkpoint, read_history
from rmc_lib.train.runs import load_trained

SMALL_DNC = ["--model", "dnc", "--memory-size", "5", "--word-size", "3", "--num-reads", "2", "--num-writes", "1",
             "--hidden-size", "6", "--batch-size", "2", "--eval-every", "2", "--eval-size", "6", "--quiet"]
COPY = ["--task", "copy", "--bits", "3", "--max-length", "3"]


def test_dnc_on_copy_trains_and_evaluates(tmp_path, capsys):
    out = str(tmp_path / "dnc-copy")
    cli.main(["train", *COPY, *SMALL_DNC, "--optimizer", "rmsprop", "--steps", "2", "--out", out])
    assert "dnc:" in capsys.readouterr().out
    meta, params, _ = read_checkpoint(os.path.join(out, "checkpoint.npz"))
    assert meta["model"] == {"kind": "dnc", "head_hidden": 128, "dtype": "float32",
                             "sizes": dict(memory_size=5, word_size=3, num_reads=2, num_writes=1, hidden_size=6,
                                           clip_value=20.0)}
    assert "core.access.read_mode.W" in params and "readout.W" not in params       # y_t read as it is
    model, task, _ = load_trained(os.path.join(out, "checkpoint.npz"))
    assert isinstance(model.core, DNC) and model.core.output_size == task.num_outputs == 3
    assert model.core.clip_value == 20.0
    for name, value in params.items():
        np.testing.assert_array_equal(model.params[name], value)
    accuracy = cli.main(["evaluate", os.path.join(out, "checkpoint.npz"), "--lengths", "5"])
    text = capsys.readouterr().out
    assert 0 <= accuracy <= 1 and "wrong bits per sequence" in text and "length 5:" in text


def test_dnc_on_nth_farthest_is_a_classifiers_core(tmp_path, capsys):
    out = str(tmp_path / "dnc-nth")
    cli.main(["train", "--task", "nth-farthest", "--objects", "3", "--features", "2", *SMALL_DNC,
              "--head-hidden", "4", "--steps", "2", "--out", out])
    _, params, _ = read_checkpoint(os.path.join(out, "checkpoint.npz"))
    assert params["head.0.W"].shape == (6, 4)                  # the DNC's output_size is its hidden_size
    assert [r["step"] for r in read_history(os.path.join(out, "history.csv"))] == [2]
    capsys.readouterr()
    accuracy = cli.main(["evaluate", os.path.join(out, "checkpoint.npz")])
    assert 0 <= accuracy <= 1 and "n = 3:" in capsys.readouterr().out


def test_a_dnc_checkpoint_resumes_exactly(tmp_path):
    straight, parted = str(tmp_path / "straight"), str(tmp_path / "parted")
    run = ["train", *COPY, *SMALL_DNC, "--optimizer", "rmsprop", "--momentum", "0", "--lr", "1e-3"]
    cli.main(run + ["--steps", "4", "--out", straight])
    cli.main(run + ["--steps", "2", "--out", parted])
    cli.main(run + ["--steps", "4", "--resume", "--out", parted])
    _, a, oa = read_checkpoint(os.path.join(straight, "checkpoint.npz"))
    _, b, ob = read_checkpoint(os.path.join(parted, "checkpoint.npz"))
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    for name in oa:
        np.testing.assert_array_equal(oa[name], ob[name])
    rows_a = read_history(os.path.join(straight, "history.csv"))
    rows_b = read_history(os.path.join(parted, "history.csv"))
    assert [r["loss"] for r in rows_a] == [r["loss"] for r in rows_b]
    with pytest.raises(SystemExit, match="cannot resume: .* another model"):
        cli.main(run + ["--num-reads", "1", "--steps", "6", "--resume", "--out", parted])   # the last one counts


def test_dnc_on_deepminds_repeat_copy_with_its_defaults(tmp_path, capsys):
    out = str(tmp_path / "dnc-dm")
    cli.main(["train", "--task", "dm-repeat-copy", "--model", "dnc", "--optimizer", "rmsprop", "--lr", "1e-4",
              "--momentum", "0", "--batch-size", "16", "--clip", "50", "--steps", "2", "--eval-every", "2",
              "--eval-size", "8", "--quiet", "--out", out])
    meta, params, _ = read_checkpoint(os.path.join(out, "checkpoint.npz"))
    assert meta["model"]["sizes"] == dict(memory_size=16, word_size=16, num_reads=4, num_writes=1, hidden_size=64,
                                          clip_value=20.0)                 # deepmind's train.py
    assert meta["task"] == dict(name="dm-repeat-copy", num_bits=4, min_length=1, max_length=2, min_repeats=1,
                                max_repeats=2, norm_max=10.0, log_prob_in_bits=False, time_average_cost=False)
    assert params["core.controller.w_gates"].shape == (6 + 4 * 16 + 64, 4 * 64)
    assert params["core.output.W"].shape == (64 + 4 * 16, 5)
    assert meta["optimizer_hyperparameters"]["momentum"] == 0.0 and meta["settings"]["clip"] == 50.0
    capsys.readouterr()
    cli.main(["evaluate", os.path.join(out, "checkpoint.npz"), "--lengths", "4"])
    assert "length 4:" in capsys.readouterr().out


def test_dm_repeat_copy_options_from_the_command_line(tmp_path):
    out = str(tmp_path / "lstm-dm")
    cli.main(["train", "--task", "dm-repeat-copy", "--bits", "3", "--min-length", "2", "--max-length", "3",
              "--min-repeats", "2", "--max-repeats", "3", "--norm-max", "4", "--model", "lstm", "--hidden-size", "4",
              "--batch-size", "2", "--steps", "1", "--eval-every", "1", "--eval-size", "4", "--quiet", "--out", out])
    meta, _, _ = read_checkpoint(os.path.join(out, "checkpoint.npz"))
    assert meta["task"] == dict(name="dm-repeat-copy", num_bits=3, min_length=2, max_length=3, min_repeats=2,
                                max_repeats=3, norm_max=4.0, log_prob_in_bits=False, time_average_cost=False)
    with pytest.raises(SystemExit, match="bad task: norm_max must be a number > 0"):
        cli.main(["train", "--task", "dm-repeat-copy", "--norm-max", "0", "--model", "lstm", "--steps", "1",
                  "--out", str(tmp_path / "bad")])


def test_the_memory_options_default_per_model():
    parse = cli.build_parser().parse_args
    ntm = cli.model_config(parse(["train", "--model", "ntm", "--out", "x"]))["sizes"]
    assert ntm == dict(memory_size=128, word_size=20, num_reads=1, num_writes=1, hidden_size=64, shift_range=1,
                       clip_value=20.0)                                     # the NTM's, as before
    dnc = cli.model_config(parse(["train", "--model", "dnc", "--out", "x"]))["sizes"]
    assert dnc == dict(memory_size=16, word_size=16, num_reads=4, num_writes=1, hidden_size=64, clip_value=20.0)
    given = cli.model_config(parse(["train", "--model", "dnc", "--memory-size", "8", "--num-writes", "2",
                                    "--clip-value", "0", "--out", "x"]))["sizes"]
    assert given["memory_size"] == 8 and given["num_writes"] == 2 and given["word_size"] == 16
    assert given["clip_value"] == 0.0
    assert "num_reads" not in cli.model_config(parse(["train", "--model", "lstm", "--out", "x"]))["sizes"]
