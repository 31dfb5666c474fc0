"""rmc_lib: the Relational Memory Core (Santoro et al. 2018) in numpy, built to be read.

Modules, in the order the notebooks use them:
  layers          linear, layer norm, activations, MLP, softmax cross-entropy
  attention       softmax, scaled dot-product and multi-head attention
  gates           the RMC's input and forget gates
  memory          the memory matrix's initial state
  rmc             RelationalMemory: the RMC cell, its unroll and BPTT
  lstm            the LSTM baseline
  relational_rnn  an LSTM with a relational memory (a corrected version)
  models          SequenceClassifier: any core plus a readout head
  trace           what a forward pass did: attention, gates, memory per step
  tasks           data generators (Nth farthest)
  train           optimisers, clipping, schedules, checkpoints, the training loop
  cli             the command line: python -m rmc_lib train / evaluate
  gradcheck       finite-difference gradient checks
  checks          the input checks behind rmc_lib's ValueErrors
  runs            reading run folders back: accuracy at a budget, over seeds
  plots, widgets, gate_views, diagrams, training_views
                  matplotlib figures and ipywidgets for the notebooks
  exercises       self-checks for the notebooks' exercises
"""

from .lstm import LSTM
from .models import SequenceClassifier
from .relational_rnn import RelationalRNN
from .rmc import RelationalMemory

__all__ = ["RelationalMemory", "LSTM", "RelationalRNN", "SequenceClassifier"]
__version__ = "0.1.0"
