"""Tests for workbench.ui.chrome: document tabs, the selection's breadcrumb, the status bar."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.ui.fakes import echo_graph, make_catalog
from workbench.model import save
from workbench.ui.chrome import doc_title


@pytest.fixture
def window(make_window):
    return make_window(make_catalog())


def saved(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.kgraph.json"
    save(echo_graph(), path)
    return path


def test_doc_title_drops_the_suffix():
    assert doc_title("/x/echo_server.kgraph.json") == "echo_server"
    assert doc_title(None) == "untitled"


def test_tabs_show_the_open_document_then_recent_ones(window, tmp_path):
    bar = window.chrome.bar
    assert bar.tab_titles() == ["untitled"]
    chat, echo = saved(tmp_path, "chat_server"), saved(tmp_path, "echo_server")
    assert window.open_file(str(chat))
    assert window.open_file(str(echo))
    assert bar.tab_titles() == ["echo_server", "chat_server"]
    assert bar.tabs.currentIndex() == 0
    window.chrome._on_tab(1)  # a click on a recent document's tab opens it
    assert window.docs.path.name == "chat_server.kgraph.json"
    assert bar.tab_titles() == ["chat_server", "echo_server"]


def test_a_file_opened_by_a_relative_path_has_one_tab(window, tmp_path, monkeypatch):
    chat, echo = saved(tmp_path, "chat_server"), saved(tmp_path, "echo_server")
    assert window.open_file(str(chat))
    assert window.open_file(str(echo))
    monkeypatch.chdir(tmp_path)
    assert window.open_file("chat_server.kgraph.json")
    assert window.chrome.bar.tab_titles() == ["chat_server", "echo_server"]


def test_tab_marks_unsaved_changes(window, tmp_path):
    assert window.open_file(str(saved(tmp_path, "echo_server")))
    node = window.graph.nodes[1]
    window.editor.move_nodes({node.id: (500.0, 500.0)})
    assert window.chrome.bar.tab_titles()[0] == "echo_server \u2022"


def test_breadcrumb_follows_the_selection_down_the_groups(window, tmp_path):
    assert window.open_file(str(saved(tmp_path, "echo_server")))
    crumb = window.chrome.bar.breadcrumb
    tcp = next(n for n in window.graph.nodes if n.name == "TCPServer")
    window.scene.node_item(tcp.id).setSelected(True)
    assert crumb.text() == "echo_server \u203a ServerCore (port 8080) \u203a TCPServer"
    window.scene.clearSelection()
    assert crumb.text() == "echo_server"
    sel = next(n for n in window.graph.nodes if n.name == "Selector")
    window.scene.node_item(sel.id).setSelected(True)
    assert crumb.text() == "echo_server \u203a Selector"


def test_status_bar_reads_mode_counts_theme_and_versions(window, tmp_path):
    assert window.open_file(str(saved(tmp_path, "echo_server")))
    assert window.count_label.text() == "Edit \u00b7 7 components \u00b7 9 links"
    assert window.theme_label.text() in ("Dark theme", "Light theme")
    py = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    assert py in window.chrome.version_label.text()
    window.set_theme("light")
    assert window.theme_label.text() == "Light theme"
