"""The classic Kamaelia echo server: ServerCore running an EchoProtocol per connection.

python echo_server.py [PORT]     (0: any free port; the port chosen is printed)
"""

import sys

from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.EchoProtocol import EchoProtocol

port = int(sys.argv[1]) if len(sys.argv) > 1 else 1601
server = ServerCore(protocol=EchoProtocol, port=port)
print("listening on", server.port, flush=True)
server.run()
