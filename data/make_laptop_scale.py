"""Redo the laptop-scale comparison: RMC vs LSTM vs Relational RNN on
"farthest from the reference" (Nth farthest with n = 1, 4 objects x 4 features).

    python data/make_laptop_scale.py              # every run (about 1 hour on 2 cores)
    python data/make_laptop_scale.py --dry-run    # print the commands only
    python data/make_laptop_scale.py --harder     # the harder variant (about 15 minutes)

Each run is one `python -m rmc_lib train ...` command (printed, and saved
in its folder as command.txt), single-threaded, two runs at a time, one per
core. Results go to data/laptop_scale/<model>-seed<k>/ (checkpoint.npz,
history.csv, command.txt). A run that has reached its budget is skipped and
an unfinished one is resumed, so the script can be stopped and started
again; to redo a run from scratch, delete its folder first.

The three models have parameter counts within 10% of each other:
RMC 27,268 (4 slots, head size 16, 2 heads, 1 block), LSTM 28,548 (64 hidden
units), Relational RNN 29,668 (48 hidden units; 4 slots, head size 8,
2 heads); each with the same readout head, Linear(128)-ReLU-Linear(4), on
the last output. Batch 64, Adam 1e-3, global-norm clip 1.0.

--harder runs one harder variant instead: 16 features per object instead of
4 (still 4 objects, n = 1), the RMC and the LSTM, seed 0, 15 minutes each,
side by side; results in data/harder_variant/<model>-seed0/.
"""

import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join("data", "laptop_scale")        # relative to ROOT, where the runs start
SEEDS = (0, 1, 2)
MINUTES = 10
TASK = ["--task", "nth-farthest", "--objects", "4", "--features", "4", "--n", "1"]
MODELS = {
    "rmc": ["--model", "rmc", "--mem-slots", "4", "--head-size", "16", "--num-heads", "2", "--num-blocks", "1"],
    "lstm": ["--model", "lstm", "--hidden-size", "64"],
    "relational-rnn": ["--model", "relational-rnn", "--hidden-size", "48", "--mem-slots", "4",
                       "--head-size", "8", "--num-heads", "2"],
}
TRAINING = ["--batch-size", "64", "--lr", "1e-3", "--clip", "1.0", "--eval-every", "250",
            "--eval-size", "2000", "--minutes", str(MINUTES), "--quiet"]


HARDER = {"out": os.path.join("data", "harder_variant"), "features": "16", "minutes": 15,
          "models": ("rmc", "lstm"), "seeds": (0,)}


def commands(harder=False):
    out_folder, seeds, models, minutes = OUT, SEEDS, list(MODELS), MINUTES
    task, training = list(TASK), list(TRAINING)
    if harder:
        out_folder, seeds, models, minutes = HARDER["out"], HARDER["seeds"], HARDER["models"], HARDER["minutes"]
        task[task.index("--features") + 1] = HARDER["features"]
        training[training.index("--minutes") + 1] = str(minutes)
        training[training.index("--eval-every") + 1] = "500"
    for seed in seeds:
        for model in models:
            out = os.path.join(out_folder, f"{model}-seed{seed}")
            command = ["python", "-m", "rmc_lib", "train", *task, *MODELS[model], *training,
                       "--seed", str(seed), "--out", out]
            if finished(os.path.join(ROOT, out), minutes):
                continue
            if os.path.exists(os.path.join(ROOT, out, "checkpoint.npz")):
                command.append("--resume")
            yield command


def finished(folder, minutes=MINUTES):
    """True if the run in folder has reached its time budget."""
    path = os.path.join(folder, "history.csv")
    if not os.path.exists(path):
        return False
    with open(path) as f:
        last = f.read().strip().splitlines()[-1].split(",")
    # A run logs a row when its budget runs out, unless the budget ran out
    # during the evaluation that follows a regular row: then that row, less
    # than a second earlier, is its last.
    return last[0] != "step" and float(last[2]) >= 60 * minutes - 2


def run(command):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    print(" ".join(command), flush=True)
    # "python" is this interpreter (the one with rmc_lib installed)
    return subprocess.run([sys.executable, *command[1:]], env=env, cwd=ROOT).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time (one per core)")
    parser.add_argument("--harder", action="store_true", help="run the harder variant (16 features)")
    args = parser.parse_args()
    todo = list(commands(args.harder))
    if args.dry_run:
        for command in todo:
            print(" ".join(command))
        return
    with ThreadPoolExecutor(args.parallel) as pool:
        codes = list(pool.map(run, todo))
    failed = [" ".join(c) for c, code in zip(todo, codes) if code != 0]
    if failed:
        sys.exit("failed:\n" + "\n".join(failed))


if __name__ == "__main__":
    main()
