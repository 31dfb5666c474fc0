"""What a trained model answers to one Nth-farthest problem (lesson 07):
the static picture (`draw_answer`) and the task explorer widget that
redraws it in place (`TaskExplorer`).
"""

import ipywidgets as widgets
import numpy as np

from ..cores.rmc import RelationalMemory
from ..trace import record
from . import task_views
from .common import keep_room_at_top
from .figure_view import FigureView
from .heatmaps import heatmap_artists, update_heatmap
from .memory_views import trace_attention, trace_weights

#: Figure sizes (inches) of the answer picture with and without the attention
#: panel: at most 9.4 inches wide, so that it fits a ~960 px output area both
#: inline (100 dpi) and in a FigureView (90 dpi).
ANSWER_FIGSIZE = {True: (9.4, 4.1), False: (6.6, 4.1)}


def answer(model, x, details, example=0):
    """What a trained classifier answers for one problem of a batch.

    model: a SequenceClassifier; x [B, C, D] and details from the task's
    `sample(..., return_details=True)` (or `encode`). Returns a dict:
    problem (as task_views.problem), probabilities [C] (by id), prediction
    (an id), right (bool), and trace: the recorded run of an RMC core
    (rmc_lib.trace.Trace of this one problem) or None for other cores.
    """
    p = task_views.problem(details, example)
    one = x[example:example + 1]
    probabilities = model.predict_proba(one)[0]
    trace = record(model.core, one)[2] if isinstance(model.core, RelationalMemory) else None
    prediction = int(np.argmax(probabilities))
    return dict(problem=p, probabilities=probabilities, prediction=prediction,
                right=prediction == p["label"], trace=trace)


def draw_answer(a, fig=None, head=0, block=None, name="model", frame=None):
    """The task explorer's picture of `answer(...)`: the problem with the
    prediction ringed (left); the distances, and under them the model's
    probability for each object, in the same columns (middle); and, for an
    RMC, the attention of the last step (right: the last block unless
    `block` is given, head `head`; colours only, without the numbers the
    attention explorer writes in each cell, which would double the time
    the task explorer takes to redraw).

    fig: an empty Figure (default: a new one of ANSWER_FIGSIZE). frame:
    fixed axes for the problem and the distances (task_views.problem_frame;
    default: this problem's). Returns the axes (problem, distances,
    probabilities[, attention]); `update_answer` shows another answer in them.
    """
    with_attention = a["trace"] is not None
    if fig is None:
        import matplotlib.pyplot as plt
        fig = plt.figure(figsize=ANSWER_FIGSIZE[with_attention], layout="constrained")
    layout = [["problem", "distances"], ["problem", "probabilities"]]
    widths = [1.2, 1.0]
    if with_attention:
        layout = [row + ["attention"] for row in layout]
        widths.append(1.15)
    named = fig.subplot_mosaic(layout, width_ratios=widths, height_ratios=[1, 1])
    axes = [named["problem"], named["distances"], named["probabilities"]]
    frame = frame or {}
    p = a["problem"]
    task_views.draw_problem(p, ax=axes[0], prediction=a["prediction"], limits=frame.get("limits"),
                            title="the problem (ids in the points)", legend=False)
    task_views.draw_distances(p, ax=axes[1], ymax=frame.get("ymax"), rank_labels=False,
                              title="distance to the reference")
    axes[1].set_ylabel("distance")
    task_views.draw_probabilities(p, a["probabilities"], ax=axes[2], title=f"the {name}'s probability")
    if with_attention:
        trace = a["trace"]
        block = trace.attention.shape[1] - 1 if block is None else block
        axes.append(named["attention"])
        trace_attention(trace, trace.num_steps - 1, block, head, 0, ax=axes[3], annotate=False,
                        title="attention at the last step", ylabel="query")
    task_views.marker_legend(axes[0])
    # the verdict, which changes, is the figure's title, in a band kept above
    # the panels (whose titles stay)
    keep_room_at_top(fig, TITLE_BAND, [_figure_title(fig, " ")])
    return update_answer(axes, a, head, block, name)


#: Inches kept at the top of the answer picture for its changing title.
TITLE_BAND = 0.32


def _figure_title(fig, text):
    # a little below the top edge: a widget's background ends at the edge
    return fig.suptitle(text, y=1 - 0.06 / fig.get_figheight(), va="top", fontsize=10)


def _verdict(a, name):
    p = a["problem"]
    return (f"n = {p['n']}: the answer is id {p['label']}; the {name} says id {a['prediction']} "
            f"({'right' if a['right'] else 'wrong'})")


def _title(a, name):
    return f"{_verdict(a, name)}, {a['probabilities'][a['problem']['label']]:.2f} on the answer"


def update_answer(axes, a, head=0, block=None, name="model"):
    """Show another answer (of a problem with as many objects, from the same
    kind of model) in the axes of `draw_answer`: titles, points, bars and
    the heatmap change; the axes stay."""
    p = a["problem"]
    task_views.update_problem(axes[0], p, a["prediction"], title=axes[0].get_title())
    task_views.update_distances(axes[1], p, title=axes[1].get_title())
    task_views.update_probabilities(axes[2], p, a["probabilities"])
    title = _title(a, name)
    if len(axes) == 4:
        trace = a["trace"]
        block = trace.attention.shape[1] - 1 if block is None else block
        update_heatmap(axes[3], trace_weights(trace, trace.num_steps - 1, block, head, 0))
        title += f"; attention of head {head}"
    _figure_title(axes[0].figure, title)
    return axes


