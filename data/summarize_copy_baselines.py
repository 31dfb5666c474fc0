"""Print the tables of the copy baselines in data/copy_baselines (made by
make_copy_baselines.py), beside those of the NTM in data/ntm_copy.

    python data/summarize_copy_baselines.py

The same measurements as data/summarize_ntm_copy.py, for each model: per
seed, the training sequences (and seconds) until the held-out set first had
fewer than 0.5 wrong bits per sequence, or that it never did; the best
evaluation; how often the held-out error went back above 1 bit after first
falling below 0.5; and the best checkpoint's wrong bits per sequence at each
length (from evaluate.txt), with the mean over seeds.
"""

import os

import numpy as np

from summarize_ntm_copy import THRESHOLD, first_below, lengths_from_report, spikes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDERS = {"lstm": os.path.join(ROOT, "data", "copy_baselines"),
           "rmc": os.path.join(ROOT, "data", "copy_baselines"),
           "ntm": os.path.join(ROOT, "data", "ntm_copy")}
NAMES = {"lstm": "LSTM (118 units, 61,368 parameters)",
         "rmc": "RMC (4 slots, 2 heads of 40, 1 block; 62,488 parameters)",
         "ntm": "NTM (LSTM 100, memory 128 x 20; 62,260 parameters)"}


def summarize(model):
    from rmc_lib.train.runs import load_runs

    folder = FOLDERS[model]
    runs = load_runs(folder).get(model, []) if os.path.isdir(folder) else []
    if not runs:
        print(f"{NAMES[model]}: no runs in {folder}\n")
        return
    print(f"{NAMES[model]} on copy (lengths 1-20): training sequences until < {THRESHOLD} wrong bits "
          f"per held-out sequence")
    reached, tables = [], []
    for seed, columns in runs:
        examples, seconds = first_below(columns)
        best = int(np.argmin(columns["eval_bit_errors"]))
        reached.append(examples)
        got = (f"{examples:,.0f} sequences ({seconds:.0f} s)" if np.isfinite(examples)
               else f"never below {THRESHOLD}")
        print(f"  seed {seed}: {got}; best {columns['eval_bit_errors'][best]:.3f} wrong bits at "
              f"{columns['examples'][best]:,.0f}; later evaluations above 1 bit: {spikes(columns)}; "
              f"{columns['examples'][-1]:,.0f} sequences in all ({columns['seconds'][-1]:.0f} s)")
        tables.append(lengths_from_report(os.path.join(folder, f"{model}-seed{seed}", "evaluate.txt")))
    reached = np.array(reached)
    if np.any(np.isfinite(reached)):
        print(f"  mean {np.nanmean(reached):,.0f}, range {np.nanmin(reached):,.0f}-{np.nanmax(reached):,.0f}; "
              f"{np.sum(np.isfinite(reached))} of {len(reached)} seeds got there")
    else:
        print(f"  none of the {len(reached)} seeds got there")
    keys = next((list(t) for t in tables if t), [])
    if keys:
        print("best checkpoint, wrong bits per sequence (500 held-out sequences per length)")
        print("  length   " + "  ".join(f"seed {seed:<3d}" for seed, _ in runs) + "  mean")
        for key in keys:
            values = [t.get(key, float("nan")) for t in tables]
            print(f"  {str(key):7s}  " + "  ".join(f"{v:8.3f}" for v in values) + f"  {np.nanmean(values):.3f}")
    print()


def main():
    for model in ("lstm", "rmc", "ntm"):
        summarize(model)


if __name__ == "__main__":
    main()
