"""Redo lesson 11's parity runs: Adaptive Computation Time on the parity of
16-number vectors, with four ponder penalties (1e-4, 1e-3, 3e-3, 1e-2),
against the same network without pondering, 3 seeds each.

    python data/make_parity.py               # every run, one after the other
    python data/make_parity.py --dry-run     # print the commands only

The task of Graves 2016 (section 3.1), at 16 entries instead of 64: a random
number (1-16) of the entries are +1 or -1, the rest 0; the label is the
parity of the +1s. The input is one step; ACT ponders on it. Every model: an
LSTM of 64 units (Sonnet's snt.LSTM, as ACT wraps it), Adam 1e-3, batch 32,
gradient norm clipped at 1, 60,000 steps, at most 20 ponder steps (Graves
allows 100; with a batch pondering until its slowest example halts, a higher
limit mostly costs time); the held-out set (1,000 vectors) evaluated every
2,000 steps. "No pondering" is the same ACT network held to one step
(--max-ponder 1): then its output is the LSTM's, and the ponder cost N + R = 2
is a constant with no gradient. Each run is one `python -m rmc_lib train ...`
command (saved in its folder as command.txt), single-threaded; a finished run
is skipped and an unfinished one resumed; the last checkpoint is kept and
finalized. The table and the ponder steps per number of nonzero entries:
`python data/summarize_parity.py`.
"""

import argparse
import os

from make_ntm_copy import run_all

OUT = os.path.join("data", "parity")           # relative to the project folder, where the runs start
SEEDS = (0, 1, 2)
STEPS = 60000
MODELS = {"act-1e-3": ["--ponder-penalty", "1e-3", "--max-ponder", "20"],
          "act-1e-2": ["--ponder-penalty", "1e-2", "--max-ponder", "20"],
          "act-1e-4": ["--ponder-penalty", "1e-4", "--max-ponder", "20"],
          "act-3e-3": ["--ponder-penalty", "3e-3", "--max-ponder", "20"],
          "no-ponder": ["--max-ponder", "1"]}
TRAINING = ["--task", "parity", "--parity-size", "16", "--model", "act", "--hidden-size", "64",
            "--optimizer", "adam", "--lr", "1e-3", "--batch-size", "32", "--clip", "1",
            "--eval-every", "2000", "--eval-size", "1000", "--quiet"]


def commands(model, seed):
    """(folder, train command, evaluate command) of one run."""
    out = os.path.join(OUT, f"{model}-seed{seed}")
    train = ["python", "-m", "rmc_lib", "train", *TRAINING, *MODELS[model],
             "--steps", str(STEPS), "--seed", str(seed), "--out", out]
    evaluate = ["python", "-m", "rmc_lib", "evaluate", os.path.join(out, "checkpoint.npz")]
    return out, train, evaluate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=MODELS, action="append", help="only this model's runs (default: all)")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args()
    run_all([(*commands(m, s), STEPS) for m in (args.model or MODELS) for s in SEEDS], args.dry_run, keep_last=True)


if __name__ == "__main__":
    main()
