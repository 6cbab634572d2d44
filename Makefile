# The two commands of the README. Both install the system packages first when needed.
.PHONY: run test bench experiment clean
SWIFT ?= swift

# Train on the embedded default problem and compare with the exact least-squares answer.
run:
	@scripts/ensure-system-packages.sh
	$(SWIFT) run -c release descent train

# The whole test suite.
test:
	@scripts/ensure-system-packages.sh
	$(SWIFT) test

# Distributed training: build with the MPI trait (in its own build folder), run the in-process checks
# under `mpirun -np 2` and the command-line checks (needs libopenmpi-dev and openmpi-bin; as root,
# Open MPI also needs OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1, which this sets).
MPIRUN = OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe --mca btl self,vader
.PHONY: test-distributed
test-distributed:
	@scripts/ensure-system-packages.sh mpi
	$(SWIFT) build --product descent
	$(SWIFT) build --traits MPI --scratch-path .build/mpi
	$(MPIRUN) -np 2 .build/mpi/debug/DistributedChecks
	$(MPIRUN) -np 3 .build/mpi/debug/DistributedChecks
	scripts/distributed-cli-checks.sh .build/debug/descent .build/mpi/debug/descent .build/mpi/debug/DistributedChecks

# Data-parallel scaling on this machine: 1 process vs 2 MPI processes on P1, shared memory and TCP
# (Benchmarks/run-distributed.sh; writes Benchmarks/results/scaling.md).
.PHONY: scaling
scaling:
	@scripts/ensure-system-packages.sh mpi
	Benchmarks/run-distributed.sh

# Throughput benchmarks (a nested package; library users never resolve it).
bench:
	@scripts/ensure-system-packages.sh
	cd Benchmarks && $(SWIFT) run -c release products 1 && $(SWIFT) run -c release data-read

# The learning-rate-free comparison (LFM, DoG, D-Adaptation, Schedule-Free, AdaDelta vs tuned SGD);
# prints the tables and rewrites the generated block of docs/lr-free-experiment.md.
experiment:
	@scripts/ensure-system-packages.sh
	cd Benchmarks && $(SWIFT) run -c release lr-free-experiment ../docs/lr-free-experiment.md

# Rewrites README.md's optimizer table from the registry (after adding or changing an optimizer).
.PHONY: readme-table
readme-table:
	DESCENT_UPDATE_README=1 $(SWIFT) test --filter ReadmeOptimizerTableTests

# The DocC documentation of the Descent library (Sources/Descent/Descent.docc: articles, the tutorial
# and the Descent module's symbols), as a static website in .build/docs (open .build/docs/index.html
# through a web server, or `swift package --disable-sandbox preview-documentation --target Descent`).
# Warnings (a broken symbol or article link) are errors.
DOCS_OUTPUT ?= .build/docs
.PHONY: docs docs-table doc-coverage
docs:
	@scripts/ensure-system-packages.sh
	$(SWIFT) package --allow-writing-to-directory $(DOCS_OUTPUT) generate-documentation --target Descent \
	  --warnings-as-errors --disable-indexing --transform-for-static-hosting --output-path $(DOCS_OUTPUT)

# Rewrites the optimizer table of the DocC article "Choosing an optimizer" from the registry.
docs-table:
	DESCENT_UPDATE_DOCS=1 $(SWIFT) test --filter DocCOptimizerTableTests

# Doc-comment coverage of the Descent product's public symbols (scripts/doc-coverage.py): prints
# the documented and undocumented counts, lists the undocumented symbols, fails if there is one.
doc-coverage:
	@scripts/ensure-system-packages.sh
	$(SWIFT) package dump-symbol-graph --skip-synthesized-members
	python3 scripts/doc-coverage.py

# The man page, from the command's own help (swift-argument-parser's generate-manual plugin):
# writes man/descent.1 (view it with `man -l man/descent.1`; MULTI=1 for one page per subcommand).
.PHONY: man
man:
	@scripts/ensure-system-packages.sh
	$(SWIFT) package generate-manual --configuration debug $(if $(MULTI),--multi-page)
	mkdir -p man && cp .build/plugins/GenerateManual/outputs/DescentCLI/*.1 man/

clean:
	rm -rf .build Benchmarks/.build

# Descent vs a C loop on OpenBLAS, NumPy, PyTorch and scikit-learn, one SGD epoch, at 1 and 2 threads
# (THREADS=1 for one only; ROUNDS, REPS, DATA, ... as documented in Benchmarks/run-throughput.sh).
# Writes Benchmarks/results/throughput.jsonl and throughput.md.
.PHONY: throughput
throughput:
	@scripts/ensure-system-packages.sh
	Benchmarks/run-throughput.sh $(or $(THREADS),1 2)

# Kill-and-resume soak test of checkpoints (scripts/soak.py): each trial SIGKILLs a training run at a
# random moment, resumes it until it completes and byte-compares the model with an uninterrupted run;
# some trials also resume a bit-flipped checkpoint (it must be refused). TRIALS=N (default 210),
# SEED=S to repeat a run's choices; soak-ci is the short variant (24 trials).
.PHONY: soak soak-ci
soak:
	@scripts/ensure-system-packages.sh
	$(SWIFT) build -c release --product descent
	python3 scripts/soak.py --binary .build/release/descent --trials $(or $(TRIALS),210) $(if $(SEED),--seed $(SEED))

soak-ci:
	@scripts/ensure-system-packages.sh
	$(SWIFT) build -c release --product descent
	python3 scripts/soak.py --binary .build/release/descent --trials $(or $(TRIALS),24) $(if $(SEED),--seed $(SEED))

# Fuzzing (Fuzz/, a nested package like Benchmarks/): builds the libFuzzer targets with AddressSanitizer
# and runs each in turn for FUZZ_SECONDS seconds (default 60) or FUZZ_RUNS inputs, then prints per target
# the inputs executed and the crashes and "N passed, M failed" (Fuzz/run.sh; docs/fuzzing.md).
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz:
	@scripts/ensure-system-packages.sh
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) Fuzz/run.sh
