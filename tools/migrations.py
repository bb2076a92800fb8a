#!/usr/bin/env python3
"""Prints the migration files of one dialect, one path a line, in order.

usage: migrations.py DIALECT DIR    (DIALECT: sqlite | pg)
       migrations.py --check DIR STAMP FILE...

A migration is DIR/NNNN_name.sql, shared by both dialects, unless the
SQL differs: then DIR/NNNN_name.sqlite.sql and DIR/NNNN_name.pg.sql
replace it. Each version must exist for both dialects exactly once.

--check compares DIR with FILE..., the migrations the build was
configured with, and fails when a migration was added since: the build
would otherwise embed the old list (one renamed or removed stops ninja
before, as a missing input). It writes STAMP when they agree, only when
its text changes, so that a file of an editor in DIR rebuilds nothing.
Names beginning with a dot (editors' files) are not migrations.

"""
import os
import re
import sys

DIALECTS = ('sqlite', 'pg')
NAME = re.compile(r'^(\d{4})_([a-z0-9_]+)(?:\.(sqlite|pg))?\.sql$')


def listed(dialect: str, folder: str) -> list:
    """The migration paths of one dialect in order; SystemExit(1) on a bad
    name or an incomplete version."""
    by_version = {}
    for name in sorted(os.listdir(folder)):
        if name.startswith('.'):
            continue
        m = NAME.match(name)
        if m is None:
            if name.endswith('.sql'):
                print('migrations.py: bad name %s' % name, file=sys.stderr)
                raise SystemExit(1)
            continue
        by_version.setdefault(m.group(1), []).append((m.group(3), name))
    paths = []
    for version in sorted(by_version):
        files = dict(by_version[version])
        shared, own = files.get(None), files.get(dialect)
        others = [d for d in DIALECTS if d in files]
        if (shared is None) == (len(others) == 0) or \
           (shared is None and len(others) != len(DIALECTS)):
            print('migrations.py: version %s needs one shared file or one '
                  'per dialect' % version, file=sys.stderr)
            raise SystemExit(1)
        paths.append(os.path.join(folder, own or shared))
    return paths


def check(folder: str, stamp: str, configured: list) -> int:
    now = set()
    for dialect in DIALECTS:
        now.update(os.path.basename(p) for p in listed(dialect, folder))
    known = set(os.path.basename(p) for p in configured)
    if now != known:
        for name in sorted(now ^ known):
            print('migrations.py: %s was %s since this build was configured'
                  % (name, 'added' if name in now else 'removed'),
                  file=sys.stderr)
        print('migrations.py: run meson setup --reconfigure on this build '
              'directory', file=sys.stderr)
        return 1
    text = '%d migrations\n' % len(now)
    try:
        with open(stamp, encoding='ascii') as f:
            if f.read() == text:
                return 0
    except OSError:
        pass
    with open(stamp, 'w', encoding='ascii') as f:
        f.write(text)
    return 0


def main() -> int:
    if len(sys.argv) >= 4 and sys.argv[1] == '--check':
        return check(sys.argv[2], sys.argv[3], sys.argv[4:])
    if len(sys.argv) != 3 or sys.argv[1] not in DIALECTS:
        print(__doc__, file=sys.stderr)
        return 2
    for path in listed(sys.argv[1], sys.argv[2]):
        print(path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
