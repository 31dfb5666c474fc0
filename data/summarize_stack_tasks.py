"""The table of lesson 11's string runs (data/make_stack_tasks.py): for each
task and model, the share of held-out strings answered without a wrong
symbol at the training lengths (8-64) and at lengths 65, 80, 100 and 128,
for each seed, from each run's evaluate.txt.

    python data/summarize_stack_tasks.py
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rmc_lib.train.runs import read_evaluation, read_perfect  # noqa: E402

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stack_tasks")
MODELS = ("lstm", "stack-lstm", "queue-lstm", "rmc")


def main():
    print("share of 200 held-out strings right in every symbol, seeds 0/1/2")
    for task in sorted(os.listdir(FOLDER)):
        print(f"\n{task}")
        print("model".ljust(12) + "".join(f"{'8-64' if c == 'trained' else c:>18}" for c in ("trained", 65, 80, 100, 128)))
        for model in MODELS:
            tables = [read_perfect(os.path.join(FOLDER, task, f"{model}-seed{s}", "evaluate.txt"))
                      for s in range(3) if os.path.exists(os.path.join(FOLDER, task, f"{model}-seed{s}", "evaluate.txt"))]
            if not tables:
                continue
            cells = ["/".join(f"{t[c]:.2f}" for t in tables) for c in ("trained", 65, 80, 100, 128)]
            print(model.ljust(12) + "".join(f"{c:>18}" for c in cells))
            wrong = [read_evaluation(os.path.join(FOLDER, task, f"{model}-seed{s}", "evaluate.txt"))
                     for s in range(len(tables))]
            print("  wrong symbols per string, 8-64: " + "/".join(f"{w['trained']:.1f}" for w in wrong)
                  + "; at 128: " + "/".join(f"{w[128]:.1f}" for w in wrong))


if __name__ == "__main__":
    main()
