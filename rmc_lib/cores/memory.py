"""The memory matrix and its initial state.

The RMC's memory is a matrix with one row per slot: `[B, N, F]` for a batch
of B sequences, N = mem_slots rows, F = mem_size = head_size * num_heads
features per row.
"""

import numpy as np

from ..nn.checks import check_positive_int


def initial_memory(batch_size, mem_slots, mem_size, dtype=np.float64):
    """Sonnet's initial state: the identity, one copy per batch element.

    Returns [B, N, F] with M[b] = eye(N, F): zero-padded on the right when
    F > N, cut to the first F columns when F < N. When F >= N every slot
    starts different from every other, so attention can tell the slots apart
    from the first step (all-zero rows would all look the same to it). When
    F < N the last N - F rows are all zero and so alike; rows that start
    alike are treated alike at every step and stay alike, so choose
    mem_size >= mem_slots.
    Sonnet: `RelationalMemory.initial_state`.
    """
    batch_size = check_positive_int("batch_size", batch_size)
    mem_slots = check_positive_int("mem_slots", mem_slots)
    mem_size = check_positive_int("mem_size", mem_size)
    one = np.eye(mem_slots, mem_size, dtype=dtype)
    return np.broadcast_to(one, (batch_size, mem_slots, mem_size)).copy()
