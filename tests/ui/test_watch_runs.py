"""Recording a run in the window, then replaying it with nothing running."""

from __future__ import annotations

import pytest

from tests.ui.conftest import WINDOW_SIZE
from workbench.model import Catalog
from workbench.resources import example_path

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def window(make_window):
    return make_window(Catalog.discover(), WINDOW_SIZE)


def record_echo(qtbot, window, path, clients=2):
    assert window.open_file(str(example_path("echo_server")))
    window.run_graph()
    qtbot.waitUntil(window.live.traffic_action.isEnabled, timeout=3000)
    assert window.watch.start_recording(str(path))
    gen = window.live.start_traffic(clients)
    qtbot.waitUntil(lambda: window.run.session.model.accepted == clients, timeout=5000)
    qtbot.waitUntil(lambda: gen.stats.bytes_received > 0, timeout=5000)
    model = window.run.session.model
    window.live.stop_traffic()
    qtbot.waitUntil(lambda: model.closed == clients, timeout=5000)
    window.stop_graph()  # the recording closes with the run
    assert window.watch.recorder is None and not window.watch.record_action.isChecked()
    return model.picture()


def test_a_recorded_run_replays_to_the_same_picture_with_nothing_running(qtbot, window, tmp_path):
    path = tmp_path / "echo.jsonl"
    picture = record_echo(qtbot, window, path)
    assert window.open_file(str(path))
    replay = window.watch.replay
    assert replay is not None and window.run.session is replay
    assert window.docs.display_name() == "echo.jsonl (recording)"
    assert window.chrome.bar.tab_titles()[0] == "echo.jsonl (recording)"
    assert {n.name for n in window.graph.nodes} >= {"echo_server"}  # the recorded graph
    assert window.watch.bar.isVisible()
    replay.set_speed(50.0)
    qtbot.waitUntil(lambda: replay.finished, timeout=10_000)
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=2000)
    replayed = replay.model.picture()
    # the recording began once the server listened (a snapshot, then every event): the same
    # components, links, connections and crashes; only deliveries made before it are not in it
    assert replayed["entities"] == picture["entities"]
    assert replayed["links"] == picture["links"]
    (accepted, closed, delivered, crashes) = replayed["counters"]
    assert (accepted, closed, crashes) == (picture["counters"][0], picture["counters"][1], 0)
    assert 0 < delivered <= picture["counters"][2]
    qtbot.waitUntil(lambda: any(r.type == "shutdownCSA" for r in window.live.log_dock.model.shown),
                    timeout=3000)  # fmt: skip
    # scrub back to the start: a fresh run from the beginning, the views follow it
    window.watch.seek(0.0)
    assert replay.events_shown == 0 and window.live.controller.model is replay.model
    window.toggle_pause(True)
    assert window.run.state == "paused"
    window.step_graph()
    assert replay.events_shown >= 1


def test_a_bad_recording_is_refused_with_a_message(window, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    assert not window.open_file(str(bad))
    assert "Cannot open the recording" in window.status_label.text()
    assert window.run.session is None


def test_on_a_laptop_screen_the_replay_has_its_own_row_and_no_tool_is_out_of_reach(
    qtbot, make_window, tmp_path
):
    from PySide6.QtWidgets import QToolButton

    from tests.ui.recordings import record_echo_run

    path = record_echo_run(tmp_path / "echo.jsonl", clients=1)
    window = make_window(Catalog.discover(), (1366, 768))
    assert window.open_file(str(path))
    bar = window.watch.bar
    qtbot.waitUntil(bar.isVisible, timeout=2000)
    assert window.watch.toolbar.isVisible() and window.watch.toolbar is not window.toolbar
    assert window.toolBarBreak(window.watch.toolbar)  # a row of its own, under the main one
    assert bar.slider.width() >= 240  # the row is the replay's: a slider you can aim at
    fit = window.toolbar.widgetForAction(window.actions_["fit"])
    assert fit is not None and fit.isVisible()  # zoom and fit stay in the main row
    window.resize(900, 700)  # narrower than the main row: Qt hides what does not fit
    qtbot.waitUntil(lambda: not fit.isVisible(), timeout=2000)
    more = window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert more is not None and more.isVisible() and not more.icon().isNull()  # drawn, findable
    assert "More tools" in more.toolTip()
    window.grab().save(str(tmp_path / "narrow_replay.png"))
