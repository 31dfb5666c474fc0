"""Print the Nth-farthest results (4 objects x 4 features, every n): the
runs trained from scratch, and the curriculum runs of the RMC, the LSTM and
the DNC (held-out accuracy, mean and [min, max] over seeds, at fixed budgets
of stage-2 examples and at the end; accuracy for each n of the final
models), beside the RMC paper's numbers; then the runs at the larger size
(6 objects x 8 features, data/nth_farthest_6x8), if there are any.

    python data/summarize_nth_farthest.py
"""

import os

import numpy as np

from rmc_lib.train.cli import TEST_SET_SEED
from rmc_lib.train.runs import accuracy_by_n, load_runs, load_trained, summary_at

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nth_farthest")
LARGER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nth_farthest_6x8")
BUDGETS = [1_000_000, 2_000_000, 4_000_000]
MODELS = ("rmc", "lstm", "dnc")
#: Santoro et al. 2018, table 1 (Nth farthest, 8 objects of 16 numbers): held-out accuracy
PAPER = {"rmc": "0.91", "lstm": "under 0.30", "dnc": "0.25"}


def cell(values):
    return f"{np.mean(values):.3f} [{np.min(values):.3f}, {np.max(values):.3f}]"


def curriculum(folder):
    """Stage-1 and stage-2 runs of a folder, and the models present in both."""
    stage1 = load_runs(os.path.join(folder, "curriculum_stage1"))
    stage2 = load_runs(os.path.join(folder, "curriculum_stage2"))
    return stage1, stage2, [m for m in MODELS if m in stage1 and m in stage2]


def print_curriculum(folder, budgets):
    stage1, stage2, models = curriculum(folder)
    print("curriculum, stage 1 (n = 1 only, until 90% or its time): examples used per seed, last accuracy")
    for model in models:
        print(f"  {model:>4}: " + ", ".join(f"seed {s} {c['examples'][-1]:,.0f} ({c['eval_accuracy'][-1]:.3f})"
                                       for s, c in stage1[model]))
    print("curriculum, stage 2 (every n): held-out accuracy, mean [min, max] over seeds")
    for budget in budgets:
        summary = summary_at(stage2, budget)
        print(f"  {budget:>9,} examples: " + ", ".join(f"{m.upper()} {cell(summary[m][3])}"
                                                      for m in models if m in summary))
    for model in models:
        ends = np.array([c["eval_accuracy"][-1] for _, c in stage2[model]])
        steps = [int(c["step"][-1]) for _, c in stage2[model]]
        print(f"  end of stage 2, {model.upper():>4}: {cell(ends)} (steps {steps}); the paper: {PAPER[model]}")
    print("accuracy for each n of the final models:")
    for model in models:
        for seed, _ in stage2[model]:
            trained, task, _ = load_trained(os.path.join(folder, "curriculum_stage2", f"{model}-seed{seed}",
                                                         "checkpoint.npz"))
            x, y = task.test_set(2000, seed=TEST_SET_SEED)
            by_n = accuracy_by_n(trained, task, x, y)
            print(f"  {model:>4} seed {seed}: " + ", ".join(f"n={n} {a:.3f}" for n, (a, _) in by_n.items()))


def main():
    print("from scratch (every n from the first step), RMC seed 0:")
    for folder in ("from_scratch", "from_scratch_batch32", "from_scratch_2blocks"):
        columns = load_runs(os.path.join(FOLDER, folder))["rmc"][0][1]
        print(f"  {folder:<22} {columns['examples'][-1]:>10,.0f} examples, last held-out accuracy "
              f"{columns['eval_accuracy'][-1]:.3f}, loss {columns['eval_loss'][-1]:.3f}")
    print("\n4 objects x 4 features")
    print_curriculum(FOLDER, BUDGETS)
    _, stage2, models = curriculum(FOLDER)
    ends = {m: np.array([c["eval_accuracy"][-1] for _, c in stage2[m]]) for m in models}
    for other in [m for m in models if m != "rmc"]:
        gap = ends["rmc"] - ends[other]
        print(f"  RMC - {other.upper()} at the end: {gap.mean():+.3f} [{gap.min():+.3f}, {gap.max():+.3f}]")
    if os.path.isdir(os.path.join(LARGER, "curriculum_stage2")):
        print("\n6 objects x 8 features (one seed each)")
        print_curriculum(LARGER, BUDGETS[:2])


if __name__ == "__main__":
    main()
