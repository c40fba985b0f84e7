# shellcheck shell=bash
# bench-summary.sh -- the table of scripts/bench-e2e.  Bash; sourced, never run.
#
# bench_summary WORK CORPUS: reads WORK/runs.tsv (one row per timed command, Forge's and the peers'),
# WORK/sizes.tsv (store sizes), WORK/traffic.tsv (what crossed the S3 proxy in the remote phases)
# and WORK/notes.txt; prints the table, the Forge/peer ratios, the remote phases' traffic and ratios,
# issue 4's targets and issue 16's goals (PASS/MISS, each beside its peer); writes WORK/results.tsv (the table, machine-readable), WORK/summary.txt (what was
# printed) and WORK/summary.md (the table as Markdown, for docs/benchmarks.md).

bench_summary() {
  local py=python3
  [[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
  "$py" - "$1" "$2" <<'EOF' | tee "$1/summary.txt"
import os, statistics, sys
work, corpus = sys.argv[1], sys.argv[2]
MiB = 1 << 20

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None

def num(s):
    try: return float(s)
    except ValueError: return None

runs = []
for line in open(os.path.join(work, 'runs.tsv')):
    p = line.rstrip('\n').split('\t')
    if not p or p[0] == 'round': continue
    (rnd, tool, op, run, rc, wall, user, sys_, rss, nbytes, files, flush, other, bg, cache, inner) = p
    runs.append(dict(round=int(rnd), tool=tool, op=op, run=run, rc=int(rc), wall=float(wall),
                     user=float(user), sys=float(sys_), rss=int(rss), bytes=int(nbytes) if nbytes not in ('', '-') else None,
                     files=int(files) if files not in ('', '-') else None, flush=num(flush), other=num(other),
                     bg=num(bg), cache=cache, inner=num(inner)))
sizes = {}   # key -> [bytes per round]
sp = os.path.join(work, 'sizes.tsv')
if os.path.exists(sp):
    for line in open(sp):
        rnd, k, v = line.rstrip('\n').split('\t')
        sizes.setdefault(k, []).append(int(v))
def size(k):
    v = sizes.get(k)
    return med(v) if v else None

# store size / v2 increment per (tool, op): the key of the store after the op, and the pair whose
# difference is the v2 increment (Forge: pack bytes from `forge stats`, as the issue defines it;
# peers: the repository directory, as run-peers.sh measures it)
STORE = {('git', 'commit v1'): ('git.v1', None), ('git', 'commit v2'): ('git.v2', ('git.v2', 'git.v1')),
         ('git', 'gc'): ('git.gc', None),
         ('git-lfs', 'commit v1'): ('git-lfs.v1', None), ('git-lfs', 'commit v2'): ('git-lfs.v2', ('git-lfs.v2', 'git-lfs.v1')),
         ('restic', 'backup v1'): ('restic.v1', None), ('restic', 'backup v2'): ('restic.v2', ('restic.v2', 'restic.v1')),
         ('borg', 'create v1'): ('borg.v1', None), ('borg', 'create v2'): ('borg.v2', ('borg.v2', 'borg.v1')),
         ('casync', 'make v1'): ('casync.v1', None), ('casync', 'make v2'): ('casync.v2', ('casync.v2', 'casync.v1')),
         ('forge', 'commit v1'): ('forge.v1', None),
         ('forge', 'commit v2'): ('forge.v2', ('forge.v2.packs', 'forge.v1.packs')),
         ('forge', 'commit images'): ('forge.images', None), ('git', 'commit images'): ('git.images', None)}

# aggregate: one row per (cache, tool, op) in order of first appearance; the median over runs and
# rounds (status runs several times), peak RSS = the largest
groups, order = {}, []
for r in runs:
    if r['tool'].startswith('cat:'): continue          # run-peers' per-category compression rows
    k = (r['cache'], r['tool'], r['op'])
    if k not in groups: groups[k] = []; order.append(k)
    groups[k].append(r)

def agg(k, rs):
    cache, tool, op = k
    a = dict(cache=cache, tool=tool, op=op, n=len(rs), rc=max(r['rc'] for r in rs),
             wall=med([r['wall'] for r in rs]), cpu=med([r['user'] + r['sys'] for r in rs]),
             user=med([r['user'] for r in rs]), sys=med([r['sys'] for r in rs]),
             rss=max(r['rss'] for r in rs), bytes=rs[0]['bytes'], files=rs[0]['files'],
             flush=med([r['flush'] for r in rs]), other=med([r['other'] for r in rs]),
             bg=max([r['bg'] for r in rs if r['bg'] is not None], default=None),
             inner=med([r['inner'] for r in rs]), wmin=min(r['wall'] for r in rs), wmax=max(r['wall'] for r in rs),
             store=None, incr=None)
    sk = STORE.get((tool, op))
    if sk:
        pre = 'cold:' if cache == 'cold' else ''
        a['store'] = size(pre + sk[0])
        if sk[1] and size(pre + sk[1][0]) is not None and size(pre + sk[1][1]) is not None:
            a['incr'] = size(pre + sk[1][0]) - size(pre + sk[1][1])
    return a

rows = []
for k in order:
    a = agg(k, groups[k])
    rows.append(a)
    cache, tool, op = k
    if op.startswith('commit '):
        ak = (cache, tool, 'add ' + op[7:])
        if ak in groups:
            # add+commit: per round, the add's median plus the commit's median; then the median
            per = {}
            for r in groups[ak] + groups[k]: per.setdefault(r['round'], {}).setdefault(r['op'], []).append(r)
            walls, cpus = [], []
            for rnd, d in per.items():
                if len(d) == 2:
                    walls.append(sum(med([r['wall'] for r in v]) for v in d.values()))
                    cpus.append(sum(med([r['user'] + r['sys'] for r in v]) for v in d.values()))
            b = agg(ak, groups[ak])
            c = dict(a); c.update(op='add+commit ' + op[7:], n=len(walls), wall=med(walls), cpu=med(cpus),
                                 rss=max(a['rss'], b['rss']), bytes=b['bytes'], files=b['files'], rc=max(a['rc'], b['rc']),
                                 flush=(a['flush'] or 0) + (b['flush'] or 0), other=(a['other'] or 0) + (b['other'] or 0),
                                 inner=None, wmin=min(walls) if walls else None, wmax=max(walls) if walls else None)
            rows.append(c)

def has_rate(op):
    return not op.split()[0] in ('commit', 'status', 'init', 'version', 'gc')

def mbps(a):
    if a is None or not a['bytes'] or not a['wall'] or not has_rate(a['op']): return None
    return a['bytes'] / a['wall'] / 1e6

def fmt(v, f):
    return '' if v is None else f % v

# ---- environment
envp = os.path.join(work, 'env.txt')
if os.path.exists(envp): print(open(envp).read().rstrip())
print()
cols = ('tool', 'operation', 'cache', 'runs', 'wall s', 'MB/s', 'CPU s', 'CPU%', 'peak RSS MiB', 'store MiB', 'v2 incr MiB', 'other CPU s')
F = '%-8s %-26s %-5s %4s %8s %7s %7s %5s %12s %10s %11s %11s'
print(F % cols)
print('-' * 126)
tsv = open(os.path.join(work, 'results.tsv'), 'w')
tsv.write('\t'.join(('tool', 'operation', 'cache', 'runs', 'rc', 'wall_s', 'wall_min_s', 'wall_max_s', 'mb_per_s',
                     'user_s', 'sys_s', 'cpu_s', 'peak_rss_kib', 'bytes', 'files', 'store_bytes', 'v2_increment_bytes',
                     'flush_s', 'other_cpu_s', 'bg_busy', 'inner_s')) + '\n')
md = ['| tool | operation | cache | runs | wall s | MB/s | CPU s | CPU% | peak RSS MiB | store MiB | v2 incr MiB | other CPU s |',
      '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|']
for a in rows:
    m = mbps(a)
    cpup = 100 * a['cpu'] / a['wall'] if a['wall'] and a['cpu'] is not None else None
    line = F % (a['tool'], a['op'], a['cache'], a['n'], fmt(a['wall'], '%.2f'), fmt(m, '%.0f'), fmt(a['cpu'], '%.1f'),
                fmt(cpup, '%.0f'), '%.0f' % (a['rss'] / 1024), fmt(a['store'] and a['store'] / MiB, '%.1f'),
                fmt(a['incr'] is not None and a['incr'] / MiB or None, '%.1f'), fmt(a['other'], '%.1f'))
    extra = []
    if a['n'] > 1 and a['wmin'] is not None: extra.append('median, %.2f-%.2f' % (a['wmin'], a['wmax']))
    if a['inner'] is not None: extra.append('self-timed %.2f s' % a['inner'])
    if a['rc']: extra.append('FAILED rc=%d' % a['rc'])
    print(line + ('  (' + '; '.join(extra) + ')' if extra else ''))
    tsv.write('\t'.join(str(x) if x is not None else '' for x in (
        a['tool'], a['op'], a['cache'], a['n'], a['rc'], fmt(a['wall'], '%.3f'), fmt(a['wmin'], '%.3f'), fmt(a['wmax'], '%.3f'),
        fmt(m, '%.1f'), fmt(a['user'], '%.2f') if not a['op'].startswith('add+commit') else '',
        fmt(a['sys'], '%.2f') if not a['op'].startswith('add+commit') else '', fmt(a['cpu'], '%.2f'),
        a['rss'], a['bytes'], a['files'], a['store'], a['incr'], fmt(a['flush'], '%.2f'), fmt(a['other'], '%.1f'),
        fmt(a['bg'], '%.2f'), fmt(a['inner'], '%.3f'))) + '\n')
    md.append('| %s | %s | %s | %d | %s | %s | %s | %s | %.0f | %s | %s | %s |' % (
        a['tool'], a['op'], a['cache'], a['n'], fmt(a['wall'], '%.2f'), fmt(m, '%.0f'), fmt(a['cpu'], '%.1f'),
        fmt(cpup, '%.0f'), a['rss'] / 1024, fmt(a['store'] and a['store'] / MiB, '%.1f'),
        fmt(a['incr'] is not None and a['incr'] / MiB or None, '%.1f'), fmt(a['other'], '%.1f')))
tsv.close()
open(os.path.join(work, 'summary.md'), 'w').write('\n'.join(md) + '\n')
print()
print('MB/s = input bytes / wall s / 1e6 (checkout, restore, extract: bytes of v1 written); wall includes')
print('JVM or process start; "flush" (sync after the command) is not included, run-peers.sh does the same.')
print('store = apparent bytes of the repository directory; Forge v2 incr = growth of its pack files')
print('(forge stats storedBytes), the peers\' = growth of their repository directories.')
print('other CPU s = CPU the rest of the machine used meanwhile (another workload competing).')

# ---- ratios
def row(tool, op, cache='warm'):
    return next((a for a in rows if a['tool'] == tool and a['op'] == op and a['cache'] == cache and not a['rc']), None)
out = []
def slower(ratio, tool):
    return ', i.e. %s is %.1fx faster' % (tool, 1 / ratio) if 0 < ratio < 1 else ''
f1 = row('forge', 'add+commit v1')
if f1 and mbps(f1):
    for tool, op in (('borg', 'create v1'), ('restic', 'backup v1'), ('git', 'add+commit v1'),
                     ('git-lfs', 'add+commit v1'), ('casync', 'make v1')):
        p = row(tool, op)
        if p and mbps(p):
            out.append('forge add+commit v1 vs %-22s %6.2fx the speed (%.0f vs %.0f MB/s)' % (tool + ' ' + op + ':', mbps(f1) / mbps(p), mbps(f1), mbps(p)) + slower(mbps(f1) / mbps(p), tool))
f2 = row('forge', 'commit v2')
truly = None
cp = os.path.join(corpus, 'CHANGES.txt')
if os.path.exists(cp):
    for l in open(cp):
        if l.startswith('TRULY CHANGED'):
            truly = int(l.split(':')[1].split()[0])
if f2 and f2['incr'] is not None:
    if truly: out.append('forge v2 increment vs xdelta3 (truly new):     %6.2fx (%.1f vs %.1f MiB)' % (f2['incr'] / truly, f2['incr'] / MiB, truly / MiB))
    for tool, op in (('borg', 'create v2'), ('restic', 'backup v2'), ('git', 'commit v2'), ('git-lfs', 'commit v2'), ('casync', 'make v2')):
        p = row(tool, op)
        if p and p['incr']:
            out.append('forge v2 increment vs %-24s %6.2fx the bytes (%.1f vs %.1f MiB)' % (tool + ':', f2['incr'] / p['incr'], f2['incr'] / MiB, p['incr'] / MiB))
fc = row('forge', 'checkout v1')
if fc and mbps(fc):
    for tool, op in (('borg', 'extract v1'), ('restic', 'restore v1'), ('casync', 'extract v1')):
        p = row(tool, op)
        if p and mbps(p):
            out.append('forge checkout v1 vs %-25s %6.2fx the speed (%.0f vs %.0f MB/s)' % (tool + ' ' + op + ':', mbps(fc) / mbps(p), mbps(fc), mbps(p)) + slower(mbps(fc) / mbps(p), tool))
fi, gi = row('forge', 'add+commit images'), row('git', 'add+commit images')
if fi and gi: out.append('forge add+commit images vs git:                %6.2fx the speed (%.2f vs %.2f s)' % (gi['wall'] / fi['wall'], fi['wall'], gi['wall']) + slower(gi['wall'] / fi['wall'], 'git'))
fs, gs = row('forge', 'status images'), row('git', 'status images')
if fs and gs and fs['wall'] and gs['wall']: out.append('forge status images vs git:                    %6.2fx the speed (%.2f vs %.2f s)' % (gs['wall'] / fs['wall'], fs['wall'], gs['wall']) + slower(gs['wall'] / fs['wall'], 'git'))
if out:
    print(); print('FORGE / PEERS (warm cache, same run)')
    for l in out: print('  ' + l)

# ---- cold cache, beside O_DIRECT reads of the same files
cl = []
def cold_pair(label, fop, rop):
    f, r = row('forge', fop, 'cold'), next((a for a in rows if a['op'] == rop and a['cache'] == 'cold'), None)
    if f and mbps(f):
        cl.append('%-36s %7.0f MB/s%s' % (label, mbps(f), '   (%s of the same files: %.0f MB/s)' % (r['tool'] + ' ' + rop, mbps(r)) if r and mbps(r) else ''))
cold_pair('forge add v1, cold:', 'add v1', 'read v1 (iflag=direct)')
f = row('forge', 'add+commit v1', 'cold')
if f and mbps(f): cl.append('%-36s %7.0f MB/s' % ('forge add+commit v1, cold:', mbps(f)))
cold_pair('forge checkout v1, cold packs:', 'checkout v1', 'read packs (iflag=direct)')
cold_pair('forge add images, cold:', 'add images', 'read images (O_DIRECT)')
s1c = row('forge', 'status v1', 'cold')
if s1c: cl.append('%-36s %7.2f s' % ('forge status v1, cold:', s1c['wall']))
sic = row('forge', 'status images', 'cold')
if sic: cl.append('%-36s %7.2f s' % ('forge status images, cold:', sic['wall']))
gic = row('git', 'status images', 'cold')
if gic: cl.append('%-36s %7.2f s' % ('git status images, cold:', gic['wall']))
if cl:
    print(); print('COLD CACHE (caches emptied before every step)')
    for l in cl: print('  ' + l)

# ---- the issue's targets
t = []
def target(name, ok, measured):
    t.append('  [%s] %-48s %s' % ('met ' if ok else 'MISS', name, measured))
if f1 and mbps(f1):
    target('add+commit v1 >= 1000 MB/s', mbps(f1) >= 1000, '%.0f MB/s (%.2f s)' % (mbps(f1), f1['wall']))
    b, g = row('borg', 'create v1'), row('git', 'add+commit v1')
    if b and mbps(b): target('add+commit v1 >= 3x borg create', mbps(f1) >= 3 * mbps(b), '%.2fx' % (mbps(f1) / mbps(b)))
    if g and mbps(g): target('add+commit v1 >= 20x git add+commit', mbps(f1) >= 20 * mbps(g), '%.2fx' % (mbps(f1) / mbps(g)))
f2c = row('forge', 'add+commit v2')
if f2c: target('add+commit v2 < 3 s', f2c['wall'] < 3, '%.2f s' % f2c['wall'])
if f2 and f2['incr'] is not None: target('v2 stored increment <= 72 MiB', f2['incr'] <= 72 * MiB, '%.1f MiB' % (f2['incr'] / MiB))
s1 = row('forge', 'status v1')
if s1: target('status of unchanged v1 <= 0.25 s', s1['wall'] <= 0.25, '%.2f s (median of %d)' % (s1['wall'], s1['n']))
if fc and mbps(fc):
    target('checkout v1 >= 1000 MB/s', mbps(fc) >= 1000, '%.0f MB/s (%.2f s)' % (mbps(fc), fc['wall']))
    b = row('borg', 'extract v1')
    if b and mbps(b): target('checkout v1 >= 3x borg extract', mbps(fc) >= 3 * mbps(b), '%.2fx' % (mbps(fc) / mbps(b)))
if fi:
    n = fi['files'] or 0
    scaled = 8.0 * n / 100000
    target('images add+commit <= 8 s per 100000 files', fi['wall'] <= scaled,
           '%.2f s for %d files (target scaled linearly to %.2f s)' % (fi['wall'], n, scaled) if n != 100000 else '%.2f s' % fi['wall'])
if fs: target('images status <= 0.8 s', fs['wall'] <= 0.8, '%.2f s for %s files (median of %d)' % (fs['wall'], fs['files'], fs['n']))
fr = [a for a in rows if a['tool'] == 'forge' and a['cache'] == 'warm']
if fr:
    top = max(fr, key=lambda a: a['rss'])
    target('peak RSS <= 1 GiB (every Forge command)', top['rss'] <= 1 << 20, '%.0f MiB (%s)' % (top['rss'] / 1024, top['op']))
if t:
    print(); print("ISSUE 4 TARGETS (warm cache)")
    for l in t: print(l)

# ---- remotes (issue 16): what crossed the S3 proxy, and the ratios of each step to its peers
traffic = {}   # (tool, op) -> [row per round]
tp = os.path.join(work, 'traffic.tsv')
if os.path.exists(tp):
    for line in open(tp):
        p = line.rstrip('\n').split('\t')
        if not p or p[0] == 'round': continue
        rnd, tool, op, rc, req, up, down, fb = p
        traffic.setdefault((tool, op), []).append(dict(round=int(rnd), rc=int(rc), req=num(req), up=num(up), down=num(down), fb=num(fb)))
rsizes = {}    # (round, key) -> bytes
if os.path.exists(sp):
    for line in open(sp):
        rnd, k, v = line.rstrip('\n').split('\t')
        rsizes[(int(rnd), k)] = int(v)

def anyrow(tool, op, cache='warm'):
    return next((a for a in rows if a['tool'] == tool and a['op'] == op and a['cache'] == cache), None)

def push2_ratios():
    """per round: bytes the push of v2 sent through the proxy / the stored increment of v2"""
    out = []
    for t in traffic.get(('forge', 'push v2 (s3)'), []):
        p1, p2 = rsizes.get((t['round'], 'remote.forge.v1.packs')), rsizes.get((t['round'], 'remote.forge.v2.packs'))
        if t['rc'] == 0 and t['up'] is not None and p1 is not None and p2 is not None and p2 > p1:
            out.append((t['up'] / (p2 - p1), t['up'], p2 - p1, t['fb']))
    return out

rl, rmd = [], []
if traffic:
    RF = '%-8s %-20s %4s %8s %9s %9s %9s %12s'
    rl.append(RF % ('tool', 'step', 'runs', 'wall s', 'MB up', 'MB down', 'requests', 'forge says MB'))
    rmd += ['| tool | step | runs | wall s | MB up | MB down | requests | peak RSS MiB |', '|---|---|--:|--:|--:|--:|--:|--:|']
    for (tool, op), ts in traffic.items():
        a = anyrow(tool, op)
        wall = a['wall'] if a else None
        up, down, req = med([t['up'] for t in ts]), med([t['down'] for t in ts]), med([t['req'] for t in ts])
        fb = med([t['fb'] for t in ts])
        rl.append(RF % (tool, op, len(ts), fmt(wall, '%.2f'), fmt(up and up / 1e6, '%.1f') if up is not None else '-',
                        fmt(down / 1e6, '%.1f') if down is not None else '-', fmt(req, '%.0f') if req is not None else '-',
                        fmt(fb and fb / 1e6, '%.1f') if fb is not None else '') + ('  FAILED' if a and a['rc'] else ''))
        rmd.append('| %s | %s | %d | %s | %s | %s | %s | %s |' % (tool, op, len(ts), fmt(wall, '%.2f'),
                   fmt(up / 1e6, '%.1f') if up is not None else '-', fmt(down / 1e6, '%.1f') if down is not None else '-',
                   fmt(req, '%.0f') if req is not None else '-', '%.0f' % (a['rss'] / 1024) if a else ''))
    rr = []
    def wratio(label, fop, tool, op):   # peer wall / forge wall: > 1 means Forge is faster
        f, p = row('forge', fop), row(tool, op)
        if f and p and f['wall']:
            rr.append('%-44s %6.2fx (forge %.2f s, %s %.2f s)' % (label + ':', p['wall'] / f['wall'], f['wall'], tool, p['wall']))
    wratio('push v1 (s3): rclone copy / forge', 'push v1 (s3)', 'rclone', 'copy v1 (s3)')
    wratio('push v1 (s3): restic backup / forge', 'push v1 (s3)', 'restic', 'backup v1 (s3)')
    wratio('clone v1 (s3): restic restore / forge', 'clone v1 (s3)', 'restic', 'restore v1 (s3)')
    wratio('clone v1 (s3): rclone copy down / forge', 'clone v1 (s3)', 'rclone', 'copy v1 down (s3)')
    for n, (r, up, inc, fb) in enumerate(push2_ratios(), 1):   # one line per round
        rr.append('%-44s %6.2fx (%.2f MB sent through the proxy, forge says %s MB; stored increment %.2f MB)' % (
            'push v2 (s3), round %d: sent / increment:' % n, r, up / 1e6, fmt(fb and fb / 1e6, '%.2f'), inc / 1e6))
    for op in ('push v1', 'clone v1', 'push v2', 'pull v2'):
        wratio('%s (file): git-lfs / forge' % op, op + ' (file)', 'git-lfs', op + ' (file)')
    rl.append('')
    rl += ['RATIOS (same run; > 1: Forge is faster)'] + ['  ' + l for l in rr]
    print(); print('REMOTES (S3Proxy behind count-proxy.py, and file:// folders; MB up/down = what crossed the proxy)')
    for l in rl: print('  ' + l if l else '')

# ---- the goals of issue 16, one line each: Forge, its peer in the same run, the verdict
scale = None
vp = os.path.join(corpus, 'VERSIONS.txt')
if os.path.exists(vp):
    for l in open(vp):
        if 'SCALE_PCT=' in l: scale = l.split('SCALE_PCT=')[1].split()[0]
goals = []
def goal(name, f, peer, ok, note=''):
    """f: the Forge figure (text) or None when not measured; ok: True/False, or None = no verdict"""
    if f is None: verdict = 'not measured'
    elif ok is None: verdict = 'no verdict (no peer in this run)'
    else: verdict = 'PASS' if ok else 'MISS'
    goals.append((name, f if f is not None else '', peer or '', verdict + (' ' + note if note else '')))
def failed(tool, op, cache='warm'):
    a = anyrow(tool, op, cache)
    return a is not None and a['rc'] != 0
def wall_goal(name, op, limit, ptool, pop, what=None, expect=None):
    f, p = row('forge', op), row(ptool, pop) if ptool else None
    note = ''
    if f and what and expect and f['files'] != expect: note = '(%s files, the goal is for %d)' % (f['files'], expect)
    if failed('forge', op): goal(name, 'FAILED', None, False); return
    goal(name, f and '%.2f s' % f['wall'], p and '%s %s %.2f s' % (ptool, pop, p['wall']), f and f['wall'] <= limit, note)
def speed_goal(name, fop, ptool, pop, factor, cache='warm'):
    f, p = row('forge', fop, cache), row(ptool, pop, cache)
    if failed('forge', fop, cache): goal(name, 'FAILED', None, False); return
    ok = None
    if f and p and mbps(f) and mbps(p): ok = mbps(f) >= factor * mbps(p)
    goal(name, f and mbps(f) and '%.0f MB/s (%.2f s)' % (mbps(f), f['wall']),
         p and mbps(p) and '%s %s %.0f MB/s (%.2f s)%s' % (ptool, pop, mbps(p), p['wall'],
                                                         ': %.2fx' % (mbps(f) / mbps(p)) if f and mbps(f) else ''), ok)
wall_goal('forge version <= 0.1 s', 'version', 0.1, 'java', 'version')
wall_goal('status of the asset folder <= 0.15 s', 'status assets', 0.15, 'git', 'status assets', 'files', 4000)
wall_goal('status of unchanged corpus v1 <= 0.25 s', 'status v1', 0.25, None, None)
wall_goal('status of the image tree <= 0.5 s', 'status images', 0.5, 'git', 'status images', 'files', 100000)
fi1 = row('forge', 'add images')
wall_goal('add of one changed image <= 0.6 s', 'add one image', 0.6, 'git', 'add one image')
if fi1 and fi1['files'] != 100000 and goals: goals[-1] = goals[-1][:3] + (goals[-1][3] + ' (%s files, the goal is for 100000)' % fi1['files'],)
wall_goal('add+commit of the image tree <= 5 s', 'add+commit images', 5.0, 'git', 'add+commit images', 'files', 100000)
speed_goal('add+commit v1 >= 3x borg create', 'add+commit v1', 'borg', 'create v1', 3)
speed_goal('checkout v1 >= 3x borg extract', 'checkout v1', 'borg', 'extract v1', 3)
speed_goal('cold checkout v1 >= 80% of dd direct I/O', 'checkout v1', 'dd', 'copy packs (direct I/O)', 0.8, 'cold')
# remotes
f, pr, pt = row('forge', 'push v1 (s3)'), row('rclone', 'copy v1 (s3)'), row('restic', 'backup v1 (s3)')
if failed('forge', 'push v1 (s3)'): goal('push v1 to S3 <= rclone copy', 'FAILED', None, False)
else: goal('push v1 to S3 <= rclone copy', f and '%.2f s' % f['wall'],
           '; '.join(x for x in (pr and 'rclone copy %.2f s' % pr['wall'], pt and 'restic backup %.2f s' % pt['wall']) if x),
           f and pr and f['wall'] <= pr['wall'] if pr else None)
f, pr, pt = row('forge', 'clone v1 (s3)'), row('restic', 'restore v1 (s3)'), row('rclone', 'copy v1 down (s3)')
if failed('forge', 'clone v1 (s3)'): goal('clone v1 from S3 <= restic restore', 'FAILED', None, False)
else: goal('clone v1 from S3 <= restic restore', f and '%.2f s' % f['wall'],
           '; '.join(x for x in (pr and 'restic restore %.2f s' % pr['wall'], pt and 'rclone copy down %.2f s' % pt['wall']) if x),
           f and pr and f['wall'] <= pr['wall'] if pr else None)
p2r = push2_ratios()
if failed('forge', 'push v2 (s3)'): goal('push v2 to S3 sends <= 1.1x the stored increment', 'FAILED', None, False)
elif p2r:
    r = med([x[0] for x in p2r]); x = p2r[0]
    ps = [t for t in traffic.get(('rclone', 'sync v2 (s3)'), []) if t['up'] is not None]
    qs = [t for t in traffic.get(('restic', 'backup v2 (s3)'), []) if t['up'] is not None]
    goal('push v2 to S3 sends <= 1.1x the stored increment', '%.2fx (%.1f MB sent, increment %.1f MB)' % (r, med([y[1] for y in p2r]) / 1e6, med([y[2] for y in p2r]) / 1e6),
         '; '.join(y for y in (ps and 'rclone sync sent %.1f MB' % (med([t['up'] for t in ps]) / 1e6),
                               qs and 'restic backup sent %.1f MB' % (med([t['up'] for t in qs]) / 1e6)) if y), r <= 1.1)
else: goal('push v2 to S3 sends <= 1.1x the stored increment', None, None, None)
for op, lo, hi in (('clone v1', 3, 10), ('pull v2', 5, 20), ('push v1', 5, 25), ('push v2', 5, 25)):
    name = '%s (file) >= %dx git-lfs (promise %d-%dx)' % (op, lo, lo, hi)
    f, p = row('forge', op + ' (file)'), row('git-lfs', op + ' (file)')
    if failed('forge', op + ' (file)'): goal(name, 'FAILED', None, False); continue
    goal(name, f and '%.2f s' % f['wall'], p and 'git-lfs %.2f s: %.2fx' % (p['wall'], p['wall'] / f['wall']) if f and p and f['wall'] else p and 'git-lfs %.2f s' % p['wall'],
         (p['wall'] / f['wall'] >= lo) if f and p and f['wall'] else None)
fr = [a for a in rows if a['tool'] == 'forge']
if fr:
    top = max(fr, key=lambda a: a['rss'])
    goal('peak RSS <= 1 GiB (every forge step)', '%.0f MiB (%s, %s)' % (top['rss'] / 1024, top['op'], top['cache']), None, top['rss'] <= 1 << 20)
gl = []
GF = '  %-50s %-34s %-46s %s'
gl.append(GF % ('goal', 'forge', 'peer (same run)', 'verdict'))
for g in goals: gl.append(GF % g)
head = ('ISSUE 16 GOALS (medians over runs and rounds; verdicts against the goals as the issue states them)')
if scale != '100' and scale is not None:
    head += '\n  corpus SCALE_PCT=%s: the goals are set for the full corpus, so this is a functional check, not a result' % scale
print(); print(head)
for l in gl: print(l)

mdx = []
if rmd: mdx += ['', '### Remotes (same run)', ''] + rmd + [''] + ['- ' + ' '.join(l.split()) for l in rr]
mdx += ['', '### Issue 16 goals', '']
if scale != '100' and scale is not None: mdx += ['Corpus at SCALE_PCT=%s: a functional check, not a result (the goals are set for the full corpus).' % scale, '']
mdx += ['| goal | Forge | peer (same run) | verdict |', '|---|---|---|---|'] + ['| %s | %s | %s | %s |' % g for g in goals]
open(os.path.join(work, 'summary.md'), 'a').write('\n'.join(mdx) + '\n')

np_ = os.path.join(work, 'notes.txt')
if os.path.exists(np_) and os.path.getsize(np_):
    print()
    for l in open(np_): print('note: ' + l.rstrip())
EOF
}
