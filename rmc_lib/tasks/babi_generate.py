"""A seeded generator of bAbI-style stories, written in the real bAbI file format.

bAbI (Weston et al. 2015, "Towards AI-complete question answering: a set of
prerequisite toy tasks") cannot be downloaded here, so this module writes
stories of the same kind. Each story is a little simulated world: people
move between places, pick up and drop objects; every answer and every list
of supporting facts is read off that world's state, never off a template.

The file format is the real one (what `babi.read_babi` reads):

    1 Mary moved to the bathroom.
    2 John went to the hallway.
    3 Where is Mary? \tbathroom\t1

Lines are numbered from 1 in each story; a question line holds the
question, a tab, the answer, a tab and the line numbers of the supporting
facts (separated by spaces). A line numbered 1 starts a new story.
"""

from pathlib import Path

import numpy as np

from ..nn.checks import check_generator, check_positive_int

PEOPLE = ("Mary", "John", "Daniel", "Sandra")
PRONOUN = {"Mary": "she", "Sandra": "she", "John": "he", "Daniel": "he"}
PLACES = ("bathroom", "hallway", "garden", "office", "kitchen", "bedroom")
OBJECTS = ("football", "apple", "milk")
MOVE_VERBS = ("moved to", "went to", "journeyed to", "travelled to", "went back to")
GRAB_VERBS = ("got", "picked up", "grabbed")
DROP_VERBS = ("dropped", "put down", "discarded")
THEN = ("Afterwards", "Then", "Following that", "After that")
ANIMALS = {"mouse": "mice", "sheep": "sheep", "wolf": "wolves", "cat": "cats"}
ANIMAL_NAMES = ("Gertrude", "Winona", "Emily", "Jessica")

TASK_NAMES = {1: "single-supporting-fact", 2: "two-supporting-facts", 3: "three-supporting-facts",
              6: "yes-no-questions", 11: "basic-coreference", 15: "basic-deduction"}
SIZES = {"1k": 1000, "10k": 10000}
TEST_QUESTIONS = 1000
QUESTIONS_PER_STORY = 5
MAX_STATEMENTS = 100      # tasks 2 and 3: a story ends here even with fewer questions


def pick(rng, options):
    return options[int(rng.integers(len(options)))]


class Story:
    """The lines of one story so far, numbered from 1 as in the files."""

    def __init__(self):
        self.lines = []

    def say(self, sentence):
        """Add a statement; returns its line number."""
        self.lines.append(f"{len(self.lines) + 1} {sentence}")
        return len(self.lines)

    def ask(self, question, answer, support):
        """Add a question line; support: line numbers, in the order to write them."""
        self.lines.append(f"{len(self.lines) + 1} {question} \t{answer}\t{' '.join(str(s) for s in support)}")


class World:
    """People, their places and the objects they carry, with the line that
    set each fact (so supporting facts come from the state, not from templates).

    where[p]   (place, line of p's last move)
    holder[o]  (person, line of the grab), or None when o lies somewhere
    history[o] the places o has been, in order, one entry per change of place:
               (place, here, how) with
               here: the lines saying o is there now, the object's line and
                     then the person's move (the order of the real qa2); a
                     later grab or drop in the same place replaces them
               how:  the three lines saying how o came there (task 3): the
                     carrier's move before, the grab, the move there
    """

    def __init__(self):
        self.where, self.holder, self.history = {}, {o: None for o in OBJECTS}, {o: [] for o in OBJECTS}

    def move(self, story, rng, person):
        here, before = self.where.get(person, (None, 0))
        place = pick(rng, [p for p in PLACES if p != here])
        line = story.say(f"{person} {pick(rng, MOVE_VERBS)} the {place}.")
        self.where[person] = (place, line)
        for obj, held in self.holder.items():
            if held is not None and held[0] == person:      # what is carried goes along
                # task 3's three facts: where the carrier was, that they hold it, where they went
                self.history[obj].append((place, (held[1], line), sorted({before, held[1], line})))
        return line

    def grab(self, story, rng, person, obj):
        line = story.say(f"{person} {pick(rng, GRAB_VERBS)} the {obj}.")
        self.holder[obj] = (person, line)
        self.locate(obj, person, line)

    def drop(self, story, rng, person, obj):
        line = story.say(f"{person} {pick(rng, DROP_VERBS)} the {obj}.")
        self.holder[obj] = None
        self.locate(obj, person, line)

    def locate(self, obj, person, line):
        """The object is where the person is, as the grab or drop on `line`
        and the person's last move say: a new place, or newer support."""
        place, moved = self.where[person]
        if self.history[obj] and self.history[obj][-1][0] == place:
            self.history[obj][-1] = (place, (line, moved), self.history[obj][-1][2])
        else:                                               # first seen: no way here to tell
            self.history[obj].append((place, (line, moved), []))

    def act(self, story, rng):
        """One random statement: a move, or a grab or a drop (tasks 2 and 3)."""
        person = pick(rng, PEOPLE)
        if person not in self.where or rng.random() < 0.5:
            return self.move(story, rng, person)
        place = self.where[person][0]
        carried = [o for o in OBJECTS if self.holder[o] is not None and self.holder[o][0] == person]
        # an object lying somewhere can be grabbed there; one never seen yet, anywhere
        free = [o for o in OBJECTS if self.holder[o] is None
                and (not self.history[o] or self.history[o][-1][0] == place)]
        if carried and (not free or rng.random() < 0.5):
            return self.drop(story, rng, person, pick(rng, carried))
        if free:
            return self.grab(story, rng, person, pick(rng, free))
        return self.move(story, rng, person)