def answer_artists(axes):
    """What `update_answer` changes, for FigureView: the points, bars and
    heatmap, and the figure's title (the panels' titles stay)."""
    static = {axes[0].title, axes[1].title, axes[2].title}
    changing = (task_views.problem_artists(axes[0]) + task_views.distances_artists(axes[1])
                + task_views.probabilities_artists(axes[2]))
    if len(axes) == 4:
        changing += heatmap_artists(axes[3])
        static.add(axes[3].title)
    return [artist for artist in changing if artist not in static] + [axes[0].figure._suptitle]


class TaskExplorer(widgets.VBox):
    """Nth-farthest problems and what a trained model answers.

    model: a trained SequenceClassifier (e.g. from rmc_lib.train.runs.load_trained);
    task: its NthFarthest task; details: the problems to offer (the details
    dict of `task.sample`/`test_set` with return_details), by default the
    first `problems` of the task's fixed test set; seed: for the "new
    problem" button.

    Controls (settable from Python through `.value`, except the button):
      problem_slider  which problem of the set (the button appends a fresh
                      random one and moves the slider to it)
      n_dropdown      which n to ask for the same vectors (the task's n_choices)
      head_slider     the attention head shown (RMC only)
      new_button      draw a fresh problem (also: `new_problem()`)

    What it shows (static counterpart: draw_answer):
      answer   the dict of `answer`: problem, probabilities, prediction,
               right, trace
      figure   the problem with the prediction, the distances and the
               probabilities and (RMC) the attention of the last step
      summary  one line: the answer, the prediction, its probability
    """

    css_class = "rmc-task-explorer"

    def __init__(self, model, task, details=None, problems=50, seed=0, name="model", figsize=None, example=0):
        self.model, self.task, self.name = model, task, name
        if details is None:
            _, _, details = task.test_set(problems, return_details=True)
        self.details = {key: np.asarray(value) for key, value in details.items()}
        problems = len(self.details["n"])
        self.rng = np.random.default_rng(seed)
        is_rmc = isinstance(model.core, RelationalMemory)      # the cores whose attention is drawn
        self.figsize = figsize or ANSWER_FIGSIZE[is_rmc]
        self.figure = self.frame = None
        style = {"description_width": "initial"}
        if not 0 <= example < problems:
            raise ValueError(f"example must lie in [0, {problems}), got {example}")
        self.problem_slider = widgets.IntSlider(value=example, min=0, max=problems - 1, description="problem",
                                                continuous_update=False, style=style)
        self.n_dropdown = widgets.Dropdown(options=list(task.n_choices),
                                           value=int(self.details["n"][example]),
                                           description="ask for n", style=style,
                                           disabled=len(task.n_choices) == 1)
        heads = model.core.num_heads if is_rmc else 1
        self.head_slider = widgets.IntSlider(value=0, min=0, max=max(heads - 1, 0), description="head",
                                             disabled=heads == 1, continuous_update=False, style=style)
        self.new_button = widgets.Button(description="new problem", icon="refresh")
        self.new_button.on_click(lambda _: self.new_problem())
        self.view = FigureView()
        self.summary_label = widgets.HTML()
        self._choosing_problem = False
        self.problem_slider.observe(self._on_problem, names="value")
        for control in (self.n_dropdown, self.head_slider):
            control.observe(self._on_control, names="value")
        super().__init__([widgets.HBox([self.problem_slider, self.new_button]),
                          widgets.HBox([self.n_dropdown, self.head_slider]),
                          self.view.image, self.summary_label])
        self.add_class(self.css_class)
        self.update()

    def _on_problem(self, change):
        # another problem: ask the n its own entry asks (without redrawing
        # for that change), then redraw once
        self._choosing_problem = True
        self.n_dropdown.value = int(self.details["n"][self.problem_slider.value])
        self._choosing_problem = False
        self.update()

    def _on_control(self, change):
        if not self._choosing_problem:
            self.update()

    def new_problem(self):
        """Append a fresh random problem to the set and show it."""
        _, _, fresh = self.task.sample(1, self.rng, return_details=True)
        self.details = {k: np.concatenate([self.details[k], fresh[k]]) for k in self.details}
        self.problem_slider.max = len(self.details["n"]) - 1
        self.problem_slider.value = self.problem_slider.max       # redraws through _on_problem

    def compute(self):
        i, d = self.problem_slider.value, self.details
        one = {k: v[i:i + 1] for k, v in d.items()}
        x, _, asked = self.task.encode(one["vectors"], one["ids"], self.n_dropdown.value, one["reference"],
                                       return_details=True)
        self.answer = answer(self.model, x, asked, 0)

    def describe(self):
        a = self.answer
        return (f"problem {self.problem_slider.value}, {_verdict(a, self.name)}, "
                f"probability {a['probabilities'][a['prediction']]:.2f}")

    def update(self):
        self.compute()
        self.summary = self.describe()
        self.summary_label.value = self.summary
        if self.frame is None or not task_views.in_frame(self.frame, self.answer["problem"]):
            self.draw_first()
        else:
            self.refresh()
        self.view.render()

    def draw_first(self):
        """Draw the whole picture, in a frame that holds every problem offered
        so far, and mark what later moves redraw."""
        self.frame = task_views.problem_frame(self.details)
        self.figure = self.view.new_figure(self.figsize)
        self.axes = draw_answer(self.answer, fig=self.figure, head=self.head_slider.value,
                                name=self.name, frame=self.frame)
        self.view.set_changing(answer_artists(self.axes))

    def refresh(self):
        """Show the current answer in the picture already drawn."""
        update_answer(self.axes, self.answer, head=self.head_slider.value, name=self.name)
