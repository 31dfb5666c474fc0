"""Recurrent cores with one interface: `params` (a flat dict of arrays),
`initial_state(batch_size)`, `step`, `forward(x, state0)` -> (outputs,
final state, cache) and `backward(d_outputs, d_final_state, cache)` ->
(grads, dx, d_state0), i.e. backpropagation through time.

  memory          the RMC memory's initial state
  rmc             RelationalMemory: Sonnet's RMC, its unroll, BPTT, Sonnet's variable names
  lstm            the LSTM baseline
  relational_rnn  an LSTM with a relational memory: the Relational RNN of the public
                  sutskever-30-implementations collection (paper 18), its five defects corrected
  ntm             NTM: the Neural Turing Machine (an LSTM controller, content and location addressing)
  sonnet_lstm     SonnetLSTM: Sonnet's LSTM exactly, the DNC's controller
  dnc             DNC: the Differentiable Neural Computer as deepmind/dnc computes it (usage,
                  allocation, temporal links, read modes), deepmind's variable names
  classifier      SequenceClassifier: any core plus a readout head; build_core (every kind by name)
  sequence_readout  SequenceTagger: any core plus a readout at every step (bits, scored on a mask);
                  the NTM and the DNC are read as they are
"""