def _two_moves_then_ask(rng, ask):
    """Tasks 1 and 6: two moves, then a question about one person's last move
    (its line is the support), QUESTIONS_PER_STORY times. ask(story, person,
    place, line) writes the question."""
    story, world = Story(), World()
    for _ in range(QUESTIONS_PER_STORY):
        world.move(story, rng, pick(rng, PEOPLE))
        world.move(story, rng, pick(rng, PEOPLE))
        person = pick(rng, sorted(world.where))
        place, line = world.where[person]
        ask(story, person, place, line)
    return story.lines


def story_where(rng):
    """Task 1: 'Where is Mary?' after every two moves; the support is her last move."""
    return _two_moves_then_ask(rng, lambda story, person, place, line:
                               story.ask(f"Where is {person}?", place, [line]))


def story_yes_no(rng):
    """Task 6: 'Is John in the kitchen?' (yes half the time), support his last move."""
    def ask(story, person, place, line):
        asked = place if rng.random() < 0.5 else pick(rng, [p for p in PLACES if p != place])
        story.ask(f"Is {person} in the {asked}?", "yes" if asked == place else "no", [line])
    return _two_moves_then_ask(rng, ask)


def story_objects(rng, task):
    """Tasks 2 and 3: moves, grabs and drops; a question comes after some statements.

    Task 2 asks 'Where is the football?': the place of its last history
    entry (the grab and the carrier's move, or the drop place). Task 3 asks
    'Where was the football before the kitchen?' about its latest place, if
    it was there only once: the place before it, three facts (the carrier's
    move to the place before, the grab, the move on). Task 3's stories are
    longer, as the real ones, up to MAX_STATEMENTS statements.
    """
    story, world = Story(), World()
    asked, chance = 0, (0.4 if task == 2 else 0.2)
    # without the cap a task-3 story could run forever: once an object has been
    # to its latest place before, no question about it is clear until it moves on
    while asked < QUESTIONS_PER_STORY and len(story.lines) - asked < MAX_STATEMENTS:
        world.act(story, rng)
        if task == 2:
            known = [o for o in OBJECTS if world.history[o]]
        else:       # 'before the kitchen' is clear only if it has been in the kitchen once
            known = [o for o in OBJECTS if len(world.history[o]) >= 2
                     and [entry[0] for entry in world.history[o]].count(world.history[o][-1][0]) == 1]
        if not known or rng.random() > chance:
            continue
        obj = pick(rng, known)
        history = world.history[obj]
        if task == 2:
            place, lines, _ = history[-1]
            story.ask(f"Where is the {obj}?", place, lines)
        else:
            before, last, how = history[-2][0], history[-1][0], history[-1][2]
            story.ask(f"Where was the {obj} before the {last}?", before, how)
        asked += 1
    while story.lines and "\t" not in story.lines[-1]:     # a story ends with its last question
        story.lines.pop()
    return story.lines


