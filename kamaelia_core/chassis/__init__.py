"""Chassis: components that wire and run other components (Pipeline, Graphline, Carousel)."""

from kamaelia_core.chassis.carousel import Carousel
from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.chassis.pipeline import Pipeline

__all__ = ["Carousel", "Graphline", "Pipeline"]
