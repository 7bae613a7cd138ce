#!/usr/bin/env python3
"""Syllable error of an imported text against its source.

  sylerr.py SOURCE.txt IMPORTED.txt [MAX_PERCENT]

Both texts are cut into syllables (runs of letters and digits, compared
exactly, case included, after NFC); the error is the edit distance between
the two sequences (substitutions, insertions, deletions, counted over
difflib's alignment) divided by the source's syllable count.  Prints
"syllable error P% (E of N)" and exits 1 when P is above MAX_PERCENT.
"""
import difflib
import re
import sys
import unicodedata


def syllables(path):
    text = unicodedata.normalize("NFC", open(path, encoding="utf-8").read())
    return re.findall(r"\w+", text)


def main():
    src, got = syllables(sys.argv[1]), syllables(sys.argv[2])
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
    sm = difflib.SequenceMatcher(None, src, got, autojunk=False)
    errors = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
    pct = 100.0 * errors / max(len(src), 1)
    print("syllable error %.2f%% (%d of %d)" % (pct, errors, len(src)))
    return 0 if pct <= limit else 1


if __name__ == "__main__":
    sys.exit(main())
