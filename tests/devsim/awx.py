# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in for the part of AWX's REST API (v2) the awx.awx modules use, on 127.0.0.1, in memory.

A live AWX cannot run on these machines (it needs Kubernetes and registry
images), so playbooks/awx_setup.yml is run against this: the awx.awx modules'
own code (lookups by name, create, compare and patch, associations, survey
specs) meets an API that answers as AWX's does in shape - list views with
``count``/``results``/``next``, objects with ``id``/``url``/``type``/``related``,
``or__`` filters, 204 for associations, 400 for a survey spec AWX's rules
refuse (those rules are transcribed from AWX's source in
plugins/module_utils/_awx/survey.py) and for a credential type whose env
injector AWX refuses (an ``ANSIBLE_*`` variable), ``settings/<category>``.
What it does not do: permissions, other field validation, AWX's own
normalisation of values.
"""

from __future__ import annotations

import json
import os
import threading
import typing as t
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

from ansible_collections.sipha.network.plugins.module_utils._awx import survey as sv

__all__ = ["FakeController", "load_content"]

API = "/api/v2/"
_ASSOCIATIONS = ("credentials", "success_nodes", "failure_nodes", "always_nodes", "labels", "instance_groups",
                 "notification_templates_started", "notification_templates_success", "notification_templates_error",
                 "galaxy_credentials")
_UNIFIED = ("job_templates", "workflow_job_templates")


class _ContentLoader(yaml.SafeLoader):
    """SafeLoader that reads Ansible's !unsafe as plain text (the AWX injector templates are !unsafe)."""


_ContentLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load_content(root: str) -> t.Dict[str, t.Any]:
    """playbooks/vars/awx_content.yml of the checkout at ``root``, as awx_setup.yml reads it."""
    with open(os.path.join(root, "playbooks", "vars", "awx_content.yml"), encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_ContentLoader)      # noqa: S506 - SafeLoader plus !unsafe as text


