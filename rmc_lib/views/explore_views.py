"""Pictures and widgets of lesson 07 (a trained model explored): memory and
gates at each step, and the explorers of memory and gates and of a model's
answers to Nth-farthest problems.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..cores.rmc import RelationalMemory
from . import task_views
from .common import check_index, slot_labels
from .figure_view import FigureView
from .heatmaps import memory_heatmap
from .memory_views import TraceAttentionExplorer


def memory_and_gates(trace, step, example=0, fig=None, vmax=None, change_max=None):
    """The memory and gates view of one step: four panels.

    1. the memory after the step, M_{t+1} [N, F] (colour scale: +-vmax,
       default the largest |value| over all steps of this example, so that
       steps can be compared);
    2. the input gate and 3. the forget gate of each slot at this step
       ([N, g]: g = F for 'unit' gates, 1 for 'memory' gates), from 0 to 1;
    4. how far each slot moved at this step, ||M_{t+1} - M_t|| per slot,
       on an axis up to change_max (default: the largest move of any slot
       at any step of this example).

    fig: an empty Figure (default: a new one). Returns the four axes.
    A trace of an RMC without gates draws the gate panels empty, saying so.
    """
    T1, B, N, F = trace.memory.shape
    step = check_index("step", step, T1 - 1)
    example = check_index("example", example, B)
    if fig is None:
        fig = plt.figure(figsize=(12, 3.6), layout="constrained")
    axes = fig.subplots(1, 4, width_ratios=[3, 2, 2, 2])
    if vmax is None:
        vmax = float(np.abs(trace.memory[:, example]).max()) or 1.0
    memory_heatmap(trace.memory[step + 1, example], ax=axes[0], vmax=vmax, title=_memory_title(step))
    slots = slot_labels(N, input_row=False)
    for ax, gate, name in [(axes[1], trace.input_gate, "input gate"), (axes[2], trace.forget_gate, "forget gate")]:
        if gate is None:
            ax.text(0.5, 0.5, "no gates\n(gate_style None)", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        values = gate[step, example]                                  # [N, g]
        image = ax.imshow(values, cmap="Greens", vmin=0, vmax=1, aspect="auto")
        ax.set_yticks(range(N), slots)
        ax.set_xticks(range(0, values.shape[1], max(1, values.shape[1] // 6)))
        ax.set_xlabel("unit" if values.shape[1] > 1 else "one gate per slot")
        ax.set_title(_gate_title(name, values))
        fig.colorbar(image, ax=ax, label="gate value")
    change = trace.memory_change()[:, example]                        # [T, N]
    axes[3].barh(range(N), change[step], color="tab:purple")
    axes[3].set_yticks(range(N), slots)
    axes[3].invert_yaxis()
    if change_max is None:
        change_max = float(change.max())
    axes[3].set_xlim(0, change_max * 1.05 or 1.0)
    axes[3].set_xlabel(r"$\|M_{t+1} - M_t\|$ per slot")
    axes[3].set_title("move per slot")
    return axes


def _memory_title(step):
    return f"memory after step {step}"


def _gate_title(name, values):
    return f"{name}, mean {values.mean():.2f}"


def update_memory_and_gates(axes, trace, step, example=0):
    """Show another step or example of the same trace in a picture drawn by
    `memory_and_gates` (axes: the four it returned), changing only its data
    and titles; the colour scale and the axis of the moves stay as drawn."""
    T1, B = trace.memory.shape[:2]
    step = check_index("step", step, T1 - 1)
    example = check_index("example", example, B)
    memory_ax, input_ax, forget_ax, change_ax = axes
    memory_ax.images[0].set_data(trace.memory[step + 1, example])
    memory_ax.title.set_text(_memory_title(step))
    for ax, gate, name in [(input_ax, trace.input_gate, "input gate"), (forget_ax, trace.forget_gate, "forget gate")]:
        if gate is not None:
            ax.images[0].set_data(gate[step, example])
            ax.title.set_text(_gate_title(name, gate[step, example]))
    for bar, width in zip(change_ax.patches, trace.memory_change()[step, example]):
        bar.set_width(width)
    return axes


def memory_and_gates_artists(axes):
    """What `update_memory_and_gates` changes, for FigureView."""
    memory_ax, input_ax, forget_ax, change_ax = axes
    changing = [memory_ax.images[0], memory_ax.title, *change_ax.patches]
    for ax in (input_ax, forget_ax):
        if ax.images:                          # a gate panel (empty without gates)
            changing += [ax.images[0], ax.title]
    return changing


class MemoryGatesExplorer(TraceAttentionExplorer):
    """Step through a recorded run and watch the memory and the gates.

    The same controls as TraceAttentionExplorer without block and head:
    step (with a play button) and example. For the current step it shows
    (static counterpart: memory_and_gates) the memory after the step,
    the input and forget gate of every slot, and how far each slot moved.

    Attributes: memory [N, F] (after the step), input_gate and forget_gate
    [N, g] (None without gates), change [N] (how far each slot moved), figure.
    """

    css_class = "rmc-memory-explorer"

    def __init__(self, trace, step=0, example=0, figsize=(12, 3.6), interval=800):
        super().__init__(trace, step=step, example=example, figsize=figsize, interval=interval)

    def controls(self):
        return [self.step_slider, self.example_slider]

    def layout_rows(self):
        return [widgets.HBox([self.play, self.step_slider, self.example_slider])]

    def compute(self):
        t, i = self.step, self.example
        self.memory = self.trace.memory[t + 1, i]
        self.input_gate = None if self.trace.input_gate is None else self.trace.input_gate[t, i]
        self.forget_gate = None if self.trace.forget_gate is None else self.trace.forget_gate[t, i]
        self.change = self.trace.memory_change()[t, i]

    def describe(self):
        moved = int(np.argmax(self.change))
        text = f"step {self.step}: slot {moved} moved the most ({self.change[moved]:.2f})"
        if self.input_gate is not None:
            text += (f"; mean input gate {self.input_gate.mean():.2f}, "
                     f"mean forget gate {self.forget_gate.mean():.2f}")
        return text

    def draw_panels(self, fig):
        # one colour scale and one axis for the moves over the whole trace,
        # so that steps and examples can be compared (and the colorbar stays put)
        self.axes = memory_and_gates(self.trace, self.step, self.example, fig=fig,
                                           vmax=float(np.abs(self.trace.memory).max()) or 1.0,
                                           change_max=float(self.trace.memory_change().max()))
        return memory_and_gates_artists(self.axes)

    def refresh(self):
        update_memory_and_gates(self.axes, self.trace, self.step, self.example)


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

    What it shows (static counterpart: task_views.draw_answer):
      answer   the dict of task_views.answer: problem, probabilities,
               prediction, right, trace
      figure   the problem with the prediction, the distances with the
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
        self.figsize = figsize or ((15.5, 4.6) if is_rmc else (10.5, 4.6))
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
        self.answer = task_views.answer(self.model, x, asked, 0)

    def describe(self):
        a, p = self.answer, self.answer["problem"]
        return (f"problem {self.problem_slider.value}, n = {p['n']}: the answer is id {p['label']}; "
                f"the {self.name} says id {a['prediction']} ({'right' if a['right'] else 'wrong'}), "
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
        self.axes = task_views.draw_answer(self.answer, fig=self.figure, head=self.head_slider.value,
                                           name=self.name, frame=self.frame)
        self.view.set_changing(task_views.answer_artists(self.axes))

    def refresh(self):
        """Show the current answer in the picture already drawn."""
        task_views.update_answer(self.axes, self.answer, head=self.head_slider.value, name=self.name)
