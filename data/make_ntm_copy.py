"""Redo the NTM copy runs: the Neural Turing Machine on the copy task, 3 seeds.

    python data/make_ntm_copy.py              # every run, one after the other (30-120 minutes)
    python data/make_ntm_copy.py --dry-run    # print the commands only

The configuration is the one the NTM paper and Collier & Beel (2018) train
copy with: an LSTM controller of 100 units, a memory of 128 x 20, one read
and one write head, shifts of -1, 0, +1, the heads' parameters and the
output clipped at 20 (62,260 parameters); copy of 8-bit vectors, lengths
1-20 drawn uniformly; batch 1, RMSprop lr 1e-4, momentum 0.9, decay 0.9,
gradients clipped to a global norm of 10; 20,000 training sequences (or 40
minutes, if that comes first: on a quiet 2-core machine 20,000 take about
10 minutes, on a busy one much longer). The held-out set is 500 fixed
sequences of lengths 1-20 (task.test_set(500, seed=12345)), evaluated every
500 sequences; while it trains, a run writes its last checkpoint
(checkpoint.npz) and the one with the lowest held-out loss (best.npz), since
an NTM's loss can spike after it has converged. Once the run is finished
and evaluated, only best.npz is kept (data/ holds one checkpoint per run);
it is a full checkpoint too, so a run can be resumed from it.

After each run, its best checkpoint is evaluated at the training lengths and
at lengths 30, 40, 60, 80 and 120 (500 sequences each); the output is saved
as evaluate.txt in the run's folder.

Each run is one `python -m rmc_lib train ...` command (printed, and saved
in its folder as command.txt), single-threaded, one at a time. A finished
run is skipped and an unfinished one (its checkpoint short of the budget)
resumed with --resume, which continues it exactly as if it had not stopped,
so the script can be stopped and started again. (The runs in data/ were
first trained to 12,000 sequences, then resumed to 20,000 this way: their
command.txt shows both commands.)
"""

import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join("data", "ntm_copy")        # relative to ROOT, where the runs start
SEEDS = (0, 1, 2)
STEPS, MINUTES = 20_000, 40
LENGTHS = "30,40,60,80,120"
TASK = ["--task", "copy", "--bits", "8", "--min-length", "1", "--max-length", "20"]
MODEL = ["--model", "ntm", "--hidden-size", "100", "--memory-size", "128", "--word-size", "20",
         "--num-reads", "1", "--num-writes", "1", "--shift-range", "1", "--clip-value", "20"]
TRAINING = ["--optimizer", "rmsprop", "--lr", "1e-4", "--momentum", "0.9", "--rmsprop-decay", "0.9",
            "--batch-size", "1", "--clip", "10", "--eval-every", "500", "--eval-size", "500",
            "--keep-best", "--quiet"]


def commands(seed):
    """(folder, train command, evaluate command) of one seed."""
    out = os.path.join(OUT, f"ntm-seed{seed}")
    train = ["python", "-m", "rmc_lib", "train", *TASK, *MODEL, *TRAINING, "--steps", str(STEPS), "--minutes", str(MINUTES),
             "--seed", str(seed), "--out", out]
    evaluate = ["python", "-m", "rmc_lib", "evaluate", os.path.join(out, "best.npz"), "--lengths", LENGTHS]
    return out, train, evaluate


def finished(checkpoint, steps, minutes):
    """Whether a run's checkpoint has reached its budget (steps or, if given, minutes)."""
    from rmc_lib.train.checkpoints import read_checkpoint

    meta = read_checkpoint(checkpoint)[0]
    return meta["step"] >= steps or (minutes is not None and meta["seconds"] >= 60 * minutes)


def train_and_evaluate(out, train, evaluate, steps, minutes, keep_last=False):
    """Train one run (resumed if it is unfinished), evaluate its best
    checkpoint into evaluate.txt, then keep only that checkpoint; with
    keep_last, evaluate and keep the last checkpoint instead (checkpoint.npz;
    `evaluate` names it). The kept checkpoint is then finalized (its optimiser
    state dropped). Returns None, or a message saying which command failed."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    checkpoint, report = os.path.join(ROOT, out, "checkpoint.npz"), os.path.join(ROOT, out, "evaluate.txt")
    best = os.path.join(ROOT, out, "best.npz")
    if not keep_last and os.path.exists(report) and os.path.exists(best) and not os.path.exists(checkpoint):
        print(f"{out}: trained and evaluated already (delete the folder to redo it)", flush=True)
        return None
    if os.path.exists(checkpoint) and finished(checkpoint, steps, minutes):
        print(f"{out}: trained already (delete the folder to redo it)", flush=True)
    else:
        if os.path.exists(checkpoint):
            train = train + ["--resume"]
            if os.path.exists(report):
                os.remove(report)            # it described the unfinished run
        # "python" is this interpreter (the one with rmc_lib installed)
        print(" ".join(train), flush=True)
        if subprocess.run([sys.executable, *train[1:]], env=env, cwd=ROOT).returncode != 0:
            return f"failed: {' '.join(train)}"
    if not os.path.exists(report):
        print(" ".join(evaluate), flush=True)
        result = subprocess.run([sys.executable, *evaluate[1:]], env=env, cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            return f"failed: {' '.join(evaluate)}\n{result.stderr}"
        with open(report, "w") as f:
            f.write("$ " + " ".join(evaluate) + "\n" + result.stdout)
        print(result.stdout, flush=True)
    if os.path.exists(checkpoint) and not keep_last:
        os.remove(checkpoint)                # the best checkpoint is the one the results use
    kept = checkpoint if keep_last else best
    if os.path.exists(kept):                 # finished: the optimiser state has no further use
        from rmc_lib.train.checkpoints import finalize_checkpoint
        finalize_checkpoint(kept)
    return None



def run_all(runs, dry_run=False, keep_last=False):
    """Each run (folder, train command, evaluate command, steps) trained and
    evaluated in turn by train_and_evaluate, or with dry_run only printed;
    exits with the failed commands' messages, if any."""
    if dry_run:
        for _, train, evaluate, _ in runs:
            print(" ".join(train))
            print(" ".join(evaluate))
        return
    failures = [message for out, train, evaluate, steps in runs
                if (message := train_and_evaluate(out, train, evaluate, steps, None, keep_last=keep_last))]
    if failures:
        sys.exit("\n".join(failures))

def run(seed):
    return train_and_evaluate(*commands(seed), STEPS, MINUTES)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args()
    if args.dry_run:
        for seed in SEEDS:
            for command in commands(seed)[1:]:
                print(" ".join(command))
        return
    failures = [message for message in map(run, SEEDS) if message]
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
