"""Print the laptop-scale results: held-out accuracy of each model (mean,
min-max over seeds) at fixed budgets of training examples and of wall time,
and the RMC's lead over the LSTM.

    python data/summarize_laptop_scale.py
"""

import os

import numpy as np

from rmc_lib.train.runs import examples_to_reach, load_runs, summary_at

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "laptop_scale")
EXAMPLE_BUDGETS = [64_000, 128_000, 256_000, 512_000, 1_024_000]
SECOND_BUDGETS = [60, 120, 300, 600]


def table(runs, budgets, by, label):
    models = sorted(runs)
    print(f"\nheld-out accuracy at a budget of {label} (mean, [min, max] over seeds)")
    print(f"{label:>12} | " + " | ".join(f"{m:>22}" for m in models) + " | RMC - LSTM (mean, [min, max] per seed)")
    for budget in budgets:
        summary = summary_at(runs, budget, by=by)
        cells = [f"{summary[m][0]:.3f} [{summary[m][1]:.3f}, {summary[m][2]:.3f}]" for m in models]
        gap = summary["rmc"][3] - summary["lstm"][3]
        print(f"{budget:>12,} | " + " | ".join(f"{c:>22}" for c in cells)
              + f" | {gap.mean():+.3f} [{gap.min():+.3f}, {gap.max():+.3f}]")


def main():
    runs = load_runs(FOLDER)
    for model, seeded in sorted(runs.items()):
        steps = [int(c["step"][-1]) for _, c in seeded]
        seconds = [c["seconds"][-1] for _, c in seeded]
        rate = [s / t for s, t in zip(steps, seconds)]
        print(f"{model}: seeds {[s for s, _ in seeded]}, steps {steps}, "
              f"{np.mean(rate):.0f} steps/s on average, final accuracy "
              f"{[round(float(c['eval_accuracy'][-1]), 3) for _, c in seeded]}")
    table(runs, EXAMPLE_BUDGETS, "examples", "examples")
    table(runs, SECOND_BUDGETS, "seconds", "seconds")
    print("\ntraining examples until the held-out accuracy first reached 80% / 90%:")
    for model, seeded in sorted(runs.items()):
        for threshold in (0.8, 0.9):
            reach = [examples_to_reach(c, threshold) for _, c in seeded]
            print(f"  {model:>15} {threshold:.0%}: " + ", ".join(f"{r:,.0f}" for r in reach))


if __name__ == "__main__":
    main()
