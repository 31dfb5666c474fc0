"""Redo the NTM's other two tasks: repeat copy and associative recall, 3 seeds each.

    python data/make_ntm_tasks.py                              # every run, one after the other
    python data/make_ntm_tasks.py --task repeat-copy           # one task's runs only (two such
    python data/make_ntm_tasks.py --task associative-recall    #   commands can run side by side)
    python data/make_ntm_tasks.py --dry-run                    # print the commands only

The model and the training are those of data/make_ntm_copy.py (an LSTM
controller of 100 units, a memory of 128 x 20, one read and one write head,
shifts of -1, 0, +1, clipping at 20; batch 1, RMSprop lr 1e-4, momentum 0.9,
decay 0.9, gradients clipped to a global norm of 10; the held-out set of 500
fixed sequences evaluated every 500 sequences; the checkpoint with the
lowest held-out loss kept as best.npz). The tasks are the NTM paper's:

  repeat copy: 8-bit vectors, lengths 1-10, 1-10 copies (the number of
      copies fed as n / 10 on its own channel), then an end marker;
  associative recall: items of 3 vectors of 6 bits, 2-6 items per list.

Each run has a budget of training sequences, 20,000 for repeat copy and
32,000 for associative recall, about 20 minutes each on a 2-core machine
running two runs at a time, so that each task gets about an hour of
training in all (with a cap of 25 minutes per run, for a slower machine;
history.csv says how many sequences each run saw).

After each run, its best checkpoint is evaluated on the training
distribution and beyond it (repeat copy at lengths 12, 15 and 20 with 1-10
copies; associative recall with 8, 10 and 12 items), 500 sequences each;
the output is saved as evaluate.txt, and only best.npz is kept. Each run is
one `python -m rmc_lib train ...` command (printed and saved in its folder
as command.txt), single-threaded; a finished run is skipped and an
unfinished one resumed, so the script can be stopped and started again.
"""

import argparse
import os
import sys

from make_ntm_copy import MODEL, TRAINING, train_and_evaluate

OUT = os.path.join("data", "ntm_tasks")   # relative to the project folder, where the runs start
SEEDS = (0, 1, 2)
MINUTES = 25
TASKS = {
    "repeat-copy": dict(
        args=["--task", "repeat-copy", "--bits", "8", "--min-length", "1", "--max-length", "10",
              "--min-repeats", "1", "--max-repeats", "10"],
        steps=20_000, beyond="12,15,20"),
    "associative-recall": dict(
        args=["--task", "associative-recall", "--bits", "6", "--item-length", "3", "--min-items", "2",
              "--max-items", "6"],
        steps=32_000, beyond="8,10,12"),
}


def commands(task, seed):
    """(folder, train command, evaluate command) of one task and seed."""
    spec = TASKS[task]
    out = os.path.join(OUT, f"{task}", f"ntm-seed{seed}")
    train = ["python", "-m", "rmc_lib", "train", *spec["args"], *MODEL, *TRAINING, "--steps", str(spec["steps"]),
             "--minutes", str(MINUTES), "--seed", str(seed), "--out", out]
    evaluate = ["python", "-m", "rmc_lib", "evaluate", os.path.join(out, "best.npz"), "--lengths", spec["beyond"]]
    return out, train, evaluate


def run(task, seed):
    return train_and_evaluate(*commands(task, seed), TASKS[task]["steps"], MINUTES)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=sorted(TASKS), action="append",
                        help="only this task's runs (may be repeated; default: both)")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args()
    tasks = args.task or list(TASKS)
    if args.dry_run:
        for task in tasks:
            for seed in SEEDS:
                for command in commands(task, seed)[1:]:
                    print(" ".join(command))
        return
    failures = [message for task in tasks for seed in SEEDS if (message := run(task, seed))]
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
