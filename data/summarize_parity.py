"""The table of lesson 11's parity runs (data/make_parity.py): for each model
and seed, the last checkpoint's accuracy and mean ponder steps on 4,000
held-out vectors, then the mean ponder steps and the accuracy for each number
of nonzero entries (means over the seeds).

    python data/summarize_parity.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rmc_lib.train.cli import TEST_SET_SEED  # noqa: E402
from rmc_lib.train.runs import load_trained  # noqa: E402
from rmc_lib.views.act_views import ponder_by_count  # noqa: E402

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parity")
MODELS = ("no-ponder", "act-1e-4", "act-1e-3", "act-3e-3", "act-1e-2")
SIZE = 4000


def main():
    tables = {}
    print(f"accuracy and mean ponder steps N on {SIZE:,} held-out vectors, seeds 0/1/2")
    for model in MODELS:
        runs = []
        for seed in range(3):
            path = os.path.join(FOLDER, f"{model}-seed{seed}", "checkpoint.npz")
            if os.path.exists(path):
                trained, task, _ = load_trained(path)
                x, labels = task.test_set(SIZE, seed=TEST_SET_SEED)
                runs.append(ponder_by_count(trained, x, labels))
        if not runs:
            continue
        tables[model] = runs
        accuracy = [np.sum(r["accuracy"] * r["examples"]) / SIZE for r in runs]
        steps = [np.sum(r["mean_steps"] * r["examples"]) / SIZE for r in runs]
        print(f"{model:<10} accuracy " + "/".join(f"{a:.3f}" for a in accuracy)
              + "   steps " + "/".join(f"{s:.2f}" for s in steps))
    counts = next(iter(tables.values()))[0]["count"]
    for name, column in (("ponder steps", "mean_steps"), ("accuracy", "accuracy")):
        print(f"\n{name} by number of nonzero entries (mean over the seeds)")
        print("model".ljust(10) + "".join(f"{k:>6}" for k in counts))
        for model, runs in tables.items():
            print(model.ljust(10) + "".join(f"{v:6.2f}" for v in np.mean([r[column] for r in runs], axis=0)))


if __name__ == "__main__":
    main()
