"""Axon's and Kamaelia's messages."""

from Axon.Ipc import *  # noqa: F403
from Kamaelia.IPC import *  # noqa: F403
