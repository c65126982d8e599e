# sipha.network: one entry point for developers and CI.
#   make test      everything CI runs (bootstrap, unit, sanity, lint, molecule)
#   make check     the quick edit loop: unit + sanity + lint (no containers)
#   make demo      the embedded lab: rollout (site.yml), idempotent re-run, failover drill; lab left up
#   make bench     the convergence benchmark on the lab, peers included (not in CI; ~60 min): benchmarks/results.md
#   make bench-quick  the same, 3 switchovers per cell and the main strategies (~10 min): lab/.state/bench-quick.md
#   make bench-scale  the rollout's cost on labs of 1, 4 and 8 pairs (not in CI; ~15 min): benchmarks/results.md
#   make lab-down  tear the lab down
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help bootstrap bootstrap-python unit sanity lint molecule check test build docs ee clean-lab demo drill lab-test lab-down bench bench-quick bench-scale

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

bootstrap:            ## packages, podman config, venv, collections, lab images
	ci/bootstrap.sh all

bootstrap-python:
	ci/bootstrap.sh python

unit: bootstrap-python
	ci/unit.sh

sanity: bootstrap-python
	ci/sanity.sh

lint: bootstrap-python
	ci/lint.sh

molecule: bootstrap
	ci/molecule.sh

check: unit sanity lint

test: bootstrap unit sanity lint build docs ee molecule lab-test

demo:                 ## README command 1
	lab/run.sh demo

drill:                ## the full single-failure drill on the lab (3 rounds of every failure); prints the table
	lab/run.sh drill

lab-test: bootstrap
	lab/run.sh test

lab-down:
	lab/lab.sh down

bench:                ## needs no CI: 600 switchovers (10 strategies x 3 router behaviours x 20), peak RSS
	lab/run.sh bench

bench-quick:          ## a few switchovers per cell: sipha-vip (c, h) beside its peers (k, v, p); not written to results.md
	lab/run.sh bench --switchovers 3 --strategies c,h,k,v,p --memory 3 --out $(CURDIR)/lab/.state/bench-quick.md

bench-scale:          ## site.yml cold, re-run and validate.yml on labs of 1, 4 and 8 pairs
	lab/run.sh bench-scale

build: bootstrap-python
	ci/build-collection.sh

ee: build                ## the execution environment, offline (ansible-builder, podman; ci/ee.sh)
	ci/ee.sh build

docs: bootstrap-python   ## the docs site, offline: antsibull-docs lint, then Sphinx (warnings are errors)
	ci/docs.sh

clean-lab:
	tests/molecule/networks.sh down
