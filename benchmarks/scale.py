# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rollout's cost as the estate grows: site.yml cold, its changed=0 re-run and validate.yml on a lab of N pairs.

    python3 benchmarks/scale.py [--pairs 1,4,8] [--forks 20] [--out benchmarks/results.md]

For each N: a fresh lab of N pairs (`SIPHA_LAB_PAIRS=N lab/lab.sh up`: every pair two systemd SIP hosts on the
same VLANs, the same two routers flushing every pair's VIP), then, over SSH as the lab's operator with sudo (the
inventory's pinned keys, pipelining, ControlPersist), `site.yml` cold, again (it must change nothing) and
`validate.yml`. Seconds from the exec of ansible-playbook to its exit, and the controller's peak memory: the
largest sum of the resident sizes of ansible-playbook and every process under it (its forks, ssh), sampled every
50 ms from /proc. Ansible's settings are the ones docs/rollout.md recommends for an estate (forks, given here).
The lab is left down; the convergence lab (`make demo`) is a one-pair lab again at the next `lab.sh up`.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TITLE = "# Rollout cost as the estate grows"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  pylint: disable=wrong-import-position


def tree_rss_kb(root):
    """The resident size (KB) of ``root`` and all its descendants now, from /proc."""
    children, rss = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/statm" % name, encoding="utf-8") as handle:
                pages = int(handle.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(name))
        rss[int(name)] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


#: every lab container's CPU time (ns), from podman's cgroup (cgroups v1 cpuacct, the cgroupfs manager)
LAB_CPU = "/sys/fs/cgroup/cpuacct/libpod_parent/cpuacct.usage"


def lab_cpu_s():
    try:
        with open(LAB_CPU, encoding="utf-8") as handle:
            return int(handle.read()) / 1e9
    except (OSError, ValueError):
        return float("nan")


def controller_cpu_s():
    """User + system CPU seconds of every finished child of this process and theirs (ansible-playbook, its forks,
    ssh): the kernel's accounting of reaped descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv, env, log):
    """Run ``argv`` (output to ``log``); its seconds, peak tree RSS (KB), exit code, and the CPU seconds the
    controller (it and its descendants) and the lab's containers (the SIP hosts and routers) spent meanwhile."""
    peak = [0]
    cpu = (controller_cpu_s(), lab_cpu_s())
    with open(log, "w", encoding="utf-8") as out:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)

        def sample():
            while proc.poll() is None:
                peak[0] = max(peak[0], tree_rss_kb(proc.pid))
                time.sleep(0.05)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait(timeout=3600)
        seconds = time.monotonic() - start
        sampler.join()
    return seconds, peak[0], code, (round(controller_cpu_s() - cpu[0], 1), round(lab_cpu_s() - cpu[1], 1))


def changed(log):
    with open(log, encoding="utf-8") as handle:
        return sum(int(n) for n in re.findall(r"\bchanged=(\d+)", handle.read().split("PLAY RECAP")[-1]))


def one(pairs, forks, logs):
    env = dict(os.environ, SIPHA_LAB_PAIRS=str(pairs))
    subprocess.run([os.path.join(ROOT, "lab", "lab.sh"), "down"], env=env, check=False, capture_output=True)
    start = time.monotonic()
    subprocess.run([os.path.join(ROOT, "lab", "lab.sh"), "up"], env=env, check=True, capture_output=True, timeout=1800)
    row = {"pairs": pairs, "hosts": 2 * pairs, "forks": forks, "lab_up_s": round(time.monotonic() - start, 1)}
    env["ANSIBLE_FORKS"] = str(forks)
    for name, playbook in (("cold", "site"), ("rerun", "site"), ("validate", "validate")):
        log = os.path.join(logs, "scale-%d-%s.log" % (pairs, name))
        seconds, peak, code, (cpu, lab) = timed(["ansible-playbook", "-i", os.path.join(ROOT, "lab", "inventory"),
                                                 os.path.join(ROOT, "playbooks", playbook + ".yml")], env, log)
        if code != 0:
            raise RuntimeError("%s.yml (%s, %d pairs) exited %d: %s" % (playbook, name, pairs, code, log))
        row[name] = {"s": round(seconds, 1), "peak_mb": round(peak / 1024.0, 1), "changed": changed(log),
                     "controller_cpu_s": cpu, "lab_cpu_s": lab}
        print("%d pairs, %s: %.1f s, controller peak %.0f MB, CPU controller %.1f s / lab %.1f s, changed=%d" % (
            pairs, name, seconds, peak / 1024.0, cpu, lab, row[name]["changed"]), flush=True)
    if row["rerun"]["changed"]:
        raise RuntimeError("the re-run on %d pairs changed %d tasks" % (pairs, row["rerun"]["changed"]))
    return row


def lines_of(rows, forks):
    base = rows[0]["cold"]["s"]
    out = [TITLE, "", "`python3 benchmarks/scale.py --pairs %s --forks %d` (`make bench-scale`), %s: each N a fresh lab of "
           "N pairs (2N systemd SIP hosts, two Linux routers flushing every pair's VIP), the controller over SSH as "
           "the non-root operator with sudo, pinned host keys, pipelining, ControlPersist, forks %d. Seconds from the "
           "exec of ansible-playbook to its exit; controller peak = the largest sum of the resident sizes of "
           "ansible-playbook and every process under it (forks, ssh), sampled every 50 ms; one run per cell."
           % (",".join(str(r["pairs"]) for r in rows), forks, time.strftime("%Y-%m-%d"), forks), "",
           "| pairs (hosts) | site.yml cold | changed=0 re-run | re-run / cold | validate.yml | controller peak "
           "(cold / re-run / validate) | CPU s, controller / lab (cold; re-run) | cold / one pair's cold |",
           "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        cpu = "; ".join("%s / %s" % (row[run].get("controller_cpu_s", "-"), row[run].get("lab_cpu_s", "-"))
                        for run in ("cold", "rerun"))      # "-": a row recorded before the CPU was
        out.append("| %d (%d) | %.1f s (changed=%d) | %.1f s | %d %% | %.1f s | %.0f / %.0f / %.0f MB | %s | %.2f |" % (
            row["pairs"], row["hosts"], row["cold"]["s"], row["cold"]["changed"], row["rerun"]["s"],
            round(100 * row["rerun"]["s"] / row["cold"]["s"]), row["validate"]["s"], row["cold"]["peak_mb"],
            row["rerun"]["peak_mb"], row["validate"]["peak_mb"], cpu, row["cold"]["s"] / base))
    last = rows[-1]
    reruns = ", ".join("%d pair%s %d %%" % (r["pairs"], "" if r["pairs"] == 1 else "s",
                                            round(100 * r["rerun"]["s"] / r["cold"]["s"])) for r in rows)
    reruns_met = all(r["rerun"]["s"] <= 0.3 * r["cold"]["s"] for r in rows)
    out += ["", "Goals: %d pairs cold ≤ 2× one pair's cold: %.2f× (%s); every changed=0 re-run ≤ 30 %% of its cold run: "
            "%s (%s)." % (last["pairs"], last["cold"]["s"] / base, "met" if last["cold"]["s"] <= 2 * base else "NOT met",
                          reruns, "met" if reruns_met else "NOT met"), ""]
    return out


def main():
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    cli.add_argument("--pairs", default="1,4,8")
    cli.add_argument("--forks", type=int, default=20)
    cli.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results.md"))
    args = cli.parse_args()
    logs = os.path.join(ROOT, "lab", ".state", "logs")
    os.makedirs(logs, exist_ok=True)
    rows = [one(int(n), args.forks, logs) for n in args.pairs.split(",")]
    with open(os.path.join(ROOT, "benchmarks", "scale.json"), "w", encoding="utf-8") as handle:
        json.dump(rows, handle, indent=1)
    lines = lines_of(rows, args.forks)
    bench.durable().replace(args.out, bench.splice(args.out, lines).encode("utf-8"), mode=0o644)
    print("\n".join(lines))
    subprocess.run([os.path.join(ROOT, "lab", "lab.sh"), "down"], check=False, capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
