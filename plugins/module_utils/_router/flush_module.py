# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Body of the sipha.network.arp_flush module: flush the VIP on every router in parallel.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import concurrent.futures
import time
import typing as t

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.sipha.network.plugins.module_utils._model import router as rf
from ansible_collections.sipha.network.plugins.module_utils._model import checks as v
from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._router.cli import CliError, CliSession
from ansible_collections.sipha.network.plugins.module_utils._router.vendors import registry
from ansible_collections.sipha.network.plugins.module_utils._router.vendors.base import EXEC, SHELL, Vendor

__all__ = ["ARGUMENT_SPEC", "ExecRequests", "TRANSPORTS", "flush_one", "run_module"]

try:
    import paramiko
    HAS_PARAMIKO = True
except ImportError:  # pragma: no cover - reported by the module
    HAS_PARAMIKO = False

ARGUMENT_SPEC: t.Dict[str, t.Any] = {
    "vip": {"type": "str", "required": True},
    "routers": {"type": "list", "elements": "dict", "required": True, "options": {
        "host": {"type": "str", "required": True, "aliases": ["address"]},
        "port": {"type": "int", "default": 22},
        "vendor": {"type": "str", "default": registry.DEFAULT, "choices": list(registry.names())},
        "vrf": {"type": "str"},
        "name": {"type": "str"},
    }},
    "username": {"type": "str", "default": "sipha-flush"},
    "key_file": {"type": "path"},
    "password": {"type": "str", "no_log": True},
    "enable_password": {"type": "str", "no_log": True},
    "expect_mac": {"type": "str"},
    "known_hosts": {"type": "path", "required": True},
    "timeout": {"type": "float", "default": 5.0},
    "verify": {"type": "bool", "default": True},
    "ignore_router_errors": {"type": "bool", "default": False},
}


class ExecRequests:
    """Linux routers: one exec request per command, read by the account's forced command."""

    def __init__(self, client: t.Any, vendor: Vendor, params: t.Mapping[str, t.Any]) -> None:
        self.client, self.vendor, self.timeout = client, vendor, params["timeout"]

    def run(self, request: str) -> str:
        rc, out, err = run_request(self.client, request, self.timeout)
        if rc != 0:
            raise CliError("%r: rc %d: %s" % (request, rc, err or out))
        return out


def shell_session(client: t.Any, vendor: Vendor, params: t.Mapping[str, t.Any]) -> CliSession:
    """IOS / Junos: an interactive shell, prompt found, enable done when asked for."""
    channel = client.invoke_shell(width=511, height=0)
    channel.settimeout(params["timeout"])
    session = CliSession(channel, vendor, params["timeout"])
    session.open(params["enable_password"])
    return session


#: how each driver's transport carries one request: a callable (client, vendor, params) -> object with run()
TRANSPORTS: t.Dict[str, t.Callable[[t.Any, Vendor, t.Mapping[str, t.Any]], t.Any]] = {
    EXEC: ExecRequests,
    SHELL: shell_session,
}


def run_request(client: t.Any, request: str, timeout: float) -> t.Tuple[int, str, str]:
    channel = client.get_transport().open_session(timeout=timeout)
    channel.settimeout(timeout)
    channel.exec_command(request)
    out = channel.makefile("rb").read().decode("utf-8", "replace")
    err = channel.makefile_stderr("rb").read().decode("utf-8", "replace")
    return channel.recv_exit_status(), out.strip(), err.strip()


def load_key(path: t.Optional[str]) -> t.Any:
    """The private key, loaded as its own type (paramiko's key_filename would report a failed login as 'Invalid key')."""
    if not path:
        return None
    try:
        return paramiko.PKey.from_path(path)
    except (OSError, paramiko.SSHException, ValueError) as err:
        raise DesignError("key_file", "must be a readable, unencrypted OpenSSH private key (%s)" % err, path)


def flush_one(router: t.Mapping[str, t.Any], params: t.Mapping[str, t.Any], check: bool) -> t.Dict[str, t.Any]:
    label = router.get("name") or router["host"]
    result: t.Dict[str, t.Any] = {"router": label, "host": router["host"], "ok": False}
    start = time.monotonic()
    try:
        target = rf.FlushTarget.build(router["vendor"], params["vip"], vrf=router["vrf"])
        client = paramiko.SSHClient()
        client.load_host_keys(params["known_hosts"])
        client.set_missing_host_key_policy(paramiko.RejectPolicy())   # pinned: never auto-add
        timeout = params["timeout"]
        client.connect(router["host"], port=router["port"], username=params["username"],
                       pkey=load_key(params["key_file"]), password=params["password"], timeout=timeout,
                       banner_timeout=timeout, auth_timeout=timeout, allow_agent=False, look_for_keys=False)
        try:
            result["connected_ms"] = round((time.monotonic() - start) * 1000, 1)
            cli = TRANSPORTS[target.driver.transport](client, target.driver, params)
            if check:
                result.update(ok=True, skipped="check mode: would send %r" % target.flush_request())
                return result
            result["output"] = cli.run(target.flush_request())
            if not target.driver.confirmed(target, result["output"], 0):
                raise CliError("the router did not confirm the clear (no %r in its answer to %r)" % (
                    target.driver.confirmation(target), target.flush_request()))
            result["flushed_ms"] = round((time.monotonic() - start) * 1000, 1)
            result["ok"] = True
            if params["verify"]:
                entry = cli.run(target.show_request())
                mac = rf.entry_mac(entry, target.vip)
                expected = params["expect_mac"]
                result.update(entry=entry, entry_mac=mac,
                              verified=mac is None or mac == expected)
        finally:
            client.close()
    except (DesignError, CliError) as err:
        result["error"] = str(err)
    except paramiko.BadHostKeyException as err:
        result["error"] = "host key mismatch, refused: %s" % err
    except paramiko.SSHException as err:
        result["error"] = "ssh: %s" % (err or err.__class__.__name__)
    except OSError as err:
        result["error"] = "connection: %s" % (err.strerror or err)
    except Exception as err:  # pylint: disable=broad-except  # one bad router must not stop the others
        result["error"] = "%s: %s" % (err.__class__.__name__, err)
    result["ms"] = round((time.monotonic() - start) * 1000, 1)
    return result


def run_module() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
                           required_one_of=[("key_file", "password")])
    if not HAS_PARAMIKO:
        module.fail_json(msg=missing_required_lib("paramiko"))
    params = module.params
    try:
        rf.vip(params["vip"])
        load_key(params["key_file"])
        if params["expect_mac"]:
            params["expect_mac"] = v.mac_address(params["expect_mac"], "expect_mac")
    except DesignError as err:
        module.fail_json(msg=str(err), field=err.field)
    routers = params["routers"]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(routers))) as pool:
        results = list(pool.map(lambda r: flush_one(r, params, module.check_mode), routers))
    total_ms = round((time.monotonic() - started) * 1000, 1)
    failed = [r for r in results if not r["ok"]]
    summary = dict(changed=not module.check_mode and any(r["ok"] for r in results) or (
        module.check_mode and bool(results)), routers=results, total_ms=total_ms,
        flushed=len(results) - len(failed), failed_routers=[r["router"] for r in failed])
    if failed and not params["ignore_router_errors"]:
        module.fail_json(msg="ARP flush of %s failed on %s" % (params["vip"], ", ".join(
            "%s (%s)" % (r["router"], r.get("error") or r.get("output") or "rc %s" % r.get("rc")) for r in failed)),
            **summary)
    module.exit_json(**summary)
