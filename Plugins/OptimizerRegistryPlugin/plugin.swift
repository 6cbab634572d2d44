import Foundation
import PackagePlugin

/// Lists the optimizer specs of a target, so that `OptimizerRegistry` knows every optimizer without a
/// hand-kept list: before the target compiles, `OptimizerRegistryScanner` reads its Swift files and
/// writes `OptimizerRegistry+Discovered.swift` with one entry per type declared as conforming to
/// `OptimizerSpec` (see that protocol for the rule). Reruns when a source file changes.
@main struct OptimizerRegistryPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let sources = target.sourceFiles(withSuffix: "swift").map(\.url).sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "OptimizerRegistry+Discovered.swift")
        return [.buildCommand(displayName: "Listing the optimizer specs of \(target.name)",
                              executable: try context.tool(named: "OptimizerRegistryScanner").url,
                              arguments: [output.path] + sources.map(\.path),
                              inputFiles: sources, outputFiles: [output])]
    }
}
