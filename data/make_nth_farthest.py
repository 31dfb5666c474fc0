"""Redo the Nth-farthest runs at 4 objects x 4 features (every n asked).

    python data/make_nth_farthest.py              # every run (about 80 minutes on 2 cores)
    python data/make_nth_farthest.py --dry-run    # print the commands only

The recipe is a curriculum over n, in two stages:

  stage 1  only n = 1 is asked ("which object is farthest from the
           reference?"), with the one-hot of n kept in the input (--include-n)
           so that the input has the full task's size; until the held-out
           accuracy reaches 90% (at most 15 minutes).
  stage 2  every n, starting from stage 1's parameters (--init-from), with
           a fresh Adam, for 20 minutes.

The RMC (4 slots, head size 16, 2 heads, 1 block; 27,396 parameters), the
LSTM (64 hidden units; 29,572 parameters) and the DNC (deepmind's, with a
Sonnet LSTM of 32 units, memory 16 x 16, 4 read heads and 1 write head as
deepmind's train.py has them, its clip of 20; 26,763 parameters) get exactly
the same recipe: batch 64, Adam 1e-3, global-norm clip 1.0, the readout head
Linear(128)-ReLU-Linear(4) on the last output. Three seeds each; `--model
dnc` runs one model's chains only (the DNC's were added after the others).

The larger size (--size 6x8, into data/nth_farthest_6x8): 6 objects of 8
features, the same models (only their input and the readout's 6 classes
change) and the same recipe, one seed each, with shorter stages (stage 1 at
most 10 minutes, stage 2 20 minutes), run one after the other with
--parallel 1 (as far as an afternoon of background training carries).

The folder also keeps three earlier RMC runs trained on every n from the
start (no curriculum), which stayed on the plateau; they are redone with
--from-scratch (each stops at the step the original reached):

  from_scratch/rmc-seed0          batch 64, Adam 1e-3 (the laptop-scale settings)
  from_scratch_batch32/rmc-seed0  batch 32, Adam 2e-3, 500 warm-up steps
  from_scratch_2blocks/rmc-seed0  2 attention blocks, batch 64, Adam 1e-3, 500 warm-up steps

Each run is one `python -m rmc_lib train ...` command (printed, and saved
in its folder as command.txt), single-threaded, two at a time, one per
core. A finished run is skipped, so the script can be stopped and started
again; an interrupted run is best deleted and redone (resuming a stage-1
run that has not reached 90% works too: add --resume by hand).
"""

import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join("data", "nth_farthest")        # relative to ROOT, where the runs start
SEEDS = (0, 1, 2)
STAGE1_MINUTES, STAGE1_STOP, STAGE2_MINUTES = 15, 0.9, 20
TASK = ["--task", "nth-farthest", "--objects", "4", "--features", "4"]
#: the larger size (--size 6x8): 6 objects of 8 features, one seed per model, shorter stages
LARGER = dict(out=os.path.join("data", "nth_farthest_6x8"), seeds=(0,), stage1_minutes=10, stage2_minutes=20,
              task=["--task", "nth-farthest", "--objects", "6", "--features", "8"])
MODELS = {
    "rmc": ["--model", "rmc", "--mem-slots", "4", "--head-size", "16", "--num-heads", "2", "--num-blocks", "1"],
    "lstm": ["--model", "lstm", "--hidden-size", "64"],
    "dnc": ["--model", "dnc", "--hidden-size", "32", "--memory-size", "16", "--word-size", "16",
            "--num-reads", "4", "--num-writes", "1", "--clip-value", "20"],
}
TRAINING = ["--batch-size", "64", "--lr", "1e-3", "--clip", "1.0", "--eval-every", "1000",
            "--eval-size", "2000", "--quiet"]
FROM_SCRATCH = {   # folder -> (extra arguments, steps the original run reached)
    "from_scratch": (["--batch-size", "64", "--lr", "1e-3"], 71_492),
    "from_scratch_batch32": (["--batch-size", "32", "--lr", "2e-3", "--warmup", "500"], 75_028),
    "from_scratch_2blocks": (["--num-blocks", "2", "--batch-size", "64", "--lr", "1e-3", "--warmup", "500"], 32_140),
}


def curriculum(model, seed, out=OUT, task=TASK, stage1_minutes=STAGE1_MINUTES, stage2_minutes=STAGE2_MINUTES):
    """The two commands of one model and seed (stage 2 starts from stage 1)."""
    first = os.path.join(out, "curriculum_stage1", f"{model}-seed{seed}")
    second = os.path.join(out, "curriculum_stage2", f"{model}-seed{seed}")
    base = ["python", "-m", "rmc_lib", "train", *task, *MODELS[model], *TRAINING, "--seed", str(seed)]
    return [
        (first, base + ["--n", "1", "--include-n", "--minutes", str(stage1_minutes),
                        "--stop-at", str(STAGE1_STOP), "--out", first]),
        (second, base + ["--minutes", str(stage2_minutes),
                         "--init-from", os.path.join(first, "checkpoint.npz"), "--out", second]),
    ]


def larger(model, seed):
    """The curriculum at the larger size, 6 objects x 8 features."""
    return curriculum(model, seed, LARGER["out"], LARGER["task"], LARGER["stage1_minutes"], LARGER["stage2_minutes"])


def from_scratch(folder):
    extra, steps = FROM_SCRATCH[folder]
    out = os.path.join(OUT, folder, "rmc-seed0")
    command = ["python", "-m", "rmc_lib", "train", *TASK, *MODELS["rmc"], "--clip", "1.0",
               "--eval-every", "1000", "--eval-size", "2000", "--quiet", *extra,
               "--steps", str(steps), "--seed", "0", "--out", out]
    return [(out, command)]


def run_chain(chain):
    """Run the commands of a chain in order, skipping those already done."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    for out, command in chain:
        if os.path.exists(os.path.join(ROOT, out, "checkpoint.npz")):
            print(f"{out}: done already (delete the folder to redo it)", flush=True)
            continue
        print(" ".join(command), flush=True)
        # "python" is this interpreter (the one with rmc_lib installed)
        if subprocess.run([sys.executable, *command[1:]], env=env, cwd=ROOT).returncode != 0:
            return f"failed: {' '.join(command)}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time (one per core)")
    parser.add_argument("--model", choices=sorted(MODELS), action="append",
                        help="only this model's curriculum runs (may be repeated; default: all)")
    parser.add_argument("--from-scratch", action="store_true",
                        help="also redo the runs without a curriculum (about 50 more minutes)")
    parser.add_argument("--size", choices=["4x4", "6x8"], default="4x4",
                        help="4x4: the runs above; 6x8: the larger size, seed 0 of each model "
                             "(stage 1 at most 10 minutes, stage 2 20 minutes; about 90 minutes one at a time)")
    args = parser.parse_args()
    if args.size == "6x8":
        chains = [larger(model, seed) for seed in LARGER["seeds"] for model in (args.model or MODELS)]
    else:
        chains = [curriculum(model, seed) for seed in SEEDS for model in (args.model or MODELS)]
    if args.from_scratch:
        chains += [from_scratch(folder) for folder in FROM_SCRATCH]
    if args.dry_run:
        for chain in chains:
            for _, command in chain:
                print(" ".join(command))
        return
    with ThreadPoolExecutor(args.parallel) as pool:
        failures = [message for message in pool.map(run_chain, chains) if message]
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
