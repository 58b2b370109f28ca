"""Kamaelia Workbench: compose, run and watch kamaelia_core component systems."""
