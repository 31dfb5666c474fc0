"""Figures and widgets, built on what the library computes (and on a
recorded forward pass, rmc_lib.trace). Shared pieces first, then one module
(or two) per lesson's pictures.

  common              new axes, panels, slot labels, and layout_problems (what
                      keeps a figure from being read at 100% in ~960 px)
  heatmaps            attention and memory heatmaps, the input strip
  figure_view         FigureView: a figure in an ipywidgets.Image, redrawn in place
  diagrams            the RMC cell and its unroll over time (lessons 00 and 04)
  overview_views      lesson 00: the Nth-farthest question, the initial memory
  attention_views     lesson 01: softmax, similarity, heads, one query's attention row
  attention_explorer  lesson 01: the attention row explorer widget
  gate_curves         lesson 02: the numbers its pictures plot (retention, half-life, a simulation)
  gate_views          lesson 02: gates, retention, the bias explorer widget
  memory_views        lesson 03: attention over [memory; input] per step, the trace explorer
  cell_views          lesson 04: parameters, gradient checks, gradient flow through time
  training_views      lesson 05: a run's history, runs over seeds, the live plot
  task_views          lesson 06: one Nth-farthest problem, its distances and ranks
  run_views           lesson 06: the stored runs and the curriculum's stages
  answer_views        lessons 06-07: a model's answer to a problem, the task explorer
  explore_views       lesson 07: memory and gates, the memory and gates explorer
  ntm_explorer        lesson 08: a trained NTM copying a typed word, step by step, and its explorer
  dnc_views           lesson 09: allocation as sorting, the link matrix, a run over time, one step, the DNC explorer
  memn2n_views        lesson 10: a memory network's hops over a story, position encoding, the question explorer
  stack_views         lesson 11: what a stack or queue LSTM pushed, popped and held; a typed string, the stack explorer
  transduction_views  lesson 11: a hand-written push/pop program, right symbols by answer position, strings right per length
  act_views           lesson 11: ACT's ponder steps as a staircase, ponder steps per parity count, the parity explorer
  backward_views      appendix A1: the chart of every backward pass checked
"""
