"""Redo lesson 11's string runs: reversal and copy of symbol strings, for an
LSTM alone, an LSTM with a continuous stack and one with a queue, 3 seeds each.

    python data/make_stack_tasks.py                      # every run, one after the other
    python data/make_stack_tasks.py --task reversal      # one task's runs only (two such
    python data/make_stack_tasks.py --task symbol-copy   #   commands can run side by side)
    python data/make_stack_tasks.py --model rmc          # one model's runs only (the same)
    python data/make_stack_tasks.py --dry-run            # print the commands only

The task of Grefenstette et al. 2015: strings of 8 symbols, lengths 8-64 in
training, then a separator, then the answer (the string reversed, or copied)
one symbol a step. Every model: an LSTM of 64 units (with a stack or queue of
values of 16 numbers: --model stack-lstm / queue-lstm), or an RMC of 4 slots
and 2 heads of 32 (a memory as wide as the LSTM's state), a symbol readout at
every step; Adam 1e-3, batch 16, gradient norm clipped at 5, 6,000 steps (and
the queue LSTM on copy once more at 18,000, in symbol-copy-18k/); the
held-out set (200 strings of lengths 8-64) evaluated every 500 steps; the last
checkpoint tested on 200 strings of each of the lengths 65, 80, 100 and 128
(evaluate.txt: wrong symbols per string, and the share of strings right in
every symbol). Each run is one `python -m rmc_lib train ...` command (saved in
its folder as command.txt), single-threaded; a finished run is skipped and an
unfinished one resumed; the kept checkpoint is finalized.
"""

import argparse
import os

from make_ntm_copy import run_all

OUT = os.path.join("data", "stack_tasks")      # relative to the project folder, where the runs start
SEEDS = (0, 1, 2)
STEPS = 6000
TASKS = ("reversal", "symbol-copy")
MODELS = {"lstm": ["--model", "lstm"],
          "stack-lstm": ["--model", "stack-lstm", "--value-size", "16"],
          "queue-lstm": ["--model", "queue-lstm", "--value-size", "16"],
          "rmc": ["--model", "rmc", "--mem-slots", "4", "--head-size", "32", "--num-heads", "2"]}
# the queue LSTM's copy loss was still falling at 6,000 steps: three more runs at 18,000
LONGER = {("symbol-copy", "queue-lstm"): 18000}
TASK = ["--symbols", "8", "--min-length", "8", "--max-length", "64"]
TRAINING = ["--hidden-size", "64", "--optimizer", "adam", "--lr", "1e-3", "--batch-size", "16", "--clip", "5",
            "--eval-every", "500", "--eval-size", "200", "--quiet"]
LENGTHS = "65,80,100,128"


def commands(task, model, seed, steps=STEPS):
    """(folder, train command, evaluate command) of one run."""
    folder = task if steps == STEPS else f"{task}-{steps // 1000}k"
    out = os.path.join(OUT, folder, f"{model}-seed{seed}")
    train = ["python", "-m", "rmc_lib", "train", "--task", task, *TASK, *MODELS[model], *TRAINING,
             "--steps", str(steps), "--seed", str(seed), "--out", out]
    evaluate = ["python", "-m", "rmc_lib", "evaluate", os.path.join(out, "checkpoint.npz"), "--lengths", LENGTHS]
    return out, train, evaluate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=TASKS, action="append", help="only this task's runs (default: both)")
    parser.add_argument("--model", choices=MODELS, action="append", help="only this model's runs (default: all)")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args()
    tasks, models = args.task or TASKS, args.model or MODELS
    todo = [(t, m, s, STEPS) for t in tasks for m in models for s in SEEDS]
    todo += [(t, m, s, steps) for (t, m), steps in LONGER.items() if t in tasks and m in models for s in SEEDS]
    run_all([(*commands(*run), run[-1]) for run in todo], args.dry_run, keep_last=True)


if __name__ == "__main__":
    main()
