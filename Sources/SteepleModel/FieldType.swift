/// The type of a field, as schemas declare it: checked before anything runs and shown by
/// `steeple doc`.
public indirect enum FieldType: Sendable, Hashable, CustomStringConvertible {
  /// A string that must have a form: any text, a region name, a CIDR block, ...
  case string(StringFormat)
  /// An integer, within bounds.
  case int(ClosedRange<Int>)
  case bool
  /// One of a few fixed strings.
  case choice([String])
  case list(FieldType)
  /// A record with free keys (`labels: { app: "yelb-ui" }`), every value of one type.
  case record(FieldType)
  /// A declaration of one of these kinds, given as its handle.
  case reference([String])
  /// A record with these fields: `{ cluster: edge, name: "frontend-k8s-cluster" }`.
  case shape([FieldSchema])
  /// Any one of these types.
  case oneOf([FieldType])

  /// `string`, `region`, `[account]`, `account or aws.role or principal`: how docs and errors say it.
  public var description: String {
    switch self {
    case .string(let format): return format.rawValue
    case .int(let bounds):
      if bounds == Int.min...Int.max { return "int" }
      if bounds.upperBound == Int.max { return "int (at least \(bounds.lowerBound))" }
      return "int (\(bounds.lowerBound) to \(bounds.upperBound))"
    case .bool: return "bool"
    case .choice(let words): return words.map { "\"\($0)\"" }.joined(separator: " | ")
    case .list(let element): return "[\(element)]"
    case .record(let value): return "{ string: \(value) }"
    case .reference(let kinds): return kinds.joined(separator: " or ")
    case .shape(let fields):
      return "{ " + fields.map { "\($0.name)\($0.isRequired ? "" : "?"): \($0.type)" }.joined(separator: ", ") + " }"
    case .oneOf(let types): return types.map(\.description).joined(separator: " or ")
    }
  }

  /// The kinds a value of this type may refer to.
  var referenceKinds: [String] {
    switch self {
    case .reference(let kinds): return kinds
    case .oneOf(let types): return types.flatMap(\.referenceKinds)
    case .list(let element), .record(let element): return element.referenceKinds
    case .shape(let fields): return fields.flatMap(\.type.referenceKinds)
    default: return []
    }
  }
}

/// The forms a string field can be required to have, each one a rule of AWS, Kubernetes or SPIFFE.
public enum StringFormat: String, Sendable, Hashable, CaseIterable {
  /// Any text.
  case string
  /// An AWS region name such as `us-east-2`.
  case region
  /// An IPv4 CIDR block such as `10.20.0.0/16`.
  case cidr
  /// A 12-digit AWS account ID.
  case accountID = "account-id"
  /// An RFC 1123 label: Kubernetes namespace and container names.
  case dnsLabel = "dns-label"
  /// An RFC 1123 subdomain: Kubernetes service account and pod names.
  case dnsSubdomain = "dns-subdomain"
  /// An EKS cluster name: 1 to 100 letters, digits, `-` or `_`, starting with a letter or digit.
  case eksClusterName = "eks-cluster-name"
  /// An IAM role name: 1 to 64 letters, digits or `+=,.@_-`.
  case iamRoleName = "iam-role-name"
  /// The name of a declared account: 1 to 50 characters, no `/`.
  case accountName = "account-name"
  /// A principal in a role's trust policy: `account:<name>`, `role:<account>/<role>` or
  /// `service:<name>.amazonaws.com`.
  case principal
  /// A SPIFFE ID: `spiffe://<trust domain>/<path>`.
  case spiffeID = "spiffe-id"
  /// A Kubernetes label value: at most 63 letters, digits, `-`, `_` or `.`, starting and ending with
  /// a letter or digit, or empty.
  case labelValue = "label-value"
  /// A Kubernetes version such as `1.31`.
  case kubernetesVersion = "k8s-version"
  /// A name tag, a share or organization name: 1 to 255 characters.
  case tagName = "name"
}
