import Validation

/// The one way optimizers check their hyper-parameters (in initialisers and `setMomentum`): a
/// `ValueRequirement` per value, thrown as `OptimizerError("<owner>: <field> <message>")`, e.g.
/// "SGD: momentum must be a finite number >= 0, got -0.5". The requirements and their wording are
/// the schedules' too (module Validation).
struct HyperParameterCheck {
    /// How the optimizer is named in messages ("SGD", "dadapt-sgd", …).
    let owner: String

    init(_ owner: String) { self.owner = owner }

    func callAsFunction(_ value: Double, _ field: String, _ requirement: ValueRequirement) throws {
        if let message = requirement.violation(value) { throw OptimizerError("\(owner): \(field) \(message)") }
    }

    func callAsFunction(_ value: Int, _ field: String, _ requirement: IntegerRequirement) throws {
        if let message = requirement.violation(value) { throw OptimizerError("\(owner): \(field) \(message)") }
    }

    /// The default weight decay and every group's override: finite and ≥ 0.
    func weightDecays(_ value: Double, _ field: String, groups: [ParameterGroup]) throws {
        try self(value, field, .nonNegative)
        for group in groups {
            if let decay = group.weightDecay { try self(decay, "\(field) of parameter group '\(group.name)'", .nonNegative) }
        }
    }
}
