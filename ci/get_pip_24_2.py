"""Offline stand-in for the pip bootstrap script ansible-test downloads.

Installed by ci/bootstrap.sh as ~/.ansible/test/cache/get_pip_24_2.py: the
host ansible-test fetches the real one from is unreachable here.  ansible-test
runs it with the target venv's python and the arguments
``--disable-pip-version-check pip==24.2 [--no-setuptools] [--no-wheel]``.
We bootstrap the pip bundled with Python, then let it install the requested
pip from the configured package index.
"""
import ensurepip
import os
import subprocess
import sys

ensurepip.bootstrap(upgrade=True)
# ensurepip points PIP_CONFIG_FILE at /dev/null, which would hide /etc/pip.conf
# (and the CA bundle the package proxy needs) from the real install below.
os.environ.pop("PIP_CONFIG_FILE", None)
os.environ.pop("ENSUREPIP_OPTIONS", None)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--upgrade"] + args))
