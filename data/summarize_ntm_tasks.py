"""Print the tables of the NTM's repeat copy and associative recall runs in
data/ntm_tasks (made by make_ntm_tasks.py).

    python data/summarize_ntm_tasks.py

The same measurements as data/summarize_ntm_copy.py, for each task: per
seed, the training sequences (and seconds) until the held-out set first had
fewer than 0.5 wrong bits per sequence, or that it never did; the best
evaluation; how often the held-out error went back above 1 bit after first
falling below 0.5; and the best checkpoint's wrong bits per sequence on the
training distribution and beyond it (from evaluate.txt), with the mean.
"""

import os

from summarize_ntm_copy import summarize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDER = os.path.join(ROOT, "data", "ntm_tasks")
NAME = "NTM (LSTM 100, memory 128 x 20)"
TASKS = {"repeat-copy": ("repeat copy (lengths 1-10, 1-10 copies)", "length", "1-10"),
         "associative-recall": ("associative recall (2-6 items of 3 x 6 bits)", "items", "2-6")}


def main():
    for folder, (task, size, trained) in TASKS.items():
        summarize(NAME, os.path.join(FOLDER, folder), "ntm", task=task, size=size, trained=trained)


if __name__ == "__main__":
    main()
