"""Threaded components: ``main()`` runs in a real thread, its boxes bridged to the scheduler.

Between the component's thread and the scheduler sit bounded, thread-safe queues, one per box. A
scheduler-side shuttle moves messages from the inboxes into the thread's in-queues and from the
thread's out-queues into the linked inboxes. The shuttle sleeps while there is nothing to move: the
thread wakes it (through the reactor's cross-thread wake-up) when it sends, receives from a full
queue, asks for a link, or ends. An exception in the thread crashes the component through the
scheduler's ordinary crash path. Names follow Axon's ``threadedcomponent``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any, ClassVar

from kamaelia_core import ipc
from kamaelia_core.adaptive import AdaptiveComponent
from kamaelia_core.component import Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.linkage import Linkage

DEFAULT_QUEUE_SIZE = 1000
"""Default length of each box's thread-side queue (Axon's ``DefaultQueueSize``)."""


class ComponentStopped(RuntimeError):
    """A thread asked its scheduler for something after the component was stopped."""


class _Call:
    """A call the thread asks the scheduler side to make, with a slot for the answer."""

    __slots__ = ("args", "done", "error", "func", "kwargs", "result")

    def __init__(self, func: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.func(*self.args, **self.kwargs)
        except Exception as exc:  # handed back to the calling thread, which re-raises it
            self.error = exc
        self.done.set()

    def fail(self, error: BaseException) -> None:
        self.error = error
        self.done.set()


class ThreadedComponent(Component):
    """A component whose ``main()`` is an ordinary method run in its own thread (it may block).

    Inside ``main()`` use ``send``, ``recv``, ``dataReady``, ``anyReady``, ``Inbox`` and
    ``pause(timeout)`` as usual: they work on thread-safe queues. ``pause`` blocks the thread until
    a message arrives (or the shuttle collects something the thread sent). ``link``/``unlink`` and
    ``sync`` are carried out on the scheduler's side. The component ends when ``main()`` returns
    and every queued outgoing message has been delivered; if ``main()`` raises, it crashes.

    Control messages reach the thread only after the data sent before them has entered the
    thread's queues, and ``signal`` messages leave only after the thread's other outgoing
    messages have been delivered. A control message may still arrive between the thread's last
    look at ``inbox`` and its look at ``control``: on a shutdown, drain ``inbox`` once more before
    returning. Stopping the component puts a shutdownMicroprocess into the thread's ``control``
    queue and wakes it.

    Args:
        queuelengths: Capacity of each box's thread-side queue; ``send`` raises noSpaceInBox
            when the out-queue is full.
        **argd: Become attributes, as for every component.
    """

    Threaded: ClassVar[bool] = True
    """Its ``main()`` runs in a thread of its own (tools draw it so)."""

    def __init__(self, queuelengths: int = DEFAULT_QUEUE_SIZE, **argd: Any) -> None:
        super().__init__(**argd)
        self.queuelengths = queuelengths
        self.inqueues: dict[str, queue.Queue[Any]] = {
            name: queue.Queue(queuelengths) for name in self.inboxes
        }
        self.outqueues: dict[str, queue.Queue[Any]] = {
            name: queue.Queue(queuelengths) for name in self.outboxes
        }
        self._calls: queue.SimpleQueue[_Call] = queue.SimpleQueue()
        self._held: dict[str, Any] = {}
        self._thread_wakeup = threading.Event()
        self._bridge_lock = threading.Lock()
        self._poked = False
        self._detached = False
        self._counted = False
        self._thread: threading.Thread | None = None
        self._thread_ident: int | None = None
        self._thread_done = False
        self._thread_waiting = False
        self._thread_error: BaseException | None = None
        self._report_idle = False
        """Set by ``testing.run_until_idle``: wake the scheduler whenever the thread pauses."""

    def __repr__(self) -> str:
        if self._thread is None:
            where = "no thread"
        elif self._thread_done:
            where = "thread ended"
        else:
            where = "thread paused" if self._thread_waiting else "thread running"
        return f"<{self.name} {self.state} {where}>"

    # -- the thread's side ---------------------------------------------------------------------

    def main(self) -> Any:
        """The thread's body: Axon's initialise/mainBody/closeDown protocol unless overridden."""
        self.initialiseComponent()
        while self.mainBody():
            pass
        self.closeDownComponent()

    def _in_thread(self) -> bool:
        return self._thread_ident is not None and threading.get_ident() == self._thread_ident

    def send(self, message: Any, outbox: str = "outbox") -> None:
        """Queue ``message`` for ``outbox``; the shuttle delivers it.

        Raises:
            noSpaceInBox: The out-queue is full: retry after ``pause()``.
            KeyError: No such outbox.
        """
        q = self.outqueues[outbox]
        try:
            q.put_nowait(message)
        except queue.Full:
            raise noSpaceInBox(q.qsize(), self.queuelengths, f"{self.name}.{outbox}") from None
        self._poke()

    def recv(self, inbox: str = "inbox") -> Any:
        """Take the oldest message that reached the thread on ``inbox``.

        Raises:
            IndexError: Nothing is waiting.
        """
        try:
            message = self.inqueues[inbox].get_nowait()
        except queue.Empty:
            raise IndexError(f"{self.name}.{inbox} is empty") from None
        if self.inboxes[inbox].storage:
            self._poke()  # the queue had been full: let the shuttle move the rest
        return message

    def dataReady(self, inbox: str = "inbox") -> int:
        """How many messages wait for the thread on ``inbox``."""
        return self.inqueues[inbox].qsize()

    def anyReady(self) -> str | bool:
        """The name of the first inbox with messages waiting for the thread, or False."""
        for name, q in list(self.inqueues.items()):
            if q.qsize():
                return name
        return False

    def Inbox(self, inbox: str = "inbox") -> Iterator[Any]:
        """Yield, and remove, every message waiting for the thread on ``inbox``."""
        while self.inqueues[inbox].qsize():
            yield self.recv(inbox)

    def pause(self, timeout: float | None = None) -> None:
        """Block the thread until a message arrives, an outgoing one is collected, or ``timeout``.

        Called from the scheduler's side (by the engine) it requests a sleep like any component.
        """
        if not self._in_thread():
            Component.pause(self)
            return
        self._thread_waiting = timeout is None  # a timed pause is not idle: it goes on by itself
        if self._report_idle and timeout is None:
            self._poke()
        try:
            self._thread_wakeup.wait(timeout)
        finally:
            self._thread_waiting = False
        self._thread_wakeup.clear()

    def unpause(self) -> None:
        """Wake the scheduler-side shuttle (safe from the thread: it goes through the reactor)."""
        if self._in_thread():
            self._poke()
        else:
            Component.unpause(self)

    def link(
        self,
        source: tuple[Component, str],
        sink: tuple[Component, str],
        *args: Any,
        **kwargs: Any,
    ) -> Linkage:
        """Link boxes (done on the scheduler's side when called from the thread)."""
        return self._do_threadsafe(Component.link, self, source, sink, *args, **kwargs)

    def unlink(
        self, thecomponent: Component | None = None, thelinkage: Linkage | None = None
    ) -> None:
        """Remove links this component made (on the scheduler's side)."""
        return self._do_threadsafe(Component.unlink, self, thecomponent, thelinkage)

    def sync(self) -> None:
        """Wait until the scheduler's side has handled everything the thread asked before."""
        self._do_threadsafe(lambda: None)

    def _do_threadsafe(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``func`` on the scheduler's side and return its result (directly if already there).

        Raises:
            ComponentStopped: The component was stopped before the call could run.
        """
        if not self._in_thread():
            return func(*args, **kwargs)
        call = _Call(func, args, kwargs)
        with self._bridge_lock:
            if self._detached:
                raise ComponentStopped(f"{self.name} was stopped; its scheduler is gone")
            self._calls.put(call)
        self._poke()
        call.done.wait()
        if call.error is not None:
            raise call.error
        return call.result

    def _poke(self) -> None:
        """Wake the shuttle from the thread (coalesced: one wake-up in flight at a time)."""
        with self._bridge_lock:
            if self._poked or self._detached or self._sched is None:
                return
            self._poked = True
            self._sched.io.call_soon_threadsafe(self._poked_wake)

    def _thread_body(self) -> None:
        self._thread_ident = threading.get_ident()
        try:
            self.main()
        except Exception as exc:  # reported by the shuttle as this component's crash
            exc.add_note(f"raised in the thread of {self.name}")
            self._thread_error = exc
        finally:
            with self._bridge_lock:
                self._thread_done = True
                if not self._detached and self._sched is not None:
                    self._sched.io.call_soon_threadsafe(self._thread_finished)

    # -- the scheduler's side ------------------------------------------------------------------

    def _poked_wake(self) -> None:
        with self._bridge_lock:
            self._poked = False
        Component.unpause(self)

    def _thread_finished(self) -> None:
        self._release_thread()
        Component.unpause(self)

    def _release_thread(self) -> None:
        if self._counted and self._sched is not None:
            self._counted = False
            self._sched.thread_ended()

    def _microprocess(self) -> Generator[Any, None, Any]:
        return self._shuttle()

    def _shuttle(self) -> Generator[Any, None, Any]:
        sched = self._running_on()
        sched.thread_started()
        self._counted = True
        self._thread = threading.Thread(target=self._thread_body, name=self.name, daemon=True)
        try:
            self._thread.start()
            while True:
                done = self._thread_done  # read first: all it sent is queued before we look
                self._run_calls()
                self._forward_inboxes()
                pending = self._forward_outboxes()
                if done and not pending and self._calls.empty():
                    break
                Component.pause(self)
                yield 1
            self._run_calls()
        finally:
            self._detach()
        if self._thread_error is not None:
            raise self._thread_error

    def _run_calls(self) -> None:
        calls = self._calls
        while True:
            try:
                call = calls.get_nowait()
            except queue.Empty:
                return
            call.run()

    def _forward_inboxes(self) -> None:
        moved = False
        inqueues = self.inqueues
        for name, box in list(self.inboxes.items()):
            if name == "control":
                continue
            moved = self._forward_box(box, inqueues.get(name)) or moved
        control = self.inboxes.get("control")
        if control is not None and not any(
            box.storage for name, box in self.inboxes.items() if name != "control"
        ):
            # a shutdown must not overtake data still waiting for room in the thread's queues
            moved = self._forward_box(control, inqueues.get("control")) or moved
        if moved:
            self._thread_wakeup.set()

    @staticmethod
    def _forward_box(box: Any, q: queue.Queue[Any] | None) -> bool:
        if q is None or not box.storage:
            return False
        moved = False
        while box.storage and not q.full():
            q.put_nowait(box.pop())
            moved = True
        return moved

    def _forward_outboxes(self) -> bool:
        """Deliver what the thread queued; True if something is still waiting for space."""
        pending = False
        collected = False
        names = [name for name in self.outqueues if name != "signal" and name in self.outboxes]
        if "signal" in self.outboxes:
            names.append("signal")
        for name in names:
            q = self.outqueues[name]
            if name == "signal" and pending:
                break  # a shutdown must not overtake data still waiting for room downstream
            while True:
                if name in self._held:
                    message = self._held.pop(name)
                else:
                    try:
                        message = q.get_nowait()
                    except queue.Empty:
                        break
                    collected = True
                try:
                    Component.send(self, message, name)
                except noSpaceInBox:
                    self._held[name] = message  # the consumer's pop wakes us
                    pending = True
                    break
        if collected:
            self._thread_wakeup.set()  # a thread paused on a full out-queue may go on
        return pending

    def _detach(self) -> None:
        """Cut the thread loose from the scheduler (the component ended or was stopped)."""
        with self._bridge_lock:
            self._detached = True
        while True:
            try:
                call = self._calls.get_nowait()
            except queue.Empty:
                break
            call.fail(ComponentStopped(f"{self.name} was stopped before the call ran"))
        if not self._thread_done:
            control = self.inqueues.get("control")
            if control is not None:
                try:
                    control.put_nowait(ipc.shutdownMicroprocess(self))
                except queue.Full:
                    pass  # the thread has unread control messages: it will look there anyway
            self._thread_wakeup.set()
        self._release_thread()

    def _thread_idle(self) -> bool:
        """True when the thread has ended or is blocked in ``pause()`` with nothing to wake it."""
        if self._thread is None:
            return False
        if self._thread_done:
            return True
        return self._thread_waiting and not self._thread_wakeup.is_set()


class ThreadedAdaptiveComponent(ThreadedComponent, AdaptiveComponent):
    """A threaded component that can add and delete boxes at run time (from its thread too)."""

    def addInbox(self, name: str = "inbox") -> str:
        """Add an inbox named after ``name``; returns the name actually used."""
        return self._do_threadsafe(self._add_inbox_now, name)

    def addOutbox(self, name: str = "outbox") -> str:
        """Add an outbox named after ``name``; returns the name actually used."""
        return self._do_threadsafe(self._add_outbox_now, name)

    def deleteInbox(self, name: str) -> None:
        """Delete inbox ``name`` and its queue (messages in it are lost)."""
        self._do_threadsafe(self._delete_inbox_now, name)

    def deleteOutbox(self, name: str) -> None:
        """Delete outbox ``name`` and its queue."""
        self._do_threadsafe(self._delete_outbox_now, name)

    def _add_inbox_now(self, name: str) -> str:
        actual = AdaptiveComponent.addInbox(self, name)
        self.inqueues[actual] = queue.Queue(self.queuelengths)
        return actual

    def _add_outbox_now(self, name: str) -> str:
        actual = AdaptiveComponent.addOutbox(self, name)
        self.outqueues[actual] = queue.Queue(self.queuelengths)
        return actual

    def _delete_inbox_now(self, name: str) -> None:
        AdaptiveComponent.deleteInbox(self, name)
        self.inqueues.pop(name, None)

    def _delete_outbox_now(self, name: str) -> None:
        AdaptiveComponent.deleteOutbox(self, name)
        self.outqueues.pop(name, None)
        self._held.pop(name, None)


threadedcomponent = ThreadedComponent
threadedadaptivecommscomponent = ThreadedAdaptiveComponent
