/// Whether a schedule's step counter advances once per optimizer update, once per epoch, or once
/// per training sample (scikit-learn's `t`). Fixed at construction.
public enum ScheduleUnit: String, Sendable, Codable, Equatable {
    case batch, epoch, sample
}
