import Foundation

/// The fields a JSON Schema lists (`properties`, `required`, `items`, `additionalProperties` and
/// local `$ref`s into `$defs`), compared with the keys of a JSON document, so a schema and the
/// writer it describes cannot drift apart silently. Only the structure is checked (which keys
/// exist, which must, and the JSON type of each value), not value constraints or `allOf` rules.
public struct JSONSchemaFields {
    public let root: [String: Any]

    /// Thrown when the schema file is not a JSON object.
    public struct NotAnObject: Error {}

    /// Parses a schema file with `JSONSerialization`.
    public init(contentsOf url: URL) throws {
        guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw NotAnObject()
        }
        self.root = root
    }

    /// Every field path the schema describes: `kind`, `layers[].weights`, `standardization.featureMeans`, ….
    public var fieldPaths: Set<String> {
        var paths = Set<String>()
        collect(root, path: "", into: &paths)
        return paths
    }

    /// The field paths present in `document` (a `JSONSerialization` object), in the schema's
    /// spelling (`[]` for any array index); keys of free-form objects (`additionalProperties`
    /// schemas) are not listed.
    public func presentPaths(in document: Any) -> Set<String> {
        var paths = Set<String>(), problems: [String] = []
        walk(document, schema: root, path: "", problems: &problems, present: &paths)
        return paths
    }

    /// Every disagreement between `document` and the schema's structure: a key the schema does not
    /// list (where it forbids others), a required key that is missing, or a value of another JSON
    /// type. Empty when the document fits.
    public func problems(in document: Any) -> [String] {
        var present = Set<String>(), problems: [String] = []
        walk(document, schema: root, path: "", problems: &problems, present: &present)
        return problems
    }

    // MARK: Walking

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/") else { return schema }
        var node: Any = root
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
        var merged = node as? [String: Any] ?? [:]
        for (key, value) in schema where key != "$ref" { merged[key] = value }
        return merged
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func collect(_ schema: [String: Any], path: String, into paths: inout Set<String>) {
        let s = resolve(schema)
        if let properties = s["properties"] as? [String: Any] {
            for (key, sub) in properties {
                paths.insert(join(path, key))
                if let sub = sub as? [String: Any] { collect(sub, path: join(path, key), into: &paths) }
            }
        }
        if let items = s["items"] as? [String: Any] { collect(items, path: path + "[]", into: &paths) }
    }

    private func typeMatches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "integer": return (value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false
        case "number": return value is NSNumber
        default: return true
        }
    }

    private func walk(_ value: Any, schema: [String: Any], path: String, problems: inout [String],
                      present: inout Set<String>) {
        let s = resolve(schema)
        let name = path.isEmpty ? "the document" : path
        if let type = s["type"] as? String, !typeMatches(value, type) {
            problems.append("\(name): expected \(type), found \(Swift.type(of: value))")
            return
        }
        if let object = value as? [String: Any] {
            let properties = s["properties"] as? [String: Any] ?? [:]
            for key in (s["required"] as? [String] ?? []) where object[key] == nil {
                problems.append("\(join(path, key)) is required by the schema but missing")
            }
            for (key, sub) in object {
                if let p = properties[key] as? [String: Any] {
                    present.insert(join(path, key))
                    walk(sub, schema: p, path: join(path, key), problems: &problems, present: &present)
                } else if let extra = s["additionalProperties"] as? [String: Any] {
                    walk(sub, schema: extra, path: join(path, key), problems: &problems, present: &present)
                } else if (s["additionalProperties"] as? Bool) == false {
                    problems.append("\(join(path, key)) is not in the schema")
                }
            }
        }
        if let array = value as? [Any], let items = s["items"] as? [String: Any] {
            for element in array { walk(element, schema: items, path: path + "[]", problems: &problems, present: &present) }
        }
    }
}
