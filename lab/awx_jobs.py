"""Every AWX job template of playbooks/vars/awx_content.yml run the way AWX runs a job, against the lab.

For each job a private data dir is built as AWX builds it: ``project/`` is the
built collection tarball's content (the playbooks AWX would sync), the
inventory is an executable script printing the lab inventory as AWX stores an
imported one (``ansible-inventory --list --export``: variables as written, no
``inventory_dir``-relative paths), ``env/extravars`` the survey answers
(checked with AWX's launch rules) plus the template's own extra vars plus what
the credentials inject (the flush key as a file of the private data dir, the
routers' pinned host keys), ``env/envvars`` ``ANSIBLE_HOST_KEY_CHECKING=True``
(AWX_TASK_ENV, which awx_setup.yml sets: AWX allows no ANSIBLE_* variable in a credential), ``env/settings``
what AWX's RunJob passes (``job_timeout``, ``suppress_ansible_output``,
``suppress_output_file``), ``env/cmdline`` ``--diff`` where the template asks.
The flush key and the routers' host keys are taken out of the inventory: the
credentials are their only source, as in AWX. Then ``ansible-runner transmit |
ansible-runner worker | ansible-runner process``, the chain AWX and receptor
use; the verdict is read from the job events only.

Without an execution environment: the worker runs ansible-playbook of the
controller venv, with the built collection and its dependencies installed
from tarballs on ANSIBLE_COLLECTIONS_PATH (what the EE holds).

With an execution environment (``make ee`` built it): every job that needs no podman of the controller runs in
it under podman process isolation, as AWX runs a job (``process_isolation``, ``container_image``; the lab's
state directory mounted read-only, as AWX exposes paths to isolated jobs; the host's network, where the lab's
networks are).

Usage: python3 lab/awx_jobs.py LAB_STATE_DIR [EE_IMAGE]   (lab/run.sh test runs it on the rolled-out lab)
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
import typing as t

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, ".cache", "collections"))
from ansible_collections.sipha.network.plugins.module_utils._awx import survey as sv  # noqa: E402
from ansible_collections.sipha.network.tests.devsim.awx import load_content  # noqa: E402

BIN = os.path.dirname(sys.executable)
JOB_TIMEOUT_S = 900          # the harness's bound per job (the templates themselves set none, as AWX's default)


def die(message: str) -> t.NoReturn:
    sys.stderr.write("awx_jobs: %s\n" % message)
    sys.exit(1)


def collections_dir(work: str) -> str:
    """The built collection and its dependencies, installed from tarballs (what the execution environment holds)."""
    tarballs = glob.glob(os.path.join(ROOT, ".cache", "dist", "sipha-network-*.tar.gz"))
    if len(tarballs) != 1:
        die("no built collection in .cache/dist: run make build (ci/build-collection.sh) first")
    target = os.path.join(work, "collections")
    deps = sorted(glob.glob(os.path.join(ROOT, ".cache", "vendor", "*.tar.gz")))
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "--force", "-p",
                    target] + tarballs + deps, check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=target))
    return target


def exported_inventory(state: str) -> t.Dict[str, t.Any]:
    """The lab inventory as AWX would store it after an import, with what only the credentials may give removed."""
    inventory_dir = os.path.join(HERE, "inventory")
    listing = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", inventory_dir, "--list", "--export"],
                             capture_output=True, text=True, check=True,
                             env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections"))
                             ).stdout
    # an AWX inventory has no inventory_dir of its own: paths must be absolute
    listing = listing.replace("{{ inventory_dir }}", inventory_dir).replace("inventory_dir ~ '", "'" + inventory_dir)
    if "inventory_dir" in listing:
        die("the lab inventory uses inventory_dir in a form this harness cannot make absolute")
    data = json.loads(listing)
    hostvars = data["_meta"]["hostvars"]
    for group in ("all", "sip_pair", "adjacent_routers", "managed"):
        variables = data.get(group, {}).get("vars", {})
        for name in ("sipha_flush_private_key_src", "sipha_flush_public_key", "sipha_router_host_keys"):
            variables.pop(name, None)
    keys = {}
    for host, variables in hostvars.items():
        if "sipha_router_host_keys" in variables:
            keys[host] = variables.pop("sipha_router_host_keys")
        for name in ("sipha_flush_private_key_src", "sipha_flush_public_key"):
            variables.pop(name, None)
    data["sipha__pinned"] = keys
    return data


class Job:
    """One job: its private data dir, the run, and what its events say."""

    def __init__(self, work: str, template: t.Mapping[str, t.Any], answers: t.Mapping[str, t.Any],
                 inventory: t.Mapping[str, t.Any], collections: str, state: str, label: str,
                 host_key_checking: bool = True, ee: str = "") -> None:
        self.template = template
        self.label = label + (" [EE]" if ee else "")
        self.ident = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.pdd = os.path.join(work, "jobs", self.ident)
        self.worker = os.path.join(work, "workers", self.ident)
        shutil.rmtree(self.pdd, ignore_errors=True)
        shutil.rmtree(self.worker, ignore_errors=True)
        for sub in ("project", "inventory", "env"):
            os.makedirs(os.path.join(self.pdd, sub))
        subprocess.run(["tar", "-xzf", glob.glob(os.path.join(ROOT, ".cache", "dist", "sipha-network-*.tar.gz"))[0],
                        "-C", os.path.join(self.pdd, "project")], check=True)
        pinned = inventory["sipha__pinned"]
        listing = {k: v for k, v in inventory.items() if k != "sipha__pinned"}
        script = os.path.join(self.pdd, "inventory", "hosts")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write("#!/usr/bin/env python3\nimport json, sys\nprint(json.dumps(%r))\n" % (listing,))
        os.chmod(script, 0o700)
        key = os.path.join(self.pdd, "env", "flush_key")      # the flush key credential's file injector
        shutil.copyfile(os.path.join(state, "flush_key"), key)
        os.chmod(key, 0o600)
        with open(os.path.join(state, "flush_key.pub"), encoding="utf-8") as handle:
            public = handle.read().strip()
        extravars = dict(answers)
        extravars.update(template.get("extra_vars", {}))
        extravars.update({        # in the EE, the private data dir is /runner, as AWX mounts it
            "sipha_flush_private_key_src": os.path.join("/runner" if ee else self.worker, "env", "flush_key"),
            "sipha_flush_public_key": public,
            "sipha_pinned_host_keys": "".join("%s %s\n" % (router, line) for router, lines in sorted(pinned.items())
                                              for line in lines),
        })
        self._write("env/extravars", extravars)
        envvars = {"ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"}
        if not ee:                      # the EE holds the collections; without it, the tarballs' install does
            envvars["ANSIBLE_COLLECTIONS_PATH"] = collections
        if host_key_checking:           # AWX_TASK_ENV as awx_setup.yml sets it
            envvars["ANSIBLE_HOST_KEY_CHECKING"] = "True"
        self._write("env/envvars", envvars)
        settings: t.Dict[str, t.Any] = {"job_timeout": 0, "suppress_ansible_output": True, "suppress_output_file": True}
        if ee:                          # AWX's process isolation: the job runs in the EE under podman
            settings.update({"process_isolation": True, "process_isolation_executable": "podman",
                             "container_image": ee, "container_options": ["--network=host", "--user=0"],
                             "container_volume_mounts": ["%s:%s:ro" % (state, state)]})
        self._write("env/settings", settings)
        with open(os.path.join(self.pdd, "env", "cmdline"), "w", encoding="utf-8") as handle:
            handle.write("--diff" if template.get("diff_mode") else "")

    def _write(self, relative: str, data: t.Any) -> None:
        with open(os.path.join(self.pdd, relative), "w", encoding="utf-8") as handle:
            json.dump(data, handle)

    def run(self) -> "Job":
        playbook = "playbooks/%s.yml" % self.template["playbook"]
        runner = os.path.join(BIN, "ansible-runner")
        started = time.monotonic()
        transmit = subprocess.Popen([runner, "transmit", self.pdd, "-p", playbook, "--ident", self.ident],
                                    stdout=subprocess.PIPE)
        worker = subprocess.Popen([runner, "worker", "--private-data-dir", self.worker], stdin=transmit.stdout,
                                  stdout=subprocess.PIPE, env=dict(os.environ, PATH=BIN + ":" + os.environ["PATH"]))
        transmit.stdout.close()                                       # type: ignore[union-attr]
        process = subprocess.run([runner, "process", self.pdd, "--ident", self.ident], stdin=worker.stdout,
                                 capture_output=True, text=True, timeout=JOB_TIMEOUT_S, check=False)
        worker.wait(30)
        transmit.wait(30)
        self.seconds = time.monotonic() - started
        self.output = process.stdout + process.stderr
        artifacts = os.path.join(self.pdd, "artifacts", self.ident)
        self.events = []
        for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
            with open(path, encoding="utf-8") as handle:
                self.events.append(json.load(handle))
        self.events.sort(key=lambda event: event.get("counter", 0))
        rc_path = os.path.join(artifacts, "rc")
        self.rc = int(open(rc_path, encoding="utf-8").read()) if os.path.exists(rc_path) else None
        return self

    # --- what the events say ---------------------------------------------------------------------------------
    def of(self, kind: str) -> t.List[t.Dict[str, t.Any]]:
        return [event for event in self.events if event.get("event") == kind]

    def failed(self) -> t.List[t.Dict[str, t.Any]]:
        return [e for e in self.of("runner_on_failed") if not e.get("event_data", {}).get("ignore_errors")]

    def changed(self) -> int:
        stats = self.of("playbook_on_stats")
        return sum(stats[-1]["event_data"].get("changed", {}).values()) if stats else -1

    def tasks(self) -> t.List[str]:
        return [e["event_data"].get("task", "") for e in self.of("playbook_on_task_start")]

    def messages(self) -> str:
        return "\n".join(json.dumps(e.get("event_data", {}).get("res", {})) for e in self.failed())

    def summary(self) -> str:
        return ("%s: rc=%s, %d events, %d tasks, ok=%d changed=%d failed=%d unreachable=%d, %.0f s"
                % (self.label, self.rc, len(self.events), len(self.tasks()), len(self.of("runner_on_ok")),
                   self.changed(), len(self.failed()), len(self.of("runner_on_unreachable")), self.seconds))


def expect(job: Job, condition: bool, what: str) -> None:
    if not condition:
        sys.stderr.write(job.output[-4000:] + "\n" + job.messages()[-3000:] + "\n")
        die("%s: %s" % (job.label, what))


def clean(job: Job, changed_zero: bool = False) -> None:
    expect(job, job.rc == 0, "rc %s" % job.rc)
    expect(job, job.of("playbook_on_stats") != [], "no playbook_on_stats event")
    expect(job, not job.failed() and not job.of("runner_on_unreachable"), "a failed or unreachable event")
    if changed_zero:
        expect(job, job.changed() == 0, "changed=%d on a rolled-out lab (must be 0)" % job.changed())


def main() -> None:
    state = os.path.abspath(sys.argv[1])
    ee = sys.argv[2] if len(sys.argv) > 2 else ""
    work = os.path.join(state, "awx")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    content = load_content(ROOT)
    with open(os.path.join(ROOT, "meta", "playbook_options.yml"), encoding="utf-8") as handle:
        options = yaml.safe_load(handle)["playbooks"]
    templates = {item["name"]: item for item in content["sipha_awx_job_templates"]}
    collections = collections_dir(work)
    inventory = exported_inventory(state)

    def launch(name: str, answers: t.Mapping[str, t.Any], label: str = "",
               inventory_of: t.Optional[t.Mapping[str, t.Any]] = None, host_key_checking: bool = True,
               in_ee: bool = True) -> Job:
        template = templates[name]
        survey = sv.build_survey(name, template["survey"], options[template["playbook"]]["options"])
        problems = sv.answer_errors(survey, answers, name)
        if problems:
            die("; ".join(problems))
        given = {item["variable"]: item["default"] for item in survey["spec"] if item.get("default", "") != ""}
        given.update(answers)
        for item in survey["spec"]:                    # AWX passes integers as numbers, the rest as strings
            if item["variable"] in given and item["type"] == "integer":
                given[item["variable"]] = int(given[item["variable"]])
        job = Job(work, template, given, inventory_of or inventory, collections, state, label or name,
                  host_key_checking, ee if in_ee else "").run()
        print(job.summary(), flush=True)
        return job

    unchecked = launch("SIP HA - Rollout", {}, "Rollout without AWX_TASK_ENV ANSIBLE_HOST_KEY_CHECKING=True",
                       host_key_checking=False)
    expect(unchecked, unchecked.rc != 0 and "host key checking is off" in unchecked.messages()
           and unchecked.changed() == 0, "ansible-runner's ANSIBLE_HOST_KEY_CHECKING=False was not refused")
    validate = launch("SIP HA - Validate", {})
    clean(validate, changed_zero=True)
    for needed in ("Each host of the pair can log in to every router over the flush account now (sipha-vip probe)",
                   "No host of the pair is locked out of a router's flush account",
                   "The VIP is held by exactly one host of the pair"):
        expect(validate, needed in validate.tasks(), "validate's check %r is not among its tasks" % needed)
    rollout = launch("SIP HA - Rollout", {"sipha_rollout_mode": "all-at-once"})
    clean(rollout, changed_zero=True)
    for node in content["sipha_awx_workflows"][0]["nodes"]:          # the workflow: each node after the last
        clean(launch(node["job_template"], {}, "workflow %s" % node["identifier"]), changed_zero=True)
    # The lab's management-layer stand-in (lab.sh switchover) and its SIP clients are driven by podman on the
    # controller, which an EE does not have: these two jobs run without it (in production, the switchover command
    # and the clients are the user's, reachable from the EE).
    clean(launch("SIP HA - Rolling change", {"sipha_rolling_switch_back": "false"}, in_ee=False))
    answers = {"sipha_drill_switchovers": 2, "sipha_drill_loss": "false", "sipha_drill_max_outage_ms": 1000}
    drill = launch("SIP HA - Failover drill", answers, in_ee=False)
    clean(drill)
    expect(drill, "Every switchover recovered within sipha_drill_max_outage_ms of the start of up" in drill.tasks(),
           "the drill's bound was not checked")
    production = json.loads(json.dumps(inventory))
    for variables in production["_meta"]["hostvars"].values():
        variables.pop("sipha_lab", None)
    for group in production.values():
        if isinstance(group, dict):
            group.get("vars", {}).pop("sipha_lab", None)
    refused = launch("SIP HA - Failover drill", {"sipha_drill_switchovers": 2, "sipha_drill_loss": "false"},
                     "Failover drill on an inventory that is not a lab", production)     # refused before podman
    expect(refused, refused.rc != 0 and "the drill is refused" in refused.messages(),
           "not refused with its message")
    expect(refused, not any(t.startswith("Drill directory") for t in refused.tasks()), "the drill touched a host")
    print("every job template ran through ansible-runner transmit | worker | process", flush=True)


if __name__ == "__main__":
    main()