class FakeController:
    """The API on ``url``; ``objects[kind]`` what was created, ``requests`` every (method, path) in order."""

    VERSION = "24.6.1"

    def __init__(self) -> None:
        self.objects: t.Dict[str, t.Dict[int, t.Dict[str, t.Any]]] = {}
        self.surveys: t.Dict[str, t.Any] = {}
        self.settings: t.Dict[str, t.Any] = {"AWX_TASK_ENV": {"HTTPS_PROXY": "http://proxy.example.net:3128"}}
        self.links: t.Dict[str, t.List[int]] = {}
        self.requests: t.List[t.Tuple[str, str]] = []
        self.refused: t.List[t.Tuple[str, t.Any]] = []
        self.lock = threading.Lock()
        self._next = 1
        self.add("organizations", {"name": "Default"})
        self.add("credential_types", {"name": "Machine", "kind": "ssh", "managed": True})
        handler = type("Handler", (_Handler,), {"api": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, kind: str, fields: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
        item_id, self._next = self._next, self._next + 1
        url = "%s%s/%d/" % (API, kind, item_id)
        singular = kind[:-3] + "y" if kind.endswith("ies") else kind[:-1]       # inventories -> inventory
        item = dict(fields, id=item_id, url=url, type=singular, summary_fields={},
                    related={"survey_spec": url + "survey_spec/", "update": url + "update/"})
        self.objects.setdefault(kind, {})[item_id] = item
        return item

    def named(self, kind: str, name: str) -> t.Optional[t.Dict[str, t.Any]]:
        return next((item for item in self.objects.get(kind, {}).values() if item.get("name") == name), None)

    def linked(self, kind: str, name: str, association: str) -> t.List[t.Dict[str, t.Any]]:
        item = self.named(kind, name) or {}
        return [self._by_id(i) for i in self.links.get(item.get("url", "") + association + "/", [])]

    def survey(self, template: str) -> t.Any:
        item = self.named("job_templates", template) or {}
        return self.surveys.get(item.get("url", "") + "survey_spec/")

    def _by_id(self, item_id: int) -> t.Dict[str, t.Any]:
        return next(kind[item_id] for kind in self.objects.values() if item_id in kind)

    # --- the API ---------------------------------------------------------------------------------------------
    def answer(self, method: str, path: str, query: t.Dict[str, str], body: t.Any) -> t.Tuple[int, t.Any]:
        with self.lock:
            self.requests.append((method, path))
            if path in ("/api/", API, API + "ping/"):
                return 200, {"current_version": API, "version": self.VERSION}
            parts = path[len(API):].strip("/").split("/") if path.startswith(API) else []
            if not parts or not parts[0]:
                return 404, {"detail": "Not found."}
            kind = parts[0]
            if kind == "settings" and len(parts) == 2:
                if method == "PATCH":
                    self.settings.update(body or {})
                return 200, dict(self.settings)
            if len(parts) == 1:
                return self._collection(method, kind, query, body)
            item = self.objects.get(kind, {}).get(int(parts[1])) if parts[1].isdigit() else None
            if item is None:
                return 404, {"detail": "Not found."}
            if len(parts) == 2:
                if method in ("PATCH", "PUT"):
                    item.update(body or {})
                    return 200, item
                if method == "DELETE":
                    del self.objects[kind][item["id"]]
                    return 204, None
                return 200, item
            return self._sub(method, item["url"] + parts[2] + "/", parts[2], body)

    def _collection(self, method: str, kind: str, query: t.Dict[str, str], body: t.Any) -> t.Tuple[int, t.Any]:
        if method == "POST":
            refused = _injector_errors(body or {}) if kind == "credential_types" else []
            if refused:
                self.refused.append((kind, refused))
                return 400, {"injectors": refused}
            return 201, self.add(kind, body or {})
        pool = [item for name in _UNIFIED for item in self.objects.get(name, {}).values()] \
            if kind == "unified_job_templates" else list(self.objects.get(kind, {}).values())
        either = {k[4:]: v for k, v in query.items() if k.startswith("or__")}
        exact = {k: v for k, v in query.items() if not k.startswith("or__") and k not in ("page_size", "page")}

        def matches(item: t.Dict[str, t.Any]) -> bool:
            if any(str(item.get(k)) != v for k, v in exact.items()):
                return False
            return not either or any(str(item.get(k)) == v for k, v in either.items())
        found = [item for item in pool if matches(item)]
        return 200, {"count": len(found), "next": None, "previous": None, "results": found}

    def _sub(self, method: str, url: str, name: str, body: t.Any) -> t.Tuple[int, t.Any]:
        if name == "survey_spec":
            if method == "GET":
                return 200, self.surveys.get(url, {})
            if method == "DELETE":
                self.surveys.pop(url, None)
                return 200, {}
            problems = sv.survey_errors(body)
            if problems:
                self.refused.append((url, problems))
                return 400, {"error": "; ".join(problems)}
            self.surveys[url] = body
            return 200, {}
        if name in _ASSOCIATIONS:
            ids = self.links.setdefault(url, [])
            if method == "GET":
                results = [self._by_id(i) for i in ids]
                return 200, {"count": len(results), "next": None, "previous": None, "results": results}
            if body.get("disassociate"):
                ids.remove(int(body["id"]))
            elif int(body["id"]) not in ids:
                ids.append(int(body["id"]))
            return 204, None
        return 404, {"detail": "Not found."}


def _injector_errors(body: t.Mapping[str, t.Any]) -> t.List[str]:
    """AWX's rule for a credential type's env injectors (awx/main/fields.py, validate_env_var_allowed): no ANSIBLE_*
    variable, nothing of its ENV_BLOCKLIST (a part of it here)."""
    problems = []
    for name in (body.get("injectors") or {}).get("env", {}):
        if name.startswith("ANSIBLE_"):
            problems.append("Environment variable %s may affect Ansible configuration so its use is not allowed in "
                            "credentials." % name)
        elif name in ("VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "AWX_HOST"):
            problems.append("Environment variable %s is not allowed to be used in credentials." % name)
    return problems


class _Handler(BaseHTTPRequestHandler):
    api: FakeController

    def log_message(self, *args: t.Any) -> None:      # quiet
        pass

    def _reply(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        if self.headers.get("Authorization") != "Bearer sipha-test-token":
            status, payload = 401, {"detail": "Authentication credentials were not provided."}
        else:
            status, payload = self.api.answer(self.command, parsed.path, query, body)
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-API-Product-Name", "AWX")
        self.send_header("X-API-Product-Version", FakeController.VERSION)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _reply
