"""Print the tables of the NTM copy runs in data/ntm_copy (made by make_ntm_copy.py).

    python data/summarize_ntm_copy.py

Per seed: the training sequences (and seconds) until the held-out set first
had fewer than 0.5 wrong bits per sequence; the best evaluation; how often
the held-out error went back above 1 bit after first falling below 0.5 (a
loss spike); and the best checkpoint's wrong bits per sequence at each length
(from evaluate.txt). Then the mean and the range over seeds.
"""

import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDER = os.path.join(ROOT, "data", "ntm_copy")
THRESHOLD = 0.5


def first_below(columns, threshold=THRESHOLD):
    """(examples, seconds) at the first evaluation below threshold, or (nan, nan)."""
    below = np.flatnonzero(columns["eval_bit_errors"] < threshold)
    if not below.size:
        return float("nan"), float("nan")
    return float(columns["examples"][below[0]]), float(columns["seconds"][below[0]])


def spikes(columns, threshold=THRESHOLD, spike=1.0):
    """Evaluations above `spike` wrong bits after the first one below threshold."""
    errors = columns["eval_bit_errors"]
    below = np.flatnonzero(errors < threshold)
    return int(np.sum(errors[below[0]:] > spike)) if below.size else 0


def lengths_from_report(path, trained="1-20"):
    """{length: wrong bits per sequence} from an evaluate.txt (`trained` for the training lengths), {} if absent."""
    from rmc_lib.train.runs import read_evaluation

    if not os.path.exists(path):
        return {}
    table = read_evaluation(path)
    return {trained: table.pop("trained"), **table}


def summarize(name, folder, model, task="copy (lengths 1-20)", size="length", trained="1-20"):
    """Print the tables of the runs of `model` in `folder` (kind-seedS folders),
    under the heading `name`; `task` names the task, `size` what its evaluate.txt
    varies (a length, a number of items), `trained` the training sizes."""
    from rmc_lib.train.runs import load_runs

    runs = load_runs(folder).get(model, []) if os.path.isdir(folder) else []
    if not runs:
        print(f"{name}: no runs in {folder}\n")
        return
    print(f"{name} on {task}: training sequences until < {THRESHOLD} wrong bits "
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
        tables.append(lengths_from_report(os.path.join(folder, f"{model}-seed{seed}", "evaluate.txt"), trained))
    reached = np.array(reached)
    if np.any(np.isfinite(reached)):
        print(f"  mean {np.nanmean(reached):,.0f}, range {np.nanmin(reached):,.0f}-{np.nanmax(reached):,.0f}; "
              f"{np.sum(np.isfinite(reached))} of {len(reached)} seeds got there")
    else:
        print(f"  none of the {len(reached)} seeds got there")
    keys = next((list(t) for t in tables if t), [])
    if keys:
        print(f"best checkpoint, wrong bits per sequence (500 held-out sequences per {size})")
        print(f"  {size:7s}  " + "  ".join(f"seed {seed:<3d}" for seed, _ in runs) + "  mean")
        for key in keys:
            values = [t.get(key, float("nan")) for t in tables]
            print(f"  {str(key):7s}  " + "  ".join(f"{v:8.3f}" for v in values) + f"  {np.nanmean(values):.3f}")
    print()


def main():
    summarize("NTM (LSTM 100, memory 128 x 20; 62,260 parameters)", FOLDER, "ntm")


if __name__ == "__main__":
    main()
