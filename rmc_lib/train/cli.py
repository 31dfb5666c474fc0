"""The command line: `python -m rmc_lib train ...` and `python -m rmc_lib evaluate CHECKPOINT`.

    python -m rmc_lib train --task nth-farthest --objects 4 --features 4 --n 1 \\
        --model rmc --minutes 10 --seed 0 --out runs/rmc-seed0
    python -m rmc_lib train ... --out runs/rmc-seed0 --resume --minutes 20   # carry on to 20 min in all
    python -m rmc_lib evaluate runs/rmc-seed0/checkpoint.npz
    python -m rmc_lib train --task copy --model ntm --hidden-size 100 --optimizer rmsprop --lr 1e-4 \\
        --batch-size 1 --clip 10 --minutes 10 --out runs/ntm-seed0
    python -m rmc_lib evaluate runs/ntm-seed0/checkpoint.npz --lengths 30,60,120
    python -m rmc_lib train --task dm-repeat-copy --model dnc --optimizer rmsprop --lr 1e-4 --momentum 0 \\
        --batch-size 16 --clip 50 --minutes 10 --out runs/dnc-seed0      # deepmind/dnc's train.py
    python -m rmc_lib evaluate runs/dnc-seed0/checkpoint.npz --lengths 4,8
    python -m rmc_lib train --task babi --babi-task 1 --model memn2n --optimizer sgd --momentum 0 \\
        --lr 0.16 --clip 1.25 --batch-size 32 --steps 2800 --eval-every 28 --halve-every 700 \\
        --linear-start --out runs/memn2n-qa1-seed0     # Sukhbaatar et al. 2015's recipe (see below)
    python -m rmc_lib evaluate runs/memn2n-qa1-seed0/checkpoint.npz      # error on the test file
    python -m rmc_lib finalize runs/rmc-seed0/checkpoint.npz    # a finished run: drop the optimiser state

The NTM and the DNC share the memory options; those left out take the
model's own defaults: 128 locations of 20 numbers and one read head for the
NTM, deepmind's train.py's 16 of 16 and four read heads for the DNC. Both
clip at 20 by default (--clip-value): Collier & Beel's NTM and deepmind's
train.py (whose DNC class alone does not clip).

bAbI: --babi-task picks a generated task (1, 2, 3, 6, 11, 15; --babi-size,
--babi-seed) or, with --babi-dir, the official files of any task in that
folder. The held-out evaluations during training use the validation part
(the last 10% of the training file); `evaluate` reports the test file.
rmc_lib's loss is the mean over a batch; the paper's learning rate 0.01
and clip 40 are for the sum over 32 questions, hence --lr 0.32 (0.16 in
the linear start, the paper's 0.005) and --clip 1.25. An epoch of 900
questions is 28 batches: 100 epochs are 2,800 steps, halving every 25 is
--halve-every 700. --linear-start trains without the hops' softmax until
the validation loss stops falling, then puts it back.
Any other model reads a bAbI task flattened into one step per statement.

A run folder holds checkpoint.npz (parameters, optimiser and RNG state, the
configuration), history.csv (one row per evaluation) and command.txt.
"""

import argparse
import os
import shlex
import sys

import numpy as np

from ..cores.classifier import MODEL_KINDS as CORE_KINDS
from ..tasks import TASKS
from .checkpoints import finalize_checkpoint, load_params, read_checkpoint, read_history, restore, write_history
from .configs import TASK_OPTIONS, model_config, task_config
from .loop import evaluate_metrics, linear_start_switch, train
from .optimizers import OPTIMIZERS
from .runs import accuracy_by_n, build_model, build_task, load_trained

TEST_SET_SEED = 12345
MODEL_KINDS = CORE_KINDS + ("memn2n", "act")


def parse_n(text):
    """'all' -> None (every n); '1' -> (1,); '1,2' -> (1, 2)."""
    if text == "all":
        return None
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--n takes 'all' or comma-separated integers, got {text!r}")


