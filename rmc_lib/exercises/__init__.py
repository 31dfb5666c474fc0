"""The notebooks' self-checks, one module per lesson:

  overview (00), attention (01), gating (02), relational_memory (03),
  rmc_cell (04), training (05), tasks (06), explore (07),
  ntm (08),
  dnc (09),
  memn2n (10),
  stack_act (11),
  backward_passes (appendix A1)

Each check runs a learner's function on cases of its own, compares with
what rmc_lib computes, and prints the first case that fails (or that all
passed); the shared case runner is `_cases.run_cases`.

    >>> from rmc_lib.exercises import attention as exercises
    >>> exercises.check_softmax(my_softmax)
    check_softmax: passed (5 cases)
"""
