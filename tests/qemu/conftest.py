"""pytest setup for the QEMU tests: makes `import menuos` work, and gives

  boot(**kw)  a fixture: boots MenuOS(**kw) to its prompt; every machine it
              made is closed after the test.
  shell       one MenuOS with default options, booted once per test module
              and shared by its tests (history and tasks carry over).

When a test fails, the tail of each of its consoles is added to the report.

The kernel and image come from $MENUOS_BUILD (default build/); `make` first.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from menuos import MenuOS  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == 'call' and rep.failed:
        for i, m in enumerate(getattr(item, '_menuos_machines', [])):
            rep.sections.append(('MenuOS console %d' % i, m.tail(6000)))


def _machines(request):
    return request.node.__dict__.setdefault('_menuos_machines', [])


@pytest.fixture
def boot(request):
    mine = []

    def _boot(**kw):
        m = MenuOS(**kw)
        mine.append(m)
        _machines(request).append(m)
        m.boot()
        return m

    yield _boot
    for m in mine:
        m.close()


@pytest.fixture(scope='module')
def _module_shell():
    with MenuOS() as m:
        yield m


@pytest.fixture
def shell(request, _module_shell):
    _machines(request).append(_module_shell)
    return _module_shell
