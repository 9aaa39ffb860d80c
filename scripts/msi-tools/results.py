#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Collect and count the test results of the MSI boot tests.

  results.py ktap-complete LOG       exit 0 once LOG holds a complete KUnit run
  results.py boot-state LOG          print "ended", "crashed" or "running"
  results.py extract ARCH RESDIR     split RESDIR/console.log into TAP files
  results.py summary RESDIR...       count every *.tap/*.ktap, print the total
  results.py selftest                TAP self-test of the console log judge

The total line is "N passed, N failed" (", N skipped" when any were),
and the exit status is non-zero on any failure or missing result.
TAP comments "# figure: ..." (cycles, leaks, times of the guest's
reliability groups) are printed under their file.
"""

import os
import re
import sys

TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(not ok|ok) (\d+)\b(?: - )?\s*(.*?)$')
PLAN = re.compile(r'^1\.\.(\d+)$')
KTAP_LINE = re.compile(r'^(KTAP version \d+|TAP version \d+|#.*|1\.\.\d+|(not )?ok \d+.*)$')
# Messages that mean the kernel hit a bug, whatever the tests said: the
# patterns the guest's klog group uses too (guest/klog-patterns).
KLOG_PATTERNS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             'guest', 'klog-patterns')


def klog_pattern():
    """One regular expression of all lines of guest/klog-patterns."""
    with open(KLOG_PATTERNS) as f:
        pats = [l.rstrip('\n') for l in f
                if l.strip() and not l.startswith('#')]
    return re.compile('|'.join(f'(?:{p})' for p in pats))


BAD_KERNEL = klog_pattern()
# What a debug kernel prints when its checkers start: a debug run whose
# kernel lacks one proves nothing about it.
DEBUG_BANNERS = [
    # x86 prints the first; powerpc's kasan_init() the second, and on
    # book3s64 only with the radix MMU (on hash it warns "KASAN not
    # enabled as it requires radix!" and KASAN stays off).
    ('KASAN', re.compile(r'KernelAddressSanitizer initialized|KASAN init done')),
    ('lockdep', re.compile(r'Lock dependency validator')),
    ('kmemleak', re.compile(r'kmemleak: Kernel memory leak detector initialized')),
    # debug objects prints nothing at start: the guest logs its statistics
    ('debug objects', re.compile(r'msi-log: debug objects: objs_allocated *: *[1-9]')),
]
# A kernel that printed one of these may never power off: boot.sh stops
# waiting for it after a grace period (boot-state).
FATAL = re.compile(r'Oops[: ]|Kernel panic|[Uu]nable to handle|general protection fault|'
                   r'kernel BUG at')
FIGURE = re.compile(r'^#\s*figure:\s*(.*)$')
KMEMLEAK_SCAN = re.compile(r'msi-log: kmemleak: scanned, (\d+) unreferenced')

# A KUnit test that provokes a warning on purpose brackets it with
#   msi-ops-kunit: begin expected WARNING in FUNC
#   msi-ops-kunit: end expected WARNING in FUNC
# (drivers/pci/msi/ops_kunit.c); between them one warning of FUNC is
# accepted, nothing else, and a bracket without it fails: the test's own
# check of the warning cannot see it once the kernel was tainted before.
EXPECT_WARN = re.compile(r'msi-ops-kunit: (begin|end) expected WARNING in (\w+)$')
WARN_PARTS = re.compile(r'------------\[ cut here \]------------$|WARNING: CPU:.* (\w+)\+0x')


def bad_kernel_lines(lines):
    """Lines that report a kernel bug, less the warnings announced as expected."""
    bad = []
    expect = None
    seen = 0
    for line in lines:
        m = EXPECT_WARN.search(line)
        if m:
            if expect and not seen:
                bad.append(f'expected WARNING in {expect} did not come')
            expect = m.group(2) if m.group(1) == 'begin' else None
            seen = 0
            continue
        if not BAD_KERNEL.search(line):
            continue
        w = WARN_PARTS.search(line)
        if expect and w:
            if w.group(1) is None:
                continue            # the "cut here" line of the warning
            if w.group(1) == expect and seen == 0:
                seen += 1
                continue
        bad.append(line)
    return bad


def console_lines(path):
    with open(path, errors='replace') as f:
        for raw in f:
            yield TIMESTAMP.sub('', raw.rstrip('\r\n').replace('\r', ''))


def kunit_ktap(lines):
    """The KUnit KTAP block of a console log, kernel chatter removed.

    Returns (ktap lines, complete, index of the line that completed it).
    """
    out = []
    started = False
    plan = None
    top = 0
    end = None
    for i, line in enumerate(lines):
        if not started:
            if line == 'KTAP version 1':
                started = True
                out.append(line)
            continue
        body = line.lstrip(' ')
        if not KTAP_LINE.match(body):
            continue
        if body.startswith('#') and not body.startswith(('# Subtest', '# module', '# ')):
            continue
        out.append(line)
        if line == body:  # top level
            m = PLAN.match(body)
            if m and plan is None:
                plan = int(m.group(1))
            elif RESULT.match(body):
                top += 1
                if plan is not None and top >= plan:
                    end = i
                    break
    complete = plan is not None and top >= plan
    return out, complete, end


class Tap:
    """The TAP writer of results.py (the shell's is tap.sh, with the
    same lines): every line goes out through line(). A '#' in a
    description would start a directive, so it becomes "No." as there."""

    def __init__(self, write=None):
        self.write = write or sys.stdout.write
        self.n = 0
        self.failed = 0

    def line(self, text):
        self.write(text + '\n')

    def header(self):
        self.line('TAP version 13')

    def result(self, ok, desc, directive=''):
        """One "ok"/"not ok" line; a failed TODO is not counted as failed."""
        self.n += 1
        if not ok and not directive.upper().startswith('TODO'):
            self.failed += 1
        self.line(f'{"ok" if ok else "not ok"} {self.n} - {desc.replace("#", "No.")}'
                  + (f' # {directive}' if directive else ''))

    def diag(self, text):
        self.line(f'# {text}')

    def plan(self):
        self.line(f'1..{self.n}')


def count_tap(lines):
    """Count leaf results of (K)TAP lines: (passed, failed, skipped, failures).

    Skipped includes failed TODO tests; failures lists them as "TODO ...".
    """
    passed = failed = skipped = 0
    failures = []
    # A result line closes the test at its depth; it is a parent (a
    # suite or a parameterised test) when results at a greater depth
    # came since the previous result at its depth or above.
    has_children = {}
    for line in lines:
        body = line.lstrip(' ')
        depth = len(line) - len(body)
        m = RESULT.match(body)
        if not m:
            continue
        is_parent = has_children.get(depth, False)
        for d in list(has_children):
            if d >= depth:
                del has_children[d]
        for d in range(0, depth):
            has_children[d] = True
        if is_parent:
            continue
        if re.search(r'#\s*SKIP', body, re.I):
            skipped += 1
        elif m.group(1) != 'ok' and re.search(r'#\s*TODO', body, re.I):
            # A known limitation that failed as expected: reported, and
            # neither a pass nor a failure (TAP's TODO directive).
            skipped += 1
            failures.append('TODO ' + m.group(3))
        elif m.group(1) == 'ok':
            passed += 1
        else:
            failed += 1
            failures.append(m.group(3))
    return passed, failed, skipped, failures


def boot_state(lines):
    """What a running boot's console lines show: "ended" once the guest
    closed its TAP stream, "crashed" once the kernel printed a fatal
    error, "running" otherwise."""
    state = 'running'
    for line in lines:
        if line == 'msi-boot: end':
            return 'ended'
        if FATAL.search(line):
            state = 'crashed'
    return state


def extract(arch, res):
    log = os.path.join(res, 'console.log')
    lines = list(console_lines(log)) if os.path.exists(log) else []
    status = ''
    try:
        with open(os.path.join(res, 'boot.status')) as f:
            status = f.read().split()[0]
    except OSError:
        pass

    ktap, complete, end = kunit_ktap(lines)
    # Variant boots of a kernel whose KUnit run was judged already
    # (boot.sh BOOT_VARIANT) pass kunit.enable=0.
    kunit_off = any(l.startswith('Kernel command line:') and 'kunit.enable=0' in l
                    for l in lines)
    # The baseline has none of the series' KUnit suites: an empty run is
    # what it should print, and counts as nothing rather than as failure.
    baseline = '-upstream' in os.path.basename(res.rstrip('/'))
    if not kunit_off and not (baseline and ktap[:2] == ['KTAP version 1', '1..0']):
        with open(os.path.join(res, 'kunit.ktap'), 'w') as f:
            f.write('\n'.join(ktap) + '\n' if ktap else '')

    boot = [l[len('msi-boot: '):] for l in lines if l.startswith('msi-boot: ')]
    report = [l[len('msi-report: '):] for l in lines if l.startswith('msi-report: ')]
    if arch != 'sparc64':
        with open(os.path.join(res, 'boot.tap'), 'w') as f:
            f.write('\n'.join(l for l in boot if l not in ('begin', 'end')) + '\n')
        with open(os.path.join(res, 'report.txt'), 'w') as f:
            f.write('\n'.join(report) + '\n')

    checks = []
    if arch == 'sparc64':
        checks.append((complete and status in ('done', 'exited'),
                       f'{arch}: KUnit run complete (boot {status or "never ran"})'))
    else:
        checks.append(('end' in boot and status == 'exited',
                       f'{arch}: boot tests ran to the end and the guest powered off '
                       f'(boot {status or "never ran"})'))
        if not kunit_off:
            checks.append((complete, f'{arch}: KUnit run complete'))
    # sparc64 has no user space: after the KUnit run the kernel finds no
    # root file system and panics on purpose, and sun4u cannot reboot.
    # Only what came before that is judged.
    judged = lines[:end + 1] if arch == 'sparc64' and end is not None else lines
    bad = bad_kernel_lines(judged)
    checks.append((not bad, f'{arch}: no oops, BUG or WARN in the console log'))
    # The debug kernel (BUILD_VARIANT=debug, and its boot variants:
    # x86_64-debug-plug): its checkers ran, and kmemleak scanned once
    # the tests were done (guest klog group).
    if '-debug' in os.path.basename(res.rstrip('/')):
        # make check-debug turns lockdep's dependency checks off where
        # upstream trips them (job.sh: debug_variant_args): say so
        no_deps = any(l.startswith('Kernel command line:') and
                      'lockdep.prove_locking=0' in l for l in lines)
        for name, banner in DEBUG_BANNERS:
            if name == 'lockdep' and no_deps:
                name += ' (held locks only: lockdep.prove_locking=0)'
            checks.append((any(banner.search(l) for l in lines),
                           f'{arch}: debug kernel: {name} is active'))
        if arch != 'sparc64':
            scans = [m for m in map(KMEMLEAK_SCAN.search, lines) if m]
            checks.append((bool(scans) and scans[-1].group(1) == '0',
                           f'{arch}: debug kernel: kmemleak scanned after the tests, '
                           f'{scans[-1].group(1) if scans else "no scan"} leak(s)'))
    with open(os.path.join(res, 'health.tap'), 'w') as f:
        tap = Tap(f.write)
        tap.header()
        for ok, name in checks:
            tap.result(ok, name)
            if not ok and bad and 'oops' in name:
                for l in bad[:5]:
                    tap.diag(l)
        tap.plan()


def result_files(d):
    """The (K)TAP files of a results folder, sorted; none if it is missing."""
    if not os.path.isdir(d):
        return []
    return sorted(f for f in os.listdir(d) if f.endswith(('.tap', '.ktap')))


def summary(dirs):
    total_p = total_f = total_s = 0
    for d in dirs:
        name = os.path.basename(d.rstrip('/'))
        files = result_files(d)
        if not files:
            print(f'  {name}: no results (missing log)')
            total_f += 1
            continue
        for fn in files:
            with open(os.path.join(d, fn), errors='replace') as f:
                lines = f.read().splitlines()
            p, fl, s, failures = count_tap(lines)
            if p + fl + s == 0:
                # an empty result file is a failure, not a pass
                print(f'  {name}/{fn}: no results')
                total_f += 1
                continue
            print(f'  {name}/{fn}: {p} passed, {fl} failed' + (f', {s} skipped' if s else ''))
            for m in filter(None, map(FIGURE.match, lines)):
                print(f'    figure: {m.group(1)}')
            for x in failures:
                if x.startswith('TODO '):
                    print(f'    TODO {x[5:]}')
                else:
                    print(f'    FAIL {x}')
            total_p += p
            total_f += fl
            total_s += s
    line = f'{total_p} passed, {total_f} failed'
    if total_s:
        line += f', {total_s} skipped'
    print(line)
    return 1 if total_f else 0


# Reliability gates (issue 15): per results folder, a figure per gate
# from the result lines and comments the boot tests and KUnit print.
# A gate: (label, regex over result descriptions, regex of a figure
# line or None). Result lines whose description matches are counted
# (ok / not ok); the figure lines are quoted as they are.
GATES = [
    ('kernel reports (oops, BUG, WARN, KASAN, lockdep, kmemleak, ...)',
     re.compile(r'no oops, BUG or WARN in the console log|kernel log: no warning'), None),
    ('debug kernel (KASAN, lockdep, SLUB debugging, debug objects, kmemleak active)',
     re.compile(r'debug kernel: '), re.compile(r'kmemleak scanned after the tests')),
    ('fault injection into the backend calls',
     re.compile(r'^faults: '), re.compile(r'faults: (\d+ of \d+ injected failures reached|\d+ injected failures on .*problem)')),
    ('bad driver calls (errno as upstream, device left as it was)',
     re.compile(r'^conf_test_bad_calls$'), re.compile(r'conf_test_bad_calls: \S+: \d+ of \d+ bad calls apply')),
    ('firmware misbehaviour (RTAS, sun4v hypervisor)',
     re.compile(r'^(rtas_msi_test_|rtas_dev_test_)(error|fw_error|busy|garbage|partial|release_refused|'
                r'undo|round_up|quota_exhausted)|^sun4v_msi_test_\S*(fault|garbage|malformed|missing|stuck|overflow)'),
     None),
    ('hot-unplug with live vectors',
     re.compile(r'^unplug: '), re.compile(r'^(unplug: )?figure: hot-unplug|^unplug: \d+ cycles')),
    ('suspend and resume',
     re.compile(r'^suspend: '), re.compile(r'^(suspend: )?figure: .*(suspend|resume)|^suspend: \d+ cycles')),
    ('random sequences of driver calls',
     re.compile(r'^(pci_msi_random|rnd_test_sequences)$'),
     re.compile(r'rnd_test_sequences: \S+: \d+ seed')),
    ('load: traffic, affinity moves and rebinds together',
     re.compile(r'^load: '), re.compile(r'load: (ran \d+ s|\d+ interrupts delivered|edu .* free-running)')),
]


def gates(dirs):
    """Print the reliability gates' figures of the results folders."""
    print('Reliability gates:')
    for label, result_re, figure_re in GATES:
        rows = []
        for d in dirs:
            name = os.path.basename(d.rstrip('/'))
            files = result_files(d)
            ok = bad = 0
            figures = []
            for fn in files:
                with open(os.path.join(d, fn), errors='replace') as f:
                    for line in f:
                        body = line.strip()
                        m = RESULT.match(body)
                        if m:
                            desc = m.group(3).split(' # ')[0]
                            if result_re.search(desc) and not re.search(r'#\s*SKIP', body):
                                if m.group(1) == 'ok':
                                    ok += 1
                                else:
                                    bad += 1
                                if figure_re and figure_re.search(desc):
                                    figures.append(desc)
                            continue
                        text = body.lstrip('# ')
                        if figure_re and body.startswith('#') and figure_re.search(text):
                            figures.append(text)
            if ok or bad:
                rows.append(f'    {name}: {ok} ok, {bad} failed')
                rows.extend(f'      {x}' for x in figures[:6])
        print(f'  {label}:' + ('' if rows else ' not run'))
        for r in rows:
            print(r)
    return 0


def tap_writers_agree():
    """Whether tap.sh (the host checks' and the guest's writer, run by
    busybox sh as in the guest when there is one) writes the same lines as
    Tap, with the guest's prefix, and its counts are right: (ok, why)."""
    import shutil
    import subprocess
    import tempfile
    shell = ['busybox', 'sh'] if shutil.which('busybox') else ['sh']
    tap_sh = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tap.sh')
    want = []
    t = Tap(want.append)
    t.header()
    t.result(True, 'a # b')
    t.result(False, 't', 'TODO known limitation')
    t.result(True, 's', 'SKIP')
    t.result(False, 'z')
    t.diag('c')
    t.plan()
    want = ['msi-boot: ' + l for l in ''.join(want).splitlines()]
    want.append(f'failed {t.failed}')
    with tempfile.TemporaryDirectory() as d:
        count = os.path.join(d, 'ntests')
        script = (f'TAP_PREFIX="msi-boot: "; TAP_COUNT_FILE={count}; . {tap_sh}; '
                  "tap_header; ok a '#' b; tap 'not ok' t 'TODO known limitation'; "
                  "tap ok s SKIP; not_ok z; tap_comment c; tap_plan; "
                  'echo "failed $tap_failed"')
        got = subprocess.run(shell + ['-c', script], capture_output=True,
                             text=True).stdout.splitlines()
        n = open(count).read().strip() if os.path.exists(count) else ''
    why = ' '.join(shell)
    if got != want:
        return False, f'{why}: {got!r}, want {want!r}'
    if n != str(t.n):
        return False, f'{why}: count file {n!r}, want {t.n}'
    p, f, sk, _ = count_tap(l[len('msi-boot: '):] for l in got)
    if (p, f, sk) != (1, 1, 2):
        return False, f'{why}: {p} passed, {f} failed, {sk} skipped, want 1, 1, 2'
    return True, f'{why} writes what Tap does, with the guest prefix'


def selftest():
    """TAP: the console log judge accepts announced warnings, and only
    those; boot.sh's watch tells an ended or crashed boot from a running one."""
    begin = 'msi-ops-kunit: begin expected WARNING in f_one'
    end = 'msi-ops-kunit: end expected WARNING in f_one'
    cut = '------------[ cut here ]------------'
    warn = 'WARNING: CPU: 0 PID: 1 at a/b.c:1 f_one+0x10/0x20'
    other = 'WARNING: CPU: 0 PID: 1 at a/b.c:9 f_two+0x10/0x20'
    cases = [
        ('an announced warning passes', [begin, cut, warn, 'Call Trace:', end], 0),
        ('the same warning unannounced fails', [cut, warn], 2),
        ('after the end marker it fails', [begin, end, cut, warn], 3),
        ('a warning of another function fails', [begin, cut, other, end], 2),
        ('a second warning in the bracket fails', [begin, cut, warn, cut, warn, end], 1),
        ('a BUG in the bracket fails', [begin, 'BUG: unable to handle page fault', end], 2),
        ('an announced warning that never came fails', [begin, 'Call Trace:', end], 1),
        ('a KASAN report fails', ['BUG: KASAN: slab-use-after-free in f_one+0x1/0x2'], 1),
        ('a lockdep report fails', ['WARNING: possible circular locking dependency detected',
                                    'INFO: trying to register non-static key.'], 2),
        ('a SLUB debug report fails', ['BUG kmalloc-64 (Not tainted): Poison overwritten'], 1),
        ('a debug objects report fails', ['ODEBUG: free active (active state 0) object: x'], 1),
        ('a kmemleak report fails', ['kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)'], 1),
        ('an RCU stall fails', ['rcu: INFO: rcu_sched self-detected stall on CPU'], 1),
        ('a hung task fails', ['INFO: task sh:1 blocked for more than 60 seconds.'], 1),
        ('a kernel stack near its end fails', ['do_IRQ: stack overflow: 864',
                                               'Kernel panic - not syncing: corrupted stack end detected inside scheduler'], 2),
        ('a stack depth record passes', ['busybox (63) used greatest stack depth: 28640 bytes left'], 0),
        ('an ordinary WARNING line passes', ['WARNING: nvram corruption detected, size 0'], 0),
    ]
    states = [
        ('a boot under way is running', ['msi-boot: ok 1 - x', 'msi-log: stage y'], 'running'),
        ('a closed TAP stream has ended', ['msi-boot: 1..1', 'msi-boot: end'], 'ended'),
        ('an oops is a crash', ['Oops: Kernel access of bad area, sig: 11 [#1]'], 'crashed'),
        ('a panic is a crash', ['Kernel panic - not syncing: Attempted to kill init!'], 'crashed'),
        ('an x86 page fault is a crash', ['BUG: unable to handle page fault for address: 0'], 'crashed'),
        ('a warning is no crash', [cut, warn], 'running'),
        ('a crash after the end has ended', ['msi-boot: end', 'Kernel panic - not syncing'], 'ended'),
    ]
    tap = Tap()
    tap.header()
    for name, lines, want in cases:
        got = len(bad_kernel_lines(lines))
        tap.result(got == want, f'log judge: {name} ({got} bad line(s), want {want})')
    for name, lines, want in states:
        got = boot_state(lines)
        tap.result(got == want, f'boot watch: {name} ({got}, want {want})')
    ok, why = tap_writers_agree()
    tap.result(ok, f'TAP writers: tap.sh under {why}')
    tap.plan()
    return 1 if tap.failed else 0


def main(argv):
    if len(argv) == 2 and argv[1] == 'selftest':
        return selftest()
    if len(argv) >= 3 and argv[1] == 'ktap-complete':
        if not os.path.exists(argv[2]):
            return 1
        return 0 if kunit_ktap(list(console_lines(argv[2])))[1] else 1
    if len(argv) == 3 and argv[1] == 'boot-state':
        print(boot_state(console_lines(argv[2])) if os.path.exists(argv[2]) else 'running')
        return 0
    if len(argv) == 4 and argv[1] == 'extract':
        extract(argv[2], argv[3])
        return 0
    if len(argv) >= 3 and argv[1] == 'summary':
        return summary(argv[2:])
    if len(argv) >= 3 and argv[1] == 'gates':
        return gates(argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
