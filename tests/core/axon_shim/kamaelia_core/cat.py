"""Axon's Coordinating Assistant Tracker."""

from Axon.CoordinatingAssistantTracker import (
    coordinatingassistanttracker as CoordinatingAssistantTracker,  # noqa: N812
)

coordinatingassistanttracker = CoordinatingAssistantTracker
