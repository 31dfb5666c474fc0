"""A bAbI task as the training loop wants it: batches of questions, a
validation set and a test set, for the memory network or, flattened into a
sequence, for any recurrent core.

    task = BabiTask(babi_task=2)                       # generated, 1k training questions
    task = BabiTask(babi_task=2, folder="tasks_1-20_v1-2/en")   # the official files
    x, answers = task.sample(32, rng)

As Sukhbaatar et al. 2015 (and their released code): the last 10% of the
training file is held out for validation, a question sees the last 50
statements before it (fewer if no training story is that long: the memory
has as many slots as the longest training story), and training batches are
drawn with replacement.

Two forms of x:
  'memory'    a BabiBatch of integer arrays for MemN2N (stories [B, M, W],
              times [B, M], questions [B, W']); time 1 is the latest
              statement, 0 an empty slot.
  'sequence'  floats [B, T, vocab_size + 1] for a recurrent core: one step
              per statement (the bag of its words), then a step for the
              question (its words and a 1 in the last column), padded with
              zero steps at the front so that every question is last.
"""

from collections import namedtuple
from pathlib import Path

import numpy as np

from ..nn.checks import check_generator, check_positive_int
from .babi import build_vocab, encode, parse_babi
from .babi_generate import SIZES, TASK_NAMES, task_texts

BabiBatch = namedtuple("BabiBatch", "stories times questions")
BabiBatch.__doc__ = """Questions for MemN2N: stories [B, M, W] word indices (0 = padding),
times [B, M] each sentence's temporal index (1 = the latest, 0 = no
sentence), questions [B, W'] word indices."""


