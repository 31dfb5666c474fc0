"""Redo lesson 10's runs: MemN2N on every generated bAbI-style task at 1k, and
the LSTM and the RMC on tasks 1-3 flattened into sequences, 3 seeds each.

    python data/make_babi.py                        # every run, one after the other
    python data/make_babi.py --model memn2n         # one model's runs only (two such
    python data/make_babi.py --model lstm --model rmc   #   commands can run side by side)
    python data/make_babi.py --dry-run              # print the commands only

MemN2N: Sukhbaatar et al. 2015's bAbI recipe: 3 hops, d = 20, position and
  temporal encoding, adjacent tying, linear start, random noise; SGD without
  momentum, batch 32, 100 epochs of the 900 training questions (2,800
  steps), learning rate halved every 25 epochs, gradient norm clipped at 40.
  Our loss is the mean over the batch, theirs the sum, so the paper's rate
  0.005 (with linear start) and clip 40 are --lr 0.16 and --clip 1.25 here.
  Evaluated on the validation part once an epoch (28 steps); the last
  checkpoint is tested, as the paper's. The linear start ends when the
  validation loss stops falling (the paper's rule).
MemN2N-ls20: the same, but the linear start lasts 20 epochs (560 steps), as
  the released code's (its 100 epochs then follow; here the 2,800 steps
  include the 20 epochs).
MemN2N-released: the same with the released code's other choices too: the
  20-epoch linear start, the empty slots of a short story in each hop's
  softmax (score 0, nothing to read), and each weight matrix's gradient
  clipped on its own (--clip-each) rather than all jointly.
MemN2N-released with one part switched off, on the task where that part
  matters: a bag of words instead of position encoding on task 15, no
  temporal encoding on task 1, one hop instead of three on task 2, the empty
  slots masked out again on task 6 (yes/no questions).
LSTM and RMC: the same questions, one step per statement (its bag of words)
  and one for the question, read by the series' classifier (lesson 05):
  an LSTM of 64 units, or the RMC of lessons 04-06 (4 slots, 2 heads of
  16), each with a readout of 32 hidden units; Adam 1e-3, clip 1, batch 32,
  the same 2,800 steps: the same 89,600 training questions as the MemN2N.
  Tasks 1, 2 and 3 only (single fact, then facts to chain), to keep data/
  small. lstm-long and rmc-long: the same with ten times the steps (28,000),
  tasks 1 and 2, seed 0.

The data are the generated tasks (rmc_lib.tasks.babi_generate, data seed 0);
add --babi-dir FOLDER to the commands to train on the official files.
Each run is one `python -m rmc_lib train ...` command (saved in its folder
as command.txt), single-threaded, then `python -m rmc_lib evaluate` on the
test file into evaluate.txt; a finished run is skipped and an unfinished one
resumed. Tables: `python data/summarize_babi.py`.
"""

import argparse
import os

from make_ntm_copy import run_all

OUT = os.path.join("data", "babi")       # relative to the project folder, where the runs start
SEEDS = (0, 1, 2)
STEPS = 2800
MEMN2N_TASKS = (1, 2, 3, 6, 11, 15)
SEQUENCE_TASKS = (1, 2, 3)
MEMN2N = ["--model", "memn2n", "--embedding-size", "20", "--hops", "3", "--optimizer", "sgd",
          "--momentum", "0", "--lr", "0.16", "--clip", "1.25", "--halve-every", "700", "--linear-start"]
# the released code's choices where the paper's text is silent or differs: a linear start of 20 epochs,
# empty slots in the softmax, each weight matrix's gradient clipped on its own
RELEASED = [*MEMN2N, "--linear-start-steps", "560", "--attend-empty", "--clip-each"]
MODELS = {
    "memn2n": MEMN2N,
    "memn2n-ls20": [*MEMN2N, "--linear-start-steps", "560"],
    "memn2n-released": [*RELEASED],
    # what each part fixes, shown by switching it off (lesson 10), on the task where it matters
    "memn2n-released-bag": [*RELEASED, "--encoding", "bag"],     # task 15: who is afraid of whom is in the order
    "memn2n-released-notime": [*RELEASED, "--no-temporal"],      # task 1: which move is the latest
    "memn2n-released-1hop": [*RELEASED, "--hops", "1"],          # task 2: two facts, one attention
    "memn2n-released-masked": [*MEMN2N, "--linear-start-steps", "560", "--clip-each"],   # task 6: no empty slots
    "lstm": ["--model", "lstm", "--hidden-size", "64", "--head-hidden", "32", "--optimizer", "adam",
             "--lr", "1e-3", "--clip", "1"],
    "rmc": ["--model", "rmc", "--mem-slots", "4", "--num-heads", "2", "--head-size", "16", "--head-hidden", "32",
            "--optimizer", "adam", "--lr", "1e-3", "--clip", "1"],
}


def commands(model, task, seed):
    """(folder, train command, evaluate command) of one run."""
    out = os.path.join(OUT, f"qa{task}", f"{model}-seed{seed}")
    steps, every = steps_of(model), (280 if model in LONG else 28)
    train = ["python", "-m", "rmc_lib", "train", "--task", "babi", "--babi-task", str(task),
             *MODELS[LONG.get(model, model)], "--batch-size", "32", "--steps", str(steps), "--eval-every", str(every),
             "--seed", str(seed), "--quiet", "--out", out]
    evaluate = ["python", "-m", "rmc_lib", "evaluate", os.path.join(out, "checkpoint.npz")]
    return out, train, evaluate


ABLATION_TASKS = {"memn2n-released-bag": (15,), "memn2n-released-notime": (1,), "memn2n-released-1hop": (2,),
                  "memn2n-released-masked": (6,)}
# the LSTM and the RMC with ten times the budget (28,000 steps), on tasks 1 and 2, seed 0 only
LONG = {"lstm-long": "lstm", "rmc-long": "rmc"}
LONG_STEPS = 28_000


def tasks_of(model):
    if model in LONG:
        return (1, 2)
    if model in ABLATION_TASKS:
        return ABLATION_TASKS[model]
    return MEMN2N_TASKS if model.startswith("memn2n") else SEQUENCE_TASKS


def steps_of(model):
    return LONG_STEPS if model in LONG else STEPS


def runs(models):
    return [(m, t, s) for m in models for t in tasks_of(m) for s in ((0,) if m in LONG else SEEDS)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(MODELS) + sorted(LONG), action="append",
                        help="only this model's runs (may be repeated; default: all)")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args()
    todo = runs(args.model or list(MODELS) + list(LONG))
    run_all([(*commands(*run), steps_of(run[0])) for run in todo], args.dry_run, keep_last=True)


if __name__ == "__main__":
    main()
