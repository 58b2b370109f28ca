"""The live view: watching a running session on the canvas (nodes, links, tokens, log)."""
