/// A dense, row-major, contiguous matrix with value semantics.
///
/// Storage is shared copy-on-write: copying a `Matrix` or taking a row range (`rows(_:)`) does not
/// copy elements; the first mutation of a shared matrix copies just its own window. For the hot
/// path (training steps) use `withView`/`withMutableView`, which hand out non-owning `MatrixView`s.
public struct Matrix<Scalar: BLASScalar>: @unchecked Sendable {
    /// The elements, in one block from `AlignedAllocation` (huge-page backed when large).
    @usableFromInline
    final class Storage {
        @usableFromInline let base: UnsafeMutablePointer<Scalar>
        @usableFromInline let count: Int
        /// For elements another owner provides (a memory-mapped file): releases them. Nil for
        /// storage from `AlignedAllocation`.
        @usableFromInline var release: (() -> Void)? = nil

        /// Elements at `base` owned elsewhere; `release` runs when the storage goes.
        @usableFromInline init(external base: UnsafeMutablePointer<Scalar>, count: Int, release: @escaping () -> Void) {
            self.base = base; self.count = count; self.release = release
        }

        /// `count` uninitialised elements, or nil when the system refuses the memory.
        @usableFromInline init?(tryingCount count: Int) {
            let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
            guard count >= 0, !overflow, let raw = AlignedAllocation.allocate(byteCount: bytes) else { return nil }
            base = raw.bindMemory(to: Scalar.self, capacity: count)
            self.count = count
        }

        /// `count` uninitialised elements; traps when the memory cannot be had (where a user's
        /// input sets the size, use `Matrix(tryingRows:cols:initializingWith:)`).
        @usableFromInline static func make(uninitializedCount count: Int) -> Storage {
            guard let s = Storage(tryingCount: count) else {
                preconditionFailure("cannot allocate \(count) elements of \(Scalar.self)")
            }
            return s
        }

        @usableFromInline static func copy(of elements: UnsafeBufferPointer<Scalar>) -> Storage {
            let s = make(uninitializedCount: elements.count)
            if let src = elements.baseAddress { s.base.initialize(from: src, count: elements.count) }
            return s
        }

        deinit {
            if let release { release() } else { AlignedAllocation.deallocate(base) }
        }
    }

    @usableFromInline var storage: Storage
    /// Index of element (0, 0) in the storage.
    @usableFromInline var offset: Int
    /// The number of rows.
    public var rows: Int { _rows }
    /// The number of columns.
    public var cols: Int { _cols }
    @usableFromInline var _rows: Int
    @usableFromInline var _cols: Int

    /// A `rows × cols` matrix filled with `value`.
    @inlinable
    public init(rows: Int, cols: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix shape \(rows)×\(cols) is negative")
        storage = Storage.make(uninitializedCount: rows * cols)
        storage.base.initialize(repeating: value, count: rows * cols)
        offset = 0; _rows = rows; _cols = cols
    }

    /// A matrix over row-major `elements`; `elements.count` must be `rows · cols`.
    @inlinable
    public init(rows: Int, cols: Int, elements: [Scalar]) {
        precondition(rows >= 0 && cols >= 0, "matrix shape \(rows)×\(cols) is negative")
        precondition(elements.count == rows * cols,
                     "a \(rows)×\(cols) matrix needs \(rows * cols) elements, got \(elements.count)")
        storage = elements.withUnsafeBufferPointer { Storage.copy(of: $0) }
        offset = 0; _rows = rows; _cols = cols
    }

    /// A `rows × cols` matrix whose elements `initializer` writes (every one of them) into the
    /// uninitialised storage, e.g. straight from a file. Throws what `initializer` throws.
    @inlinable
    public init(rows: Int, cols: Int,
                initializingWith initializer: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        precondition(rows >= 0 && cols >= 0, "matrix shape \(rows)×\(cols) is negative")
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        precondition(!overflow, "matrix shape \(rows)×\(cols) overflows")
        storage = Storage.make(uninitializedCount: count)
        offset = 0; _rows = rows; _cols = cols
        try initializer(UnsafeMutableBufferPointer(start: storage.base, count: count))
    }

    /// Like `init(rows:cols:initializingWith:)`, but returns nil instead of trapping when the
    /// memory for `rows × cols` elements cannot be allocated (sizes that come from a user's file).
    @inlinable
    public init?(tryingRows rows: Int, cols: Int,
                 initializingWith initializer: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        guard rows >= 0, cols >= 0 else { return nil }
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard !overflow, let s = Storage(tryingCount: count) else { return nil }
        storage = s
        offset = 0; _rows = rows; _cols = cols
        try initializer(UnsafeMutableBufferPointer(start: storage.base, count: count))
    }

