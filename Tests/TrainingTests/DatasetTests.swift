import Foundation
import Testing
import Descent
import _TestSupport

struct DatasetTests {
    /// A dataset whose first input column is the sample's index, to track rows through a split.
    func indexed<T: BLASScalar>(_ n: Int, as: T.Type = T.self) throws -> Dataset<T> {
        let noise: Matrix<T> = randomMatrix(n, 2, seed: 5)
        return try Dataset(x: Matrix(rows: n, cols: 3) { i, j in j == 0 ? T(i) : noise[i, j - 1] },
                           y: Matrix(rows: n, cols: 1) { i, _ in T(2 * i) })
    }

    func split<T: BLASScalar>(_: T.Type) throws {
        let data: Dataset<T> = try indexed(23)
        let (train, valid) = try data.split(validationFraction: 0.3, seed: 11)
        // ⌈0.3·23⌉ = 7 validation samples.
        #expect(valid.sampleCount == 7 && train.sampleCount == 16)
        let ti = (0..<train.sampleCount).map { Int(train.x[$0, 0]) }, vi = (0..<valid.sampleCount).map { Int(valid.x[$0, 0]) }
        #expect(Set(ti).isDisjoint(with: vi))
        #expect(Set(ti).union(vi) == Set(0..<23))
        #expect(ti == ti.sorted() && vi == vi.sorted())
        // Rows travel whole: target = 2·index, and the other columns come along.
        #expect((0..<train.sampleCount).allSatisfy { train.y[$0, 0] == 2 * train.x[$0, 0] })
        #expect(train.x.rows(0..<1).elements == data.x.rows(ti[0]..<(ti[0] + 1)).elements)

        // Same seed ⇒ same split; another seed ⇒ another.
        let again = try data.split(validationFraction: 0.3, seed: 11).validation
        #expect(again.x == valid.x && again.y == valid.y)
        let other = try data.split(validationFraction: 0.3, seed: 12).validation
        #expect(other.x != valid.x)

        #expect(try data.split(validationFraction: 0, seed: 1).validation.sampleCount == 0)
        for bad in [1.0, -0.1, .nan] {
            #expect(throws: TrainingDataError.self) { try data.split(validationFraction: bad, seed: 1) }
        }
        #expect(throws: TrainingDataError.self) { try Dataset<T>.splitIndices(sampleCount: 2, validationFraction: 0.6, seed: 1) }
    }

    @Test func splitFloat() throws { try split(Float.self) }
    @Test func splitDouble() throws { try split(Double.self) }

    @Test func badDataThrows() {
        #expect(throws: TrainingDataError.self) { try Dataset(x: Matrix<Double>(rows: 3, cols: 2), y: Matrix(rows: 2, cols: 1)) }
        #expect(throws: TrainingDataError.self) { try Dataset(x: Matrix<Double>([[1, .nan]]), y: Matrix([[1]])) }
        #expect(throws: TrainingDataError.self) { try Dataset(x: Matrix<Float>([[1, 2]]), y: Matrix([[.infinity]])) }
    }

    /// Fitted on the training part: each column has mean 0 and population std 1 there (checked by
    /// plain sums), a constant column gets scale 1 and becomes 0, the validation part is mapped
    /// with the training statistics, and `invert` undoes `apply`.
    func standardisation<T: BLASScalar>(_: T.Type) throws {
        let tol = T.self == Float.self ? 1e-5 : 1e-12
        let raw: Matrix<T> = randomMatrix(30, 3, seed: 8)
        let x = Matrix<T>(rows: 30, cols: 4) { i, j in j < 3 ? T(10) * raw[i, j] + T(j * 100) : 7 }
        let data = try Dataset(x: x, y: Matrix(rows: 30, cols: 1))
        let (train, valid) = try data.split(validationFraction: 0.2, seed: 3)
        let s = Standardization(fitting: train.x)
        #expect(s.scales[3] == 1 && s.means[3] == 7)
        let z = train.standardizingInputs(s).x
        for j in 0..<4 {
            let column = (0..<z.rows).map { Double(z[$0, j]) }
            let mean = column.reduce(0, +) / Double(z.rows)
            let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(z.rows)).squareRoot()
            #expect(abs(mean) < tol, "column \(j) mean \(mean)")
            #expect(j == 3 ? std == 0 : abs(std - 1) < tol, "column \(j) std \(std)")
        }
        // Validation values use the training mean and scale.
        let v = valid.standardizingInputs(s).x
        #expect(isClose(Double(v[0, 1]), (Double(valid.x[0, 1]) - s.means[1]) / s.scales[1], tol: tol))
        var back = v
        s.invert(&back)
        #expect(allClose(back.elements, valid.x.elements, tol: T(tol)))
        // Stored in model files.
        #expect(try JSONDecoder().decode(Standardization.self, from: JSONEncoder().encode(s)) == s)
        #expect(throws: TrainingDataError.self) { try Standardization(means: [0], scales: [0]) }
    }

    @Test func standardisationFloat() throws { try standardisation(Float.self) }
    @Test func standardisationDouble() throws { try standardisation(Double.self) }
}
