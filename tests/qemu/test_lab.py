"""The handshake lab (docs/lab.md): its figure is up to date and names real
functions."""
import os
import re
import subprocess
import tempfile
import threading
import time

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


# ---- the guide's gdb session, run as written ----
#
# docs/lab.md quotes one gdb session in ```gdb blocks: "(gdb) CMD" lines are
# typed into gdb, "MenuOS>> CMD" lines into the MenuOS console, and the other
# lines are what gdb printed; ">" lines continue a command (a `commands` body).  The test replays the session against the
# debug build and checks every quoted line, in order, against what gdb
# prints now; "..." in the guide stands for lines left out.  Addresses,
# line numbers, sequence numbers, ports and times differ from run to run
# and are compared in their shape only (see normalize).

LAB = os.path.join(ROOT, 'docs', 'lab.md')


def lab_session():
    """[(kind, text, [expected lines])] in order; kind 'gdb' or 'menuos'.
    What follows a MenuOS line is still the previous gdb command's output
    (the reader types while gdb waits in `continue`)."""
    with open(LAB) as f:
        doc = f.read()
    steps = []
    last_gdb = None
    for block in re.findall(r'^```gdb\n(.*?)^```', doc, re.S | re.M):
        for line in block.splitlines():
            if line.startswith('(gdb) '):
                steps.append(('gdb', line[6:], []))
                last_gdb = steps[-1]
            elif line.startswith('MenuOS>> '):
                steps.append(('menuos', line[9:], []))
            elif line.startswith('>') and steps and steps[-1][0] == 'gdb':
                # the body of a `commands` block, as gdb prompts for it
                kind, text, exp = steps.pop()
                steps.append((kind, text + '\n' + line[1:], exp))
                last_gdb = steps[-1]
            elif last_gdb is not None:
                last_gdb[2].append(line)
    return steps


def normalize(line):
    line = re.sub(r'0x[0-9a-f]+', '0x…', line.strip())
    line = re.sub(r'(\.[chS]):\d+', r'\1:N', line)
    line = re.sub(r'line \d+', 'line N', line)
    line = re.sub(r'\b\d{5,}\b', 'N', line)           # sequence numbers, ports
    line = re.sub(r'\s+', ' ', line)
    return line


def matches(expected, actual):
    """Every non-"..." line of expected appears in actual, in order; without
    "..." lines, nothing else may come between them."""
    exp = [normalize(l) for l in expected if l.strip()]
    act = [normalize(l) for l in actual if l.strip()]
    # QEMU's gdb stub can report one stop twice (an interrupt arriving as gdb
    # steps over the breakpoint), so a breakpoint's commands print their line
    # twice; the guide says so, and a line repeated at once counts once.
    act = [l for i, l in enumerate(act) if i == 0 or l != act[i - 1]]
    gaps = '...' in exp
    exp = [l for l in exp if l != '...']
    i = 0
    for line in exp:
        while i < len(act) and act[i] != line:
            if not gaps:
                return False
            i += 1
        if i == len(act):
            return False
        i += 1
    return True


# `continue` as the reader types it, except that a stop QEMU's gdb stub
# reports twice (the same breakpoint at the same pc right after it: an
# interrupt came in as gdb stepped over the breakpoint) is passed over, as
# the guide tells the reader to do.
LAB_CONTINUE = '''python
import gdb
class LabContinue(gdb.Command):
    def __init__(self):
        super().__init__('lab-continue', gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        def pc():
            try:
                return int(gdb.parse_and_eval('$pc'))
            except gdb.error:
                return None
        before = pc()
        out = gdb.execute('continue', to_string=True)
        if before is not None and pc() == before:
            out = gdb.execute('continue', to_string=True)
        gdb.write(out)
LabContinue()
end
'''