def story_coreference(rng):
    """Task 11: 'Daniel went to the kitchen. Afterwards he journeyed to the garden.'

    A statement may refer by pronoun to the person last named; the support of
    'Where is Daniel?' is his last move and, if that was a pronoun line, the
    line that named him."""
    story, world = Story(), World()
    named = {}        # person -> the line naming them that a later pronoun refers to
    last = None       # (person, line) of the most recent named statement
    for _ in range(QUESTIONS_PER_STORY):
        for _ in range(2):
            if last is not None and rng.random() < 0.5:
                person, named_line = last
                place = pick(rng, [p for p in PLACES if p != world.where[person][0]])
                text = f"{pick(rng, THEN)} {PRONOUN[person]} {pick(rng, MOVE_VERBS)} the {place}."
                line = story.say(text)
                world.where[person] = (place, line)
                named[person] = [named_line, line]
            else:
                person = pick(rng, PEOPLE)
                line = world.move(story, rng, person)
                named[person] = [line]
                last = (person, line)
        person = pick(rng, sorted(world.where))
        story.ask(f"Where is {person}?", world.where[person][0], named[person])
    return story.lines


def story_deduction(rng):
    """Task 15: each kind of animal fears another; four named animals; then
    'What is gertrude afraid of?' (name lower-cased, as the real files),
    supported by her kind and that kind's fear."""
    story, kinds = Story(), list(ANIMALS)
    facts = [("fear", kind, pick(rng, [k for k in kinds if k != kind])) for kind in kinds]
    facts += [("is", name, pick(rng, kinds)) for name in ANIMAL_NAMES]
    fear_line, kind_of = {}, {}
    for i in rng.permutation(len(facts)):
        what, a, b = facts[i]
        if what == "fear":
            fear_line[a] = (b, story.say(f"{ANIMALS[a].capitalize()} are afraid of {ANIMALS[b]}."))
        else:
            article = "an" if b[0] in "aeiou" else "a"
            kind_of[a] = (b, story.say(f"{a} is {article} {b}."))
    for i in rng.permutation(len(ANIMAL_NAMES)):
        name = ANIMAL_NAMES[i]
        kind, line = kind_of[name]
        feared, fline = fear_line[kind]
        story.ask(f"What is {name.lower()} afraid of?", feared, sorted([line, fline]))
    return story.lines


def story_lines(task, rng):
    """The lines of one story of a task (1, 2, 3, 6, 11 or 15)."""
    if task == 1:
        return story_where(rng)
    if task in (2, 3):
        return story_objects(rng, task)
    if task == 6:
        return story_yes_no(rng)
    if task == 11:
        return story_coreference(rng)
    return story_deduction(rng)


def check_task(task):
    if task not in TASK_NAMES:
        raise ValueError(f"task must be one of {sorted(TASK_NAMES)}, got {task!r}")
    return task


def generate(task, num_questions, rng):
    """The text of a bAbI-style file holding `num_questions` questions of a task.

    Stories are drawn one after another until the count is reached; the last
    story stops at the question that completes it. Returns one string, lines
    separated by newlines (ending with one), as the real files.
    """
    check_task(task)
    num_questions = check_positive_int("num_questions", num_questions)
    check_generator(rng)
    lines, count = [], 0
    while count < num_questions:
        for line in story_lines(task, rng):
            lines.append(line)
            if "\t" in line:
                count += 1
                if count == num_questions:
                    break
    return "\n".join(lines) + "\n"


def file_names(task):
    """(train, test) file names of a task, as in the real data set (qa1_single-supporting-fact_train.txt)."""
    stem = f"qa{check_task(task)}_{TASK_NAMES[task]}"
    return f"{stem}_train.txt", f"{stem}_test.txt"


def task_texts(task, size="1k", seed=0):
    """The (training, test) files' texts of a task, as write_task writes them.

    size: '1k' or '10k' training questions, the real data set's two sizes.
    The test text always holds 1,000 questions from a generator of its own
    (seed and task only), so it is the same whichever training size.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    check_task(task)
    train_text = generate(task, SIZES[size], np.random.default_rng([seed, task, SIZES[size]]))
    test_text = generate(task, TEST_QUESTIONS, np.random.default_rng([seed, 999, task]))
    return train_text, test_text


def write_task(folder, task, size="1k", seed=0):
    """Write a task's training and test files into `folder` (created if needed).

    size: '1k' or '10k' training questions, the real data set's two sizes.
    The test file always holds 1,000 questions from a generator of its own
    (seed and task only), so it is the same whichever training size.
    Returns the (train, test) paths.
    """
    train_text, test_text = task_texts(task, size, seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    train_name, test_name = file_names(task)
    (folder / train_name).write_text(train_text)
    (folder / test_name).write_text(test_text)
    return folder / train_name, folder / test_name
