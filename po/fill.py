#!/usr/bin/env python3
"""Fills po/vi.po from po/loaxa.pot and the translation tables po/vi-*.txt
(one `msgid<TAB>msgstr` a line, written with PO escapes \\n and \\") and
PO fragments po/vi-*.po (msgid/msgstr pairs).
Prints the msgids that have no translation yet."""
import glob, re, sys

def unescape_po(s):
    return s

table = {}
for f in sorted(glob.glob('po/vi-*.txt')):
    for line in open(f, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line or '\t' not in line:
            continue
        k, v = line.split('\t', 1)
        table[k] = v

# PO fragments (msgid/msgstr pairs, no header) count as tables too
for f in sorted(glob.glob('po/vi-*.po')):
    text = open(f, encoding='utf-8').read()
    for m in re.finditer(r'msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)msgstr ((?:"(?:[^"\\]|\\.)*"\s*)+)', text):
        k = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        v = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
        if k and v and k not in table:
            table[k] = v

pot = open('po/loaxa.pot', encoding='utf-8').read()
entries = pot.split('\n\n')
out = ['''# Vietnamese translation of loaxa.
msgid ""
msgstr ""
"Project-Id-Version: loaxa 0.1.0\\n"
"PO-Revision-Date: 2026-11-23 12:00+0700\\n"
"Last-Translator: loaxa <loaxa@localhost>\\n"
"Language-Team: Vietnamese\\n"
"Language: vi\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"''']
missing = []
for e in entries[1:]:
    lines = e.strip('\n').split('\n')
    head = [l for l in lines if l.startswith('#')]
    body = '\n'.join(l for l in lines if not l.startswith('#'))
    m = re.match(r'msgid ((?:"(?:[^"\\]|\\.)*"\n?)+)msgstr', body + '\n' if not body.endswith('\n') else body, re.S)
    if not m:
        continue
    msgid = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
    if not msgid:
        continue
    tr = table.get(msgid)
    if tr is None:
        missing.append(msgid)
        tr = ''
    flags = [l for l in head if l.startswith('#,')]
    refs = [l for l in head if l.startswith('#:')]
    out.append('\n'.join(refs + flags + ['msgid "%s"' % msgid, 'msgstr "%s"' % tr]))
open('po/vi.po', 'w', encoding='utf-8').write('\n\n'.join(out) + '\n')
for m in missing:
    print('missing:', m)
print(len(missing), 'missing', file=sys.stderr)