def run_lab_session(steps):
    from menuos import MenuOS, build_path
    debug_elf = build_path(os.path.join('debug', 'menuos.elf'))
    m = MenuOS(gdb=True, elf=debug_elf, nic='none', timeout=120)
    m.start()
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, 'lab.gdb')
        with open(script, 'w') as f:
            f.write(LAB_CONTINUE)
            for i, (kind, text, _) in enumerate(steps):
                if kind == 'gdb':
                    f.write('echo @@%d\\n\n%s\n' % (i, 'lab-continue' if text == 'continue'
                                                      else text))
            f.write('echo @@end\\n\n')
        env = dict(os.environ, MENUOS_GDB_PORT=str(m.gdb_port), MENUOS_ELF=debug_elf)
        g = subprocess.Popen(['gdb', '-q', '-batch', '-nx', '-x', 'tests/menuos.gdb', '-x',
                              script], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(g.stdout.readline, '')))
        reader.start()
        try:
            m.wait_prompt(timeout=240)
            last_gdb = None
            for i, (kind, text, _) in enumerate(steps):
                if kind == 'gdb':
                    last_gdb = i
                    continue
                # type it once gdb has let the guest run on, as the reader does
                deadline = time.time() + 240
                while '@@%d\n' % last_gdb not in lines and time.time() < deadline:
                    time.sleep(0.1)
                m.cmd(text, timeout=240)
        finally:
            m.close()
            g.wait(timeout=120)
            reader.join(timeout=10)
        out = ''.join(lines)
    parts = re.split(r'^@@(\d+|end)\n', out, flags=re.M)
    actual = {int(k): v.splitlines() for k, v in zip(parts[1::2], parts[2::2]) if k != 'end'}
    for i, lines in actual.items():
        # lab-continue passed over a stop reported twice: what counts is the last stop
        stops = [j for j, l in enumerate(lines)
                 if re.match(r'(Temporary breakpoint|Breakpoint) \d+, ', l)]
        if steps[i][1] == 'continue' and len(stops) > 1:
            actual[i] = lines[stops[-1]:]
    return actual, out


def check_teardown(steps, actual):
    """The guide quotes the teardown in the order it usually takes (replyhi
    closes first) in an indented block; the other order (hello first) is the
    same with the roles swapped.  What gdb printed must be one of the two."""
    with open(LAB) as f:
        doc = f.read()
    quoted = re.findall(r'^    (port +\d+: TCP_\w+ -> TCP_\w+)$', doc, re.M)
    assert len(quoted) == 6, quoted

    def roles(lines):
        return [('server' if re.match(r'port +5001:', l) else 'client') + l.split(':', 1)[1]
                for l in lines]
    server_first = roles(quoted)
    client_first = [('client' if r.startswith('server') else 'server') + r[6:]
                    for r in server_first]
    last = max(i for i, st in enumerate(steps) if st[0] == 'gdb')
    got = [l.strip() for l in actual.get(last, []) if l.strip().startswith('port')]
    got = roles([l for i, l in enumerate(got) if i == 0 or l != got[i - 1]])[1:]
    assert got in (server_first, client_first), got


def test_lab_gdb_session_matches_the_guide():
    steps = lab_session()
    assert sum(1 for s in steps if s[0] == 'gdb') > 30, 'docs/lab.md has lost its gdb session'
    actual, out = run_lab_session(steps)
    if os.environ.get('LAB_RECORD'):
        for i, (kind, text, _) in enumerate(steps):
            print(('(gdb) ' if kind == 'gdb' else 'MenuOS>> ') + text)
            print('\n'.join(actual.get(i, [])))
    check_teardown(steps, actual)
    for i, (kind, text, expected) in enumerate(steps):
        if kind == 'gdb' and expected:
            assert matches(expected, actual.get(i, [])), (
                'docs/lab.md quotes for "(gdb) %s":\n%s\nbut gdb printed:\n%s' %
                (text, '\n'.join(expected), '\n'.join(actual.get(i, []))))
