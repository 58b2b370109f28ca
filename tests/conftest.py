"""Test-wide setup: Qt runs offscreen, before any Qt import."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
