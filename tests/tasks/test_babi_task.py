"""BabiTask: the split, the memory and sequence forms, temporal indices with
and without random noise, official-style files from a folder, and errors."""

import numpy as np
import pytest

from rmc_lib.tasks import BabiBatch, BabiTask, make_task, write_task
from rmc_lib.tasks.babi_task import random_gaps


@pytest.fixture(scope="module")
def task2():
    return BabiTask(2)


def test_split_vocabulary_and_sets(task2):
    assert len(task2.train_questions) == 900 and len(task2.validation_questions) == 100
    assert len(task2.test_questions) == 1000
    x, answers = task2.validation_set()
    assert isinstance(x, BabiBatch) and x.stories.shape[0] == 100 and answers.shape == (100,)
    # every answer is a place, and the words list reads indices back
    assert {task2.words[a] for a in answers} <= {"bathroom", "hallway", "garden", "office", "kitchen", "bedroom"}
    story, question, answer = task2.text(0, "validation")
    assert task2.words[answers[0]] == answer and question.startswith("where is the")
    row = [task2.words[i] for i in x.stories[0, len(story) - 1] if i]
    assert " ".join(row) == story[-1]


def test_every_part_has_the_slots_of_the_longest_training_story(task2):
    longest = max(len(q.story) for q in task2.train_questions)
    assert task2.slots == min(50, longest)
    for x, _ in (task2.sample(4, np.random.default_rng(0)), task2.validation_set(), task2.test_set(10)):
        assert x.stories.shape[1] == x.times.shape[1] == task2.slots
    task1 = BabiTask(1)
    assert task1.slots == max(len(q.story) for q in task1.train_questions) < 50


def test_supporting_facts_as_memory_slots(task2):
    x, _ = task2.test_set()
    for q, rows, stories in zip(task2.test_questions, task2.supporting(), x.stories):
        assert len(rows) == len(q.supporting)
        for row, position in zip(rows, q.supporting):
            words = [task2.words[w] for w in stories[row] if w]
            assert words == q.story[position]          # the slot holds the supporting sentence


def test_temporal_indices_count_back_from_the_question(task2):
    x, _ = task2.test_set(50)
    for times in x.times:
        n = int((times > 0).sum())
        np.testing.assert_array_equal(times[:n], np.arange(n, 0, -1))
        assert np.all(times[n:] == 0)


def test_random_noise_leaves_gaps_but_keeps_the_order():
    rng = np.random.default_rng(1)
    for n in (1, 5, 20, 50):
        for _ in range(20):
            t = random_gaps(n, 0.1, 50, rng)
            assert len(t) == n and np.all(np.diff(t) <= 0) and t.min() >= 1 and t.max() <= 50
            if n < 50:
                assert len(set(t)) == n
    # stories of 10 or fewer get no gaps (fewer than ceil(0.1 n) = 1), as the released code
    np.testing.assert_array_equal(random_gaps(10, 0.1, 50, rng), np.arange(10, 0, -1))
    gaps = [random_gaps(40, 0.1, 50, rng).max() - 40 for _ in range(200)]
    assert min(gaps) == 0 and max(gaps) == 3


def test_sample_is_seeded(task2):
    a, ya = task2.sample(8, np.random.default_rng(3))
    b, yb = task2.sample(8, np.random.default_rng(3))
    np.testing.assert_array_equal(a.times, b.times)
    np.testing.assert_array_equal(ya, yb)


def test_sequence_form_puts_the_question_last():
    task = BabiTask(1, form="sequence")
    x, answers = task.test_set(3)
    story, question, _ = task.text(0)
    assert x.shape[2] == task.vocab_size + 1
    assert x[0, -1, -1] == 1 and np.all(x[:, :-1, -1] == 0)
    words = sorted(task.words[i] for i in np.flatnonzero(x[0, -1, :-1]))
    assert words == sorted(set(question.split()))
    statement = [task.words[i] for i in np.flatnonzero(x[0, -2, :-1])]
    assert sorted(statement) == sorted(set(story[-1].split()))
    assert np.all(x[0, :x.shape[1] - 1 - len(story)] == 0)     # padding in front


def test_official_style_folder(tmp_path):
    write_task(tmp_path, 6, seed=4)
    from_files = BabiTask(6, folder=tmp_path)
    generated = BabiTask(6, data_seed=4)
    np.testing.assert_array_equal(from_files.test_set()[1], generated.test_set()[1])
    assert from_files.config() == {"babi_task": 6, "memory_size": 50, "random_noise": 0.1, "form": "memory",
                                   "folder": str(tmp_path)}
    assert make_task("babi", **generated.config()).words == generated.words


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="one of the generated tasks"):
        BabiTask(4)
    with pytest.raises(ValueError, match="qa4_\\*_train.txt"):
        BabiTask(4, folder=tmp_path)
    with pytest.raises(ValueError, match="is not a folder"):
        BabiTask(1, folder=tmp_path / "missing")
    with pytest.raises(ValueError, match="form must be"):
        BabiTask(1, form="words")
    (tmp_path / "qa5_x_train.txt").write_text("1 Mary moved to the bathroom.\n2 Where is Mary?\tbathroom\t1\n")
    (tmp_path / "qa5_x_test.txt").write_text("1 Mary moved to the bathroom.\nWhere is Mary?\tbathroom\t1\n")
    with pytest.raises(ValueError, match="qa5_x_test.txt, line 2: 'Where is Mary"):
        BabiTask(5, folder=tmp_path)
    (tmp_path / "qa5_x_test.txt").write_text("")
    with pytest.raises(ValueError, match="has 1 questions: too few to hold 10% out"):
        BabiTask(5, folder=tmp_path)
