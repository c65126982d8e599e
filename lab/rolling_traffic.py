"""Judge the SIP OPTIONS of a rolling run: which were lost, when, and whether every loss lies inside a switchover.

    rolling_traffic.py REPORT.json BOUND_MS RESPONDER_LOG...

Each responder log line is "<epoch> <Call-ID>" (playbooks/files/sipha_sip_responder.py); sipp's Call-IDs are
"<call number>-<pid>@<client address>", numbered from 1 per client at a fixed rate. An OPTIONS is lost when no
host answered it while a later one of the same client was answered. A run of lost calls is one gap; its length
is the time between the answers around it. The report (rolling.yml's sipha_rolling_report_file) lists each
switchover's start (the management layer was asked) and when the VIP was seen on the new host. Exit 1 when a
gap lies outside every switchover window, or is longer than BOUND_MS.
"""
import json
import sys

SLACK_S = 1.0   # a switchover window: from its start to when the VIP was seen, widened by this on both sides


def main(argv):
    report_path, bound_ms, logs = argv[0], float(argv[1]), argv[2:]
    with open(report_path, encoding="utf-8") as handle:
        switchovers = json.load(handle)
    answered = {}
    for path in logs:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    stamp, call_id = line.split()
                    number, rest = call_id.split("-", 1)
                    client = rest.rsplit("@", 1)[1]
                    answered.setdefault(client, {})[int(number)] = float(stamp)
                except ValueError:
                    continue
    bad, total_sent, total_lost = [], 0, 0
    per_switch = [{"to": s["to"], "lost": 0, "gap_ms": 0.0} for s in switchovers]
    for client, calls in sorted(answered.items()):
        last = max(calls)
        total_sent += last
        number = 1
        while number <= last:
            if number in calls:
                number += 1
                continue
            first_lost = number
            while number not in calls:
                number += 1
            before = calls.get(first_lost - 1, calls[min(calls)])
            after = calls[number]
            lost = number - first_lost
            total_lost += lost
            gap_ms = (after - before) * 1000.0
            inside = [i for i, s in enumerate(switchovers)
                      if s["start"] - SLACK_S <= after and before <= s["seen"] + SLACK_S]
            what = "%s: %d lost (calls %d-%d), gap %.1f ms at %.3f" % (
                client, lost, first_lost, number - 1, gap_ms, before)
            if not inside:
                bad.append(what + ": outside every switchover")
            else:
                entry = per_switch[inside[0]]
                entry["lost"] += lost
                entry["gap_ms"] = max(entry["gap_ms"], gap_ms)
                if gap_ms > bound_ms:
                    bad.append(what + ": longer than %.0f ms" % bound_ms)
    print("OPTIONS over the rolling run: %d sent by %d clients, %d lost" % (total_sent, len(answered), total_lost))
    for entry, switch in zip(per_switch, switchovers):
        print("  switchover to %s: %d lost, longest gap %.1f ms (VIP seen %.0f ms after the request)" % (
            entry["to"], entry["lost"], entry["gap_ms"], (switch["seen"] - switch["start"]) * 1000.0))
    for line in bad:
        print("  BAD " + line)
    return 1 if bad or not answered else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
