#!/usr/bin/env python3
"""Summarises scripts/bench-http3's runs.tsv as a Markdown table: per condition and protocol, the median, min
and max wall seconds of a fetch, median MB/s, median client and server CPU seconds, connections opened,
failed runs, the load average range and the packet loss the link actually applied (server to client)."""
import statistics
import sys
from collections import OrderedDict

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
head, rows = rows[0], rows[1:]
col = {name: i for i, name in enumerate(head)}
groups = OrderedDict()
for r in rows:
    groups.setdefault((r[col["condition"]], r[col["proto"]]), []).append(r)


def label(cond):
    if cond == "loopback":
        return "loopback (no link)"
    rtt, loss = cond.split(":")
    return f"{rtt} ms RTT, {loss}% loss"


print("| link | protocol | median s | min s | max s | median MB/s | client CPU s | server CPU s | TCP/QUIC connections opened/used | runs ok | load avg | link loss s→c |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
names = {"h1": "HTTP/1.1", "h2": "HTTP/2", "h3": "HTTP/3"}
for (cond, proto), rs in groups.items():
    ok = [r for r in rs if r[col["verified"]] == "ok"]
    secs = [float(r[col["seconds"]]) for r in ok]
    med = lambda name: statistics.median(float(r[col[name]]) for r in ok) if ok else float("nan")
    loads = [float(r[col["load1"]]) for r in rs]
    lost = [(int(r[col["lost_s2c"]]), int(r[col["packets_s2c"]]) + int(r[col["lost_s2c"]]) + int(r[col["taildrop_s2c"]]))
            for r in rs if r[col["lost_s2c"]] not in ("-", "")]
    loss = "-" if not lost else "%.2f%% (+%.2f%% tail drop)" % (
        100 * sum(a for a, _ in lost) / max(1, sum(b for _, b in lost)),
        100 * sum(int(r[col["taildrop_s2c"]]) for r in rs) / max(1, sum(b for _, b in lost)))
    conns = " ".join(sorted({r[col["connections"]] for r in ok}))
    if secs:
        print(f"| {label(cond)} | {names[proto]} | {statistics.median(secs):.2f} | {min(secs):.2f} | {max(secs):.2f} | "
              f"{med('MBps'):.1f} | {med('client_cpu_s'):.2f} | {med('server_cpu_s'):.2f} | {conns} | {len(ok)}/{len(rs)} | "
              f"{min(loads):.1f}-{max(loads):.1f} | {loss} |")
    else:
        print(f"| {label(cond)} | {names[proto]} | - | - | - | - | - | - | - | 0/{len(rs)} | {min(loads):.1f}-{max(loads):.1f} | {loss} |")
