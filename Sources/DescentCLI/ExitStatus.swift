/// The exit statuses of `descent`, as documented in `descent train --help` and the README.
enum ExitStatus {
    /// Done (for `train`: completed, stopped early, or stopped by a hook).
    static let success: Int32 = 0
    /// An error: bad data, options, model or checkpoint files, an unwritable output.
    static let failure: Int32 = 1
    /// Training diverged (a non-finite loss, gradient or parameter); with `--save-diverged` the last
    /// finite model was written, so a script can tell this apart from a run that wrote nothing.
    static let diverged: Int32 = 3
    /// `--fail-on-warning`: the run ended but did not learn (see `RunWarning`); its files were written.
    static let warning: Int32 = 4
    /// The command line could not be parsed (ArgumentParser's validation-failure status).
    static let usage: Int32 = 64

    /// The text for `--help`.
    static let help = """
        Exit status: 0 done (completed or stopped early); 1 an error (bad data, options or files); \
        3 training diverged (with --save-diverged the last finite model was written); 4 with --fail-on-warning, \
        the run ended with a warning that it did not learn; 64 bad usage.
        """
}

/// Training stopped at a non-finite value: reported as one `error:` line, exit status 3.
struct DivergenceError: Error, CustomStringConvertible {
    var description: String
}
