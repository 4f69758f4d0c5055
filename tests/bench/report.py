"""Turns the samples of a `make bench` run into BUILD/bench/results.json,
results.md and ratios.png.

A sample is (figure, nic, guest, value): one round's measurement.  Every
figure is reported as the median of its samples with their min and max,
and beside it the ratio MenuOS / Linux of the medians.  The guests are
MenuOS, Linux (menuos-peer's replyhi printing the same two console lines
per connection as MenuOS's) and, for the request/response figures only,
MenuOS silent and Linux silent (each guest's replyhi -q, no console line),
compared with each other.
"""
import json
import os
import statistics

GUESTS = ('MenuOS', 'Linux', 'MenuOS silent', 'Linux silent')

# key: (label, unit, better); better is 'higher' or 'lower'
FIGURES = {
    'boot_direct_s': ('boot to prompt, direct -kernel', 's', 'lower'),
    'boot_grub_s': ('boot to prompt, GRUB ISO', 's', 'lower'),
    'image_direct_bytes': ('image, direct boot (kernel [+ initramfs])', 'bytes', 'lower'),
    'image_iso_bytes': ('image, GRUB ISO', 'bytes', 'lower'),
    'mem_min_MB': ('smallest -m for prompt + hello', 'MB', 'lower'),
    'ping_p50_ms': ('ping p50', 'ms', 'lower'),
    'ping_p99_ms': ('ping p99', 'ms', 'lower'),
    'rr_conn_s': ('sequential rr (connect/hello/hi/close)', 'conn/s', 'higher'),
    'rr_p50_ms': ('sequential rr latency p50', 'ms', 'lower'),
    'rr_p99_ms': ('sequential rr latency p99', 'ms', 'lower'),
    'rr16_conn_s': ('rr, 16 concurrent clients', 'conn/s', 'higher'),
    'rr16_p50_ms': ('rr16 latency p50', 'ms', 'lower'),
    'rr16_p99_ms': ('rr16 latency p99', 'ms', 'lower'),
    'bulk_in_MBps': ('bulk host -> guest (into sink)', 'MB/s', 'higher'),
    'bulk_out_MBps': ('bulk guest -> host (send)', 'MB/s', 'higher'),
}


def summarize(samples):
    """{(figure, nic, guest): {'median', 'min', 'max', 'n', 'values'}}."""
    groups = {}
    for fig, nic, guest, v in samples:
        groups.setdefault((fig, nic, guest), []).append(v)
    return {k: {'median': statistics.median(v), 'min': min(v), 'max': max(v), 'n': len(v),
                'values': v} for k, v in groups.items()}


def _rows(summary):
    """(figure, nic): the figures without a NIC first, then each NIC's in
    FIGURES order, the NICs in the order measured."""
    nics = ['-']
    for _, nic, _ in summary:
        if nic not in nics:
            nics.append(nic)
    return [(f, n) for n in nics for f in FIGURES if any((f, n, g) in summary for g in GUESTS)]


def ratio(summary, fig, nic, other, mine='MenuOS'):
    a, b = summary.get((fig, nic, mine)), summary.get((fig, nic, other))
    if not a or not b or not b['median']:
        return None
    return a['median'] / b['median']


def _num(v, unit):
    if unit in ('bytes', 'MB'):
        return '%d' % v
    if v >= 100:
        return '%.0f' % v
    if v >= 10:
        return '%.1f' % v
    return '%.3g' % v


def _cell(s, unit):
    if not s:
        return '-'
    if s['n'] == 1:
        return _num(s['median'], unit)
    return '%s [%s-%s]' % (_num(s['median'], unit), _num(s['min'], unit), _num(s['max'], unit))


def _ratio_cell(r):
    if r is None:
        return '-'
    return '%.2fx' % r if r >= 0.1 else '1/%.0f' % (1 / r)


