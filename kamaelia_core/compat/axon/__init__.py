"""Axon's modules on kamaelia_core: what ``import Axon.X`` resolves to once the compat layer is on.

One module here per Axon module (``Axon.Component`` is ``component``, ``Axon.Scheduler`` is
``scheduler``...); ``kamaelia_core.compat`` maps the Axon names onto them.
"""
