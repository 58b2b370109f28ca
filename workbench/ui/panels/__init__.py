"""The docks around the canvas: palette (catalog), properties (parameters), log (crashes)."""
