"""Training: what updates parameters, and what a run leaves behind.

  optimizers   SGD, Adam, RMSprop, global-norm clipping, warm-up + cosine schedule
  checkpoints  a run's checkpoint (.npz) and history (.csv): writing, reading, resuming
  loop         evaluate, and the training loop
  runs         reading run folders back: accuracy at a budget, over seeds; trained models
  cli          the command line: python -m rmc_lib train / evaluate
"""
