#!/usr/bin/env python3
"""Reads a CSV that loaxa wrote the way a spreadsheet user's tools would.

    csvcheck.py FILE [EXPRESSION]

Parses FILE with Python's csv module and checks what every loaxa CSV
promises: a UTF-8 byte-order mark, CRLF line ends, every row as wide as the
header, and no cell that a spreadsheet would run as a formula (a text cell
starting with = + - @ TAB or CR; a number such as -3.7 is a number).  A
blank line starts a new table with a header of its own (loaxa report's
CSV has its months, its topics and its missed airings).  Then EXPRESSION,
a Python expression over `head` and `rows` (the first table's header cells
and its rows, one dict a row, by header) and `tables` (every table as a
(head, rows) pair), must be true.  Exit 0 when all hold; otherwise
says what failed on stderr and exits 1.
"""
import csv
import sys


def is_number(c):
    try:
        float(c)
        return True
    except ValueError:
        return False


def main():
    path = sys.argv[1]
    raw = open(path, "rb").read()
    problems = []
    if not raw.startswith(b"\xef\xbb\xbf"):
        problems.append("no UTF-8 byte-order mark")
    if raw.count(b"\n") != raw.count(b"\r\n"):
        problems.append("a line ends without CR LF")
    tables, head = [], None
    for i, r in enumerate(csv.reader(open(path, encoding="utf-8-sig", newline="")), 1):
        if not r:
            head = None
            continue
        if head is None:
            head = r
            tables.append((head, []))
            continue
        if len(r) != len(head):
            problems.append("line %d has %d cells, its header %d" % (i, len(r), len(head)))
        for c in r:
            if c and c[0] in "=+-@\t\r" and not is_number(c):
                problems.append("line %d: the cell %r would run as a formula" % (i, c))
        tables[-1][1].append(dict(zip(head, r)))
    if not tables:
        problems.append("no header")
        tables.append(([], []))
    head, rows = tables[0]
    if len(sys.argv) > 2 and not problems:
        try:
            if not eval(sys.argv[2], {}, {"head": head, "rows": rows, "tables": tables}):
                problems.append("not true: %s\n  head: %r\n  rows: %r" % (sys.argv[2], head, rows[:20]))
        except Exception as e:  # a wrong expression is a failed check too
            problems.append("%s: %s" % (sys.argv[2], e))
    for p in problems:
        print("%s: %s" % (path, p), file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