def parse_sizes(text):
    """'30,60,120' -> (30, 60, 120)."""
    try:
        sizes = tuple(int(v) for v in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"--lengths takes comma-separated positive integers, got {text!r}")
    return sizes


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m rmc_lib", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    tr = commands.add_parser("train", help="train a model on a task, with checkpoints",
                             formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    g = tr.add_argument_group("task")
    g.add_argument("--task", choices=sorted(TASKS), default="nth-farthest", help="the task")
    g.add_argument("--objects", type=int, default=4, help="Nth farthest: objects per sequence")
    g.add_argument("--features", type=int, default=4, help="Nth farthest: features per object")
    g.add_argument("--n", type=parse_n, default=None,
                   help="Nth farthest: which n to ask for: 'all' (default) or e.g. '1' or '1,2'")
    g.add_argument("--include-n", action="store_true",
                   help="Nth farthest: keep the one-hot of n in the input even for a single n "
                        "(a curriculum over n needs the full task's input size)")
    g.add_argument("--bits", type=int, default=None,
                   help="copy, repeat copy, associative recall, dm repeat copy: bits per vector "
                        "(None: the task's, 8, 6 or 4)")
    g.add_argument("--min-length", type=int, default=None,
                   help="copy, repeat copy, dm repeat copy: shortest sequence (None: 1)")
    g.add_argument("--max-length", type=int, default=None,
                   help="copy, repeat copy, dm repeat copy: longest sequence (None: 20 for copy, 10 for "
                        "repeat copy, 2 for dm repeat copy)")
    g.add_argument("--min-repeats", type=int, default=None,
                   help="repeat copy, dm repeat copy: fewest copies asked (None: 1)")
    g.add_argument("--max-repeats", type=int, default=None,
                   help="repeat copy, dm repeat copy: most copies asked (None: 10, or 2 for dm repeat copy)")
    g.add_argument("--norm-max", type=float, default=None,
                   help="dm repeat copy: the number of copies is fed divided by this (None: 10)")
    g.add_argument("--item-length", type=int, default=None, help="associative recall: vectors per item (None: 3)")
    g.add_argument("--min-items", type=int, default=None, help="associative recall: fewest items (None: 2)")
    g.add_argument("--max-items", type=int, default=None, help="associative recall: most items (None: 6)")
    g.add_argument("--parity-size", type=int, default=None, help="parity: numbers per vector (None: 16)")
    g.add_argument("--symbols", type=int, default=None,
                   help="reversal, symbol copy, bigram flip: symbols in the strings (None: 32)")
    g.add_argument("--babi-task", type=int, default=1, help="bAbI: the task's number")
    g.add_argument("--babi-size", choices=["1k", "10k"], default="1k", help="bAbI, generated: training questions")
    g.add_argument("--babi-seed", type=int, default=0, help="bAbI, generated: the data's seed")
    g.add_argument("--babi-dir", default=None,
                   help="bAbI: read qa<task>_*_train.txt and _test.txt from this folder (e.g. the official "
                        "tasks_1-20_v1-2/en) instead of generating them")
    g.add_argument("--babi-memory", type=int, default=50, help="bAbI: statements a question sees (the latest)")
    g.add_argument("--random-noise", type=float, default=0.1,
                   help="bAbI with memn2n: share of random gaps in training batches' temporal indices")
    g = tr.add_argument_group("model")
    g.add_argument("--model", choices=MODEL_KINDS, default="rmc", help="the recurrent core")
    g.add_argument("--mem-slots", type=int, default=4, help="RMC: memory slots N")
    g.add_argument("--head-size", type=int, default=16, help="RMC: value size per head")
    g.add_argument("--num-heads", type=int, default=2, help="RMC: attention heads")
    g.add_argument("--num-blocks", type=int, default=1, help="RMC: attention+MLP blocks per step")
    g.add_argument("--gate-style", choices=["unit", "memory", "none"], default="unit",
                   help="RMC: a gate per unit, one per memory slot, or no gates")
    g.add_argument("--mlp-layers", type=int, default=2, help="RMC: layers of the attention MLP")
    g.add_argument("--key-size", type=int, default=None, help="RMC: query/key size (default: head size)")
    g.add_argument("--forget-bias", type=float, default=1.0,
                   help="RMC: the constant forget-gate bias; LSTM: the forget gate's starting bias")
    g.add_argument("--input-bias", type=float, default=0.0, help="RMC: input-gate bias")
    g.add_argument("--hidden-size", type=int, default=64,
                   help="LSTM / Relational RNN / NTM and DNC controller: hidden units")
    g.add_argument("--memory-size", type=int, default=None,
                   help="NTM, DNC: memory locations N (None: 128 for the NTM, 16 for the DNC)")
    g.add_argument("--word-size", type=int, default=None,
                   help="NTM, DNC: numbers per location W (None: 20 for the NTM, 16 for the DNC)")
    g.add_argument("--num-reads", type=int, default=None,
                   help="NTM, DNC: read heads (None: 1 for the NTM, 4 for the DNC)")
    g.add_argument("--num-writes", type=int, default=None, help="NTM, DNC: write heads (None: 1)")
    g.add_argument("--shift-range", type=int, default=1, help="NTM: shifts a head can make (1: -1, 0, +1)")
    g.add_argument("--clip-value", type=float, default=20.0,
                   help="NTM: bound on the heads' parameters and the output; DNC: on the controller's "
                        "output and state and on the output (0: none)")
    g.add_argument("--value-size", type=int, default=None, help="stack-lstm, queue-lstm: numbers per value (None: 8)")
    g.add_argument("--threshold", type=float, default=0.99, help="ACT: halting threshold (Graves: 1 - 0.01)")
    g.add_argument("--max-ponder", type=int, default=0, help="ACT: most ponder steps per time step (0: no limit)")
    g.add_argument("--ponder-penalty", type=float, default=1e-3, help="ACT: weight of the ponder cost N + R")
    g.add_argument("--embedding-size", type=int, default=20, help="MemN2N: embedding size d")
    g.add_argument("--hops", type=int, default=3, help="MemN2N: hops K")
    g.add_argument("--encoding", choices=["position", "bag"], default="position",
                   help="MemN2N: position encoding or a plain bag of words")
    g.add_argument("--no-temporal", action="store_true", help="MemN2N: no temporal encoding")
    g.add_argument("--attend-empty", action="store_true",
                   help="MemN2N: empty memory slots take part in the softmax with score 0 (the released code)")
    g.add_argument("--head-hidden", type=int, default=128, help="readout head of the classifier tasks (Nth farthest): hidden units")
    g.add_argument("--dtype", choices=["float32", "float64"], default="float32", help="number type")
    g = tr.add_argument_group("training")
    g.add_argument("--steps", type=int, default=None, help="stop after this many steps in all")
    g.add_argument("--minutes", type=float, default=None, help="stop after this many minutes in all")
    g.add_argument("--batch-size", type=int, default=64, help="examples per step")
    g.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam", help="optimiser")
    g.add_argument("--lr", type=float, default=1e-3, help="learning rate")
    g.add_argument("--momentum", type=float, default=0.9, help="SGD and RMSprop momentum")
    g.add_argument("--rmsprop-decay", type=float, default=0.9,
                   help="RMSprop: decay of the running mean of squared gradients")
    g.add_argument("--clip", type=float, default=1.0, help="global gradient-norm clip (0: none)")
    g.add_argument("--clip-each", action="store_true",
                   help="clip each parameter's gradient norm on its own (the released MemN2N code), not jointly")
    g.add_argument("--warmup", type=int, default=0, help="learning-rate warm-up steps")
    g.add_argument("--decay-steps", type=int, default=None, help="cosine decay steps after warm-up")
    g.add_argument("--halve-every", type=int, default=None, help="halve the learning rate every this many steps")
    g.add_argument("--linear-start", action="store_true",
                   help="MemN2N: no softmax in the hops until the validation loss stops falling")
    g.add_argument("--linear-start-steps", type=int, default=None,
                   help="MemN2N: end the linear start after this many steps instead (the released code: 20 epochs)")
    g.add_argument("--eval-every", type=int, default=250, help="steps between evaluations")
    g.add_argument("--eval-size", type=int, default=2000, help="held-out examples")
    g.add_argument("--stop-at", type=float, default=None, help="stop once held-out accuracy reaches this")
    g.add_argument("--seed", type=int, default=0, help="seed for initialisation and training data")
    g.add_argument("--out", required=True, help="run folder for checkpoint.npz, history.csv, command.txt")
    g.add_argument("--resume", action="store_true",
                   help="continue from OUT/checkpoint.npz (same model, task and settings)")
    g.add_argument("--init-from", default=None, metavar="CHECKPOINT",
                   help="start from the parameters of another run's checkpoint (same model; the "
                        "task may differ, e.g. the next stage of a curriculum); the optimiser starts afresh")
    g.add_argument("--keep-best", action="store_true",
                   help="also keep OUT/best.npz, the checkpoint of the lowest held-out loss so far")
    g.add_argument("--quiet", action="store_true", help="no progress bar")

    fin = commands.add_parser("finalize", help="drop a finished run's optimiser state from its checkpoint")
    fin.add_argument("checkpoints", nargs="+", help="checkpoint.npz (or best.npz) files of finished runs")

    ev = commands.add_parser("evaluate", help="accuracy of a checkpoint on its task's held-out set")
    ev.add_argument("checkpoint", help="a checkpoint.npz written by train")
    ev.add_argument("--eval-size", type=int, default=None, help="held-out examples (default: as trained)")
    ev.add_argument("--lengths", type=parse_sizes, default=None,
                    help="per-step tasks: also test at these sizes, e.g. 30,60,120 (the sequence length; "
                         "for associative recall the number of items)")
    return parser


