"""Chassis: components that wire and run other components (Pipeline, Graphline, Carousel, Seq)."""

from kamaelia_core.chassis.carousel import Carousel
from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.chassis.seq import Seq

__all__ = ["Carousel", "Graphline", "Pipeline", "Seq"]
