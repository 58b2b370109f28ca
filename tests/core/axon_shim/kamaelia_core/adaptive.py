"""Axon's adaptive component."""

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent

AdaptiveComponent = AdaptiveCommsComponent
