"""Optimisers, clipping, schedule, checkpoints, resume, and the command line."""

import math
import os

import numpy as np
import pytest

from rmc_lib.train import cli
from rmc_lib.cores.classifier import build_classifier
from rmc_lib.tasks import NthFarthest
from rmc_lib.train.checkpoints import read_checkpoint, read_history, restore, save_checkpoint
from rmc_lib.train.loop import train
from rmc_lib.train.optimizers import SGD, Adam, clip_by_global_norm, learning_rate


def test_adam_matches_the_papers_update(rng):
    p = {"w": rng.normal(size=5)}
    w0 = p["w"].copy()
    opt = Adam(p, lr=0.1)
    grads = [rng.normal(size=5) for _ in range(3)]
    m = v = np.zeros(5)
    w = w0.copy()
    for t, g in enumerate(grads, start=1):
        opt.step({"w": g})
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w = w - 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    np.testing.assert_allclose(p["w"], w, rtol=1e-12)


def test_adam_and_sgd_minimise_a_quadratic(rng):
    for make in (lambda p: Adam(p, lr=0.05), lambda p: SGD(p, lr=0.05, momentum=0.9)):
        p = {"w": rng.normal(size=3) * 5}
        opt = make(p)
        for _ in range(500):
            opt.step({"w": 2 * p["w"]})      # gradient of |w|^2
        assert np.linalg.norm(p["w"]) < 1e-2


def test_sgd_momentum_update(rng):
    p = {"w": np.zeros(2)}
    opt = SGD(p, lr=0.5, momentum=0.9)
    opt.step({"w": np.array([1.0, 0.0])})
    opt.step({"w": np.array([1.0, 0.0])})
    np.testing.assert_allclose(p["w"], [-0.5 - 0.5 * 1.9, 0.0])


def test_clip_by_global_norm():
    grads = {"a": np.array([3.0]), "b": np.array([4.0])}
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose([clipped["a"][0], clipped["b"][0]], [0.6, 0.8])
    same, _ = clip_by_global_norm(grads, 10.0)
    assert same["a"][0] == 3.0
    assert grads["a"][0] == 3.0  # the input is not changed


def test_clip_each_by_norm_clips_every_array_on_its_own():
    from rmc_lib.train.optimizers import clip_each_by_norm
    grads = {"big": np.array([30.0, 40.0]), "small": np.array([0.3, 0.4])}
    clipped, norm = clip_each_by_norm(grads, 5.0)
    np.testing.assert_allclose(clipped["big"], [3.0, 4.0])          # norm 50 -> 5
    np.testing.assert_array_equal(clipped["small"], grads["small"])  # norm 0.5: untouched
    assert norm == pytest.approx(np.sqrt(50.0 ** 2 + 0.5 ** 2))      # the joint norm, as the history logs
    jointly, _ = clip_by_global_norm(grads, 5.0)
    assert np.linalg.norm(jointly["small"]) < 0.1                    # the joint clip shrinks it too


def test_sgd_without_momentum_keeps_no_state_and_resumes_exactly(rng):
    params = {"w": rng.normal(size=3)}
    grads = [{"w": rng.normal(size=3)} for _ in range(4)]
    straight = SGD({"w": params["w"].copy()}, lr=0.1, momentum=0.0)
    for g in grads:
        straight.step(g)
    first = SGD({"w": params["w"].copy()}, lr=0.1, momentum=0.0)
    for g in grads[:2]:
        first.step(g)
    assert first.state_arrays() == {}
    second = SGD({"w": first.params["w"].copy()}, lr=0.1, momentum=0.0)
    second.load_state_arrays(first.state_arrays(), first.t)
    for g in grads[2:]:
        second.step(g)
    np.testing.assert_array_equal(second.params["w"], straight.params["w"])
    assert second.t == 4 and SGD(params, momentum=0.9).state_arrays().keys() == {"velocity.w"}


