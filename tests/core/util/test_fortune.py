"""FortuneCookieProtocol: one cookie, then producerFinished."""

from __future__ import annotations

import pytest

from kamaelia_core.ipc import producerFinished
from kamaelia_core.testing import collect_outbox, run_until_idle
from kamaelia_core.util.fortune import COOKIES, FortuneCookieProtocol


def test_one_cookie_then_producer_finished(sched):
    handler = FortuneCookieProtocol(peer="127.0.0.1", peerport=1)
    handler.activate(sched)
    out, sig = collect_outbox(handler, run=False), collect_outbox(handler, "signal", run=False)
    run_until_idle(scheduler=sched)
    assert len(out) == 1 and out[0] in COOKIES and isinstance(sig[0], producerFinished)
    assert handler.peer == "127.0.0.1" and handler.state == "finished"


def test_own_cookies_and_none_at_all(sched):
    handler = FortuneCookieProtocol(cookies=["only one\n"])
    handler.activate(sched)
    assert collect_outbox(handler) == ["only one\n"]
    with pytest.raises(ValueError, match="at least one"):
        FortuneCookieProtocol(cookies=[])
