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


from summarize_ntm_copy import summarize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDERS = {"lstm": os.path.join(ROOT, "data", "copy_baselines"),
           "rmc": os.path.join(ROOT, "data", "copy_baselines"),
           "ntm": os.path.join(ROOT, "data", "ntm_copy")}
NAMES = {"lstm": "LSTM (118 units, 61,368 parameters)",
         "rmc": "RMC (4 slots, 2 heads of 40, 1 block; 62,488 parameters)",
         "ntm": "NTM (LSTM 100, memory 128 x 20; 62,260 parameters)"}


def main():
    for model in ("lstm", "rmc", "ntm"):
        summarize(NAMES[model], FOLDERS[model], model)


if __name__ == "__main__":
    main()
