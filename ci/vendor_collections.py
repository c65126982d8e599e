"""Build installable tarballs of dependency collections from the ansible wheel.

Galaxy is unreachable on our machines; the `ansible` package on PyPI bundles
the collections but without their tests/ (while FILES.json still lists
them), so its copies cannot be installed as they are.  For each collection
asked for, this extracts it, regenerates galaxy.yml from its MANIFEST.json and
runs `ansible-galaxy collection build`, giving a proper tarball that
`ansible-galaxy collection install --offline` accepts.

Usage: python3 vendor_collections.py WHEEL_DIR OUT_DIR ns.name [ns.name ...]
Existing tarballs in OUT_DIR (ns-name-*.tar.gz) are kept (cache by existence).
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import yaml

GALAXY_KEYS = ["namespace", "name", "version", "authors", "readme", "description", "license",
               "license_file", "tags", "dependencies", "repository", "documentation", "homepage", "issues"]


def build(wheel: zipfile.ZipFile, fqcn: str, out_dir: str) -> str:
    ns, name = fqcn.split(".", 1)
    prefix = "ansible_collections/%s/%s/" % (ns, name)
    members = [n for n in wheel.namelist() if n.startswith(prefix)]
    if not members:
        sys.exit("%s is not in %s" % (fqcn, wheel.filename))
    work = tempfile.mkdtemp(prefix="sipha-vendor-")
    try:
        wheel.extractall(work, members)
        src = os.path.join(work, prefix)
        info = json.load(open(os.path.join(src, "MANIFEST.json")))["collection_info"]
        galaxy = {k: info[k] for k in GALAXY_KEYS if info.get(k) not in (None, [], "")}
        if "license" in galaxy:
            galaxy.pop("license_file", None)
        os.remove(os.path.join(src, "MANIFEST.json"))
        os.remove(os.path.join(src, "FILES.json"))
        with open(os.path.join(src, "galaxy.yml"), "w") as handle:
            yaml.safe_dump(galaxy, handle, sort_keys=False)
        subprocess.run(["ansible-galaxy", "collection", "build", "--force", "--output-path", out_dir, src],
                       check=True, stdout=subprocess.DEVNULL)
        return "%s/%s-%s-%s.tar.gz" % (out_dir, ns, name, info["version"])
    finally:
        shutil.rmtree(work)


def main() -> None:
    wheel_dir, out_dir, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    missing = [f for f in wanted if not glob.glob(os.path.join(out_dir, "%s-%s-*.tar.gz" % tuple(f.split(".", 1))))]
    if not missing:
        return
    wheels = glob.glob(os.path.join(wheel_dir, "ansible-[0-9]*.whl"))
    if len(wheels) != 1:
        sys.exit("expected exactly one ansible wheel in %s, found %d" % (wheel_dir, len(wheels)))
    with zipfile.ZipFile(wheels[0]) as wheel:
        for fqcn in missing:
            print("built", build(wheel, fqcn, out_dir))


if __name__ == "__main__":
    main()
