# The README's two commands are `make demo` and `make test`; everything else here serves them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_TEST := node --test --test-reporter=spec --test-concurrency=1
LAB := node dist/test/lab/cli.js
# Every test file under these folders (tests mirror sources; node 20's --test has no globs).
test_files = $(shell find $(addprefix dist/test/,$(1)) -name '*.test.js' 2>/dev/null | sort)

.PHONY: help deps build lint typecheck test test-unit test-lab demo demo-down lab-up lab-down lab-status provider test-provider system-deps check-generated \
	cdktf-tools cdktf-bindings check-cdktf-bindings cdktf-build test-cdktf

help:
	@echo "make demo    - the main job: lab up, agents up, terraform apply of examples/basic, leases shown"
	@echo "make test    - lint, type-check, unit tests, then every lab test against real LVM"
	@echo "make soak    - the seeded chaos run long: SOAK_OPS=200 ops per seed in SOAK_SEEDS, SIGKILLs, lab up/down"
	@echo "make lab-up | lab-down | lab-status"

# npm ci only when the lock file changed since the last install.
node_modules/.install-stamp: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.install-stamp

build: deps
	npx tsc -p tsconfig.json

typecheck: deps
	npx tsc -p tsconfig.json --noEmit

lint: deps
	npx eslint .

test-unit: build
	$(NODE_TEST) $(call test_files,unit)

# The Terraform provider: one bundled executable in a filesystem mirror (.terraform-mirror/) plus the
# CLI config that makes plain `terraform init` install it offline (TF_CLI_CONFIG_FILE=.terraform-mirror/terraformrc).
provider: deps
	node provider-cdktf/scripts/build-provider.mjs

# Provider: unit tests, generated-code drift, then real terraform against the agent in the lab.
test-provider: build provider
	node provider-cdktf/scripts/check-generated.mjs
	$(NODE_TEST) $(call test_files,unit/provider-cdktf)
	npm run -s bundle:agent
	$(NODE_TEST) $(call test_files,acceptance/provider-cdktf)

# CDKTF (issue 6). The cdktf CLI and cdktf's provider generator live in their own tool package
# (provider-cdktf/cdktf-cli/, ~420 MB, ~30 s to install), installed only by the targets that need it.
CDKTF_TOOLS := provider-cdktf/cdktf-cli

$(CDKTF_TOOLS)/node_modules/.install-stamp: $(CDKTF_TOOLS)/package-lock.json
	cd $(CDKTF_TOOLS) && npm ci --no-audit --no-fund
	@touch $@

cdktf-tools: $(CDKTF_TOOLS)/node_modules/.install-stamp

# Regenerate provider-cdktf/bindings/src/ from the provider's schema (terraform providers schema -json); commit it.
cdktf-bindings: provider cdktf-tools
	node provider-cdktf/scripts/gen-cdktf-bindings.mjs

# Fails when the committed bindings and the provider's schema differ (not when only the version moved).
check-cdktf-bindings: provider cdktf-tools
	node provider-cdktf/scripts/gen-cdktf-bindings.mjs --check

# The bindings package and the example app compile with their own (CommonJS) tsconfigs.
cdktf-build: deps
	npx tsc -p provider-cdktf/bindings/tsconfig.json
	npx tsc -p examples/cdktf/tsconfig.json

# Drift check, then cdktf synth -> terraform apply -> empty plan -> destroy against the lab's agents.
test-cdktf: build check-cdktf-bindings cdktf-build
	npm run -s bundle:agent
	$(NODE_TEST) $(call test_files,acceptance/cdktf)

lab-up: build
	$(LAB) up

lab-down:
	@if [ -f dist/test/lab/cli.js ]; then $(LAB) down; else echo "lab: not built, nothing to stop"; fi

lab-status: build
	@$(LAB) status

test-lab: build
	$(LAB) up
	$(NODE_TEST) $(call test_files,lab)

# What the tests need besides npm packages: Debian's chromium for the dashboard test, and the
# terraform binary (part of the machine image; no registry has it, so say so plainly).
system-deps:
	@command -v terraform >/dev/null || { echo "terraform is not on PATH: the provider and CDKTF tests need it (this machine image ships it)"; exit 1; }
	@[ -x /usr/bin/chromium ] || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# Generated files are committed; each check fails when they drift from their source.
check-generated: build provider cdktf-tools
	npm run -s check:openapi
	node provider-cdktf/scripts/check-generated.mjs
	node provider-cdktf/scripts/gen-cdktf-bindings.mjs --check

# Suites in run order: fast ones first; the host suite last, since it kills and restarts node b.
TEST_DIRS := unit api lab integration/fake-lvm integration/agent integration/operations acceptance/provider-cdktf acceptance/cdktf integration/dashboard integration/chaos integration/host

# One lab for the whole run; it is stopped afterwards unless KEEP_LAB=1.
test: system-deps build lint check-generated cdktf-build
	npm run -s bundle:agent
	@status=0; \
	$(LAB) up && $(NODE_TEST) $(foreach d,$(TEST_DIRS),$(call test_files,$(d))) || status=$$?; \
	if [ "$(KEEP_LAB)" != 1 ]; then $(LAB) down; fi; \
	exit $$status

# The chaos run long (issue 12): SOAK_OPS seeded operations with SIGKILLs of the control agent, per seed in
# SOAK_SEEDS, against one lab (stopped afterwards unless KEEP_LAB=1). Each seed's figures (ops, kills per
# kind, violations, seconds) are appended to SOAK_FIGURES and printed, for bench/chaos-results.md.
SOAK_SEEDS ?= 20261201
SOAK_OPS ?= 200
SOAK_FIGURES ?= /tmp/sharedlvm-chaos-soak.jsonl
.PHONY: soak
soak: build
	npm run -s bundle:agent
	@status=0; \
	if $(LAB) up; then for seed in $(SOAK_SEEDS); do \
	  CHAOS_SEED=$$seed CHAOS_OPS=$(SOAK_OPS) CHAOS_FIGURES=$(SOAK_FIGURES) \
	    $(NODE_TEST) dist/test/integration/chaos/chaos.test.js || status=$$?; \
	done; else status=$$?; fi; \
	if [ "$(KEEP_LAB)" != 1 ]; then $(LAB) down; fi; \
	echo "soak figures ($(SOAK_FIGURES)):"; tail -n 5 $(SOAK_FIGURES) 2>/dev/null; \
	exit $$status

# The main job: lab, agents, provider from the mirror, terraform apply of examples/basic.
demo: system-deps build provider
	npm run -s bundle:agent
	$(LAB) up
	node dist/test/lab/demo.js

demo-down:
	@if [ -f dist/test/lab/demo.js ] && [ -f .demo/terraform.tfstate ]; then node dist/test/lab/demo.js down || true; fi
	$(MAKE) lab-down
