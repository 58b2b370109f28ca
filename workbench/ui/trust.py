"""Asks before running a graph whose parameters hold Python expressions (``$code`` values).

A graph file is data; evaluating its expressions runs code with the user's permissions. The
question is asked once per document; the answer is kept on the RunController until another
file is opened.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox

from workbench.model.values import contains_code


def confirm_trust(window: Any) -> bool:
    """True when the open graph may run: it has no code, or the user trusts it.

    ``window.trust_answer`` (True/False) answers without asking (the command line's --trust,
    tests); None asks with a dialog.
    """
    code = [n for n in window.graph.nodes if any(contains_code(v) for v in n.params.values())]
    if not code or window.run.allow_code:
        return True
    if window.trust_answer is None:
        names = ", ".join(n.name for n in code[:4])
        answer = QMessageBox.question(
            window,
            "Run Python code?",
            f"This graph's parameters contain Python expressions ({names}). Running it "
            "evaluates them with your permissions. Run it only if you trust this graph.",
        )
        trusted = answer == QMessageBox.StandardButton.Yes
    else:
        trusted = bool(window.trust_answer)
    window.run.allow_code = trusted
    if not trusted:
        window.show_status("Not run: the graph's Python expressions were not trusted", True)
    return trusted