    /// A `rows × cols` matrix over elements that another owner provides, such as a memory-mapped
    /// file: `release` is called once, when the last matrix sharing them goes. Mutations follow the
    /// usual copy-on-write rule and then write in place, so the memory must be writable (a private
    /// file mapping, `MAP_PRIVATE`, gives each writer its own copy of the pages it changes).
    public init(unsafeExternalElements base: UnsafeMutablePointer<Scalar>, rows: Int, cols: Int,
                release: @escaping () -> Void) {
        precondition(rows >= 0 && cols >= 0, "matrix shape \(rows)×\(cols) is negative")
        storage = Storage(external: base, count: rows * cols, release: release)
        offset = 0; _rows = rows; _cols = cols
    }

    /// A matrix from nested rows; every row must have the same length.
    @inlinable
    public init(_ nested: [[Scalar]]) {
        let cols = nested.first?.count ?? 0
        for (i, r) in nested.enumerated() {
            precondition(r.count == cols, "row \(i) has \(r.count) elements, row 0 has \(cols)")
        }
        self.init(rows: nested.count, cols: cols, elements: nested.flatMap { $0 })
    }

    /// A matrix whose element (i, j) is `f(i, j)`.
    @inlinable
    public init(rows: Int, cols: Int, _ f: (Int, Int) -> Scalar) {
        self.init(rows: rows, cols: cols) { e in
            for i in 0..<rows { for j in 0..<cols { (e.baseAddress! + i * cols + j).initialize(to: f(i, j)) } }
        }
    }

    /// The number of elements, rows × cols.
    @inlinable public var count: Int { rows * cols }
    /// The shape as text, `rows×cols`, for messages.
    @inlinable public var shape: String { "\(rows)×\(cols)" }
    /// Whether the matrix has no elements.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// The elements in row-major order (a copy).
    @inlinable public var elements: [Scalar] {
        Array(UnsafeBufferPointer(start: storage.base + offset, count: count))
    }

    /// The rows as nested arrays (a copy).
    public var nestedRows: [[Scalar]] {
        (0..<rows).map { i in Array(UnsafeBufferPointer(start: storage.base + offset + i * cols, count: cols)) }
    }

    /// The element at `row`, `col` (0-based; out of range is a precondition failure).
    @inlinable
    public subscript(row: Int, col: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index (\(row), \(col)) outside \(shape)")
            return storage.base[offset + row * cols + col]
        }
        set {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index (\(row), \(col)) outside \(shape)")
            makeUnique()
            storage.base[offset + row * cols + col] = newValue
        }
    }

    /// Consecutive rows as a matrix that shares this matrix's storage (no copy until mutated).
    @inlinable
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside \(shape)")
        var m = self
        m.offset = offset + range.lowerBound * cols
        m._rows = range.count
        return m
    }

    /// Makes the storage unique and exactly this matrix's window, copying only if it is shared.
    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage.copy(of: UnsafeBufferPointer(start: storage.base + offset, count: count))
            offset = 0
        }
    }

    /// Read-only access to the contiguous row-major elements.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeBufferPointer(start: storage.base + offset, count: count))
        }
    }

    /// Mutable access to the contiguous row-major elements (copies first if the storage is shared).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        makeUnique()
        return try withExtendedLifetime(storage) {
            try body(UnsafeMutableBufferPointer(start: storage.base + offset, count: count))
        }
    }

    /// Calls `body` with a read-only view of the whole matrix.
    @inlinable
    public func withView<R>(_ body: (MatrixView<Scalar>) throws -> R) rethrows -> R {
        let (r, c) = (rows, cols)
        return try withUnsafeBufferPointer { try body(MatrixView($0, rows: r, cols: c)) }
    }

    /// Calls `body` with a mutable view of the whole matrix.
    @inlinable
    public mutating func withMutableView<R>(_ body: (MutableMatrixView<Scalar>) throws -> R) rethrows -> R {
        let (r, c) = (rows, cols)
        return try withUnsafeMutableBufferPointer { try body(MutableMatrixView($0, rows: r, cols: c)) }
    }

    /// The transpose (a copy).
    public var transposed: Matrix {
        Matrix(rows: cols, cols: rows) { i, j in self[j, i] }
    }

    /// Copies the rows named by `indices` into the first rows of `destination` (a caller-owned
    /// buffer reused across batches); see `BLAS.gather`.
    @inlinable
    public func gatherRows<Indices: Collection<Int>>(_ indices: Indices, into destination: inout Matrix) {
        withView { src in destination.withMutableView { BLAS.gather(rows: indices, of: src, into: $0) } }
    }
}

extension Matrix: Equatable {
    public static func == (lhs: Matrix, rhs: Matrix) -> Bool {
        lhs.rows == rhs.rows && lhs.cols == rhs.cols && lhs.elements == rhs.elements
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        "Matrix<\(Scalar.self)> \(shape)" + (count <= 64 ? " \(nestedRows)" : "")
    }
}
