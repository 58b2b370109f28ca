"""Edits the selected node's name and constructor parameters with a form built from its spec.

Editors follow the parameter's type (from its annotation or default): a check box for bool, spin
boxes for int and float, a line edit for str, and a Python-literal line edit for everything else
(lists, dicts, None, bytes as ``b'...'``, an allow-listed function by its name such as
``bytes.upper`` (offered as completions), code as ``lambda ...`` behind the graph's trust, a
server's port as ``port of NAME``).
Values are checked with ``validate.check_param`` and the message is shown under the field; only
good values leave the form, as ``param_edited`` signals that the window turns into commands.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.model import Catalog, Node, ParamSpec, UnknownComponentError, callables
from workbench.model import values as model_values
from workbench.model.validate import allowed_types, check_param
from workbench.ui.theme import named

INT_RANGE = (-(2**31), 2**31 - 1)
PORT_OF_TEXT = "port of "
_NAME = re.compile(r"[A-Za-z_][\w.]*")


def parse_literal(text: str) -> Any:
    """Read what the user typed: an allowed callable's name, JSON, else a Python literal (bytes
    become a $bytes value), else code (a lambda or a call).

    Raises:
        ValueError: the text is none of these; a bare name off the allow-list is told so, with
            the names allowed.
    """
    text = text.strip()
    if text == "":
        raise ValueError("empty")
    if callables.is_allowed(text):
        return model_values.named_callable(text)
    if text.startswith(PORT_OF_TEXT):
        return model_values.port_of(text.removeprefix(PORT_OF_TEXT).strip())
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        if text.startswith("lambda") or "(" in text:
            return model_values.code(text)
        if _NAME.fullmatch(text):
            raise ValueError(_not_allowed(text)) from None
        raise ValueError(f"not a value: {exc.__class__.__name__}") from None
    if isinstance(value, bytes):
        return model_values.bytes_value(value)
    if isinstance(value, tuple | set):
        return list(value)
    return value


def _not_allowed(name: str) -> str:
    """What the field says about a bare name off the allow-list (the completer lists them)."""
    close = difflib.get_close_matches(name, callables.ALLOWED, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return (
        f"{name!r} is not an allowed function name: {hint}type a few letters to see those "
        "allowed, write a lambda (Python code: runs only if you trust the graph), or put text "
        "in quotes"
    )


def literal_text(value: Any) -> str:
    """How a stored value is shown in a literal field."""
    tag = model_values.tag_of(value)
    if tag == model_values.BYTES_TAG:
        return repr(value[tag].encode("utf-8"))
    if tag in (model_values.CODE_TAG, model_values.CALLABLE_TAG):
        return value[tag]
    if tag == model_values.PORT_OF_TAG:
        return f"{PORT_OF_TEXT}{value[tag]}"
    return json.dumps(value)


class ParamField(QWidget):
    """One parameter row: editor, reset button and an inline message."""

    committed = Signal(str, object)  #: (name, value) of a valid edit
    reset = Signal(str)  #: name

    def __init__(self, spec: ParamSpec, node: Node, parent: QWidget | None = None) -> None:
        """Pick the editor for ``spec`` and show the node's current value."""
        super().__init__(parent)
        self.spec = spec
        self.node = node
        allowed = allowed_types(spec) or frozenset()
        kind = "literal"
        if allowed == {"bool"}:
            kind = "bool"
        elif allowed == {"int"}:
            kind = "int"
        elif allowed == {"int", "float"} and isinstance(spec.default, float):
            kind = "float"
        elif allowed == {"int", "float"} and isinstance(spec.default, int):
            kind = "int"
        elif allowed == {"str"}:
            kind = "str"
        if model_values.tag_of(node.params.get(spec.name)) == model_values.PORT_OF_TAG:
            kind = "literal"  # "port of NAME", not a number
        self.kind = kind
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.editor = self._make_editor()
        self.reset_button = QToolButton()
        self.reset_button.setText("↺")
        self.reset_button.setToolTip("Reset to the default")
        self.reset_button.clicked.connect(lambda: self.reset.emit(self.spec.name))
        row.addWidget(self.editor, 1)
        row.addWidget(self.reset_button)
        self.message = named(QLabel(wordWrap=True), "validationMessage")
        self.message.hide()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(row)
        outer.addWidget(self.message)
        self.load()

    def _make_editor(self) -> QWidget:
        if self.kind == "bool":
            box = QCheckBox()
            box.toggled.connect(lambda on: self._commit(bool(on)))
            return box
        if self.kind == "int":
            spin = QSpinBox()
            spin.setRange(*INT_RANGE)
            spin.editingFinished.connect(lambda: self._commit(spin.value()))
            return spin
        if self.kind == "float":
            real = QDoubleSpinBox()
            real.setRange(-1e12, 1e12)
            real.setDecimals(4)
            real.editingFinished.connect(lambda: self._commit(real.value()))
            return real
        edit = QLineEdit()
        if self.kind == "literal" and "callable" in (allowed_types(self.spec) or ()):
            completer = QCompleter(list(callables.ALLOWED), edit)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            edit.setCompleter(completer)
            edit.setToolTip(
                "A function by name (bytes.upper, str.strip, len, kamaelia_core.util.text.line"
                "...: type to see them all) runs without trust; a lambda is Python code."
            )
        edit.editingFinished.connect(lambda: self._commit_text(edit.text()))
        return edit

    def value(self) -> Any:
        """The node's value, or the default when unset."""
        return self.node.params.get(self.spec.name, self.spec.default)

    def load(self) -> None:
        """Show the node's current value (defaults look muted, required ones say so)."""
        has = self.spec.name in self.node.params
        value = self.value()
        editor = self.editor
        editor.blockSignals(True)
        try:
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value) if isinstance(value, int | float) else 0)
            elif isinstance(editor, QDoubleSpinBox):
                editor.setValue(float(value) if isinstance(value, int | float) else 0.0)
            elif isinstance(editor, QLineEdit):
                if has:
                    editor.setText(value if self.kind == "str" else literal_text(value))
                else:
                    editor.clear()
                if self.spec.required:
                    editor.setPlaceholderText("required")
                elif not self.spec.default_is_json:
                    editor.setPlaceholderText(f"default: {self.spec.default}")
                else:
                    default = self.spec.default
                    shown = default if self.kind == "str" else literal_text(default)
                    editor.setPlaceholderText(f"default: {shown}")
        finally:
            editor.blockSignals(False)
        self.reset_button.setEnabled(has)
        if self.spec.required and not has:
            self.show_message("required: the component cannot be built without it")
        else:
            self.show_message(None)

    def show_message(self, text: str | None) -> None:
        """Show (or clear) the inline validation message."""
        self.message.setText(text or "")
        self.message.setVisible(bool(text))
        self.editor.setProperty("invalid", bool(text))
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)

    def _commit_text(self, text: str) -> None:
        if text.strip() == "":
            if self.spec.name in self.node.params:
                self.reset.emit(self.spec.name)
            return
        if self.kind == "str":
            self._commit(text)
            return
        try:
            value = parse_literal(text)
        except ValueError as exc:
            self.show_message(f"{self.spec.name}: {exc}")
            return
        self._commit(value)

    def _commit(self, value: Any) -> None:
        problem = check_param(self.node, self.spec.name, value, self.spec)
        if problem is not None:
            self.show_message(problem.message)
            return
        self.show_message(None)
        if self.node.params.get(self.spec.name, object()) != value:
            self.committed.emit(self.spec.name, value)


