# django-skeleton stack: every command a user or CI runs starts here.
# `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# Debian's own Python 3.11 where it is installed, else python3 from PATH. Debian builds its
# interpreter with profile-guided optimisation: Ansible's controller (the preflight's
# templating, the fork of each task) uses about 10% less CPU on it than on a plain source
# build such as pyenv's (measured on the stack's preflight: 36.4 CPU seconds, then 32.9).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
APP_VENV := .venv-app
TLS_VENV := .venv-tls
export CONTAINERS_CONF := $(CURDIR)/.sandbox/containers.conf
# molecule and ansible-lint call ansible-playbook and friends through PATH.
export PATH := $(BIN):$(PATH)
export ANSIBLE_FORCE_COLOR ?= 1
export PY_COLORS ?= 1
SANDBOX := inventories/sandbox
# Every molecule scenario; `make molecule SCENARIOS=nginx` runs one.
SCENARIOS ?= $(shell ls -d molecule/*/molecule.yml 2>/dev/null | cut -d/ -f2)
PLAYBOOKS := $(wildcard playbooks/*.yml)
SYSTEM_PACKAGES := podman runc debootstrap uidmap python3-venv rsync

.PHONY: help
help: ## List the commands
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: system-deps
system-deps: ## Install podman, runc, debootstrap and rsync (Debian/Ubuntu, as root)
	@missing=""; for c in podman runc debootstrap rsync; do command -v $$c >/dev/null || missing="$$missing $$c"; done; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing$$missing (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	else \
	  echo "missing:$$missing. Install them with your package manager (as root on Debian/Ubuntu:"; \
	  echo "  apt-get install $(SYSTEM_PACKAGES)), then run make again."; exit 1; \
	fi

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

.PHONY: venv
venv: $(VENV)/.installed ## Create .venv with the pinned toolchain

.PHONY: lock
lock: venv ## Re-lock the toolchain after editing requirements-dev.in
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	  --output-file requirements-dev.lock requirements-dev.in
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	  --output-file requirements-tls.lock requirements-tls.in

$(CONTAINERS_CONF): sandbox/containers.conf.j2 | $(VENV)/.installed
	@mkdir -p $(@D)
	$(BIN)/ansible localhost -i localhost, -c local -e "ansible_python_interpreter=$(BIN)/python" -m ansible.builtin.template \
	  -a "src=$< dest=$@ mode=0644" >/dev/null

.PHONY: apt-cache
apt-cache: ## Start apt-cacher-ng on port 3142, the test hosts' package cache (installs it as root)
	sandbox/apt-cache.sh

.PHONY: images
images: system-deps apt-cache venv $(CONTAINERS_CONF) ## Build the Debian 12/13 base images (only when their recipe changed)
	sandbox/image/build.sh bookworm
	sandbox/image/build.sh trixie

.PHONY: sandbox-up
sandbox-up: images ## Start the six sandbox hosts (lb1 web1 web2 worker1 broker1 db1)
	$(BIN)/ansible-playbook sandbox/up.yml -i $(SANDBOX)
	$(BIN)/ansible all -i $(SANDBOX) -m ansible.builtin.ping

.PHONY: sandbox-down
sandbox-down: venv ## Remove the sandbox hosts and their network
	$(BIN)/ansible-playbook sandbox/down.yml -i $(SANDBOX)

.PHONY: demo
demo: sandbox-up ## Set up everything, provision and deploy the sandbox, print the URL
	$(BIN)/ansible-playbook -i $(SANDBOX) sandbox/sentry_sink.yml
	$(BIN)/ansible-playbook -i $(SANDBOX) sandbox/object_store.yml
	$(BIN)/ansible-playbook -i $(SANDBOX) playbooks/site.yml
	@echo
	@echo "The site is up: https://127.0.0.1:8443/ (a self-signed certificate: accept it)"
	@echo "  /            which web host answered, and the live release"
	@echo "  /celery/     queue 2 + 3 on a Celery worker through RabbitMQ, then read the result"
	@echo "  /uploads/    upload a file: every web host serves it, from the S3 stand-in on lb1 (in memory)"
	@echo "  /admin/      Django's admin (create a user: ssh -i .sandbox/ssh/id_ed25519 deploy@10.89.50.21"
	@echo "               then: sudo -u app /srv/app/bin/app-run django-admin createsuperuser)"
	@echo "  Sentry:      errors land in the sandbox sink on lb1, on the private network: http://10.89.150.10:9000/events (read it from lb1 or a web host)"
	@echo "Deploy again: .venv/bin/ansible-playbook -i $(SANDBOX) playbooks/deploy.yml"

.PHONY: lint
lint: venv ## yamllint, ansible-lint (production profile), syntax checks, ruff
	$(BIN)/yamllint --strict .
	$(BIN)/ansible-lint --profile production
	@for p in $(PLAYBOOKS) sandbox/up.yml sandbox/down.yml sandbox/sentry_sink.yml sandbox/object_store.yml; do \
	  echo "syntax-check $$p"; $(BIN)/ansible-playbook --syntax-check -i $(SANDBOX) "$$p" >/dev/null; done
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/role_readme.py --check

.PHONY: docs
docs: venv ## Regenerate each role README's variable section from its argument spec
	$(BIN)/python tools/role_readme.py

$(APP_VENV)/.installed: sample_app/requirements-test.lock
	$(PYTHON) -m venv $(APP_VENV)
	$(APP_VENV)/bin/pip install --quiet --upgrade pip
	$(APP_VENV)/bin/pip install --quiet --require-hashes -r sample_app/requirements-test.lock
	touch $@

.PHONY: app-test
app-test: $(APP_VENV)/.installed venv ## The sample app's tests (pytest, SQLite, eager Celery), the release build's, the collection's filters
	cd sample_app && $(CURDIR)/$(APP_VENV)/bin/python -m pytest -q
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/build_release
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/plugins

# sslyze (the TLS check of molecule/resources/verify/security.yml) needs an older
# cryptography than community.crypto does: it gets a virtualenv of its own.
$(TLS_VENV)/.installed: requirements-tls.lock
	$(PYTHON) -m venv $(TLS_VENV)
	$(TLS_VENV)/bin/pip install --quiet --upgrade pip
	$(TLS_VENV)/bin/pip install --quiet --require-hashes -r requirements-tls.lock
	touch $@

.PHONY: molecule
molecule: images $(TLS_VENV)/.installed ## Every molecule scenario (check, converge, idempotence, verify), a few at a time
	tools/molecule-all.sh $(SCENARIOS)

.PHONY: test
# The scenarios take longest and mostly wait on their hosts, so lint and the app's tests
# run beside them rather than before (everything they share is made first), their output
# kept in .cache/lint-app-test.log and printed after the scenarios' summary if they failed.
test: venv images $(TLS_VENV)/.installed $(APP_VENV)/.installed ## Lint and the sample app's tests, beside every molecule scenario
	@mkdir -p .cache; $(MAKE) --no-print-directory lint app-test >.cache/lint-app-test.log 2>&1 & checks=$$!; \
	  $(MAKE) --no-print-directory molecule; rc=$$?; \
	  if wait $$checks; then echo "lint and app-test: passed"; \
	  else echo "lint and app-test: FAILED; their output:"; cat .cache/lint-app-test.log; rc=1; fi; \
	  exit $$rc

.PHONY: bench
bench: venv ## Benchmarks on the sandbox (after make demo): Ansible timings, scaling, serving, Celery
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing wrk (apt-get)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "missing: wrk (the HTTP load generator). Install it (apt-get install wrk), then run make bench again."; exit 1; fi; }
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

.PHONY: build
build: venv ## Build the collection tarball into dist/
	$(BIN)/ansible-galaxy collection build --force --output-path dist .

.PHONY: clean
clean: ## Remove the virtualenvs and caches (not the sandbox hosts)
	rm -rf $(VENV) $(APP_VENV) .cache dist
