#!/usr/bin/python3
"""Draws a sequence diagram as SVG from a small text description (make docs).

Input lines (blank lines and lines starting with # are skipped):
  participant ID TITLE...       a column, left to right in order of appearance
  section TEXT...               a title across the whole diagram
  state ID TEXT...              a state box on ID's lifeline
  msg FROM TO LABEL | SENDER FUNCTIONS | RECEIVER FUNCTIONS
                                an arrow; the functions are written beside
                                each end (either part may be empty)
Usage: seqdiag.py SOURCE OUTPUT.svg
"""
import html
import sys

COL = 360          # distance between lifelines
CHAR_W = 6.7       # width of one character of the 11-pixel monospace font
ROW = 46
FONT = 'font-family="DejaVu Sans Mono, monospace"'


def parse(text):
    parts, rows = [], []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        word, _, rest = line.partition(' ')
        if word == 'participant':
            pid, _, title = rest.partition(' ')
            parts.append((pid, title))
        elif word == 'section':
            rows.append(('section', rest))
        elif word == 'state':
            pid, _, txt = rest.partition(' ')
            rows.append(('state', pid, txt))
        elif word == 'msg':
            fields = [f.strip() for f in rest.split('|')] + ['', '']
            src, dst, label = fields[0].split(' ', 2)
            rows.append(('msg', src, dst, label, fields[1], fields[2]))
        else:
            raise SystemExit('%s: line %d: unknown keyword %r' % (sys.argv[1], n, word))
    return parts, rows


def esc(s):
    return html.escape(s, quote=True)


def render(parts, rows):
    # room for the longest function chain written beside an arrow
    notes = [len(t) for r in rows if r[0] == 'msg' for t in r[4:6]]
    margin = int(max(notes + [20]) * CHAR_W) + 120
    x = {pid: margin + i * COL for i, (pid, _) in enumerate(parts)}
    width = 2 * margin + (len(parts) - 1) * COL
    height = 90 + ROW * len(rows) + 30
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d">' % (width, height, width, height),
           '<defs><marker id="arrow" markerWidth="10" markerHeight="8" refX="9" refY="4" '
           'orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#222"/></marker></defs>',
           '<rect width="100%" height="100%" fill="white"/>']
    for pid, title in parts:
        out.append('<rect x="%d" y="20" width="200" height="34" rx="4" fill="#e8eef8" '
                   'stroke="#345"/>' % (x[pid] - 100))
        out.append('<text x="%d" y="42" text-anchor="middle" font-size="14" %s>%s</text>'
                   % (x[pid], FONT, esc(title)))
        out.append('<line x1="%d" y1="54" x2="%d" y2="%d" stroke="#999" '
                   'stroke-dasharray="4,4"/>' % (x[pid], x[pid], height - 20))
    y = 90
    for r in rows:
        if r[0] == 'section':
            out.append('<line x1="10" y1="%d" x2="%d" y2="%d" stroke="#ccc"/>'
                       % (y - 8, width - 10, y - 8))
            out.append('<text x="14" y="%d" font-size="13" font-weight="bold" %s>%s</text>'
                       % (y + 10, FONT, esc(r[1])))
        elif r[0] == 'state':
            _, pid, txt = r
            w = 10 + 8 * len(txt)
            out.append('<rect x="%d" y="%d" width="%d" height="22" rx="10" fill="#fff4d6" '
                       'stroke="#b80"/>' % (x[pid] - w // 2, y - 4, w))
            out.append('<text x="%d" y="%d" text-anchor="middle" font-size="12" %s>%s</text>'
                       % (x[pid], y + 12, FONT, esc(txt)))
        else:
            _, src, dst, label, sfun, dfun = r
            x1, x2 = x[src], x[dst]
            out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#222" stroke-width="1.5" '
                       'marker-end="url(#arrow)"/>' % (x1, y + 10, x2, y + 10))
            out.append('<text x="%d" y="%d" text-anchor="middle" font-size="13" %s>%s</text>'
                       % ((x1 + x2) // 2, y + 4, FONT, esc(label)))
            left, right = (sfun, dfun) if x1 < x2 else (dfun, sfun)
            lo, hi = min(x1, x2), max(x1, x2)
            if left:
                out.append('<text x="%d" y="%d" text-anchor="end" font-size="11" fill="#246" '
                           '%s>%s</text>' % (lo - 8, y + 14, FONT, esc(left)))
            if right:
                out.append('<text x="%d" y="%d" font-size="11" fill="#246" %s>%s</text>'
                           % (hi + 8, y + 14, FONT, esc(right)))
        y += ROW
    out.append('</svg>')
    return '\n'.join(out) + '\n'


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as f:
        parts, rows = parse(f.read())
    svg = render(parts, rows)
    with open(sys.argv[2], 'w') as f:
        f.write(svg)


if __name__ == '__main__':
    main()
