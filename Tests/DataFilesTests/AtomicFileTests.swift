import Foundation
import Testing
import Descent

struct AtomicFileTests {
    @Test func writesAndReplaces() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("out.txt")
        try AtomicFile.write(Data("first".utf8), to: url)
        try AtomicFile.write(Data("second".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        #expect(dir.contents == ["out.txt"])
    }

    struct Interrupted: Error {}

    @Test func failureKeepsOldFileAndLeavesNoTemporary() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let url = dir.path("model.json")
        try AtomicFile.write(Data("old".utf8), to: url)
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: url) { out in
                try out.write("partial new cont")
                #expect(dir.contents.count == 2)      // the temporary file exists while writing
                throw Interrupted()
            }
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "old")
        #expect(dir.contents == ["model.json"])
    }

    @Test func unwritablePathsFailBeforeCreatingAnything() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanUp() }
        let missing = dir.path("no/such/dir/out.npy")
        let e = dataError { try AtomicFile.write(Data("x".utf8), to: missing) }
        #expect(e?.kind == .unwritable)
        #expect(e?.description == "\(missing.path): cannot write: directory \(dir.path("no/such/dir").path) does not exist")
        let plain = dir.file("plain", "x")
        let underFile = plain.appendingPathComponent("out.json")
        #expect(dataError { try AtomicFile.write(Data(), to: underFile) }?.description
                == "\(underFile.path): cannot write: \(plain.path) is not a directory")
        try FileManager.default.createDirectory(at: dir.path("sub"), withIntermediateDirectories: false)
        #expect(dataError { try AtomicFile.write(Data(), to: dir.path("sub")) }?.description
                == "\(dir.path("sub").path): cannot write: it is a directory, not a regular file; give the path of a file")
        #expect(dir.contents == ["plain", "sub"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("sub").path).isEmpty)
    }
}
