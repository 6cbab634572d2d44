# The two commands of the README. Both install the system packages first when needed.
.PHONY: run test bench clean
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
	cd Benchmarks && $(SWIFT) run -c release products

clean:
	rm -rf .build Benchmarks/.build

# Descent vs NumPy/PyTorch/scikit-learn, one SGD epoch (docs/throughput.md). THREADS=2 for two BLAS threads.
.PHONY: throughput
throughput:
	@scripts/ensure-system-packages.sh
	Benchmarks/run-throughput.sh $(or $(THREADS),1)
