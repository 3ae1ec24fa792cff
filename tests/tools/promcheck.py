#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""promcheck - a strict checker of the Prometheus text exposition format
(version 0.0.4, https://prometheus.io/docs/instrumenting/exposition_formats/),
written for fwctl's tests (promtool is not packaged on Debian 12 here).

Usage: promcheck.py FILE|-          exit 0 when valid; else one line per problem
       promcheck.py --dump FILE|-   also print every sample as JSON lines
                                    {"name":..,"labels":{..},"value":..}

Checked, as the format says:
  - lines end with \\n (the last one too); no blank-line or whitespace tricks
    in names; UTF-8
  - "# HELP name text" and "# TYPE name type": name matches
    [a-zA-Z_:][a-zA-Z0-9_:]*; type is one of counter, gauge, histogram,
    summary, untyped; at most one HELP and one TYPE per family; TYPE (and
    HELP) come before the family's first sample; HELP text escapes only
    \\\\ and \\n
  - samples: name{label="value",...} value [timestamp]; label names match
    [a-zA-Z_][a-zA-Z0-9_]* and do not start with __; a label appears once;
    values escape only \\\\, \\" and \\n (any other backslash is an error);
    the value is a float (or NaN, +Inf, -Inf); a timestamp is an integer
  - a family's samples are contiguous (one group per family)
  - counters: the sample name is the family name (fwctl's families carry the
    _total suffix in their name: for a counter the name must end in _total),
    the value is a finite number >= 0
  - no series (name + label set) appears twice
"""
import json
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}
FLOAT = re.compile(r'^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$')


def value_ok(s):
    return bool(FLOAT.match(s)) or s in ('NaN', '+Inf', '-Inf', 'Inf')


def parse_labels(s, i, errs, ln):
    """s[i] is '{'; returns (labels dict, index after '}')."""
    labels = {}
    i += 1
    while True:
        if i < len(s) and s[i] == '}':
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m:
            errs.append('line %d: bad label name at column %d' % (ln, i + 1))
            return None, None
        name = m.group(0)
        if name.startswith('__'):
            errs.append('line %d: label name %s is reserved' % (ln, name))
        i = m.end()
        if s[i:i + 2] != '="':
            errs.append('line %d: expected =" after label %s' % (ln, name))
            return None, None
        i += 2
        val = []
        while True:
            if i >= len(s):
                errs.append('line %d: unterminated label value' % ln)
                return None, None
            c = s[i]
            if c == '\\':
                n = s[i + 1:i + 2]
                if n == '\\':
                    val.append('\\')
                elif n == '"':
                    val.append('"')
                elif n == 'n':
                    val.append('\n')
                else:
                    errs.append('line %d: bad escape \\%s in label %s' % (ln, n, name))
                    return None, None
                i += 2
                continue
            if c == '"':
                i += 1
                break
            if c == '\n':
                errs.append('line %d: raw line feed in label value' % ln)
                return None, None
            val.append(c)
            i += 1
        if name in labels:
            errs.append('line %d: label %s given twice' % (ln, name))
        labels[name] = ''.join(val)
        if i < len(s) and s[i] == ',':
            i += 1
            continue
        if i < len(s) and s[i] == '}':
            return labels, i + 1
        errs.append('line %d: expected , or } after label %s' % (ln, name))
        return None, None


def check(text):
    errs, samples = [], []
    if text and not text.endswith('\n'):
        errs.append('the last line does not end with a line feed')
    help_of, type_of, done, series = {}, {}, set(), set()
    current = None
    for ln, line in enumerate(text.split('\n')[:-1] if text.endswith('\n') else text.split('\n'), 1):
        if line == '':
            errs.append('line %d: empty line' % ln)
            continue
        if line.startswith('#'):
            parts = line.split(' ', 3)
            if len(parts) >= 2 and parts[1] in ('HELP', 'TYPE'):
                if len(parts) < 3 or not NAME.fullmatch(parts[2]):
                    errs.append('line %d: bad metric name in %s' % (ln, parts[1]))
                    continue
                fam = parts[2]
                if fam in done or (current and current != fam and fam in type_of):
                    errs.append('line %d: %s for %s after its samples' % (ln, parts[1], fam))
                if parts[1] == 'HELP':
                    if fam in help_of:
                        errs.append('line %d: second HELP for %s' % (ln, fam))
                    txt = parts[3] if len(parts) > 3 else ''
                    if re.search(r'\\[^\\n]|\\$', txt):
                        errs.append('line %d: bad escape in HELP of %s' % (ln, fam))
                    help_of[fam] = txt
                else:
                    if fam in type_of:
                        errs.append('line %d: second TYPE for %s' % (ln, fam))
                    t = parts[3] if len(parts) > 3 else ''
                    if t not in TYPES:
                        errs.append('line %d: bad type %r for %s' % (ln, t, fam))
                    if t == 'counter' and not fam.endswith('_total'):
                        errs.append('line %d: counter %s does not end in _total' % (ln, fam))
                    type_of[fam] = t
                if current and current != fam:
                    done.add(current)
                current = fam
            continue        # other comments are allowed
        m = NAME.match(line)
        if not m:
            errs.append('line %d: bad metric name' % ln)
            continue
        name, i = m.group(0), m.end()
        labels = {}
        if i < len(line) and line[i] == '{':
            labels, i = parse_labels(line, i, errs, ln)
            if labels is None:
                continue
        if i >= len(line) or line[i] != ' ':
            errs.append('line %d: expected a space before the value' % ln)
            continue
        rest = line[i + 1:].split(' ')
        if len(rest) not in (1, 2) or not value_ok(rest[0]):
            errs.append('line %d: bad value %r' % (ln, line[i + 1:]))
            continue
        if len(rest) == 2 and not re.fullmatch(r'-?\d+', rest[1]):
            errs.append('line %d: bad timestamp %r' % (ln, rest[1]))
        fam = name
        if fam not in type_of:
            errs.append('line %d: sample %s without a TYPE before it' % (ln, name))
        if fam in done:
            errs.append('line %d: samples of %s are not contiguous' % (ln, fam))
        if current and current != fam:
            done.add(current)
        current = fam
        if type_of.get(fam) == 'counter':
            v = float(rest[0]) if FLOAT.match(rest[0]) else -1
            if not FLOAT.match(rest[0]) or v < 0:
                errs.append('line %d: counter %s has value %s' % (ln, name, rest[0]))
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            errs.append('line %d: duplicate series %s%s' % (ln, name, labels))
        series.add(key)
        samples.append({'name': name, 'labels': labels, 'value': float(rest[0])})
    for fam in help_of:
        if fam not in type_of:
            errs.append('HELP for %s without a TYPE' % fam)
    return errs, samples


def main():
    args = sys.argv[1:]
    dump = False
    if args and args[0] == '--dump':
        dump, args = True, args[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    raw = sys.stdin.buffer.read() if args[0] == '-' else open(args[0], 'rb').read()
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as e:
        print('not UTF-8: %s' % e)
        return 1
    errs, samples = check(text)
    for e in errs:
        print(e)
    if dump and not errs:
        for s in samples:
            print(json.dumps(s))
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main())
