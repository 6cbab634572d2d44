extension SparseMatrix {
    /// The CSR form of a matrix given in compressed sparse column (CSC) form: column `j`'s entries
    /// are `rowIndices[k]`, `values[k]` for `k` in `columnStarts[j]..<columnStarts[j + 1]`. Checked
    /// like the CSR initialiser. Within each row the columns come out in increasing order (a counting
    /// sort by row, stable in column order), repeated entries kept.
    public init(rows: Int, cols: Int, columnStarts: [Int], rowIndices: [Int32], values cscValues: [Scalar]) throws(SparseMatrixError) {
        try Self.validate(rows: rows, cols: cols, starts: columnStarts, indices: rowIndices,
                          valueCount: cscValues.count, major: "column", minor: "row")
        let nnz = cscValues.count
        var starts = [Int](repeating: 0, count: rows + 1)
        for r in rowIndices { starts[Int(r) + 1] += 1 }
        for i in 0..<rows { starts[i + 1] += starts[i] }
        var next = starts
        var indices = [Int32](repeating: 0, count: nnz)
        var values = [Scalar](repeating: 0, count: nnz)
        for j in 0..<cols {
            for k in columnStarts[j]..<columnStarts[j + 1] {
                let r = Int(rowIndices[k])
                indices[next[r]] = Int32(j)
                values[next[r]] = cscValues[k]
                next[r] += 1
            }
        }
        self.init(unchecked: rows, cols: cols, rowStarts: starts, columnIndices: indices, values: values)
    }
}
