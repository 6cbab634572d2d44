/// The package's version: `descent --version` prints it, and model files record it in `createdBy`
/// ("descent 0.1.0") unless the writer names another program.
public enum DescentVersion {
    public static let current = "0.1.0"
}
