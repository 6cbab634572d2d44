/// What the losses of a loss plot are measured in (its y label says it).
public enum LossPlotUnits: Sendable, Equatable {
    /// Regression on targets standardised to mean 0 and standard deviation 1: the losses are in those
    /// units, not the data's.
    case standardizedTargets
    /// Regression on the targets as given.
    case dataUnits
    /// Nothing to say (classification, or not known).
    case none
}

extension LinePlot {
    /// The per-epoch loss plot of a training run: training loss (circles) and, with a validation set,
    /// validation loss (squares) against the epoch (1-based, whole-number ticks), on a log axis when
    /// every loss is positive. The best epoch is ringed on the curve of the quantity early stopping
    /// watches (without early stopping: the lowest validation loss, else training loss), and an
    /// early stop is a dashed vertical line; both are in the legend. The y label names the loss and
    /// its units (`units`); with standardised targets the subtitle says how they relate to the data.
    ///
    /// `stopReason` (the run's) tells an early stop and its best epoch; without it, or when it does
    /// not name the best epoch, that is found by replaying `earlyStopping` over `history`.
    public static func trainingLoss(_ history: [EpochRecord], hasValidation: Bool, loss: Loss? = nil,
                                    units: LossPlotUnits = .none, earlyStopping: EarlyStopping? = nil,
                                    stopReason: StopReason? = nil) -> LinePlot {
        let epochs = history.map { Double($0.epoch + 1) }
        let withPoints = history.count <= 80
        var series = [PlotSeries(name: "training loss", x: epochs, y: history.map(\.trainingLoss), color: palette[0],
                                 points: withPoints ? .circle : nil)]
        if hasValidation {
            series.append(PlotSeries(name: "validation loss", x: epochs, y: history.map { $0.validationLoss ?? .nan }, color: palette[1],
                                     points: withPoints ? .square : nil))
        }
        let positive = series.allSatisfy { $0.y.allSatisfy { !$0.isFinite || $0 > 0 } }
        let yLabel: String
        var subtitle: String? = nil
        switch units {
        case .standardizedTargets:
            yLabel = "loss, standardised targets"
            subtitle = "targets standardised to mean 0, standard deviation 1; the run's summary gives the loss in data units"
        case .dataUnits: yLabel = "loss, targets in data units"
        case .none: yLabel = "loss"
        }
        var plot = LinePlot(title: loss.map { "\(lossName($0).prefix(1).uppercased())\(lossName($0).dropFirst()) per epoch" } ?? "Loss per epoch",
                            subtitle: subtitle, xLabel: "epoch", yLabel: yLabel, yScale: positive ? .log10 : .linear,
                            series: series, xIntegerTicks: true)

        let stoppedEarly: (epoch: Int, best: Int?)? = if case .earlyStopped(let e, let b) = stopReason { (e, b) } else { nil }
        if let best = bestEpoch(history, hasValidation: hasValidation, earlyStopping: earlyStopping, stated: stoppedEarly?.best) {
            let record = history[best.index]
            let name = quantityName(best.monitor)
            let text = earlyStopping == nil
                ? "lowest \(name): epoch \(record.epoch + 1) (\(PlotNumberFormat.short(best.value)))"
                : "best epoch \(record.epoch + 1) (\(name) \(PlotNumberFormat.short(best.value)))"
                    + (earlyStopping!.restoreBest ? ": the model kept" : "")
            let green = "#2ca02c"
            switch best.monitor {
            case .trainingLoss, .validationLoss:
                plot.points.append(PlotPoint(x: Double(record.epoch + 1), y: best.value, legend: text, color: green, size: withPoints ? 8 : 6))
            default:
                plot.markers.append(PlotMarker(x: Double(record.epoch + 1), label: "", color: green, legend: text, dashed: true))
            }
        }
        if let stop = stoppedEarly {
            let patience = earlyStopping.map { " (patience \($0.patience))" } ?? ""
            plot.markers.append(PlotMarker(x: Double(stop.epoch + 1), label: "", color: "#d62728",
                                           legend: "stopped early after epoch \(stop.epoch + 1)\(patience)", dashed: true))
        }
        return plot
    }

    /// The index into `history` of the best epoch and its value: `stated` (a 0-based epoch, as an
    /// early stop reports it) when given, else the replay of `earlyStopping`'s rule (without one: the
    /// lowest validation loss with a validation set, else the lowest training loss); nil when no epoch
    /// has a finite value.
    public static func bestEpoch(_ history: [EpochRecord], hasValidation: Bool, earlyStopping: EarlyStopping?,
                                 stated: Int? = nil) -> (index: Int, monitor: MonitoredQuantity, value: Double)? {
        let rule = earlyStopping ?? EarlyStopping()
        let monitor = rule.resolvedMonitor(hasValidation: hasValidation)
        func value(_ r: EpochRecord) -> Double { r.value(of: monitor) ?? .nan }
        var epoch = stated
        if epoch == nil {
            var tracker = EarlyStopping.Tracker(mode: rule.mode)
            for r in history { _ = rule.update(&tracker, value: value(r), epoch: r.epoch) }
            epoch = tracker.bestEpoch
        }
        guard let epoch, let i = history.firstIndex(where: { $0.epoch == epoch }), value(history[i]).isFinite else { return nil }
        return (i, monitor, value(history[i]))
    }

    static func quantityName(_ q: MonitoredQuantity) -> String {
        switch q {
        case .trainingLoss: "training loss"
        case .validationLoss: "validation loss"
        case .validationMetric: "validation metric"
        default: q.displayName
        }
    }

    /// "squared-error loss", "Huber loss (δ = 1)", "logistic loss", …
    static func lossName(_ loss: Loss) -> String {
        switch loss {
        case .squaredError: "squared-error loss"
        case .huber(let delta): "Huber loss (δ = \(PlotNumberFormat.short(delta)))"
        case .absoluteError: "absolute-error loss"
        case .binaryLogistic: "logistic loss"
        case .softmaxCrossEntropy: "cross-entropy loss"
        }
    }
}