def write(out_dir, meta, samples, failures, chart=True):
    os.makedirs(out_dir, exist_ok=True)
    summary = summarize(samples)
    rows = _rows(summary)
    figures = []
    for fig, nic in rows:
        label, unit, better = FIGURES[fig]
        d = {'figure': fig, 'label': label, 'unit': unit, 'better': better, 'nic': nic}
        for g in GUESTS:
            if (fig, nic, g) in summary:
                d[g] = summary[(fig, nic, g)]
        d['ratio_menuos_linux'] = ratio(summary, fig, nic, 'Linux')
        d['ratio_menuos_linux_silent'] = ratio(summary, fig, nic, 'Linux silent', 'MenuOS silent')
        figures.append(d)
    tmp = os.path.join(out_dir, 'results.json.tmp')
    with open(tmp, 'w') as f:
        json.dump({'meta': meta, 'figures': figures, 'failures': failures}, f, indent=1)
    os.replace(tmp, os.path.join(out_dir, 'results.json'))

    md = ['# MenuOS/x64 vs Linux, same QEMU', '']
    md += ['- %s: %s' % (k, v) for k, v in meta.items()]
    md += ['', 'Each cell: median [min-max] over the rounds (n in results.json); ratio = '
           'MenuOS median / Linux median (for "lower" figures below 1 is better for MenuOS, '
           'for "higher" figures above 1). "Linux" is menuos-peer\'s replyhi printing the same two '
           'console lines per connection as MenuOS\'s replyhi; "MenuOS silent" and "Linux silent" '
           'are each guest\'s `replyhi -q` (no console line), in the same boot, compared with '
           'each other.', '',
           '| figure | NIC | better | MenuOS | Linux | MenuOS/Linux | MenuOS silent | '
           'Linux silent | MenuOS silent/Linux silent |', '|---|---|---|---|---|---|---|---|---|']
    for d in figures:
        u = d['unit']
        md.append('| %s (%s) | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            d['label'], u, d['nic'], d['better'], _cell(d.get('MenuOS'), u),
            _cell(d.get('Linux'), u), _ratio_cell(d['ratio_menuos_linux']),
            _cell(d.get('MenuOS silent'), u), _cell(d.get('Linux silent'), u),
            _ratio_cell(d['ratio_menuos_linux_silent'])))
    if failures:
        md += ['', '## Failures', ''] + ['- %s' % f for f in failures]
    if chart:
        try:
            write_chart(os.path.join(out_dir, 'ratios.png'), figures)
            md += ['', '![ratios](ratios.png)']
        except ImportError:
            md += ['', 'No chart: python3-matplotlib is not installed (tests/install-deps.sh --bench).']
    with open(os.path.join(out_dir, 'results.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')


def write_chart(path, figures):
    """Horizontal bars of MenuOS/Linux per figure, on a log axis with 1 marked;
    bars are oriented so that right of 1 is always better for MenuOS."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    labels, vals, colors = [], [], []
    for d in figures:
        for key, who, color in (('ratio_menuos_linux', 'Linux', '#3a7dc9'),
                                ('ratio_menuos_linux_silent', 'Linux silent', '#9bbfe6')):
            r = d[key]
            if r is None or r <= 0:
                continue
            labels.append('%s [%s] vs %s' % (d['label'], d['nic'], who) if who == 'Linux' else
                          '%s [%s], silent vs %s' % (d['label'], d['nic'], who))
            vals.append(r if d['better'] == 'higher' else 1 / r)
            colors.append(color)
    fig, ax = plt.subplots(figsize=(10, 0.28 * len(labels) + 1.5))
    y = range(len(labels))
    # from 1 to the ratio: left of 1 when Linux is better
    ax.barh(y, [v - 1 for v in vals], left=1, color=colors)
    ax.set_xscale('log')
    ax.axvline(1.0, color='black', linewidth=1)
    ax.set_yticks(list(y))
    ax.set_yticklabels(labels, fontsize=7)
    for i, v in enumerate(vals):
        ax.text(v, i, ' %.2f ' % v, va='center', ha='left' if v >= 1 else 'right', fontsize=6)
    ax.invert_yaxis()
    ax.set_xlabel('right of 1: MenuOS better (rates: MenuOS/Linux; times, sizes, memory: '
                  'Linux/MenuOS)', fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
