"""Print the Nth-farthest results (4 objects x 4 features, every n): the
runs trained from scratch, and the curriculum runs of the RMC and the LSTM
(held-out accuracy, mean and [min, max] over seeds, at fixed budgets of
stage-2 examples and at the end; accuracy for each n of the final models).

    python data/summarize_nth_farthest.py
"""

import os

import numpy as np

from rmc_lib.train.cli import TEST_SET_SEED
from rmc_lib.train.runs import accuracy_by_n, load_runs, load_trained, summary_at

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nth_farthest")
BUDGETS = [1_000_000, 2_000_000, 4_000_000]


def cell(values):
    return f"{np.mean(values):.3f} [{np.min(values):.3f}, {np.max(values):.3f}]"


def main():
    print("from scratch (every n from the first step), RMC seed 0:")
    for folder in ("from_scratch", "from_scratch_batch32", "from_scratch_2blocks"):
        columns = load_runs(os.path.join(FOLDER, folder))["rmc"][0][1]
        print(f"  {folder:<22} {columns['examples'][-1]:>10,.0f} examples, last held-out accuracy "
              f"{columns['eval_accuracy'][-1]:.3f}, loss {columns['eval_loss'][-1]:.3f}")
    stage1 = load_runs(os.path.join(FOLDER, "curriculum_stage1"))
    stage2 = load_runs(os.path.join(FOLDER, "curriculum_stage2"))
    print("\ncurriculum, stage 1 (n = 1 only, until 90%): examples used per seed")
    for model, seeded in sorted(stage1.items()):
        print(f"  {model:>4}: " + ", ".join(f"seed {s} {c['examples'][-1]:,.0f}" for s, c in seeded))
    print("\ncurriculum, stage 2 (every n): held-out accuracy, mean [min, max] over seeds")
    for budget in BUDGETS:
        summary = summary_at(stage2, budget)
        gap = summary["rmc"][3] - summary["lstm"][3]
        print(f"  {budget:>9,} examples: RMC {cell(summary['rmc'][3])}, LSTM {cell(summary['lstm'][3])}, "
              f"RMC - LSTM {gap.mean():+.3f} [{gap.min():+.3f}, {gap.max():+.3f}]")
    ends = {m: np.array([c["eval_accuracy"][-1] for _, c in stage2[m]]) for m in ("rmc", "lstm")}
    steps = {m: [int(c["step"][-1]) for _, c in stage2[m]] for m in ("rmc", "lstm")}
    gap = ends["rmc"] - ends["lstm"]
    print(f"  end of stage 2: RMC {cell(ends['rmc'])} (steps {steps['rmc']}), "
          f"LSTM {cell(ends['lstm'])} (steps {steps['lstm']}), RMC - LSTM {gap.mean():+.3f}")
    print("\naccuracy for each n of the final models:")
    for model in ("rmc", "lstm"):
        for seed, _ in stage2[model]:
            trained, task, _ = load_trained(os.path.join(FOLDER, "curriculum_stage2", f"{model}-seed{seed}",
                                                         "checkpoint.npz"))
            x, y = task.test_set(2000, seed=TEST_SET_SEED)
            by_n = accuracy_by_n(trained, task, x, y)
            print(f"  {model:>4} seed {seed}: " + ", ".join(f"n={n} {a:.3f}" for n, (a, _) in by_n.items()))


if __name__ == "__main__":
    main()
