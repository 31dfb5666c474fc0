"""The self-checks of 00_overview pass the library's functions and catch typical mistakes."""

import numpy as np

from rmc_lib.cores.memory import initial_memory
from rmc_lib.tasks import nth_farthest_index
from rmc_lib.exercises import overview as exercises


def test_checks_pass_correct_functions(capsys):
    assert exercises.check_num_relations(lambda n: n * (n - 1) // 2)
    assert exercises.check_nth_farthest(nth_farthest_index)
    assert exercises.check_initial_memory(lambda N, F: initial_memory(1, N, F)[0])
    out = capsys.readouterr().out
    assert "check_num_relations: passed (5 cases)" in out
    assert "check_nth_farthest: passed (5 cases)" in out
    assert "check_initial_memory: passed (5 cases)" in out


def test_a_plain_loop_solution_passes(capsys):
    def loop(vectors, reference, n):
        distances = [np.sqrt(np.sum((v - vectors[reference]) ** 2)) for v in vectors]
        return sorted(range(len(vectors)), key=lambda i: -distances[i])[n - 1]
    assert exercises.check_nth_farthest(loop)


def test_ordered_pairs_are_caught(capsys):
    assert not exercises.check_num_relations(lambda n: n * (n - 1))
    assert "failed on 2 objects" in capsys.readouterr().out


def test_ascending_argsort_is_caught(capsys):
    # Sonnet's label: the ascending argsort, which counts the reference itself
    def ascending(vectors, reference, n):
        return int(np.argsort(np.linalg.norm(vectors - vectors[reference], axis=1))[n - 1])
    assert not exercises.check_nth_farthest(ascending)
    assert "n = 1 (the farthest)" in capsys.readouterr().out


def test_zero_based_n_is_caught(capsys):
    def off_by_one(vectors, reference, n):
        return int(np.argsort(-np.linalg.norm(vectors - vectors[reference], axis=1))[n])
    assert not exercises.check_nth_farthest(off_by_one)
    assert "n = 1 (the farthest)" in capsys.readouterr().out


def test_leaving_out_the_reference_is_caught(capsys):
    # ranking only the other objects agrees for n < num_objects; the case
    # n = num_objects (the reference itself) is there to catch it
    def without_reference(vectors, reference, n):
        d = np.linalg.norm(vectors - vectors[reference], axis=1)
        others = [i for i in np.argsort(-d) if i != reference]
        return int(others[n - 1])
    assert not exercises.check_nth_farthest(without_reference)
    assert "n = 8 (the reference itself)" in capsys.readouterr().out


def test_unpadded_identity_is_caught(capsys):
    assert not exercises.check_initial_memory(lambda N, F: np.eye(N))
    assert "expected shape (3, 8), got (3, 3)" in capsys.readouterr().out


def test_all_zero_memory_is_caught(capsys):
    assert not exercises.check_initial_memory(lambda N, F: np.zeros((N, F)))
    assert "values differ" in capsys.readouterr().out


def test_a_stub_that_raises_is_reported(capsys):
    def stub(N, F):
        raise NotImplementedError("write this function")
    assert not exercises.check_initial_memory(stub)
    assert "NotImplementedError: write this function" in capsys.readouterr().out
