#!/usr/bin/env bash
# The docs site, offline: antsibull-docs lint-collection-docs on the collection, then its reference (modules,
# roles, filters: antsibull-docs) and the guides of docs/ (Markdown, MyST) built by Sphinx with warnings as
# errors and no intersphinx. Output: .cache/docs/html/index.html
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
venv="$CACHE/docs-venv"
tool_venv "$venv" ci/docs-requirements.txt ci/docs-constraints.txt sphinx-build
export PATH="$venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS"
[ -e "$COLLECTIONS/ansible_collections/sipha/network/galaxy.yml" ] || die "sipha.network is not on $COLLECTIONS: make bootstrap"

antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all "$ROOT" \
  || die "antsibull-docs lint-collection-docs found problems in the collection's documentation"

work="$CACHE/docs"
rm -rf "$work"
mkdir -m 0700 "$work"
mkdir -m 0700 "$work/rst"
antsibull-docs --config-file docs/site/antsibull-docs.cfg collection --use-current --dest-dir "$work/rst" \
  sipha.network >/dev/null
cp docs/site/index.rst docs/site/ansible_refs.rst "$work/rst/"
mkdir "$work/rst/guides"
cp docs/*.md "$work/rst/guides/"
sphinx-build -W --keep-going -q -b html -c docs/site "$work/rst" "$work/html" \
  || die "the docs site did not build without warnings"
pages=$(find "$work/html" -name '*.html' | wc -l)
log "docs site: $pages pages in $work/html"
