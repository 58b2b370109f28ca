# ruff: noqa: UP008
"""SingleServer and TCPClient in one system: the client sends two lines to the server, which
answers each in upper case; when both answers are back the program stops the scheduler."""

from Axon.Component import component
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.SingleServer import SingleServer
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Util.PureTransformer import PureTransformer


class Lines(component):
    """Sends its lines, then waits to be shut down (it never ends the connection itself)."""

    def __init__(self, lines):
        super(Lines, self).__init__()
        self.lines = lines

    def main(self):
        for line in self.lines:
            self.send(line, "outbox")
            yield 1
        while not self.dataReady("control"):
            self.pause()
            yield 1


class Collect(component):
    """Prints replies; stops the whole system once it has ``expected`` bytes."""

    def __init__(self, expected):
        super(Collect, self).__init__()
        self.expected = expected

    def main(self):
        received = b""
        while True:
            for data in self.Inbox("inbox"):
                received += data
            if len(received) >= self.expected:
                break
            self.pause()
            yield 1
        print("client got:", received.decode().split())
        self.scheduler.stop()


server = SingleServer(port=0)
answer = Pipeline(PureTransformer(lambda data: data.upper()))
server.link((server, "outbox"), (answer, "inbox"))
answer.link((answer, "outbox"), (server, "inbox"))
server.activate()
answer.activate()
Pipeline(
    Lines([b"hello\n", b"world\n"]),
    TCPClient("127.0.0.1", server.port),
    Collect(expected=12),
).activate()
scheduler.run.runThreads()
print("server listened on a real port:", server.port > 0)
