"""Figures and widgets, built on what the library computes (and on a
recorded forward pass, rmc_lib.trace). Shared pieces first, then one module
per lesson's pictures.

  common           new axes, panels, slot labels
  heatmaps         attention and memory heatmaps, the input strip
  figure_view      FigureView: a figure in an ipywidgets.Image, redrawn in place
  diagrams         the RMC cell and its unroll over time (lessons 00 and 04)
  attention_views  lesson 01: softmax, similarity, heads, the attention row explorer
  gate_views       lesson 02: gates, retention, the bias widget
  memory_views     lesson 03: attention over [memory; input] per step, the trace explorer
  training_views   lesson 05: a run's history, runs over seeds, the live plot
  task_views       lesson 06: one Nth-farthest problem and a model's answer
  explore_views    lesson 07: memory and gates, the memory and task explorers
"""
