import Foundation
import Testing
import Descent

/// `train --distributed` in the build the tests use (no MPI trait), and the data-parallel flags'
/// checks; the MPI build's behaviour is checked under mpirun by scripts/distributed-cli-checks.sh.
@Suite struct DistributedFlagTests {
    func run(_ args: [String]) throws -> CLI.Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("descent-dist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try CLI.run(args, in: dir)
    }

    #if !MPI
    @Test func distributedWithoutTheTraitSaysHowToBuild() throws {
        let r = try run(["train", "--distributed", "--epochs", "1", "-o", "m.json"])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains("--traits MPI") && lines[0].contains("libopenmpi-dev"))
    }
    #endif

    @Test(arguments: [(["--sharding", "sharded"], "--sharding needs --distributed"),
                      (["--sync", "average-every=4"], "--sync needs --distributed"),
                      (["--distributed", "--sync", "average-every=0"], "--sync")])
    func flagChecks(extra: [String], message: String) throws {
        let r = try run(["train", "--epochs", "1"] + extra)
        #expect(r.status != 0)
        #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains(message), "\(r.stderr)")
    }
}
