# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a network team would pick instead of sipha-vip, on the same lab, routers and clients as bench.py.

(k) keepalived (Debian's package), one VRRPv3 instance on each SIP host's SIP NIC holding the VIP, configured as
its manual describes a fast, clean switchover: 100 ms adverts (VRRPv3 counts centiseconds), both hosts BACKUP
with the same priority and ``nopreempt`` (the one that comes back does not take the VIP back), a burst of
gratuitous ARPs at the transition (``vrrp_garp_master_repeat 5``) and a second one a second later
(``vrrp_garp_master_delay 1``: past the 1 s locktime of a Linux neighbour), refreshed every 30 s while master
(``vrrp_garp_master_refresh``). The switchover is the fastest keepalived offers: SIGTERM to the master's
keepalived (what ``systemctl stop`` sends): it sends a priority-0 advert and removes the VIP, and the backup takes
over after its skew time ((256 - 250) x 10 cs / 256 = 0.23 cs) instead of the master-down interval (3 adverts and
the skew). A tracked file or a priority change is slower: the backup only ignores a lower-priority advert and waits
for that interval. The old master is started again as backup before the next switchover.

(v) the same keepalived instance with ``use_vmac``: the VIP lives on a macvlan interface (``vrrp.51``) whose MAC is
VRRP's virtual MAC (00:00:5e:00:01:33 for VRID 51), so the VIP's MAC never changes; a switchover only moves that MAC
to the other host's switch port (the new master's adverts and gratuitous ARPs come from it), and routers keep a
valid entry whether or not they honour gratuitous ARP - the field alternative to flushing them. Everything else,
and the switchover, as (k).

(p) IPaddr2, Pacemaker's resource agent (Debian's resource-agents), run standalone through its OCF environment
(``OCF_RESKEY_ip``, ``cidr_netmask`` 32, ``nic``; ``arp_count`` 5 and ``arp_interval`` 200 ms, its defaults, sent in
the background by its ``send_arp``): ``stop`` on the holder, and once it returned ``start`` on the other, as
Pacemaker orders a move - the old host tells the new one by a UDP datagram on the data network, as the cluster
layer's message would (not the controller, whose podman exec would add ~100 ms that Pacemaker does not).

The switchover's start, from which the outage is measured, is the exec of the command that begins it: SIGTERM on the
master (k), ``stop`` on the holder (p).
"""
import time

VRID = 51            # the lab routers' VRRP instances use 11, 21 and 31 on the same VLANs
PRIORITY = 250
ADVERT = 0.1
SIGNAL_PORT = 5099   # the IPaddr2 stop's "done" datagram, on the data network
OCF = {"OCF_ROOT": "/usr/lib/ocf", "OCF_RESOURCE_INSTANCE": "sipha_vip", "HA_RSCTMP": "/run/resource-agents",
       "OCF_RESKEY_cidr_netmask": "32", "OCF_RESKEY_arp_count": "5", "OCF_RESKEY_arp_interval": "200"}
IPADDR2 = "/usr/lib/ocf/resource.d/heartbeat/IPaddr2"

# On the old holder (p): at the agreed instant print it, run stop, tell the new holder, print when stop returned.
STOP_THEN_TELL = ("import os, socket, subprocess, sys, time\n"
                  "at, peer = float(sys.argv[1]), sys.argv[2]\n"
                  "while time.time() < at - 0.003:\n"
                  "    time.sleep(0.001)\n"
                  "while time.time() < at:\n"
                  "    pass\n"
                  "sys.stdout.write('%%.6f\\n' %% time.time())\n"
                  "sys.stdout.flush()\n"
                  "done = subprocess.run(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
                  "end = time.time()\n"
                  "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'stopped', (peer, %d))\n"
                  "sys.stdout.write('%%.6f %%d\\n' %% (end, done.returncode))\n"
                  "sys.exit(done.returncode)\n" % SIGNAL_PORT)
# On the new holder (p): wait for the old holder's datagram (bounded), print when it came, become start.
WAIT_THEN_START = ("import os, socket, sys, time\n"
                   "sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                   "sock.bind((sys.argv[1], %d))\n"
                   "sock.settimeout(20)\n"
                   "sock.recvfrom(64)\n"
                   "sys.stdout.write('%%.6f\\n' %% time.time())\n"
                   "sys.stdout.flush()\n"
                   "os.execv(sys.argv[2], sys.argv[2:])\n" % SIGNAL_PORT)


def keepalived_conf(nic, vip, vmac=False):
    return """# benchmarks/peers.py: keepalived as a peer of sipha-vip (the benchmark's cell only)
