# The README's two commands are `make demo` and `make test`; everything else here serves them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_TEST := node --test --test-reporter=spec --test-concurrency=1
LAB := node dist/test/lab/cli.js
# Every test file under these folders (tests mirror sources; node 20's --test has no globs).
test_files = $(shell find $(addprefix dist/test/,$(1)) -name '*.test.js' 2>/dev/null | sort)

.PHONY: help deps build lint typecheck test test-unit test-lab demo demo-down lab-up lab-down lab-status provider test-provider \
	cdktf-tools cdktf-bindings check-cdktf-bindings cdktf-build test-cdktf

help:
	@echo "make demo    - the main job: lab up, show the shared VG from both nodes"
	@echo "make test    - lint, type-check, unit tests, then every lab test against real LVM"
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
	$(NODE_TEST) $(call test_files,lab)

# One lab for the whole run; it is stopped afterwards unless KEEP_LAB=1.
test: build lint
	@status=0; \
	$(LAB) up && $(NODE_TEST) $(call test_files,unit lab) || status=$$?; \
	if [ "$(KEEP_LAB)" != 1 ]; then $(LAB) down; fi; \
	exit $$status

demo: build
	$(LAB) up
	@for n in a b; do echo "== node $$n: vgs"; $(LAB) exec $$n -- vgs -o vg_name,vg_size,vg_free,lv_count,vg_lock_type,vg_lock_args --units g; \
	  echo "== node $$n: sanlock client status"; $(LAB) exec $$n -- sanlock client status; done

demo-down: lab-down
