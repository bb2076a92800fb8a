#!/usr/bin/env python3
"""Prints the migration files of one dialect, one path a line, in order.

usage: migrations.py DIALECT DIR    (DIALECT: sqlite | pg)

A migration is DIR/NNNN_name.sql, shared by both dialects, unless the
SQL differs: then DIR/NNNN_name.sqlite.sql and DIR/NNNN_name.pg.sql
replace it. Each version must exist for both dialects exactly once.
"""
import os
import re
import sys

DIALECTS = ('sqlite', 'pg')
NAME = re.compile(r'^(\d{4})_([a-z0-9_]+)(?:\.(sqlite|pg))?\.sql$')


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in DIALECTS:
        print(__doc__, file=sys.stderr)
        return 2
    dialect, folder = sys.argv[1], sys.argv[2]
    by_version = {}
    for name in sorted(os.listdir(folder)):
        m = NAME.match(name)
        if m is None:
            if name.endswith('.sql'):
                print('migrations.py: bad name %s' % name, file=sys.stderr)
                return 1
            continue
        by_version.setdefault(m.group(1), []).append((m.group(3), name))
    for version in sorted(by_version):
        files = dict(by_version[version])
        shared, own = files.get(None), files.get(dialect)
        others = [d for d in DIALECTS if d in files]
        if (shared is None) == (len(others) == 0) or \
           (shared is None and len(others) != len(DIALECTS)):
            print('migrations.py: version %s needs one shared file or one '
                  'per dialect' % version, file=sys.stderr)
            return 1
        print(os.path.join(folder, own or shared))
    return 0


if __name__ == '__main__':
    sys.exit(main())
