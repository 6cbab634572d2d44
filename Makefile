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

# Throughput benchmarks (a nested package; library users never resolve it).
bench:
	@scripts/ensure-system-packages.sh
	cd Benchmarks && $(SWIFT) run -c release products 1 && $(SWIFT) run -c release data-read

# The learning-rate-free comparison (LFM, DoG, D-Adaptation, Schedule-Free, AdaDelta vs tuned SGD);
# prints the tables and rewrites the generated block of docs/lr-free-experiment.md.
experiment:
	@scripts/ensure-system-packages.sh
	cd Benchmarks && $(SWIFT) run -c release lr-free-experiment ../docs/lr-free-experiment.md

clean:
	rm -rf .build Benchmarks/.build

# Descent vs a C loop on OpenBLAS, NumPy, PyTorch and scikit-learn, one SGD epoch, at 1 and 2 threads
# (THREADS=1 for one only; ROUNDS, REPS, DATA, ... as documented in Benchmarks/run-throughput.sh).
# Writes Benchmarks/results/throughput.jsonl and throughput.md.
.PHONY: throughput
throughput:
	@scripts/ensure-system-packages.sh
	Benchmarks/run-throughput.sh $(or $(THREADS),1 2)
