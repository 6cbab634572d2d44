/// Whether a schedule's step counter advances once per optimizer update, once per epoch, or once
/// per training sample (scikit-learn's `t`). Fixed at construction.
public enum ScheduleUnit: String, Sendable, Codable, Equatable {
    /// One step per optimizer update.
    case batch
    /// One step per epoch.
    case epoch
    /// One step per training sample.
    case sample
}
