"""The handshake lab (docs/lab.md): its figure is up to date and names real
functions."""
import os
import re
import subprocess
import tempfile

from menuos import ROOT

SEQ = os.path.join(ROOT, 'docs', 'handshake.seq')
SVG = os.path.join(ROOT, 'docs', 'handshake.svg')


def kernel_functions():
    """Names of the functions defined in the kernel's C sources."""
    names = set()
    for top in ('net', 'kernel', 'drivers', 'user', 'libc'):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if f.endswith('.c'):
                    with open(os.path.join(dirpath, f)) as fh:
                        text = re.sub(r'__attribute__\s*\(\(.*?\)\)\s*', '', fh.read())
                    names.update(re.findall(r'^[A-Za-z_][^;()\n]*?\b(\w+)\([^;]*?\)\s*\{', text,
                                            re.M))
                    names.update(re.findall(r'^SYSCALL_DEFINE\d\((\w+)', text, re.M))
    return names


def test_figure_is_drawn_from_its_source():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, 'handshake.svg')
        subprocess.run(['/usr/bin/python3', 'docs/tools/seqdiag.py', SEQ, out], cwd=ROOT,
                       check=True)
        with open(out) as a, open(SVG) as b:
            assert a.read() == b.read(), 'docs/handshake.svg is stale: run make docs'


def test_figure_names_functions_that_exist():
    with open(SEQ) as f:
        text = f.read()
    named = set()
    for line in text.splitlines():
        if line.startswith('msg '):
            for part in line.split('|')[1:]:
                named.update(n.strip() for n in part.split('>') if n.strip())
    assert len(named) > 15
    missing = sorted(named - kernel_functions())
    assert not missing, 'the figure names functions the kernel no longer has: %s' % missing
