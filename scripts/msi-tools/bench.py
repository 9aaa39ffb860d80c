#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Side-by-side report of the MSI benchmark (make bench).

  bench.py report ARCH SERIES_RESDIR UPSTREAM_RESDIR OUTDIR
  bench.py report ARCH SERIES_RESDIR - OUTDIR     (series only)

Reads the "msi-bench: " lines of each console.log (guest group "bench",
drivers/misc/msi_bench.c, the edu exerciser's rtt file), prints one
table with both kernels and the ratio series/upstream per row, the
issue's targets, and the per-function breakdown; writes bench.json,
bench.csv, bench.txt and (with gnuplot) bench.png into OUTDIR.
"""

import json
import os
import re
import shutil
import subprocess
import sys

PREFIX = re.compile(r'msi-bench: (.*)$')
KV = re.compile(r'(\w+)=(\S+)')

# (key, label, unit divisor, per-vector): rows of the table
METRICS = [
    ('alloc', 'alloc (us)', 1000.0),
    ('request', 'request_irq all (us)', 1000.0),
    ('release', 'free_irq + free (us)', 1000.0),
    ('allocfree', 'alloc+free (us)', 1000.0),
    ('slab_vec', 'slab bytes/vector', 1.0),
    ('slab_alloc_vec', '  of which alloc', 1.0),
    ('slab_request_vec', '  of which request_irq', 1.0),
    ('slab_pages_vec', 'slab pages B/vector', 1.0),
    ('requested', 'vectors requested', 1.0),
]

# The breakdown: categories of the probed functions, in print order
BREAKDOWN_N = 256


def num(v):
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def parse(resdir):
    """The measurements of one boot: {'msix': {n: {...}}, 'mem', 'prof', 'edu'}"""
    data = {'msix': {}, 'mem': {}, 'prof': {}, 'edu': None, 'errors': []}
    path = os.path.join(resdir, 'console.log')
    if not os.path.exists(path):
        data['errors'].append(f'{path} missing')
        return data
    with open(path, errors='replace') as f:
        for raw in f:
            m = PREFIX.search(raw.rstrip('\r\n'))
            if not m:
                continue
            words = m.group(1).split()
            if not words:
                continue
            kind = words[0]
            kv = {k: num(v) for k, v in KV.findall(m.group(1))}
            if 'error' in kv:
                data['errors'].append(m.group(1))
                continue
            if kind == 'msix':
                n = kv['n']
                kv['slab_pages_vec'] = kv['slab_pages'] / n
                data['msix'][n] = kv
            elif kind == 'mem':
                data['mem'][kv['n']] = kv
            elif kind == 'prof':
                data['prof'].setdefault(kv['n'], {})[kv['fn']] = kv
            elif kind == 'edu':
                kv['bdf'] = words[1] if len(words) > 1 else ''
                data['edu'] = kv
    for n, mem in data['mem'].items():
        if n in data['msix']:
            # per allocated vector plus per requested vector (request_irq()
            # may have run out of CPU vectors before N)
            req = max(mem['requested'], 1)
            data['msix'][n]['slab_alloc_vec'] = mem['slab_alloc'] / n
            data['msix'][n]['slab_request_vec'] = mem['slab_request'] / req
            data['msix'][n]['slab_vec'] = \
                mem['slab_alloc'] / n + mem['slab_request'] / req
    return data


def fmt(v, div=1.0):
    if v is None:
        return '-'
    if isinstance(v, int) and div == 1.0:
        return str(v)
    v = v / div
    if abs(v) >= 100:
        return f'{v:.0f}'
    if abs(v) >= 10:
        return f'{v:.1f}'
    return f'{v:.2f}'


def ratio(a, b):
    if a is None or b is None or not b:
        return None
    return a / b


def table(series, upstream):
    rows = []
    ns = sorted(set(series['msix']) | set(upstream['msix'] if upstream else []))
    for key, label, div in METRICS:
        for n in ns:
            s = series['msix'].get(n, {}).get(key)
            u = upstream['msix'].get(n, {}).get(key) if upstream else None
            rows.append({'metric': key, 'label': label, 'n': n,
                         'series': s, 'upstream': u, 'ratio': ratio(s, u),
                         'div': div})
    for key, label in (('min', 'edu round trip min (ns)'),
                       ('median', 'edu round trip median (ns)')):
        s = (series['edu'] or {}).get(key)
        u = ((upstream or {}).get('edu') or {}).get(key)
        rows.append({'metric': 'rtt_' + key, 'label': label, 'n': None,
                     'series': s, 'upstream': u, 'ratio': ratio(s, u),
                     'div': 1.0})
    return rows


def render_table(rows, have_up):
    out = []
    head = f'{"metric":<26} {"N":>5} {"series":>10}'
    if have_up:
        head += f' {"upstream":>10} {"ratio":>6}'
    out.append(head)
    out.append('-' * len(head))
    for r in rows:
        line = (f'{r["label"]:<26} {"" if r["n"] is None else r["n"]:>5} '
                f'{fmt(r["series"], r["div"]):>10}')
        if have_up:
            line += (f' {fmt(r["upstream"], r["div"]):>10} '
                     f'{"-" if r["ratio"] is None else format(r["ratio"], ".2f"):>6}')
        out.append(line)
    return out


def targets(series, upstream):
    """The targets of issue 14, item 3, each with its numbers"""
    res = []

    def get(d, n, k):
        return (d or {}).get('msix', {}).get(n, {}).get(k)

    s, u = get(series, 2048, 'allocfree'), get(upstream, 2048, 'allocfree')
    r = ratio(s, u)
    res.append({'target': 'alloc+free of 2048 vectors <= 0.75x upstream',
                'value': r, 'met': r is not None and r <= 0.75})
    s, u = get(series, 2048, 'slab_vec'), get(upstream, 2048, 'slab_vec')
    r = ratio(s, u)
    res.append({'target': 'slab bytes per vector (N=2048) <= 0.8x upstream',
                'value': r, 'met': r is not None and r <= 0.8})
    for k, what in (('alloc', 'alloc'), ('release', 'free')):
        r = ratio(get(series, 2048, k), get(series, 256, k))
        ru = ratio(get(upstream, 2048, k), get(upstream, 256, k))
        res.append({'target': f'{what}(2048)/{what}(256) <= 8.2 (upstream: '
                              f'{"-" if ru is None else format(ru, ".2f")})',
                    'value': r, 'met': r is not None and r <= 8.2})
    s = ((series or {}).get('edu') or {}).get('median')
    u = ((upstream or {}).get('edu') or {}).get('median')
    r = ratio(s, u)
    res.append({'target': 'edu round trip median <= 1.00x upstream',
                'value': r, 'met': r is not None and r <= 1.0})
    return res


def breakdown(series, upstream, n):
    """Per probed function: calls, ns and bytes per vector, both kernels"""
    fns = {}
    for name, d in (('series', series), ('upstream', upstream)):
        for fn, p in ((d or {}).get('prof', {}).get(n, {})).items():
            e = fns.setdefault(fn, {'fn': fn, 'what': p['what']})
            e[name] = {'calls': p['calls'], 'ns': p['ns'] / n,
                       'bytes': p['bytes'] / n}
    order = sorted(fns.values(), key=lambda e: (e['what'].split(':')[0],
                                                e['what'], e['fn']))
    return order


def render_breakdown(bd, n, have_up, mems):
    out = [f'Breakdown at N={n} (probed run): calls in all; per vector: inclusive '
           f'guest ns less the probes\' own cost, net slab bytes allocated inside']
    head = f'{"what":<24} {"function":<32} {"s calls":>7} {"s ns":>8} {"s bytes":>8}'
    if have_up:
        head += f' {"u calls":>7} {"u ns":>8} {"u bytes":>8}'
    out.append(head)
    out.append('-' * len(head))
    for e in bd:
        line = f'{e["what"]:<24} {e["fn"]:<32}'
        for k in ('series', 'upstream') if have_up else ('series',):
            v = e.get(k)
            if v:
                line += f' {v["calls"]:>7} {v["ns"]:>8.0f} {v["bytes"]:>8.0f}'
            else:
                line += f' {"-":>7} {"-":>8} {"-":>8}'
        out.append(line)
    for name, m in mems:
        if m:
            out.append(f'{name}: probe cost {m["probe_full_ns"]} ns (entry+return), '
                       f'{m["probe_entry_ns"]} ns (entry only); probed run '
                       f'alloc {m["probed_alloc_ns"] / 1000:.0f} us, request '
                       f'{m["probed_request_ns"] / 1000:.0f} us, release '
                       f'{m["probed_release_ns"] / 1000:.0f} us; slab bytes '
                       f'after alloc {m["slab_alloc"]}, added by request '
                       f'{m["slab_request"]}, not yet given back after release '
                       f'{m["slab_released"]} (irq_desc and kfree_rcu() frees run '
                       f'later from RCU callbacks, not counted); missed probes '
                       f'{m["missed"]}')
    return out


def plot(outdir, series, upstream):
    gp = shutil.which('gnuplot')
    if not gp:
        return 'gnuplot not installed: no plot'
    dat = os.path.join(outdir, 'bench-pervector.dat')
    with open(dat, 'w') as f:
        f.write('# N  s_alloc s_request s_release s_allocfree  '
                'u_alloc u_request u_release u_allocfree (us per vector; '
                'request per requested vector)\n')
        for n in sorted(series['msix']):
            vals = []
            for d in (series, upstream):
                m = (d or {}).get('msix', {}).get(n, {})
                for k in ('alloc', 'request', 'release', 'allocfree'):
                    v = m.get(k)
                    # request_irq() per vector it requested
                    per = max(m.get('requested', n), 1) if k == 'request' else n
                    vals.append('NaN' if v is None else f'{v / per / 1000:.3f}')
            f.write(f'{n} {" ".join(vals)}\n')
    png = os.path.join(outdir, 'bench.png')
    title = 'MSI-X setup/teardown time per vector (guest us, -icount shift=0)'
    cols = [('alloc', 2), ('request_irq', 3), ('free_irq+free', 4),
            ('alloc+free', 5)]
    plots = []
    for i, (name, c) in enumerate(cols):
        plots.append(f"'{dat}' using 1:{c} with linespoints lc {i + 1} "
                     f"pt 7 dt 1 title 'series {name}'")
        if upstream:
            plots.append(f"'{dat}' using 1:{c + 4} with linespoints lc {i + 1} "
                         f"pt 6 dt 2 title 'upstream {name}'")
    script = '\n'.join([
        'set terminal pngcairo size 1000,650 noenhanced',
        f"set output '{png}'",
        f"set title '{title}'",
        'set logscale x 2',
        "set xlabel 'N (MSI-X vectors)'",
        "set ylabel 'us per vector'",
        'set key outside right',
        'set grid',
        'set yrange [0:*]',
        'set offsets graph 0.03, graph 0.03, graph 0.05, 0',
        'plot ' + ', \\\n  '.join(plots),
    ])
    r = subprocess.run([gp], input=script, text=True, capture_output=True)
    if r.returncode:
        script = script.replace('pngcairo', 'png')
        r = subprocess.run([gp], input=script, text=True, capture_output=True)
    if r.returncode:
        return f'gnuplot failed: {r.stderr.strip()}'
    return f'plot: {png}'


def report(arch, sdir, udir, outdir):
    os.makedirs(outdir, exist_ok=True)
    series = parse(sdir)
    upstream = parse(udir) if udir != '-' else None
    have_up = upstream is not None
    rows = table(series, upstream)
    out = [f'MSI benchmark, {arch}, guest time under -icount shift=0 '
           f'(series: {sdir}{", upstream: " + udir if have_up else ""})', '']
    out += render_table(rows, have_up)
    tg = targets(series, upstream) if have_up else []
    if tg:
        out.append('')
        out.append('Targets (issue 14):')
        for t in tg:
            v = '-' if t['value'] is None else f'{t["value"]:.2f}'
            out.append(f'  {"met    " if t["met"] else "NOT met"}  {t["target"]}: {v}')
    bn = BREAKDOWN_N if BREAKDOWN_N in series['prof'] else \
        (max(series['prof']) if series['prof'] else None)
    bd = []
    if bn:
        bd = breakdown(series, upstream, bn)
        out.append('')
        out += render_breakdown(bd, bn, have_up,
                                [('series', series['mem'].get(bn)),
                                 ('upstream', (upstream or {}).get('mem', {}).get(bn))])
    errors = series['errors'] + (upstream['errors'] if have_up else [])
    for e in errors:
        out.append(f'error: {e}')
    out.append('')
    out.append(plot(outdir, series, upstream))

    with open(os.path.join(outdir, 'bench.csv'), 'w') as f:
        f.write('kernel,n,alloc_ns,request_ns,release_ns,allocfree_ns,'
                'requested,slab_bytes_per_vector,slab_pages_bytes_per_vector\n')
        for name, d in (('series', series), ('upstream', upstream)):
            for n, m in sorted((d or {}).get('msix', {}).items()):
                f.write(f'{name},{n},{m["alloc"]},{m["request"]},{m["release"]},'
                        f'{m["allocfree"]},{m["requested"]},'
                        f'{m.get("slab_vec", "")},{m["slab_pages_vec"]}\n')
    with open(os.path.join(outdir, 'bench.json'), 'w') as f:
        json.dump({'arch': arch, 'series': series, 'upstream': upstream,
                   'table': rows, 'targets': tg,
                   'breakdown': {'n': bn, 'functions': bd}},
                  f, indent=1, sort_keys=True, default=str)
    text = '\n'.join(out) + '\n'
    with open(os.path.join(outdir, 'bench.txt'), 'w') as f:
        f.write(text)
    print(text, end='')
    missing = not series['msix'] or (have_up and not upstream['msix'])
    return 1 if errors or missing else 0


def main(argv):
    if len(argv) == 6 and argv[1] == 'report':
        return report(argv[2], argv[3], argv[4], argv[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
