"""The tables of lesson 10 from the runs of data/make_babi.py: test error per
generated bAbI-style task and model, mean [min, max] over the seeds, beside
the released MemN2N code's errors on the official tasks (other data: the
generated tasks follow the official ones' rules and wording, not their files).

    python data/summarize_babi.py
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rmc_lib.train.runs import RELEASED_MEMN2N_ERRORS, babi_test_errors  # noqa: E402

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "babi")


def cell(errors):
    if errors is None:
        return "-"
    errors = 100 * errors
    return f"{errors.mean():5.1f} [{errors.min():.1f}, {errors.max():.1f}] ({len(errors)})"


def main():
    table = babi_test_errors(FOLDER)
    models = sorted({m for runs in table.values() for m in runs}, key=lambda m: (not m.startswith("memn2n"), m))
    print("test error % on 1,000 test questions, mean [min, max] (seeds)")
    print("task".ljust(6) + "".join(m.ljust(24) for m in models) + "released code: MATLAB / numpy")
    for task, runs in table.items():
        released = RELEASED_MEMN2N_ERRORS.get(task)
        print(f"qa{task}".ljust(6) + "".join(cell(runs.get(m)).ljust(24) for m in models)
              + (f"{released[0]:.1f} / {released[1]:.1f}" if released else "-"))


if __name__ == "__main__":
    main()