def find_files(folder, babi_task):
    """The (train, test) files of a task in a folder of bAbI files (qa2_*_train.txt, qa2_*_test.txt)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be a folder of bAbI files, {str(folder)!r} is not a folder")
    found = []
    for part in ("train", "test"):
        matches = sorted(folder.glob(f"qa{babi_task}_*_{part}.txt"))
        if len(matches) != 1:
            raise ValueError(f"{folder} must hold one file qa{babi_task}_*_{part}.txt, "
                             f"found {[m.name for m in matches]}")
        found.append(matches[0])
    return found


def random_gaps(length, fraction, memory_size, rng):
    """Temporal indices with random gaps, as the released code's random noise:
    `length` sentences get distinct times drawn from 1 .. length + gaps
    (gaps < ceil(fraction * length)), capped at memory_size, latest smallest.
    Returns them in story order (the first sentence has the largest)."""
    gaps = rng.integers(int(np.ceil(length * fraction))) if length * fraction > 0 else 0
    drawn = rng.permutation(length + gaps)[:length]
    return np.minimum(np.sort(drawn)[::-1] + 1, memory_size)


class BabiTask:
    """One bAbI task, generated (babi_generate) or read from official files.

    babi_task: 1-20 for files, one of babi_generate.TASK_NAMES to generate.
    size, data_seed: the generated data's training size ('1k', '10k') and seed.
    folder: read qa<task>_*_train.txt and _test.txt from here instead.
    random_noise: the share of gaps in training batches' temporal indices.
    """

    per_step = False

    def __init__(self, babi_task=1, size="1k", data_seed=0, folder=None, memory_size=50,
                 random_noise=0.1, form="memory", validation_fraction=0.1):
        self.babi_task = check_positive_int("babi_task", babi_task)
        self.memory_size = check_positive_int("memory_size", memory_size)
        if form not in ("memory", "sequence"):
            raise ValueError(f"form must be 'memory' or 'sequence', got {form!r}")
        if not 0 <= random_noise < 1:
            raise ValueError(f"random_noise must be in [0, 1), got {random_noise!r}")
        if not 0 < validation_fraction < 1:
            raise ValueError(f"validation_fraction must be in (0, 1), got {validation_fraction!r}")
        self.size, self.data_seed, self.form = size, int(data_seed), form
        self.random_noise, self.validation_fraction = float(random_noise), float(validation_fraction)
        self.folder = None if folder is None else str(folder)
        if folder is None:
            if self.babi_task not in TASK_NAMES:
                raise ValueError(f"babi_task must be one of the generated tasks {sorted(TASK_NAMES)} "
                                 f"(or give folder= for the official files), got {babi_task!r}")
            if size not in SIZES:
                raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
            train_text, test_text = task_texts(self.babi_task, size, self.data_seed)
            train_source, test_source = (f"generated qa{self.babi_task} {size} (seed {self.data_seed}) {part}"
                                         for part in ("train", "test"))
        else:
            train_path, test_path = find_files(folder, self.babi_task)
            train_text, test_text = train_path.read_text(), test_path.read_text()
            train_source, test_source = str(train_path), str(test_path)
        questions = parse_babi(train_text, train_source)
        self.test_questions = parse_babi(test_text, test_source)
        n_train = int(len(questions) * (1 - self.validation_fraction))
        if n_train < 1 or n_train == len(questions):
            raise ValueError(f"{train_source} has {len(questions)} questions: too few to hold "
                             f"{self.validation_fraction:.0%} out for validation")
        self.train_questions, self.validation_questions = questions[:n_train], questions[n_train:]
        self.vocab = build_vocab(questions, self.test_questions)
        self.words = ["<pad>"] + sorted(self.vocab, key=self.vocab.get)
        # every part gets the same number of slots: the longest training story's statements, at most
        # memory_size (the released code's memory size), so a batch's empty slots are alike everywhere
        self.slots = min(memory_size, max(len(q.story) for q in self.train_questions))
        every = self.train_questions + self.validation_questions + self.test_questions
        width = max([len(s) for q in every for s in q.story[-self.slots:]] + [len(q.question) for q in every])
        self._encoded = {name: encode(qs, self.vocab, self.slots, sentence_size=width)
                         for name, qs in (("train", self.train_questions),
                                          ("validation", self.validation_questions),
                                          ("test", self.test_questions))}

    # ------------------------------------------------------------------
    @property
    def vocab_size(self):
        """Words + 1 (index 0, the padding): the size of an embedding table."""
        return len(self.words)

    @property
    def num_classes(self):
        """The answer is a word: one class per vocabulary index."""
        return self.vocab_size

    @property
    def input_size(self):
        """The width of a 'sequence' step: a bag of words (vocab_size) + the question flag."""
        return self.vocab_size + 1

    def config(self):
        """The arguments that rebuild this task (a checkpoint's "task" entry, with its name)."""
        config = {"babi_task": self.babi_task, "memory_size": self.memory_size,
                  "random_noise": self.random_noise, "form": self.form}
        if self.folder is None:
            config.update(size=self.size, data_seed=self.data_seed)
        else:
            config["folder"] = self.folder
        return config

    def text(self, index, part="test"):
        """(story sentences, question, answer) of a question as text, for display:
        the statements the memory holds."""
        questions = {"train": self.train_questions, "validation": self.validation_questions,
                     "test": self.test_questions}[part]
        q = questions[index]
        story = [" ".join(s) for s in q.story[-self.slots:]]
        return story, " ".join(q.question), q.answer

    def supporting(self, part="test"):
        """The supporting facts of every question of a part, as slots of its
        batches' memory (0-based, in story order): a list of lists; a fact the
        memory no longer holds is left out."""
        return [list(rows) for rows in self._encoded[part]["supporting"]]

    # ------------------------------------------------------------------
    def _batch(self, part, rows, rng=None):
        encoded = self._encoded[part]
        lengths = encoded["lengths"][rows]
        stories = np.zeros((len(rows), self.slots, encoded["stories"].shape[2]), dtype=np.int64)
        stories[:, :encoded["stories"].shape[1]] = encoded["stories"][rows]
        times = np.zeros((len(rows), self.slots), dtype=np.int64)
        for b, n in enumerate(lengths):
            if rng is not None and self.random_noise > 0:
                times[b, :n] = random_gaps(n, self.random_noise, self.memory_size, rng)
            else:
                times[b, :n] = np.arange(n, 0, -1)
        batch = BabiBatch(stories, times, encoded["questions"][rows])
        x = batch if self.form == "memory" else self.flatten(batch)
        return x, encoded["answers"][rows]

    def flatten(self, batch):
        """A BabiBatch as the 'sequence' form: [B, T, vocab_size + 1], T = the
        most statements in the batch + 1, statements right-aligned, then the question."""
        stories, times, questions = batch
        lengths = (times > 0).sum(axis=1)
        B, T = len(lengths), int(lengths.max()) + 1
        x = np.zeros((B, T, self.input_size))
        for b, n in enumerate(lengths):
            for i in range(n):
                np.add.at(x[b, T - 1 - n + i], stories[b, i][stories[b, i] > 0], 1.0)
            np.add.at(x[b, T - 1], questions[b][questions[b] > 0], 1.0)
        x[:, -1, -1] = 1.0
        return x

    def sample(self, batch_size, rng):
        """A training batch: (x, answers [B]), questions drawn with replacement;
        with random noise in the temporal indices (the 'memory' form)."""
        batch_size = check_positive_int("batch_size", batch_size)
        check_generator(rng)
        rows = rng.integers(len(self.train_questions), size=batch_size)
        return self._batch("train", rows, rng)

    def validation_set(self):
        """The held-out last part of the training file: (x, answers)."""
        return self._batch("validation", np.arange(len(self.validation_questions)))

    def test_set(self, size=None, seed=None):
        """The test file's questions: (x, answers); size keeps the first `size`
        (default all). seed is not used: the test file is fixed."""
        n = len(self.test_questions) if size is None else min(check_positive_int("size", size),
                                                               len(self.test_questions))
        return self._batch("test", np.arange(n))
