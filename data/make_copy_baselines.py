"""Redo the copy baselines: the LSTM and the RMC on the NTM's copy task, 3 seeds each.

    python data/make_copy_baselines.py                # every run, one after the other
    python data/make_copy_baselines.py --model lstm   # one model's runs only (two such
    python data/make_copy_baselines.py --model rmc    #   commands can run side by side)
    python data/make_copy_baselines.py --dry-run      # print the commands only

The task and the training are those of data/make_ntm_copy.py: copy of 8-bit
vectors, lengths 1-20 drawn uniformly; batch 1, RMSprop lr 1e-4, momentum
0.9, decay 0.9, gradients clipped to a global norm of 10; 20,000 training
sequences (or 15 minutes, if that comes first: on a 2-core machine, two runs
at a time, an LSTM run took about 70 s and an RMC run about 170 s); the held-out set of 500
fixed sequences of lengths 1-20, evaluated every 500 sequences; the
checkpoint with the lowest held-out loss kept as best.npz.

The sizes are chosen for parameter counts close to the NTM's 62,260 (the
core and the linear readout that the tagger puts on it):
  LSTM: 118 hidden units, 61,368 parameters;
  RMC: 4 memory slots, 2 heads of size 40 (slots of 80 numbers), 1 block,
       a gate per unit, a 2-layer attention MLP, 62,488 parameters.

After each run, its best checkpoint is evaluated at the training lengths and
at lengths 30, 40, 60, 80 and 120 (500 sequences each); the output is saved
as evaluate.txt in the run's folder, and checkpoint.npz is deleted, so that
each folder keeps one checkpoint, best.npz (finalized: its optimiser state
dropped). Each run is one `python -m rmc_lib train ...` command (printed,
and saved in its folder as command.txt), single-threaded. A finished run is
skipped and an unfinished one (its checkpoint short of the budget) resumed
with --resume, so the script can be stopped and started again.
"""

import argparse
import os
import sys

from make_ntm_copy import train_and_evaluate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join("data", "copy_baselines")   # relative to ROOT, where the runs start
SEEDS = (0, 1, 2)
STEPS, MINUTES = 20_000, 15
LENGTHS = "30,40,60,80,120"
TASK = ["--task", "copy", "--bits", "8", "--min-length", "1", "--max-length", "20"]
MODELS = {
    "lstm": ["--model", "lstm", "--hidden-size", "118"],
    "rmc": ["--model", "rmc", "--mem-slots", "4", "--head-size", "40", "--num-heads", "2", "--num-blocks", "1"],
}
TRAINING = ["--optimizer", "rmsprop", "--lr", "1e-4", "--momentum", "0.9", "--rmsprop-decay", "0.9",
            "--batch-size", "1", "--clip", "10", "--eval-every", "500", "--eval-size", "500",
            "--keep-best", "--quiet"]


def commands(model, seed):
    """(folder, train command, evaluate command) of one model and seed."""
    out = os.path.join(OUT, f"{model}-seed{seed}")
    train = ["python", "-m", "rmc_lib", "train", *TASK, *MODELS[model], *TRAINING, "--steps", str(STEPS),
             "--minutes", str(MINUTES), "--seed", str(seed), "--out", out]
    evaluate = ["python", "-m", "rmc_lib", "evaluate", os.path.join(out, "best.npz"), "--lengths", LENGTHS]
    return out, train, evaluate


def run(model, seed):
    return train_and_evaluate(*commands(model, seed), STEPS, MINUTES)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(MODELS), action="append",
                        help="only this model's runs (may be repeated; default: lstm, then rmc)")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args()
    models = args.model or list(MODELS)
    if args.dry_run:
        for model in models:
            for seed in SEEDS:
                for command in commands(model, seed)[1:]:
                    print(" ".join(command))
        return
    failures = [message for model in models for seed in SEEDS if (message := run(model, seed))]
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
