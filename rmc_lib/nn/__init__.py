"""Building blocks, each a `*_forward(...)` returning `(out, cache)` and a
`*_backward(dout, cache)`, with the input checks behind rmc_lib's ValueErrors.

  checks      the input checks: ValueErrors that name the argument, the expected and the actual value
  layers      linear, layer norm, ReLU/tanh/sigmoid, MLP, softmax cross-entropy
  attention   softmax, scaled dot-product attention, the RMC's multi-head attention
  gates       the RMC's input and forget gates, 'unit' and 'memory' styles
  init        Sonnet's truncated-normal initialiser
  gradcheck   centred finite differences and relative error
"""
