# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Body of the sipha.network.nft_table module.

Private module: no compatibility promise outside this collection.
"""

from __future__ import annotations

import hashlib
import json
import os
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.sipha.network.plugins.module_utils._model.errors import DesignError
from ansible_collections.sipha.network.plugins.module_utils._common.textfile import read_text, write_text
from ansible_collections.sipha.network.plugins.module_utils._model.checks import identifier

__all__ = ["ARGUMENT_SPEC", "NftTable", "decide", "digest", "run_module"]

ARGUMENT_SPEC: t.Dict[str, t.Any] = {
    "path": {"type": "path"},
    "content": {"type": "str"},
    "family": {"type": "str", "choices": ["inet", "ip", "ip6", "arp", "bridge", "netdev"], "default": "inet"},
    "name": {"type": "str", "required": True},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "state_dir": {"type": "path", "default": "/var/lib/sipha"},
}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decide(src_text: t.Optional[str], live: t.Optional[str], record: t.Mapping[str, str]) -> t.Optional[str]:
    """Why the table must be (re)loaded, or None when it is in step (pure)."""
    if src_text is None:
        return "source file missing"
    if live is None:
        return "table not loaded"
    if record.get("src_sha256") != digest(src_text):
        return "source file changed since the last load"
    if record.get("live_sha256") != digest(live):
        return "running table differs from the last load"
    return None


class NftTable:
    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        self.nft = module.get_bin_path("nft", required=True)
        params = module.params
        self.family = params["family"]
        self.name = params["name"]
        self.record_path = os.path.join(params["state_dir"], "nft-%s-%s.json" % (self.family, self.name))

    def live(self) -> t.Optional[str]:
        rc, out, err = self.module.run_command([self.nft, "--stateless", "list", "table", self.family, self.name])
        if rc != 0:
            if "No such file" in err or "does not exist" in err:
                return None
            self.module.fail_json(msg="nft list table failed: %s" % err.strip(), rc=rc)
        return out

    def record(self) -> t.Dict[str, str]:
        text = read_text(self.record_path)
        try:
            return json.loads(text) if text else {}
        except ValueError:
            return {}

    def write_record(self, src_text: str, live: str) -> None:
        os.makedirs(os.path.dirname(self.record_path), mode=0o750, exist_ok=True)
        tmp = self.record_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"src_sha256": digest(src_text), "live_sha256": digest(live)}, handle)
        os.chmod(tmp, 0o640)
        os.replace(tmp, self.record_path)

    def run(self, cmd: t.List[str], what: str) -> None:
        rc, out, err = self.module.run_command(cmd)
        if rc != 0:
            self.module.fail_json(msg="%s failed: %s" % (what, (err or out).strip()), rc=rc, cmd=cmd)

    def check_file(self, path: str) -> None:
        self.run([self.nft, "--check", "--file", path], "nft --check (the new file was not installed)")

    def present(self, path: str, content: t.Optional[str]) -> t.Dict[str, t.Any]:
        result: t.Dict[str, t.Any] = {"changed": False}
        if content is not None:
            written = write_text(self.module, path, content, validate=self.check_file)
            result["changed"] = written["changed"]
            result["file_changed"] = written["changed"]
            if written["changed"]:
                result["diff"] = written["diff"]
            src_text: t.Optional[str] = content
        else:
            src_text = read_text(path)
            if src_text is None and not self.module.check_mode:
                self.module.fail_json(msg="path: %s does not exist and no content was given" % path)
        live = self.live()
        reason = decide(src_text, live, self.record())
        result["reason"] = reason or "in sync"
        result["ruleset"] = live or ""
        if reason is None:
            return result
        result["changed"] = True
        if not self.module.check_mode:
            self.run([self.nft, "--file", path], "nft --file %s" % path)
            result["ruleset"] = self.live() or ""
            self.write_record(src_text or "", result["ruleset"])
        result.setdefault("diff", {"before": live or "", "after": result["ruleset"] if not self.module.check_mode
                                   else src_text or "",
                                   "before_header": "running table %s %s" % (self.family, self.name),
                                   "after_header": "running table after load"})
        return result

    def absent(self, path: t.Optional[str]) -> t.Dict[str, t.Any]:
        live = self.live()
        file_exists = bool(path) and os.path.exists(path)
        result: t.Dict[str, t.Any] = {"changed": live is not None or file_exists, "ruleset": "",
                                      "reason": "in sync" if live is None else "table present"}
        if result["changed"] and not self.module.check_mode:
            if live is not None:
                self.run([self.nft, "delete", "table", self.family, self.name], "nft delete table")
            if file_exists:
                os.remove(path)
            if os.path.exists(self.record_path):
                os.remove(self.record_path)
        if result["changed"]:
            result["diff"] = {"before": live or "", "after": ""}
        return result


def run_module() -> None:
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        add_file_common_args=True,
        required_if=[("state", "present", ("path",))],
    )
    try:
        identifier(module.params["name"], "name")
    except DesignError as err:
        module.fail_json(msg=str(err), field=err.field)
    table = NftTable(module)
    if module.params["state"] == "present":
        result = table.present(module.params["path"], module.params["content"])
    else:
        result = table.absent(module.params["path"])
    if not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)
