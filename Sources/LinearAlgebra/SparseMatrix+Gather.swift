extension SparseMatrix {
    /// Makes `destination` the rows named by `indices`, in that order (a shuffled mini-batch), with
    /// this matrix's column count. `destination` is a buffer the caller owns and reuses: its arrays
    /// keep their capacity, so nothing is allocated once it has held a batch at least this large
    /// (`reserveCapacity(rows:nonzeros:)` sizes it up front) and it is not shared.
    @inlinable
    public func gatherRows(_ indices: UnsafeBufferPointer<Int>, into destination: inout SparseMatrix) {
        destination._rows = indices.count
        destination._cols = cols
        destination._rowStarts.removeAll(keepingCapacity: true)
        destination._columnIndices.removeAll(keepingCapacity: true)
        destination._values.removeAll(keepingCapacity: true)
        destination._rowStarts.append(0)
        rowStarts.withUnsafeBufferPointer { starts in
            columnIndices.withUnsafeBufferPointer { cs in
                values.withUnsafeBufferPointer { vs in
                    // Element by element, not append(contentsOf:): an unspecialised generic
                    // sequence append may allocate (debug builds).
                    for r in 0..<indices.count {
                        let i = indices[r]
                        precondition(i >= 0 && i < rows, "gatherRows: row \(i) outside \(shape)")
                        var k = starts[i]
                        let end = starts[i + 1]
                        while k < end {
                            destination._columnIndices.append(cs[k])
                            destination._values.append(vs[k])
                            k += 1
                        }
                        destination._rowStarts.append(destination._values.count)
                    }
                }
            }
        }
    }

    /// `gatherRows` for any collection of row indices (through its contiguous storage when it has one).
    @inlinable
    public func gatherRows<Indices: Collection<Int>>(_ indices: Indices, into destination: inout SparseMatrix) {
        if indices.withContiguousStorageIfAvailable({ gatherRows($0, into: &destination) }) != nil { return }
        Array(indices).withUnsafeBufferPointer { gatherRows($0, into: &destination) }
    }

    /// Room for `rows` rows and `nonzeros` stored entries without reallocating (for a gather buffer).
    public mutating func reserveCapacity(rows: Int, nonzeros: Int) {
        _rowStarts.reserveCapacity(rows + 1)
        _columnIndices.reserveCapacity(nonzeros)
        _values.reserveCapacity(nonzeros)
    }

    /// The most stored entries any `count` rows hold (a gather buffer's size for batches of `count`).
    public func maximumNonzeros(inRows count: Int) -> Int {
        var perRow = (0..<rows).map { rowStarts[$0 + 1] - rowStarts[$0] }
        perRow.sort(by: >)
        return perRow.prefix(count).reduce(0, +)
    }
}
