#!/usr/bin/env python3
"""Prints the C sources of the given folders, one path a line, sorted.

usage: sources.py DIR...

The library is every .c file of its folders, so a new resource
(src/api/<name>.c) needs no line in meson.build: its route table goes
into src/api/routes.c and the build picks the file up when it is
configured again (meson setup --reconfigure build; scripts/test does).
"""
import os
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for folder in sys.argv[1:]:
        for name in sorted(os.listdir(folder)):
            if name.endswith('.c'):
                print(os.path.join(folder, name))
    return 0


if __name__ == '__main__':
    sys.exit(main())
