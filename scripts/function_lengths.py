#!/usr/bin/env python3
"""Lists the longest functions (and initialisers) of the Swift sources: `scripts/function_lengths.py [N]`.

Counts the lines from a declaration's line to its closing brace, matched by brace depth (braces in
strings and comments are skipped roughly: good enough to find what to split)."""
import os
import re
import sys

DECL = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|static|mutating|override|'
                  r'convenience|nonisolated|final|@inline\(__always\))\s+)*(?:func\s+([^\s(<]+)|init[?!]?\s*[(<])')


def strip(line):
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    return line.split('//')[0]


def lengths(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    out = []
    for i, line in enumerate(lines):
        m = DECL.match(line)
        if not m:
            continue
        name = m.group(1) or 'init'
        depth, opened = 0, False
        for j in range(i, len(lines)):
            s = strip(lines[j])
            depth += s.count('{') - s.count('}')
            opened = opened or '{' in s
            if opened and depth <= 0:
                out.append((j - i + 1, name, path, i + 1))
                break
            if not opened and j > i + 8:
                break
    return out


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    found = []
    for root, _, files in os.walk('Sources'):
        for f in files:
            if f.endswith('.swift'):
                found += lengths(os.path.join(root, f))
    for n, name, path, line in sorted(found, reverse=True)[:count]:
        print(f'{n:4d}  {name}  {path}:{line}')


main()
