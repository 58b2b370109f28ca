"""Axon's exceptions."""

from Axon.AxonExceptions import *  # noqa: F403
