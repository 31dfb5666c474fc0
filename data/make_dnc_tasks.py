"""Redo the DNC's algorithmic runs: copy beside the NTM, and deepmind's repeat copy, 3 seeds each.

    python data/make_dnc_tasks.py                          # every run, one after the other
    python data/make_dnc_tasks.py --task copy              # one task's runs only (two such
    python data/make_dnc_tasks.py --task dm-repeat-copy    #   commands can run side by side)
    python data/make_dnc_tasks.py --task dm-repeat-copy --seed 1   # one seed's runs only
    python data/make_dnc_tasks.py --dry-run                # print the commands only

copy: the DNC beside lesson 08's NTM (data/make_ntm_copy.py), with the same
  task, recipe and budget: copy of 8-bit vectors, lengths 1-20; batch 1,
  RMSprop lr 1e-4, momentum 0.9, decay 0.9, global-norm clip 10; 20,000
  sequences (or 40 minutes); best checkpoint kept and evaluated at lengths
  30, 40, 60, 80 and 120. The DNC has the NTM's sizes: a Sonnet LSTM of 100
  units, a memory of 128 x 20, one read and one write head, clipping at 20
  (61,856 parameters; the NTM has 62,260).

dm-repeat-copy: deepmind/dnc's own task and train.py settings (4-bit
  patterns, an LSTM of 64 units, memory 16 x 16, 4 read heads, 1 write head,
  clip value 20; batch 16, RMSprop lr 1e-4 without momentum, epsilon 1e-10,
  global-norm clip 50; 43,980 parameters) with a curriculum over the
  pattern's length and the number of copies, as train.py allows by its
  flags (it has no curriculum of its own): each stage starts from the
  previous stage's best parameters (--init-from) with a fresh optimiser,

      stage 1  lengths 1-2, 1-2 copies (train.py's defaults)
      stage 2  lengths 1-4, 1-4 copies
      stage 3  lengths 1-6, 1-6 copies

  each for 20,000 steps (or at most 40 minutes), ending early once 95% of
  the 500 held-out sequences are copied without a wrong bit. Every stage's
  best checkpoint is evaluated on its own distribution and at lengths 7, 8,
  10 and 12 (1 to the stage's most copies). Our loss is the mean
  cross-entropy per answer bit; deepmind's sums over bits and steps and
  divides by the batch: RMSprop divides the scale out, so the two differ
  only over the first steps (while its running mean of g^2 is still near
  its start of 1) and in where the clip of 50 bites.

Each run is one `python -m rmc_lib train ...` command (printed and saved in
its folder as command.txt), single-threaded; a finished run is skipped and an
unfinished one resumed, so the script can be stopped and started again. Only
each run's best checkpoint (best.npz) is kept.
"""

import argparse
import os
import sys

from make_ntm_copy import TRAINING as NTM_TRAINING
from make_ntm_copy import train_and_evaluate

OUT = os.path.join("data", "dnc_tasks")   # relative to the project folder, where the runs start
SEEDS = (0, 1, 2)
COPY = dict(
    task=["--task", "copy", "--bits", "8", "--min-length", "1", "--max-length", "20"],
    model=["--model", "dnc", "--hidden-size", "100", "--memory-size", "128", "--word-size", "20",
           "--num-reads", "1", "--num-writes", "1", "--clip-value", "20"],
    training=NTM_TRAINING, steps=20_000, minutes=40, lengths="30,40,60,80,120")
REPEAT_COPY = dict(
    model=["--model", "dnc", "--hidden-size", "64", "--memory-size", "16", "--word-size", "16",
           "--num-reads", "4", "--num-writes", "1", "--clip-value", "20"],
    training=["--optimizer", "rmsprop", "--lr", "1e-4", "--momentum", "0", "--rmsprop-decay", "0.9",
              "--batch-size", "16", "--clip", "50", "--eval-every", "1000", "--eval-size", "500",
              "--keep-best", "--stop-at", "0.95", "--quiet"],
    stages=(2, 4, 6), steps=20_000, minutes=40, lengths="7,8,10,12")


def copy_commands(seed):
    """(folder, train command, evaluate command) of one copy seed."""
    out = os.path.join(OUT, "copy", f"dnc-seed{seed}")
    train = ["python", "-m", "rmc_lib", "train", *COPY["task"], *COPY["model"], *COPY["training"],
             "--steps", str(COPY["steps"]), "--minutes", str(COPY["minutes"]), "--seed", str(seed), "--out", out]
    evaluate = ["python", "-m", "rmc_lib", "evaluate", os.path.join(out, "best.npz"), "--lengths", COPY["lengths"]]
    return [(out, train, evaluate)]


def repeat_copy_commands(seed):
    """[(folder, train command, evaluate command)] of one seed's stages, in order."""
    chain, previous = [], None
    for stage, most in enumerate(REPEAT_COPY["stages"], start=1):
        out = os.path.join(OUT, "dm-repeat-copy", f"stage{stage}", f"dnc-seed{seed}")
        task = ["--task", "dm-repeat-copy", "--bits", "4", "--min-length", "1", "--max-length", str(most),
                "--min-repeats", "1", "--max-repeats", str(most)]
        start = ["--init-from", os.path.join(previous, "best.npz")] if previous else []
        train = ["python", "-m", "rmc_lib", "train", *task, *REPEAT_COPY["model"], *REPEAT_COPY["training"],
                 "--steps", str(REPEAT_COPY["steps"]), "--minutes", str(REPEAT_COPY["minutes"]),
                 "--seed", str(seed), *start, "--out", out]
        evaluate = ["python", "-m", "rmc_lib", "evaluate", os.path.join(out, "best.npz"),
                    "--lengths", REPEAT_COPY["lengths"]]
        chain.append((out, train, evaluate))
        previous = out
    return chain


TASKS = {"copy": (copy_commands, COPY), "dm-repeat-copy": (repeat_copy_commands, REPEAT_COPY)}


def run(task, seed):
    """Train and evaluate one seed's runs in order; None or a failure message."""
    commands, spec = TASKS[task]
    for out, train, evaluate in commands(seed):
        message = train_and_evaluate(out, train, evaluate, spec["steps"], spec["minutes"])
        if message:
            return message
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=sorted(TASKS), action="append",
                        help="only this task's runs (may be repeated; default: both)")
    parser.add_argument("--seed", type=int, choices=SEEDS, action="append",
                        help="only this seed's runs (may be repeated; default: every seed)")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args()
    tasks, seeds = args.task or list(TASKS), args.seed or SEEDS
    if args.dry_run:
        for task in tasks:
            for seed in seeds:
                for _, train, evaluate in TASKS[task][0](seed):
                    print(" ".join(train))
                    print(" ".join(evaluate))
        return
    failures = [message for task in tasks for seed in seeds if (message := run(task, seed))]
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
