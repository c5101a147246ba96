#!/usr/bin/env python3
"""tools/e2e/report.py RAW.jsonl OUT.json key=value... — the figures of tools/bench-e2e.

RAW holds one object per run (kind udp/tcp/correct). Per round, each
configuration's CPU ns per packet is divided by the baseline's of the same
round and device count; the median of those ratios is reported (and the median
ns). Prints the table, one {"bench":"e2e",...} line per configuration, the
correctness line and the targets; writes everything to OUT.json.
"""
import json
import statistics
import sys

CONFIGS = ["base", "tc", "xdp", "nft", "floor"]
NOTE = {
    "base": "no filter (baseline)",
    "tc": "camguardd, mode tc",
    "xdp": "camguardd, mode xdp (veth: correctness only)",
    "nft": "hand-written nftables",
    "floor": "drop-all TC program",
}


def med(xs):
    return statistics.median(xs) if xs else None


def main():
    raw_path, out_path = sys.argv[1], sys.argv[2]
    meta = dict(a.split("=", 1) for a in sys.argv[3:])
    clk = int(meta.get("clk_tck", "100"))
    runs = [json.loads(l) for l in open(raw_path) if l.strip()]
    udp = [r for r in runs if r["kind"] == "udp"]
    tcp = [r for r in runs if r["kind"] == "tcp"]
    correct = [r for r in runs if r["kind"] == "correct"]
    progs = [dict(r, run_ns=round(r["run_ns"] / r["runs"], 1) if r["runs"] else None)
             for r in runs if r["kind"] == "prog"]
    devices = sorted({r["devices"] for r in udp})

    def ns(r, key):
        if key in ("task_ns", "daemon_ns"):
            return r[key] / r["sent"]
        return r[key] * 1e9 / clk / r["sent"]

    results = []
    for n in devices:
        for path in ("pass", "drop"):
            base = {r["round"]: r for r in udp
                    if r["devices"] == n and r["path"] == path and r["config"] == "base"}
            for cfg in CONFIGS:
                rs = [r for r in udp if r["devices"] == n and r["path"] == path and r["config"] == cfg]
                if not rs:
                    continue
                ratios, ratios_cpu, ratios_task = [], [], []
                for r in rs:
                    b = base.get(r["round"])
                    if b and b["busy_all"] > 0:
                        ratios.append(r["busy_all"] / b["busy_all"] * b["sent"] / r["sent"])
                    if b and b["busy_cpu"] > 0:
                        ratios_cpu.append(r["busy_cpu"] / b["busy_cpu"] * b["sent"] / r["sent"])
                    if b and b["task_ns"] > 0:
                        ratios_task.append(r["task_ns"] / b["task_ns"] * b["sent"] / r["sent"])
                # CPU time on this host not spent by the packet path
                ncpu = int(meta.get("ncpu", "1"))
                other = [max(0.0, r["busy_all"] * 1e9 / clk - r["task_ns"]) / (r["wall_ns"] * ncpu) for r in rs]
                res = {
                    "bench": "e2e", "config": cfg, "devices": n, "path": path,
                    "ns": round(med([ns(r, "busy_all") for r in rs]), 1),
                    "ratio": round(med(ratios), 3) if ratios else None,
                    "ns_cpu": round(med([ns(r, "busy_cpu") for r in rs]), 1),
                    "ratio_cpu": round(med(ratios_cpu), 3) if ratios_cpu else None,
                    "ns_task": round(med([ns(r, "task_ns") for r in rs]), 1),
                    "ratio_task": round(med(ratios_task), 3) if ratios_task else None,
                    # camguardd's share of ns_task (its event loop: events,
                    # the evidence sync, metrics), in CLK_TCK steps
                    "ns_daemon": round(med([ns(r, "daemon_ns") for r in rs if "daemon_ns" in r] or [0]), 1),
                    "other_busy": round(med(other), 3),
                    "ratios": [round(x, 3) for x in ratios],
                    "ratios_task": [round(x, 3) for x in ratios_task],
                    "delivered": sum(r["delivered"] for r in rs),
                    "sent": sum(r["sent"] for r in rs),
                    "backlog_drops": sum(r["backlog_drops"] for r in rs),
                    "kpps": round(med([r["sent"] / r["wall_ns"] * 1e6 for r in rs]), 1),
                    "rounds": len(rs),
                }
                if cfg == "xdp":
                    res["note"] = "veth XDP: correctness only, speed not representative of a NIC"
                if cfg == "floor":
                    res["note"] = "tc filter bpf da, program returns TC_ACT_SHOT"
                results.append(res)

    tcp_results = []
    for n in devices:
        base = {r["round"]: r for r in tcp if r["devices"] == n and r["config"] == "base"}
        for cfg in CONFIGS:
            rs = [r for r in tcp if r["devices"] == n and r["config"] == cfg]
            if not rs:
                continue
            ratios = [r["bps"] / base[r["round"]]["bps"] for r in rs
                      if r["round"] in base and base[r["round"]]["bps"] > 0]
            res = {"bench": "e2e", "config": cfg, "devices": n, "path": "tcp",
                   "gbps": round(med([r["bps"] for r in rs]) / 1e9, 3),
                   "ratio": round(med(ratios), 3) if ratios else None,
                   "ratios": [round(x, 3) for x in ratios], "rounds": len(rs)}
            if cfg == "xdp":
                res["note"] = "veth XDP: correctness only"
            tcp_results.append(res)

    def get(cfg, n, path, key="ratio", lst=None):
        for r in (lst if lst is not None else results):
            if r["config"] == cfg and r["devices"] == n and r["path"] == path:
                return r.get(key)
        return None

    # ---- table ------------------------------------------------------------
    print("e2e: CPU ns per packet; 'stat' = busy jiffies of all CPUs in /proc/stat, 'task' = CPU time of "
          "the sender (incl. the softirqs it ran), ksoftirqd and camguardd; ratio = median over %s rounds "
          "of the per-round ratio to 'base' of the same round; %s packets/run; %s skbs%s" % (
              meta.get("rounds"), meta.get("packets"), meta.get("skb", "non-linear"),
              " (--linear: pulled into the linear area on the switch port)" if meta.get("skb") == "linear" else
              " (trafgen: only the Ethernet header in the linear area)"))
    hdr = "%8s  %-4s  %-5s  %9s  %10s  %9s  %10s  %9s  %6s  %18s  %7s" % (
        "devices", "path", "config", "stat ns", "stat ratio", "task ns", "task ratio", "daemon ns", "other",
        "delivered/sent", "backlog")
    print(hdr)
    print("-" * len(hdr))
    for r in results:
        print("%8d  %-4s  %-5s  %9.0f  %10s  %9.0f  %10s  %9.0f  %5.0f%%  %18s  %7d" % (
            r["devices"], r["path"], r["config"], r["ns"],
            "%.3f" % r["ratio"] if r["ratio"] is not None else "-", r["ns_task"],
            "%.3f" % r["ratio_task"] if r["ratio_task"] is not None else "-", r["ns_daemon"],
            r["other_busy"] * 100,
            "%d/%d" % (r["delivered"], r["sent"]), r["backlog_drops"]))
    print("daemon ns = camguardd's own CPU time per packet, part of 'task' (counted in 10 ms ticks: "
          "one tick over a run of N packets is 1e7/N ns).")
    print("other = median share of all CPUs' time busy with something else than the packet path during a run "
          "(other processes on this host); above a few %, trust 'task' over 'stat'.")
    print("xdp on veth: correctness only (its speed says nothing about a NIC driver); "
          "floor = tc filter bpf da, a program returning TC_ACT_SHOT.")
    if tcp_results:
        print()
        print("%8s  %-4s  %-5s  %8s  %6s" % ("devices", "path", "config", "Gbit/s", "ratio"))
        for r in tcp_results:
            print("%8d  %-4s  %-5s  %8.3f  %6s" % (r["devices"], "tcp", r["config"], r["gbps"],
                                                  "%.3f" % r["ratio"] if r["ratio"] is not None else "-"))

    if progs:
        print()
        print("BPF program on cam0 ingress, its own time per frame (run-time statistics on, one run "
              "each after the rounds; they add two clock reads to every run):")
        print("%8s  %-4s  %-5s  %8s  %8s" % ("devices", "path", "config", "prog ns", "runs"))
        for r in progs:
            print("%8d  %-4s  %-5s  %8s  %8d" % (r["devices"], r["path"], r["config"],
                                                "%.1f" % r["run_ns"] if r["run_ns"] is not None else "-",
                                                r["runs"]))
        for n in devices:
            t = [r["run_ns"] for r in progs if r["devices"] == n and r["config"] == "tc" and r["path"] == "drop"]
            f = [r["run_ns"] for r in progs if r["devices"] == n and r["config"] == "floor" and r["path"] == "drop"]
            if t and f and None not in t + f:
                print("prog ns, drop path, %d devices: camguard %.1f - floor %.1f = %.1f ns per frame" % (
                    n, t[0], f[0], t[0] - f[0]))

    # ---- correctness ------------------------------------------------------
    print()
    corr = []
    for c in correct:
        ok = c["delivered"] == c["sent"]
        corr.append(dict(c, ok=ok))
        print("correctness: %s, %d devices: %d/%d allowed trafgen frames (%s skbs) arrived: %s%s" % (
            c["config"], c["devices"], c["delivered"], c["sent"], meta.get("skb", "non-linear"), "100%, ok" if ok else "NOT 100%",
            "; bpf_skb_pull_data on %d of them" % c["pulls"] if c.get("pulls", -1) >= 0 else ""))
    for r in results:
        if r["config"] in ("tc", "xdp") and r["path"] == "pass" and r["delivered"] != r["sent"]:
            print("correctness: %s, %d devices, timed pass runs: %d/%d arrived" % (
                r["config"], r["devices"], r["delivered"], r["sent"]))
        if r["config"] in ("tc", "xdp", "nft", "floor") and r["path"] == "drop" and r["delivered"]:
            print("correctness: %s, %d devices, drop path: %d of %d denied frames arrived" % (
                r["config"], r["devices"], r["delivered"], r["sent"]))
    bl = sum(r["backlog_drops"] for r in results)
    print("backlog drops (/proc/net/softnet_stat, 2nd column) over all runs: %d%s" % (bl, "" if bl == 0 else "  (NOT 0)"))

    # ---- targets ----------------------------------------------------------
    print()
    targets = []

    def target(name, value, ok, want):
        targets.append({"target": name, "value": value, "met": ok, "want": want})
        verdict = ", ".join("%s %s" % (k, "met" if v else "NOT met") for k, v in ok.items())
        print("target %-32s %-34s %s (want %s)" % (name, value, verdict, want))

    def both(cfg, n, path):
        return get(cfg, n, path), get(cfg, n, path, "ratio_task")

    for n in devices:
        p = both("tc", n, "pass")
        if None not in p:
            target("tc pass, %d devices" % n, "stat %.3f, task %.3f" % p,
                   {"stat": p[0] <= 1.03, "task": p[1] <= 1.03}, "<= 1.03x base")
        d, f, nf = both("tc", n, "drop"), both("floor", n, "drop"), both("nft", n, "drop")
        if None not in d + f:
            target("tc drop - floor, %d devices" % n, "stat %+.3f, task %+.3f" % (d[0] - f[0], d[1] - f[1]),
                   {"stat": d[0] - f[0] <= 0.05, "task": d[1] - f[1] <= 0.05}, "<= +0.05")
        if None not in d + nf:
            target("tc drop vs nft drop, %d devices" % n,
                   "stat %.3f/%.3f, task %.3f/%.3f" % (d[0], nf[0], d[1], nf[1]),
                   {"stat": d[0] < nf[0], "task": d[1] < nf[1]}, "tc below nft")
        t = get("tc", n, "tcp", lst=tcp_results)
        if t is not None:
            target("tc iperf3 TCP, %d devices" % n, "%.3fx base" % t, {"gbps": t >= 0.98}, ">= 0.98x")
    if len(devices) > 1:
        for path in ("pass", "drop"):
            vs = [both("tc", n, path) for n in devices]
            if all(None not in v for v in vs):
                sp = [max(v[i] for v in vs) / min(v[i] for v in vs) - 1 for i in (0, 1)]
                target("tc %s flat %d..%d devices" % (path, devices[0], devices[-1]),
                       "stat %.1f%%, task %.1f%% apart" % (sp[0] * 100, sp[1] * 100),
                       {"stat": sp[0] <= 0.05, "task": sp[1] <= 0.05}, "<= 5% apart")

    # ---- JSON -------------------------------------------------------------
    print()
    for r in results + tcp_results:
        line = {k: v for k, v in r.items() if k not in ("ratios", "ratios_task")}
        print(json.dumps(line))
    for c in corr:
        print(json.dumps({"bench": "e2e", "config": c["config"], "devices": c["devices"], "path": "correctness",
                          "sent": c["sent"], "delivered": c["delivered"], "ok": c["ok"]}))
    for r in progs:
        print(json.dumps({"bench": "e2e", "config": r["config"], "devices": r["devices"], "path": r["path"],
                          "prog_ns": r["run_ns"], "prog_runs": r["runs"]}))
    doc = {"bench": "e2e", "meta": meta, "results": results, "tcp": tcp_results, "prog": progs,
           "correctness": corr, "targets": targets, "runs": runs}
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)
    print(json.dumps({"bench": "e2e", "json": out_path}))


if __name__ == "__main__":
    main()
