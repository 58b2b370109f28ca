"""Prints a hundred lines on stdout and one on stderr, then ends."""

import sys

for i in range(100):
    print(f"line {i}")
print("done", file=sys.stderr)
