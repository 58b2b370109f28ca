"""The workbench's shipped files: icons, the style sheet, lessons and example graphs.

This folder is installed as the resource package ``workbench.assets`` (``pyproject.toml`` maps
it); code finds its files through ``workbench.resources``, never by a path relative to a module.
"""
