"""A fixed run for the delivery-count tests: numbers through two transformers to a collector.

python scripted.py [COUNT]
"""

from __future__ import annotations

import sys

from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.component import Component
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.sources import DataSource
from kamaelia_core.util.transformers import PureTransformer


def build(count: int) -> Component:
    """The system: every number doubled, the multiples of four kept."""
    return Pipeline(
        DataSource(range(count)),
        PureTransformer(lambda n: 2 * n),
        PureTransformer(lambda n: n if n % 4 == 0 else None),
        Collector(),
    )


if __name__ == "__main__":
    build(int(sys.argv[1]) if len(sys.argv) > 1 else 3000).run()
