"""Print the DNC's copy and repeat-copy results (data/dnc_tasks, made by
data/make_dnc_tasks.py): copy beside the NTM of data/ntm_copy (same task,
recipe and budget), and each stage of deepmind's repeat copy.

    python data/summarize_dnc_tasks.py
"""

import os

import numpy as np

from rmc_lib.train.runs import load_runs, load_trained, read_evaluation

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = (0, 1, 2)


def first_below(columns, threshold=0.5):
    """Training sequences seen when the held-out wrong bits first fell below threshold (None: never)."""
    below = np.flatnonzero(columns["eval_bit_errors"] < threshold)
    return f"{columns['examples'][below[0]]:,.0f}" if below.size else "never"


def copy_table():
    folders = {"NTM": os.path.join(HERE, "ntm_copy", "ntm-seed{}"), "DNC": os.path.join(HERE, "dnc_tasks", "copy",
                                                                                        "dnc-seed{}")}
    runs = {"NTM": load_runs(os.path.join(HERE, "ntm_copy"))["ntm"],
            "DNC": load_runs(os.path.join(HERE, "dnc_tasks", "copy"))["dnc"]}
    print("copy, lengths 1-20: batch 1, RMSprop 1e-4 momentum 0.9, clip 10, 20,000 sequences")
    for model, seeded in runs.items():
        params = load_trained(os.path.join(folders[model].format(seeded[0][0]), "best.npz"))[0].num_params()
        print(f"  {model}: {params:,} parameters; below 0.5 wrong bits after "
              + ", ".join(f"seed {s} {first_below(c)}" for s, c in seeded) + " sequences")
    tables = {model: [read_evaluation(os.path.join(folders[model].format(s), "evaluate.txt")) for s, _ in seeded]
              for model, seeded in runs.items()}
    print("  wrong bits per sequence of the best checkpoint (500 held-out sequences per length), "
          "seeds 0, 1, 2 | mean")
    for length in tables["NTM"][0]:
        cells = []
        for model, seeds in tables.items():
            values = np.array([seed[length] for seed in seeds])
            cells.append(f"{model} " + " ".join(f"{v:7.2f}" for v in values) + f" | {values.mean():7.2f}")
        print(f"  {'1-20' if length == 'trained' else length:>7}   " + "    ".join(cells))


def repeat_copy_table():
    folder = os.path.join(HERE, "dnc_tasks", "dm-repeat-copy")
    print("\ndeepmind's repeat copy, a curriculum over length and copies (each stage from the last one's best)")
    for stage in sorted(os.listdir(folder)):
        seeded = load_runs(os.path.join(folder, stage)).get("dnc", [])
        for seed, columns in seeded:
            run = os.path.join(folder, stage, f"dnc-seed{seed}")
            _, task, _ = load_trained(os.path.join(run, "best.npz"))
            report = os.path.join(run, "evaluate.txt")
            table = read_evaluation(report) if os.path.exists(report) else {}
            beyond = ", ".join(f"length {k}: {v:.1f}" for k, v in table.items() if k != "trained")
            kept = f"{table['trained']:.2f}" if table else "(not evaluated yet)"
            print(f"  {stage} (lengths 1-{task.max_length}, 1-{task.max_repeats} copies) seed {seed}: "
                  f"{int(columns['step'][-1]):,} steps, {columns['seconds'][-1] / 60:.1f} min; "
                  f"{columns['eval_accuracy'].max():.3f} of held-out sequences perfect at best; the checkpoint "
                  f"kept: {kept} wrong bits per sequence" + (f"; beyond: {beyond}" if beyond else ""))


if __name__ == "__main__":
    copy_table()
    repeat_copy_table()
