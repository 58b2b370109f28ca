"""Kamaelia's modules on kamaelia_core: which Kamaelia names each ``Kamaelia.X`` module offers.

One module here per family of Kamaelia modules (chassis, internet, IPC, util, protocol). Each
declares ``MODULES``: Kamaelia module name -> (docstring, {Kamaelia name: object}); the objects
are kamaelia_core's own components and messages, or, for a few Kamaelia-only spellings
(``nullSinkComponent``, ``pipeline``...), aliases of them. ``kamaelia_core.compat`` builds each
``Kamaelia.X`` module from its entry when a program imports it.
"""
