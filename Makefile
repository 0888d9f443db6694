# One entry point for people and CI. `make test` installs what it needs (idempotently), checks formatting,
# builds, and runs every test against a real local control plane and the Northflank simulator.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CONFIGURATION ?= Release
RESULTS_DIR ?= $(CURDIR)/artifacts/test-results
# Narrows `make test` to some tests, e.g. TEST_FILTER=FullyQualifiedName~Simulator (empty: all).
TEST_FILTER ?=
export NSO_CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/northflank-sandbox-operator
export NSO_TOOLS_BIN := $(NSO_CACHE_DIR)/bin
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: help tools build publish plugin image chart-package crds chart-lint format format-check test mutation demo run bench clean

help:
	@echo "make test    install tools, check format, build, run all tests (the CI command)"
	@echo "make tools   install etcd, containerd, runc, a registry, kubectl, helm; build kube-apiserver, kubelet and the"
	@echo "             rest of a one-node cluster from Debian's kubernetes source (once) into $(NSO_CACHE_DIR)"
	@echo "make build   build the solution"
	@echo "make publish publish the operator (Release) into artifacts/publish"
	@echo "make plugin  the kubectl plugin (kubectl sandbox) as one self-contained file and its krew archive, into"
	@echo "             artifacts/plugin (PLUGIN_RID=linux-x64 by default; linux-arm64, osx-x64, osx-arm64 for a release)"
	@echo "make image   build the operator's OCI image with dotnet publish -t:PublishContainer (no Docker engine): into"
	@echo "             a local registry store (artifacts/registry) on a base built here, or IMAGE_REGISTRY=... on Microsoft's"
	@echo "make chart-package  helm package the chart at the version from git tags into artifacts/charts"
	@echo "make crds    regenerate crds/ (one file per kind, and the chart's copy) from the C# API types"
	@echo "make chart-lint  helm lint --strict the chart"
	@echo "make format  apply dotnet format"
	@echo "make mutation  mutation testing (Stryker.NET) of the Sandbox controller's pure logic; slow, not part of make test"
	@echo "make demo    the operator end to end on a local control plane and a simulated Northflank (no account)"
	@echo "make bench   Northflank calls per sandbox (10/100/1000 Sandboxes), Secrets memory, warm/cold claims (ARGS='--scenarios claims')"
	@echo "make run     run the operator against the current kubeconfig: make run ARGS='--default-project ID ...'"

tools:
	bash tests/infra/install-tools.sh >/dev/null

build:
	dotnet build Operator.sln -c $(CONFIGURATION) -warnaserror

publish:
	dotnet publish operator -c Release -o artifacts/publish

# `kubectl sandbox` (operator/KubectlPlugin) as one self-contained executable, and the archive krew installs from:
# artifacts/plugin/kubectl-sandbox_<os>_<arch>.tar.gz, the names operator/KubectlPlugin/krew/sandbox.yaml points at.
PLUGIN_RID ?= linux-x64
plugin:
	case "$(PLUGIN_RID)" in linux-x64) p=linux_amd64;; linux-arm64) p=linux_arm64;; osx-x64) p=darwin_amd64;; \
	  osx-arm64) p=darwin_arm64;; *) echo "PLUGIN_RID: linux-x64, linux-arm64, osx-x64 or osx-arm64" >&2; exit 1;; esac; \
	out=artifacts/plugin/$$p; rm -rf "$$out"; \
	dotnet publish operator/KubectlPlugin -c Release -r "$(PLUGIN_RID)" --self-contained -p:PublishSingleFile=true -o "$$out"; \
	rm -f "$$out"/*.pdb; tar -czf "artifacts/plugin/kubectl-sandbox_$$p.tar.gz" -C "$$out" kubectl-sandbox; \
	sha256sum "artifacts/plugin/kubectl-sandbox_$$p.tar.gz"

# The operator's image (see tests/infra/image.sh): locally on a base built with mmdebstrap into artifacts/registry;
# a release sets IMAGE_REGISTRY (and IMAGE_ARCH=arm64 for the arm64 build) and gets Microsoft's runtime-deps base.
# Needs no `make tools` (a release runner has none): locally, mmdebstrap and docker-registry come with `make tools`.
image:
	bash tests/infra/image.sh >/dev/null

# The chart at the version from git tags (the image tag defaults to the same version), as a release pushes it.
chart-package:
	v=$$(bash tests/infra/version.sh); "$(or $(wildcard $(NSO_TOOLS_BIN)/helm),helm)" package charts/northflank-sandbox-operator \
	  --version "$$v" --app-version "$$v" -d artifacts/charts

# Helm packages only files inside the chart, so the chart carries a copy (a test fails when the two differ).
crds:
	rm -f crds/*.yaml charts/northflank-sandbox-operator/crds/*.yaml
	dotnet run --project operator -c $(CONFIGURATION) -- crds "$(CURDIR)/crds"
	cp crds/*.yaml charts/northflank-sandbox-operator/crds/

chart-lint: tools
	"$(NSO_TOOLS_BIN)/helm" lint --strict charts/northflank-sandbox-operator

format:
	dotnet format Operator.sln

format-check:
	dotnet format Operator.sln --verify-no-changes --no-restore

test: tools
	dotnet restore Operator.sln
	$(MAKE) format-check
	$(MAKE) build
	$(MAKE) publish
	$(MAKE) image
	$(MAKE) chart-package
	rm -rf "$(RESULTS_DIR)"
	status=0; dotnet test Operator.sln -c $(CONFIGURATION) --no-build $(if $(TEST_FILTER),--filter "$(TEST_FILTER)") \
	  --logger "trx" --logger "console;verbosity=normal" --results-directory "$(RESULTS_DIR)" || status=$$?; \
	  bash tests/infra/trx-summary.sh "$(RESULTS_DIR)"; exit $$status

# Stryker.NET (the version in .config/dotnet-tools.json) mutates the files listed in operator/stryker-config.json and
# runs the unit tests of the Sandbox controller against each mutant; the run fails below the config's break threshold.
# Reports go to operator/StrykerOutput/.
mutation:
	dotnet tool restore
	cd operator && dotnet tool run dotnet-stryker

# No Northflank account needed: a local control plane, the simulator and the real operator; see tests/Demo/README.md.
demo: tools
	dotnet run --project tests/Demo -c $(CONFIGURATION)

# Northflank calls of the operator at 10, 100 and 1000 Sandboxes, memory with many Secrets, and claims, time-compressed; see tests/Benchmarks/README.md.
bench: tools
	dotnet run --project tests/Benchmarks -c $(CONFIGURATION) -- $(ARGS)

# For a real cluster and a real token: flags as in `dotnet run --project operator -- --help`.
run:
	dotnet run --project operator -c $(CONFIGURATION) -- $(ARGS)

clean:
	rm -rf artifacts
	dotnet clean Operator.sln >/dev/null