def test_learning_rate_schedule():
    assert learning_rate(0, 1.0, warmup_steps=10) == pytest.approx(0.1)
    assert learning_rate(9, 1.0, warmup_steps=10) == pytest.approx(1.0)
    assert learning_rate(50, 1.0, warmup_steps=10) == 1.0
    assert learning_rate(10, 1.0, 10, decay_steps=100) == pytest.approx(1.0)
    assert learning_rate(60, 1.0, 10, decay_steps=100, final_fraction=0.1) == pytest.approx(0.55)
    assert learning_rate(500, 1.0, 10, decay_steps=100, final_fraction=0.1) == pytest.approx(0.1)


def small_setup(seed=0, kind="rmc"):
    task = NthFarthest(3, 2)
    rng = np.random.default_rng(seed)
    sizes = dict(mem_slots=2, head_size=4, num_heads=2) if kind == "rmc" else dict(hidden_size=8)
    model = build_classifier(kind, task.input_size, task.num_classes, rng, dtype=np.float64,
                             head_hidden=8, **sizes)
    return task, model, Adam(model.params, lr=3e-3), rng


META = {"model": {"kind": "rmc", "sizes": {"mem_slots": 2}}, "task": {"name": "nth-farthest"}}


def test_checkpoint_round_trip(tmp_path):
    task, model, opt, rng = small_setup()
    train(model, task, opt, rng, steps=5, batch_size=8, eval_every=5, progress=False)
    path = tmp_path / "ck.npz"
    save_checkpoint(path, model, opt, 5, rng, META)
    meta, params, optim = read_checkpoint(path)
    assert meta["step"] == 5 and meta["model"] == META["model"] and meta["optimizer_t"] == 5
    for k, v in model.params.items():
        np.testing.assert_array_equal(params[k], v)
    np.testing.assert_array_equal(optim["m.head.0.W"], opt.m["head.0.W"])
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp.npz")]  # no temporary left


def test_resume_continues_exactly_as_the_uninterrupted_run(tmp_path):
    eval_set = NthFarthest(3, 2).test_set(50)
    task, model, opt, rng = small_setup()
    straight = train(model, task, opt, rng, steps=20, batch_size=8, eval_every=5,
                     eval_set=eval_set, progress=False)

    task, first, opt1, rng1 = small_setup()
    path = tmp_path / "ck.npz"
    part = train(first, task, opt1, rng1, steps=10, batch_size=8, eval_every=5, eval_set=eval_set,
                 checkpoint_path=path, checkpoint_meta=META, progress=False)
    task, second, opt2, rng2 = small_setup(seed=99)   # a different start, overwritten by the checkpoint
    meta = restore(path, second, opt2, rng2, META)
    assert meta["step"] == 10
    resumed = train(second, task, opt2, rng2, steps=20, batch_size=8, eval_every=5, eval_set=eval_set,
                    history=part, start_step=10, progress=False)
    for k in model.params:
        np.testing.assert_array_equal(second.params[k], model.params[k])   # bit for bit
    assert [r["loss"] for r in resumed] == [r["loss"] for r in straight]
    assert [r["eval_accuracy"] for r in resumed] == [r["eval_accuracy"] for r in straight]