global_defs {
  router_id sipha_bench
  vrrp_version 3
  vrrp_garp_master_repeat 5
  vrrp_garp_master_delay 1
  vrrp_garp_master_refresh 30
}
vrrp_instance sipha_vip {
  state BACKUP
  nopreempt
  interface %s
  virtual_router_id %d
  priority %d
  advert_int %s
%s  virtual_ipaddress {
    %s/32%s
  }
}
""" % (nic, VRID, PRIORITY, ADVERT, "  use_vmac\n" if vmac else "", vip, "" if vmac else " dev " + nic)


class Peer:
    """A peer's life in one cell: take the VIP over from sipha-vip, switch it over, give it back."""

    key = ""

    def __init__(self, run, lab_x, vip, nics, data):
        self.run = run          # run(host, argv, input=None): a command in a lab container (bench.x)
        self.x = lab_x
        self.vip = vip
        self.nics = nics        # host -> SIP NIC
        self.data = data        # host -> data address

    def holds(self, host):
        """The VIP is on the peer's interface (one that does not exist, as keepalived's vrrp.51 once stopped,
        holds nothing)."""
        return bool(self.run(host, ["ip", "-4", "-o", "address", "show", "dev", self.dev(host), "to",
                                    self.vip + "/32"], check=False).stdout.strip())

    def dev(self, host):
        """The interface the peer puts the VIP on."""
        return self.nics[host]

    def wait_held(self, host, held=True, bound=10.0):
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            if self.holds(host) == held:
                return
            time.sleep(0.05)
        raise RuntimeError("%s: the VIP is %s on %s after %s s" % (self.key, "not" if held else "still", host, bound))


class Keepalived(Peer):
    key = "k"
    vmac = False

    def version(self, host):
        return self.run(host, ["keepalived", "--version"]).stderr.splitlines()[0].strip()

    def start(self, host):
        self.run(host, ["systemctl", "start", "keepalived.service"])

    def setup(self, holder, other):
        for host in (holder, other):
            self.run(host, ["sh", "-c", "cat >/etc/keepalived/keepalived.conf"],
                     input=keepalived_conf(self.nics[host], self.vip, self.vmac))
        self.start(holder)              # first up: it becomes master (nobody adverts) and takes the VIP
        self.wait_held(holder)
        self.start(other)
        time.sleep(1.0)                 # the backup hears the master's adverts and stays backup
        if self.holds(other):
            raise RuntimeError("keepalived on %s took the VIP beside %s" % (other, holder))

    def commands(self, old, new):
        """(the old holder's argv, the new holder's argv or None): SIGTERM to the master's keepalived."""
        return ["/usr/bin/pkill", "-TERM", "-o", "-x", "keepalived"], None

    def after(self, old, new):
        self.wait_held(old, held=False)
        self.start(old)                 # back as backup (nopreempt)
        time.sleep(1.0)

    def teardown(self, hosts):
        for host in hosts:
            self.run(host, ["systemctl", "stop", "keepalived.service"], check=False)
            self.run(host, ["rm", "-f", "/etc/keepalived/keepalived.conf"], check=False)


class KeepalivedVmac(Keepalived):
    key = "v"
    vmac = True

    def dev(self, host):
        return "vrrp.%d" % VRID         # keepalived's default name for the instance's macvlan interface

    def teardown(self, hosts):
        super().teardown(hosts)
        for host in hosts:              # keepalived removes it on a clean stop; make sure before sipha-vip is back
            self.run(host, ["ip", "link", "del", "dev", self.dev(host)], check=False)


class IPaddr2(Peer):
    key = "p"

    def env(self, host):
        return ["env"] + ["%s=%s" % item for item in sorted(OCF.items())] + [
            "OCF_RESKEY_ip=" + self.vip, "OCF_RESKEY_nic=" + self.nics[host]]

    def version(self, host):
        return "resource-agents " + self.run(host, ["dpkg-query", "-W", "-f", "${Version}", "resource-agents"]).stdout

    def agent(self, host, action):
        return self.env(host) + [IPADDR2, action]

    def setup(self, holder, other):
        for host in (holder, other):
            self.run(host, ["mkdir", "-p", OCF["HA_RSCTMP"]])
        self.run(holder, self.agent(holder, "start"))
        self.wait_held(holder)

    def commands(self, old, new):
        """Stop on the old holder, then (told by its datagram) start on the new one."""
        return (["python3", "-IS", "-c", STOP_THEN_TELL, "{at}", self.data[new]] + self.agent(old, "stop"),
                ["python3", "-IS", "-c", WAIT_THEN_START, self.data[new], "/usr/bin/env"]
                + self.agent(new, "start")[1:])

    def after(self, old, new):
        self.wait_held(old, held=False)

    def teardown(self, hosts):
        for host in hosts:
            self.run(host, self.agent(host, "stop"), check=False)


PEERS = {"k": Keepalived, "v": KeepalivedVmac, "p": IPaddr2}
#: what results.md says of each peer's configuration and switchover
SUMMARY = {
    "k": "One VRRPv3 instance (VRID %d) on each SIP host's SIP NIC, both BACKUP with priority %d and nopreempt, "
         "advert_int %s s, vrrp_garp_master_repeat 5, vrrp_garp_master_delay 1, vrrp_garp_master_refresh 30; the "
         "switchover is SIGTERM to the master's keepalived (a priority-0 advert: the backup takes over after its skew "
         "time, not the master-down interval); the old master is started again as backup." % (VRID, PRIORITY, ADVERT),
    "v": "The instance of (k) with use_vmac: the VIP on the macvlan interface vrrp.%d with VRRP's virtual MAC "
         "00:00:5e:00:01:%02x, so routers never need to learn a new MAC; switched over as (k)." % (VRID, VRID),
    "p": "IPaddr2 run standalone through its OCF environment (ip, cidr_netmask 32, nic; arp_count 5, arp_interval "
         "200 ms, its defaults, sent in the background): stop on the holder, then start on the other once stop "
         "returned (the old host tells the new one by a UDP datagram, as the cluster layer would).",
}
