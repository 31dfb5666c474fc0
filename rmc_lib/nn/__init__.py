"""Building blocks, each a `*_forward(...)` returning `(out, cache)` and a
`*_backward(dout, cache)`, with the input checks behind rmc_lib's ValueErrors.

  checks      the input checks: ValueErrors that name the argument, the expected and the actual value
  layers      linear, layer norm, ReLU/tanh/sigmoid, MLP, softmax cross-entropy
  attention   softmax, scaled dot-product attention, the RMC's multi-head attention
  gates       the RMC's input and forget gates, 'unit' and 'memory' styles
  addressing  the NTM's addressing: content (cosine, key strength), interpolation, shift, sharpening
  memory_access  reading, writing (erase then add) and the NTM heads' parameters
  dnc_addressing  the DNC's write side: cosine weights, usage, allocation, write weights, erase and write
  dnc_linkage  the DNC's temporal links, forward and backward weights, read weights from read modes
  losses      masked sigmoid cross-entropy for answers at every step
  init        Sonnet's truncated-normal initialiser
  gradcheck   centred finite differences and relative error
"""
