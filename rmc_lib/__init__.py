"""rmc_lib: the Relational Memory Core (Santoro et al. 2018) in numpy, built to be read.

Modules, in the order the notebooks use them:
  layers     linear, layer norm, activations, MLP, softmax cross-entropy
  attention  softmax, scaled dot-product and multi-head attention
  gates      the RMC's input and forget gates
  gradcheck  finite-difference gradient checks
  exercises  self-checks for the notebooks' exercises
"""

__version__ = "0.1.0"
