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
    devices = sorted({r["devices"] for r in udp})

    def ns(r, key):
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
                ratios, ratios_cpu = [], []
                for r in rs:
                    b = base.get(r["round"])
                    if b and b["busy_all"] > 0:
                        ratios.append(r["busy_all"] / b["busy_all"] * b["sent"] / r["sent"])
                    if b and b["busy_cpu"] > 0:
                        ratios_cpu.append(r["busy_cpu"] / b["busy_cpu"] * b["sent"] / r["sent"])
                res = {
                    "bench": "e2e", "config": cfg, "devices": n, "path": path,
                    "ns": round(med([ns(r, "busy_all") for r in rs]), 1),
                    "ratio": round(med(ratios), 3) if ratios else None,
                    "ns_cpu": round(med([ns(r, "busy_cpu") for r in rs]), 1),
                    "ratio_cpu": round(med(ratios_cpu), 3) if ratios_cpu else None,
                    "ratios": [round(x, 3) for x in ratios],
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
    print("e2e: CPU ns/packet over all CPUs (median of %s rounds; ratio = median of per-round ratios to "
          "'base' of the same round), %s packets/run" % (meta.get("rounds"), meta.get("packets")))
    hdr = "%8s  %-4s  %-5s  %8s  %6s  %8s  %9s  %18s  %7s" % (
        "devices", "path", "config", "ns/pkt", "ratio", "ratio@cpu", "kpps(gen)", "delivered/sent", "backlog")
    print(hdr)
    print("-" * len(hdr))
    for r in results:
        print("%8d  %-4s  %-5s  %8.1f  %6s  %9s  %9.1f  %18s  %7d" % (
            r["devices"], r["path"], r["config"], r["ns"],
            "%.3f" % r["ratio"] if r["ratio"] is not None else "-",
            "%.3f" % r["ratio_cpu"] if r["ratio_cpu"] is not None else "-",
            r["kpps"], "%d/%d" % (r["delivered"], r["sent"]), r["backlog_drops"]))
    if tcp_results:
        print()
        print("%8s  %-4s  %-5s  %8s  %6s" % ("devices", "path", "config", "Gbit/s", "ratio"))
        for r in tcp_results:
            print("%8d  %-4s  %-5s  %8.3f  %6s" % (r["devices"], "tcp", r["config"], r["gbps"],
                                                  "%.3f" % r["ratio"] if r["ratio"] is not None else "-"))

    # ---- correctness ------------------------------------------------------
    print()
    corr = []
    for c in correct:
        ok = c["delivered"] == c["sent"]
        corr.append(dict(c, ok=ok))
        print("correctness: %s, %d devices: %d/%d allowed trafgen frames (non-linear skbs) arrived: %s" % (
            c["config"], c["devices"], c["delivered"], c["sent"], "100%, ok" if ok else "NOT 100%"))
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
        print("target %-44s %-28s %s" % (name, value, ("met" if ok else "NOT met") + " (want " + want + ")"))

    for n in devices:
        p = get("tc", n, "pass")
        if p is not None:
            target("tc pass, %d devices" % n, "%.3fx base" % p, p <= 1.03, "<= 1.03x")
        d, f, nf = get("tc", n, "drop"), get("floor", n, "drop"), get("nft", n, "drop")
        if None not in (d, f):
            target("tc drop vs floor, %d devices" % n, "%.3f vs %.3f (+%.3f)" % (d, f, d - f),
                   d - f <= 0.05, "<= floor + 0.05")
        if None not in (d, nf):
            target("tc drop vs nftables, %d devices" % n, "%.3f vs %.3f" % (d, nf), d < nf, "below nft")
        t = get("tc", n, "tcp", lst=tcp_results)
        if t is not None:
            target("tc iperf3 TCP, %d devices" % n, "%.3fx base" % t, t >= 0.98, ">= 0.98x")
    if len(devices) > 1:
        for path in ("pass", "drop"):
            vals = [get("tc", n, path) for n in devices]
            if None not in vals:
                spread = max(vals) / min(vals) - 1
                target("tc %s flat %d..%d devices" % (path, devices[0], devices[-1]),
                       "%s (%.1f%% apart)" % (" ".join("%.3f" % v for v in vals), spread * 100),
                       spread <= 0.05, "<= 5% apart")

    # ---- JSON -------------------------------------------------------------
    print()
    for r in results + tcp_results:
        line = {k: v for k, v in r.items() if k != "ratios"}
        print(json.dumps(line))
    for c in corr:
        print(json.dumps({"bench": "e2e", "config": c["config"], "devices": c["devices"], "path": "correctness",
                          "sent": c["sent"], "delivered": c["delivered"], "ok": c["ok"]}))
    doc = {"bench": "e2e", "meta": meta, "results": results, "tcp": tcp_results,
           "correctness": corr, "targets": targets, "runs": runs}
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)
    print(json.dumps({"bench": "e2e", "json": out_path}))


if __name__ == "__main__":
    main()
