"""The architecture editor: the network as a list of layers, edited with the keyboard.

    Input     2  x, y
  ▶ Layer 1  25  relu   ▮▮▮▮▮
    Output    1  sigmoid

The editor never changes the experiment itself: it asks the screen (`ChangeRequested`), which checks the
rules and either applies the change or hands back an error to show here.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from ml101.engine.spec import ACTIVATIONS, MAX_WIDTH, Experiment
from ml101.tui.i18n import binding, number, t, translate_bindings
from ml101.tui.widgets.messages import ChangeRequested


class LayerList(Widget, can_focus=True):
    """The layers, one a line; the cursor picks the hidden layer that the keys change."""

    HELP_GROUP = "help.group_arch"

    DEFAULT_CSS = """
    LayerList { height: auto; padding: 0 1; }
    LayerList:focus { background: $boost; }
    """
    BINDINGS = [
        binding("up", "move(-1)", "arch_up", key_display="↑"),
        binding("down", "move(1)", "arch_down", key_display="↓"),
        binding("left", "width(-1)", "arch_narrower", key_display="←"),
        binding("right", "width(1)", "arch_wider", key_display="→"),
        binding("shift+left", "width(-10)", "arch_narrower10", key_display="⇧←"),
        binding("shift+right", "width(10)", "arch_wider10", key_display="⇧→"),
        binding("plus,insert", "add", "arch_add", key_display="+"),
        binding("minus,delete", "remove", "arch_remove", key_display="-"),
        binding("a", "activation", "arch_activation"),
        binding("enter", "edit", "arch_edit", key_display="⏎"),
    ]

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class EditWidth(Message):
        """Enter: the user wants to type the selected layer's width."""

    def __init__(self, exp: Experiment, *, id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.exp = exp
        self.cursor = 0
        self._added_at: int | None = None  # where a layer was asked for: the cursor goes there once it exists

    def show(self, exp: Experiment) -> None:
        if self._added_at is not None and len(exp.layers) > len(self.exp.layers):
            self.cursor = self._added_at
        self._added_at = None
        self.exp = exp
        self.cursor = max(0, min(self.cursor, len(exp.layers) - 1))
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.exp.layers) + 2 + (not self.exp.layers)

    def render(self) -> Text:
        exp = self.exp
        text = Text()
        text.append(f"  {t('arch.input'):<11}{2:>4}  x, y\n")
        if not exp.layers:
            text.append(f"  {t('arch.no_hidden')}\n", Style(italic=True))
        for i, (width, act) in enumerate(zip(exp.layers, exp.activations, strict=True)):
            selected = i == self.cursor
            line = f"{'▶' if selected else ' '} {t('arch.layer', n=i + 1):<11}{width:>4}  {act:<10} "
            bar = "▮" * max(1, round(width / 256 * 12)) if width else ""
            text.append(line, Style(bold=True, reverse=self.has_focus) if selected else Style())
            text.append(bar + "\n", Style(dim=not selected))
        text.append(f"  {t('arch.output'):<11}{1:>4}  sigmoid")
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _ask(self, layers, activations) -> None:
        self.post_message(ChangeRequested(self, {"layers": tuple(layers), "activations": tuple(activations)}))

    def action_move(self, delta: int) -> None:
        if self.exp.layers:
            self.cursor = (self.cursor + delta) % len(self.exp.layers)
            self.post_message(self.Selected(self.cursor))
            self.refresh()

    def action_width(self, delta: int) -> None:
        if not self.exp.layers:
            return
        layers = list(self.exp.layers)
        old = layers[self.cursor]
        # ten at a time stops at the limit (250 → 256, 5 → 1); at the limit the step is asked for as it is,
        # so the screen says what is allowed
        clamped = min(max(old + delta, 1), MAX_WIDTH)
        layers[self.cursor] = clamped if clamped != old else old + delta
        self._ask(layers, self.exp.activations)

    def action_add(self) -> None:
        # The cursor moves only once the layer exists: a refused ninth layer (the limit is the engine's, which
        # the screen explains) leaves it on a layer that is there.
        layers, acts = list(self.exp.layers), list(self.exp.activations)
        at = self.cursor + 1 if layers else 0
        layers.insert(at, layers[self.cursor] if layers else 8)
        acts.insert(at, acts[self.cursor] if acts else "relu")
        self._added_at = at
        self._ask(layers, acts)

    def action_remove(self) -> None:
        if not self.exp.layers:
            return
        layers, acts = list(self.exp.layers), list(self.exp.activations)
        del layers[self.cursor], acts[self.cursor]
        self._ask(layers, acts)

    def action_activation(self) -> None:
        if not self.exp.layers:
            return
        acts = list(self.exp.activations)
        acts[self.cursor] = ACTIVATIONS[(ACTIVATIONS.index(acts[self.cursor]) + 1) % len(ACTIVATIONS)]
        self._ask(self.exp.layers, acts)

    def action_edit(self) -> None:
        self.post_message(self.EditWidth())


