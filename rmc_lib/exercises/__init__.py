"""The notebooks' self-checks, one module per lesson:

  overview (00), attention (01), gating (02), relational_memory (03),
  rmc_cell (04), training (05), tasks (06), explore (07)

    >>> from rmc_lib.exercises import attention as checks
    >>> checks.check_softmax(my_softmax)
    check_softmax: passed (5 cases)
"""
