#!/usr/bin/env python3
"""Prints the files under each given folder, one per line, sorted (for meson)."""
import os
import sys

out = []
for top in sys.argv[1:]:
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            out.append(os.path.join(root, f))
print("\n".join(sorted(out)))