EDIT_HINT = "Select a component to edit its parameters."
INSPECT_HINT = "Select a component to inspect it (live view: parameters are read-only)."


class PropertiesDock(QDockWidget):
    """The form for the selected node."""

    param_edited = Signal(str, str, object)  #: (node id, param, value)
    param_reset = Signal(str, str)  #: (node id, param)
    rename_requested = Signal(str, str)  #: (node id, new name)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        """Start empty ("Select a component")."""
        super().__init__("Properties", parent)
        self.setObjectName("PropertiesDock")
        self.catalog = catalog
        self.node: Node | None = None
        self.fields: dict[str, ParamField] = {}
        self.read_only = False
        self.extra: QWidget | None = None
        """A widget kept under the form across selections (the live inspector)."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.body = QWidget()
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(10, 10, 10, 10)
        scroll.setWidget(self.body)
        self.setWidget(scroll)
        self.set_node(None)

    def set_node(self, node: Node | None) -> None:
        """Build the form for ``node`` (None: a hint)."""
        self.node = node
        self.fields = {}
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.extra:
                widget.hide()  # until the deferred delete runs
                widget.deleteLater()
        if node is None:
            text = INSPECT_HINT if self.read_only else EDIT_HINT
            self.hint = named(QLabel(text), "mutedLabel")
            self.hint.setWordWrap(True)
            self.layout_.addWidget(self.hint)
            self._finish()
            return
        try:
            spec = self.catalog.get(node.component)
        except UnknownComponentError as exc:
            self.layout_.addWidget(named(QLabel(str(exc), wordWrap=True), "validationMessage"))
            self._finish()
            return
        self.name_edit = QLineEdit(node.name)
        self.name_edit.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.name_edit.editingFinished.connect(self._rename)
        self.layout_.addWidget(self.name_edit)
        cls = named(QLabel(spec.id, wordWrap=True), "mutedLabel")
        self.layout_.addWidget(cls)
        if spec.summary:
            self.layout_.addWidget(QLabel(spec.summary.replace("``", ""), wordWrap=True))
        self.layout_.addWidget(named(QLabel("PARAMETERS"), "sectionLabel"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if not spec.params:
            form.addRow(named(QLabel("no parameters"), "mutedLabel"))
        for param in spec.params:
            field = ParamField(param, node)
            field.committed.connect(lambda name, value: self._edited(name, value))
            field.reset.connect(self._reset)
            label = QLabel(param.name + (" *" if param.required else ""))
            label.setToolTip(param.doc or param.annotation or "")
            field.setToolTip(param.doc)
            form.addRow(label, field)
            self.fields[param.name] = field
        holder = QWidget()
        holder.setLayout(form)
        self.layout_.addWidget(holder)
        self.crash_label = named(QLabel("CRASHED"), "sectionLabel")
        self.crash_text = named(QLabel(wordWrap=True), "validationMessage")
        self.crash_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.crash_text.setStyleSheet("font-family: monospace;")
        for widget in (self.crash_label, self.crash_text):
            widget.hide()
            self.layout_.addWidget(widget)
        self._finish()
        self.set_read_only(self.read_only)

    def _finish(self) -> None:
        if self.extra is not None:
            self.layout_.addWidget(self.extra)
        self.layout_.addStretch(1)

    def set_extra(self, widget: QWidget | None) -> None:
        """Keep ``widget`` under the form whatever is selected (None removes it)."""
        self.extra = widget
        if widget is not None:
            widget.setParent(self.body)
        self.set_node(self.node)

    def show_crash(self, traceback: str | None) -> None:
        """Show the shown node's crash traceback under its parameters (None hides it)."""
        if self.node is None or not hasattr(self, "crash_text"):
            return
        self.crash_text.setText(traceback or "")
        self.crash_label.setVisible(bool(traceback))
        self.crash_text.setVisible(bool(traceback))

    def refresh(self, node_id: str | None = None) -> None:
        """Reload the values shown (after an undo, say) if ``node_id`` is the shown node."""
        if self.node is None or (node_id is not None and node_id != self.node.id):
            return
        for field in self.fields.values():
            field.load()
        if self.name_edit.text() != self.node.name:
            self.name_edit.setText(self.node.name)

    def set_read_only(self, read_only: bool) -> None:
        """Lock the form (live mode: parameters are shown, not edited)."""
        self.read_only = read_only
        hint = getattr(self, "hint", None)
        if self.node is None and hint is not None:
            try:
                hint.setText(INSPECT_HINT if read_only else EDIT_HINT)
            except RuntimeError:  # deleted with an older form
                pass
        for field in self.fields.values():
            field.setEnabled(not read_only)
        if self.node is not None and hasattr(self, "name_edit"):
            self.name_edit.setReadOnly(read_only)

    def _edited(self, name: str, value: Any) -> None:
        if self.node is not None:
            self.param_edited.emit(self.node.id, name, value)

    def _reset(self, name: str) -> None:
        if self.node is not None:
            self.param_reset.emit(self.node.id, name)

    def _rename(self) -> None:
        if self.node is not None and self.name_edit.text().strip():
            name = self.name_edit.text().strip()
            if name != self.node.name:
                self.rename_requested.emit(self.node.id, name)
