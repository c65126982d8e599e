#!/usr/bin/env bash
# ansible-test sanity needs the collection under ansible_collections/sipha/network:
# copy the files git knows (tracked, or new and not ignored) there and run it.
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"
use_venv
# Outside this checkout: inside it, ansible-test would ask git, which ignores .cache/.
work="$HOME/.cache/sipha-sanity/$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
dest="$work/ansible_collections/sipha/network"
mkdir -p "$dest"
cd "$ROOT"
git ls-files -z --cached --others --exclude-standard \
  | rsync -a --delete --delete-excluded --from0 --files-from=- ./ "$dest/"
# rsync --delete only works on directories it walks: clear files that left git
( cd "$dest" && find . -type f | sed 's|^\./||' | sort ) >"$work/have.txt"
git ls-files --cached --others --exclude-standard | sort >"$work/want.txt"
comm -23 "$work/have.txt" "$work/want.txt" | (cd "$dest" && xargs -r rm -f)
cd "$dest"
ansible-test sanity --local --python 3.11 --color no "$@"
