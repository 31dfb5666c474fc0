"""rmc_lib: the Relational Memory Core (Santoro et al. 2018) and its family of
memory-augmented networks in numpy, built to be read.

Packages, in the order data flows through them (nothing imports from a
package to its right; tasks stands alone beside nn and cores):

  nn         building blocks, each a forward/backward pair: layers, attention, gates, ...
  cores      recurrent cores with one interface: RelationalMemory, LSTM, RelationalRNN, NTM, DNC,
             SequenceClassifier (a core plus a readout head) and SequenceTagger (a readout at every step)
  tasks      seeded data generators with fixed held-out sets (Nth farthest, copy, repeat copy,
             associative recall, deepmind's repeat copy)
  trace      what a forward pass did: attention, gates, memory per step; the NTM's heads; the DNC's
             usage, allocation, links and read modes
  train      optimisers, checkpoints, the training loop, reading runs, the command line
  views      figures and widgets, one module per lesson's pictures
  exercises  the notebooks' self-checks, one module per lesson
"""

from .cores.classifier import SequenceClassifier
from .cores.dnc import DNC
from .cores.lstm import LSTM
from .cores.ntm import NTM
from .cores.relational_rnn import RelationalRNN
from .cores.rmc import RelationalMemory
from .cores.sequence_readout import SequenceTagger

__all__ = ["RelationalMemory", "LSTM", "RelationalRNN", "NTM", "DNC", "SequenceClassifier", "SequenceTagger"]
__version__ = "0.1.0"