class ArchitectureEditor(Vertical):
    HELP_GROUP = "help.group_arch"
    DEFAULT_CSS = """
    ArchitectureEditor { height: auto; }
    ArchitectureEditor .layer-edit { height: 1; margin: 0 1; }
    ArchitectureEditor .layer-edit Label { width: 14; }
    ArchitectureEditor #layer-width { width: 8; }
    ArchitectureEditor #layer-activation { width: 16; }
    ArchitectureEditor LayerList { margin-bottom: 1; }
    ArchitectureEditor #arch-info { padding: 0 1; margin-top: 1; color: $text-muted; }
    ArchitectureEditor #arch-error { padding: 0 1; color: $text-error; }
    """

    def __init__(self, exp: Experiment, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.exp = exp

    def compose(self) -> ComposeResult:
        yield LayerList(self.exp, id="layer-list")
        with Horizontal(classes="layer-edit"):
            yield Label(t("arch.width"), id="arch-width-label")
            yield Input(id="layer-width", compact=True, select_on_focus=True)
        with Horizontal(classes="layer-edit"):
            yield Label(t("arch.activation"), id="arch-activation-label")
            first = self.exp.activations[0] if self.exp.activations else ACTIVATIONS[0]
            yield Select([(a, a) for a in ACTIVATIONS], value=first, allow_blank=False, compact=True,
                         id="layer-activation")
        yield Static(id="arch-info")
        yield Static(id="arch-error")

    def on_mount(self) -> None:
        self.show(self.exp, force=True)

    def relabel(self) -> None:
        """The words in the language now set, in place: a rebuild would leave keys and the worker's snapshots
        arriving meanwhile without a layer list."""
        self.query_one("#arch-width-label", Label).update(t("arch.width"))
        self.query_one("#arch-activation-label", Label).update(t("arch.activation"))
        self.layer_list.refresh(layout=True)
        self.show(self.exp, force=True)

    @property
    def layer_list(self) -> LayerList:
        return self.query_one(LayerList)

    def show(self, exp: Experiment, force: bool = False) -> None:
        """Show `exp`'s network (after a change was accepted, or the worker's reset)."""
        if exp == self.exp and not force:
            return
        self.exp = exp
        self.layer_list.show(exp)
        self._show_selected()
        self.query_one("#arch-info", Static).update(
            t("arch.params", n=number(exp.parameter_count())) + "\n" + t("arch.note")
        )

    def _show_selected(self) -> None:
        exp, cursor = self.exp, self.layer_list.cursor
        width_input = self.query_one("#layer-width", Input)
        select = self.query_one("#layer-activation", Select)
        has_layer = bool(exp.layers)
        width_input.disabled = select.disabled = not has_layer
        if not has_layer:
            return
        if not width_input.has_focus:
            width_input.value = str(exp.layers[cursor])
        with select.prevent(Select.Changed):
            select.value = exp.activations[cursor]

    def show_error(self, field: str | None, text: str | None = None) -> None:
        """Explain a refused edit (every field here is the network's), or clear with `show_error(None)`."""
        self.query_one("#arch-error", Static).update(Text(f"✗ {text}") if text else "")

    @on(LayerList.Selected)
    def _selected(self) -> None:
        self._show_selected()

    @on(LayerList.EditWidth)
    def _edit_width(self) -> None:
        if self.exp.layers:
            self.query_one("#layer-width", Input).focus()

    @on(Input.Submitted, "#layer-width")
    def _width_typed(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.exp.layers:
            return
        layers = list(self.exp.layers)
        layers[self.layer_list.cursor] = event.value.strip()  # the rules in engine.spec judge the text
        self.post_message(ChangeRequested(self, {"layers": tuple(layers), "activations": self.exp.activations}))

    @on(Input.Blurred, "#layer-width")
    def _width_left(self, event: Input.Blurred) -> None:
        if self.exp.layers and event.value.strip() != str(self.exp.layers[self.layer_list.cursor]):
            event.input.value = str(self.exp.layers[self.layer_list.cursor])  # leaving without Enter undoes

    @on(Select.Changed, "#layer-activation")
    def _activation_picked(self, event: Select.Changed) -> None:
        event.stop()
        if not self.exp.layers or event.value == self.exp.activations[self.layer_list.cursor]:
            return
        acts = list(self.exp.activations)
        acts[self.layer_list.cursor] = str(event.value)
        self.post_message(ChangeRequested(self, {"layers": self.exp.layers, "activations": tuple(acts)}))