def start_from(model, model_cfg, path):
    """Copy the parameters of another run's checkpoint into model (--init-from)."""
    try:
        meta, params, _ = read_checkpoint(path)
    except (OSError, ValueError) as error:
        sys.exit(f"--init-from: cannot read {path}: {error}")
    if meta["model"] != model_cfg:
        sys.exit(f"--init-from: {path} holds another model: {meta['model']!r}, this run has {model_cfg!r}")
    try:
        load_params(model, params, source=path)
    except ValueError as error:
        sys.exit(f"--init-from: {error}")
    print(f"starting from the parameters of {path} (step {meta['step']}, task {meta['task']})")


def make_optimizer(args, params):
    """The optimiser --optimizer names, with its options."""
    if args.optimizer == "sgd":
        return OPTIMIZERS["sgd"](params, lr=args.lr, momentum=args.momentum)
    if args.optimizer == "rmsprop":
        return OPTIMIZERS["rmsprop"](params, lr=args.lr, momentum=args.momentum, decay=args.rmsprop_decay)
    return OPTIMIZERS[args.optimizer](params, lr=args.lr)


def run_train(args, argv):
    os.makedirs(args.out, exist_ok=True)
    checkpoint_path = os.path.join(args.out, "checkpoint.npz")
    history_path = os.path.join(args.out, "history.csv")
    if os.path.exists(checkpoint_path) and not args.resume:
        sys.exit(f"{checkpoint_path} exists: add --resume to continue it, or choose another --out")
    if args.resume and not os.path.exists(checkpoint_path):
        sys.exit(f"--resume: there is no {checkpoint_path} to continue")
    if args.steps is None and args.minutes is None:
        sys.exit("give --steps or --minutes (or both)")

    task_cfg, model_cfg = task_config(args), model_config(args)
    settings = {"optimizer": args.optimizer, "lr": args.lr, "momentum": args.momentum,
                "clip": args.clip, "warmup": args.warmup, "decay_steps": args.decay_steps,
                "batch_size": args.batch_size, "eval_every": args.eval_every,
                "eval_size": args.eval_size, "seed": args.seed}
    if args.init_from is not None:
        settings["init_from"] = args.init_from
    if args.optimizer == "rmsprop":
        settings["rmsprop_decay"] = args.rmsprop_decay
    if args.halve_every:
        settings["halve_every"] = args.halve_every
    if args.clip_each:
        settings["clip_each"] = True
    if args.linear_start:
        if args.model != "memn2n":
            sys.exit("--linear-start applies to --model memn2n only")
        settings["linear_start"] = True
        if args.linear_start_steps:
            settings["linear_start_steps"] = args.linear_start_steps
    try:
        task = build_task(task_cfg)
    except ValueError as error:
        sys.exit(f"bad task: {error}")
    if args.task in TASK_OPTIONS:
        task_cfg = {"name": args.task, **task.config()}
    rng = np.random.default_rng(args.seed)
    try:
        model = build_model(model_cfg, task, rng)
    except ValueError as error:
        sys.exit(f"bad model: {error}")
    if args.init_from is not None and not args.resume:
        start_from(model, model_cfg, args.init_from)
    optimizer = make_optimizer(args, model.params)
    meta = {"model": model_cfg, "task": task_cfg, "settings": settings}

    start_step, start_seconds, history = 0, 0.0, []
    if args.resume:
        try:
            saved = restore(checkpoint_path, model, optimizer, rng, meta)
        except ValueError as error:
            sys.exit(f"cannot resume: {error}")
        start_step, start_seconds = saved["step"], saved["seconds"]
        if "linear_start_ended" in saved:
            meta["linear_start_ended"] = saved["linear_start_ended"]
        if os.path.exists(history_path):
            # keep only rows the checkpoint had reached; rewrite the file to match
            history = [r for r in read_history(history_path) if r["step"] <= start_step]
            write_history(history_path, history)
        print(f"resuming {checkpoint_path} at step {start_step}")
    command = "python -m rmc_lib " + " ".join(shlex.quote(a) for a in argv)
    with open(os.path.join(args.out, "command.txt"), "a") as f:
        f.write(command + "\n")
    print(f"{model_cfg['kind']}: {model.num_params():,} parameters; task {task_cfg}")

    if hasattr(task, "validation_set"):       # bAbI: the held-out part of the training file
        eval_set = task.validation_set()
    else:
        eval_set = task.test_set(args.eval_size, seed=TEST_SET_SEED)
    on_evaluation = None
    if args.linear_start:
        model.linear = "linear_start_ended" not in meta
        on_evaluation = linear_start_switch(model, meta, history, args.linear_start_steps)
    try:
        history = train(model, task, optimizer, rng, steps=args.steps, minutes=args.minutes,
                        batch_size=args.batch_size, clip=args.clip or None,
                        warmup_steps=args.warmup, decay_steps=args.decay_steps,
                        eval_set=eval_set, eval_every=args.eval_every, history=history,
                        history_path=history_path, checkpoint_path=checkpoint_path,
                        checkpoint_meta=meta, start_step=start_step, start_seconds=start_seconds,
                        progress=not args.quiet, stop_at_accuracy=args.stop_at,
                        best_path=os.path.join(args.out, "best.npz") if args.keep_best else None,
                        halve_every=args.halve_every, on_evaluation=on_evaluation, clip_each=args.clip_each)
    except KeyboardInterrupt:
        print(f"\ninterrupted: checkpoint saved to {checkpoint_path}; "
              f"continue with the same command and --resume")
        sys.exit(130)
    except FloatingPointError as error:
        sys.exit(f"stopped: {error}. {checkpoint_path} holds the last evaluated step")
    last = history[-1] if history else None
    if last is not None:
        errors = f", {last['eval_bit_errors']:.3f} wrong bits per sequence" if "eval_bit_errors" in last else ""
        print(f"step {int(last['step'])}: held-out accuracy {last['eval_accuracy']:.4f}, "
              f"loss {last['eval_loss']:.4f}{errors}")