def test_a_checkpoint_of_another_configuration_is_refused(tmp_path):
    task, model, opt, rng = small_setup()
    path = tmp_path / "ck.npz"
    save_checkpoint(path, model, opt, 0, rng, META)
    other = {"model": {"kind": "rmc", "sizes": {"mem_slots": 3}}, "task": META["task"]}
    with pytest.raises(ValueError, match="was written for another model"):
        restore(path, model, opt, rng, other)
    _, lstm, lstm_opt, _ = small_setup(kind="lstm")
    with pytest.raises(ValueError, match="does not fit this model: missing"):
        restore(path, lstm, lstm_opt, rng, META)
    np.savez(tmp_path / "plain.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match="is not an rmc_lib checkpoint"):
        read_checkpoint(tmp_path / "plain.npz")


def test_ctrl_c_writes_a_checkpoint(tmp_path):
    task, model, opt, rng = small_setup()
    calls = {"n": 0}
    original = task.sample

    def interrupting_sample(batch_size, rng):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return original(batch_size, rng)

    task.sample = interrupting_sample
    path = tmp_path / "ck.npz"
    with pytest.raises(KeyboardInterrupt):
        train(model, task, opt, rng, steps=100, batch_size=8, eval_every=50, checkpoint_path=path,
              checkpoint_meta=META, progress=False)
    meta, _, _ = read_checkpoint(path)
    assert meta["step"] == 3


def test_training_needs_a_budget():
    task, model, opt, rng = small_setup()
    with pytest.raises(ValueError, match="give steps or minutes"):
        train(model, task, opt, rng)


def test_a_tiny_model_overfits_a_tiny_batch():
    """The classic sanity check: memorising 8 examples must drive the loss near 0."""
    task, model, opt, rng = small_setup()
    x, labels = task.sample(8, np.random.default_rng(5))
    for _ in range(300):
        loss, grads, _ = model.loss_and_grads(x, labels)
        opt.step(grads)
    assert loss < 0.05
    assert np.all(model.predict(x) == labels)


def test_command_line_train_resume_and_evaluate(tmp_path, capsys):
    out = str(tmp_path / "run")
    common = ["train", "--objects", "3", "--features", "2", "--mem-slots", "2", "--head-size", "4",
              "--head-hidden", "8", "--batch-size", "8", "--eval-every", "5", "--eval-size", "40",
              "--quiet", "--out", out]
    cli.main(common + ["--steps", "10"])
    rows = read_history(os.path.join(out, "history.csv"))
    assert [r["step"] for r in rows] == [5, 10]
    with pytest.raises(SystemExit, match="exists: add --resume"):
        cli.main(common + ["--steps", "20"])
    cli.main(common + ["--steps", "20", "--resume"])
    rows = read_history(os.path.join(out, "history.csv"))
    assert [r["step"] for r in rows] == [5, 10, 15, 20]
    with pytest.raises(SystemExit, match="cannot resume: .* another model"):
        cli.main(common + ["--steps", "30", "--resume", "--num-heads", "1"])
    capsys.readouterr()
    accuracy = cli.main(["evaluate", os.path.join(out, "checkpoint.npz")])
    text = capsys.readouterr().out
    assert "held-out accuracy" in text and "n = 3:" in text
    assert os.path.exists(os.path.join(out, "command.txt"))


def test_command_line_help_documents_every_option(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    text = capsys.readouterr().out
    parser = cli.build_parser()
    train_parser = parser._subparsers._group_actions[0].choices["train"]
    for action in train_parser._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, f"{action.option_strings} has no help text"
            assert action.option_strings[0] in text


def test_lstm_forget_bias_from_the_command_line(tmp_path):
    out = str(tmp_path / "lstm")
    cli.main(["train", "--model", "lstm", "--hidden-size", "4", "--forget-bias", "0", "--objects", "3",
              "--features", "2", "--head-hidden", "4", "--batch-size", "4", "--steps", "1",
              "--eval-every", "1", "--eval-size", "8", "--quiet", "--out", out])
    meta, params, _ = read_checkpoint(os.path.join(out, "checkpoint.npz"))
    assert meta["model"]["sizes"] == {"hidden_size": 4, "forget_bias": 0.0}


def test_command_txt_records_the_arguments_given(tmp_path):
    out = str(tmp_path / "run")
    args = ["train", "--objects", "3", "--features", "2", "--mem-slots", "2", "--head-size", "4",
            "--head-hidden", "4", "--batch-size", "4", "--steps", "1", "--eval-every", "1",
            "--eval-size", "8", "--quiet", "--out", out]
    cli.main(args)
    with open(os.path.join(out, "command.txt")) as f:
        assert f.read().strip() == "python -m rmc_lib " + " ".join(args)
    assert 0.0 <= cli.main(["evaluate", os.path.join(out, "checkpoint.npz")]) <= 1.0


def test_a_curriculum_stage_starts_from_the_previous_stage(tmp_path, capsys):
    small = ["--objects", "3", "--features", "2", "--mem-slots", "2", "--head-size", "4",
             "--head-hidden", "4", "--batch-size", "4", "--eval-every", "2", "--eval-size", "8", "--quiet"]
    first = str(tmp_path / "stage1")
    cli.main(["train", "--n", "1", "--include-n", "--steps", "2", "--out", first] + small)
    meta1, params1, _ = read_checkpoint(os.path.join(first, "checkpoint.npz"))
    assert meta1["task"]["include_n"] is True and meta1["task"]["n_choices"] == [1]
    # stage 2: every n; its starting parameters are stage 1's final ones (lr 0 keeps them)
    second = str(tmp_path / "stage2")
    stage2 = ["train", "--steps", "1", "--lr", "0", "--init-from", os.path.join(first, "checkpoint.npz"),
              "--out", second] + small
    cli.main(stage2)
    assert "starting from the parameters of" in capsys.readouterr().out
    meta2, params2, _ = read_checkpoint(os.path.join(second, "checkpoint.npz"))
    assert meta2["settings"]["init_from"] == os.path.join(first, "checkpoint.npz")
    for name in params1:
        np.testing.assert_array_equal(params1[name], params2[name])
    # without include_n the first stage's input is narrower: refused, naming the mismatch
    narrow = str(tmp_path / "narrow")
    cli.main(["train", "--n", "1", "--steps", "1", "--out", narrow] + small)
    with pytest.raises(SystemExit, match="--init-from: .* has shape"):
        cli.main(["train", "--steps", "1", "--init-from", os.path.join(narrow, "checkpoint.npz"),
                  "--out", str(tmp_path / "bad")] + small)
    # another model is refused too
    with pytest.raises(SystemExit, match="--init-from: .* holds another model"):
        cli.main(["train", "--steps", "1", "--num-heads", "1", "--init-from",
                  os.path.join(first, "checkpoint.npz"), "--out", str(tmp_path / "bad2")] + small)


def test_include_n_keeps_the_one_hot_of_n(rng):
    from rmc_lib.tasks import NthFarthest
    task = NthFarthest(4, 4, n_choices=(2,), include_n=True)
    assert task.input_size == NthFarthest(4, 4).input_size == 16
    x, labels = task.sample(10, rng)
    np.testing.assert_array_equal(x[:, :, 8:12], np.tile([0, 1, 0, 0], (10, 4, 1)))
    with pytest.raises(ValueError, match="include_n=False needs a single n"):
        NthFarthest(4, 4, include_n=False)


def test_a_finalized_checkpoint_keeps_the_parameters_and_refuses_to_resume(tmp_path, capsys):
    out = str(tmp_path / "run")
    args = ["train", "--objects", "3", "--features", "2", "--model", "lstm", "--hidden-size", "4",
            "--batch-size", "4", "--eval-every", "2", "--eval-size", "10", "--quiet", "--out", out]
    cli.main(args + ["--steps", "2"])
    path = os.path.join(out, "checkpoint.npz")
    _, params, optim = read_checkpoint(path)
    accuracy = cli.main(["evaluate", path])
    cli.main(["finalize", path])
    meta, params_after, optim_after = read_checkpoint(path)
    assert optim and not optim_after and "optimizer_state" in meta
    for name in params:
        np.testing.assert_array_equal(params[name], params_after[name])
    assert cli.main(["evaluate", path]) == accuracy
    with pytest.raises(SystemExit, match="without its optimiser state.*--init-from"):
        cli.main(args + ["--steps", "4", "--resume"])
    cli.main(args[:-1] + [str(tmp_path / "next"), "--steps", "2", "--init-from", path])