def run_evaluate(args):
    model, task, meta = load_trained(args.checkpoint)
    if args.lengths and not hasattr(task, "size_argument"):
        sys.exit("--lengths applies to the sequence tasks (copy, repeat copy, associative recall, dm repeat copy, "
                 "reversal, symbol copy, bigram flip)")
    size = args.eval_size or meta["settings"]["eval_size"]
    if meta["task"]["name"] == "babi":
        size = args.eval_size or len(task.test_questions)
    x, labels = task.test_set(size, seed=TEST_SET_SEED)
    metrics = evaluate_metrics(model, x, labels)
    accuracy, predictions = metrics["accuracy"], metrics["predictions"]
    print(f"{args.checkpoint}: step {meta['step']}, {meta['model']['kind']}, task {meta['task']}")
    print(f"held-out accuracy {accuracy:.4f} (loss {metrics['loss']:.4f}) on {size} examples")
    if meta["task"]["name"] == "babi":
        print(f"  test error {1 - accuracy:.4f} ({np.sum(predictions != labels)} of {size} questions wrong)")
    if hasattr(task, "size_argument"):
        wrong = "bit_errors" if "bit_errors" in metrics else "symbol_errors"
        unit = "bits" if wrong == "bit_errors" else "symbols"
        print(f"  {metrics[wrong]:.3f} wrong {unit} per sequence")
        for value in args.lengths or ():
            at = evaluate_metrics(model, *task.test_set(size, seed=TEST_SET_SEED, **{task.size_argument: value}))
            print(f"  {task.size_argument} {value}: {at[wrong]:.3f} wrong {unit} per sequence, "
                  f"{at['accuracy']:.4f} of sequences perfect")
    if meta["task"]["name"] == "nth-farthest" and task.include_n:
        for value, (value_accuracy, count) in accuracy_by_n(model, task, x, labels, predictions).items():
            print(f"  n = {value}: accuracy {value_accuracy:.4f} ({count} examples)")
    return accuracy


def main(argv=None):
    """Run the command line; argv defaults to sys.argv[1:]. `evaluate` returns the accuracy."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    if args.command == "train":
        return run_train(args, argv)
    if args.command == "finalize":
        for path in args.checkpoints:
            before, after = finalize_checkpoint(path)
            print(f"{path}: {before:,} -> {after:,} bytes (parameters kept, optimiser state dropped)")
        return None
    return run_evaluate(args)


if __name__ == "__main__":
    main()
