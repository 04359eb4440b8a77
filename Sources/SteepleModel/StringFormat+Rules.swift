extension StringFormat {
  /// What is wrong with a string of this format, or `nil` when it has the form. The text finishes
  /// "... is not a valid <format>: <problem>".
  public func problem(with text: String) -> String? {
    switch self {
    case .string: return nil
    case .tagName:
      if text.isEmpty { return "it is empty" }
      return text.utf8.count > 255 ? "it is longer than 255 characters" : nil
    case .region:
      return Regions.all.contains(text) ? nil : "AWS has no region of that name"
    case .cidr:
      guard let block = CIDRBlock(text) else { return "write four numbers from 0 to 255 and a prefix length: 10.20.0.0/16" }
      if block.hasHostBits { return "bits after the /\(block.prefix) prefix are set; the block starts at \(block.network)" }
      return nil
    case .accountID:
      return text.utf8.count == 12 && text.utf8.allSatisfy { (48...57).contains($0) } ? nil : "an account ID is exactly 12 digits"
    case .dnsLabel:
      return Self.dnsLabelProblem(text)
    case .dnsSubdomain:
      if text.isEmpty { return "it is empty" }
      if text.utf8.count > 253 { return "it is longer than 253 characters" }
      for label in text.split(separator: ".", omittingEmptySubsequences: false) {
        if let problem = Self.dnsLabelProblem(String(label)) { return problem }
      }
      return nil
    case .eksClusterName:
      if text.isEmpty || text.utf8.count > 100 { return "it must be 1 to 100 characters long" }
      guard let first = text.unicodeScalars.first, first.isASCIIAlphanumeric else { return "it must start with a letter or a digit" }
      return text.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" })
        ? nil : "it may contain only letters, digits, '-' and '_'"
    case .iamRoleName:
      if text.isEmpty || text.utf8.count > 64 { return "it must be 1 to 64 characters long" }
      return text.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "+=,.@_-".unicodeScalars.contains($0) })
        ? nil : "it may contain only letters, digits and +=,.@_-"
    case .accountName:
      if text.isEmpty || text.count > 50 { return "it must be 1 to 50 characters long" }
      return text.contains("/") || text.contains(":") ? "it cannot contain '/' or ':'" : nil
    case .principal:
      if text.hasPrefix("service:") {
        let host = text.dropFirst("service:".count)
        return host.hasSuffix(".amazonaws.com") && host.count > ".amazonaws.com".count ? nil : "a service principal is service:<name>.amazonaws.com"
      }
      if text.hasPrefix("account:") { return text.count > "account:".count ? nil : "name the account after 'account:'" }
      if text.hasPrefix("role:") {
        let path = text.dropFirst("role:".count).split(separator: "/", omittingEmptySubsequences: false)
        return path.count == 2 && !path[0].isEmpty && !path[1].isEmpty ? nil : "a role principal is role:<account>/<role-name>"
      }
      return "write account:<name>, role:<account>/<role-name> or service:<name>.amazonaws.com, or pass the handle"
    case .spiffeID:
      guard text.hasPrefix("spiffe://") else { return "a SPIFFE ID starts with spiffe://" }
      let rest = text.dropFirst("spiffe://".count)
      let trustDomain = rest.prefix { $0 != "/" }
      if trustDomain.isEmpty { return "the trust domain after spiffe:// is empty" }
      guard trustDomain.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0) })
      else { return "a trust domain has only lowercase letters, digits, '.', '-' and '_'" }
      let path = rest.dropFirst(trustDomain.count)
      if path.hasSuffix("/") { return "the path cannot end with '/'" }
      for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
        if segment.isEmpty { return "the path has an empty segment ('//')" }
        if segment == "." || segment == ".." { return "the path cannot have '.' or '..' segments" }
        guard segment.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || ".-_".unicodeScalars.contains($0) })
        else { return "path segments have only letters, digits, '.', '-' and '_'" }
      }
      return nil
    case .labelValue:
      if text.isEmpty { return nil }
      if text.utf8.count > 63 { return "it is longer than 63 characters" }
      guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last, first.isASCIIAlphanumeric, last.isASCIIAlphanumeric
      else { return "it must start and end with a letter or a digit" }
      return text.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "-_.".unicodeScalars.contains($0) })
        ? nil : "it may contain only letters, digits, '-', '_' and '.'"
    case .kubernetesVersion:
      let parts = text.split(separator: ".", omittingEmptySubsequences: false)
      return parts.count == 2 && parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) ? nil : "write major.minor, such as 1.31"
    }
  }

  /// RFC 1123 label: 1 to 63 lowercase letters, digits or '-', starting and ending with a letter or digit.
  static func dnsLabelProblem(_ text: String) -> String? {
    if text.isEmpty { return "it is empty" }
    if text.utf8.count > 63 { return "it is longer than 63 characters" }
    guard text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
    else { return "it may contain only lowercase letters, digits and '-'" }
    guard text.first != "-", text.last != "-" else { return "it must start and end with a letter or a digit" }
    return nil
  }

  /// The format's name in a sentence: "is not a valid account ID".
  public var title: String {
    switch self {
    case .string: return "string"
    case .tagName: return "name"
    case .region: return "region"
    case .cidr: return "CIDR block"
    case .accountID: return "account ID"
    case .dnsLabel: return "RFC 1123 label"
    case .dnsSubdomain: return "RFC 1123 subdomain"
    case .eksClusterName: return "EKS cluster name"
    case .iamRoleName: return "IAM role name"
    case .accountName: return "account name"
    case .principal: return "principal"
    case .spiffeID: return "SPIFFE ID"
    case .labelValue: return "label value"
    case .kubernetesVersion: return "Kubernetes version"
    }
  }

  /// What a string of this format looks like, for error details.
  public var example: String {
    switch self {
    case .string, .tagName: return "any text"
    case .region: return "a region such as us-east-2"
    case .cidr: return "a block such as 10.20.0.0/16"
    case .accountID: return "12 digits, such as 123456789012"
    case .dnsLabel: return "lowercase letters, digits and '-', such as yelb"
    case .dnsSubdomain: return "lowercase letters, digits, '-' and '.', such as spire-agent-front"
    case .eksClusterName: return "letters, digits, '-' and '_', such as eks-cluster-frontend"
    case .iamRoleName: return "letters, digits and +=,.@_-, such as eks-cluster-frontend-access-role"
    case .accountName: return "a short name such as frontend"
    case .principal: return "a handle, or account:<name>, role:<account>/<role-name>, service:<name>.amazonaws.com"
    case .spiffeID: return "spiffe://<trust-domain>/<path>"
    case .labelValue: return "letters, digits, '-', '_' and '.', such as yelb-ui"
    case .kubernetesVersion: return "major.minor, such as 1.31"
    }
  }
}

extension Unicode.Scalar {
  var isASCIIAlphanumeric: Bool {
    ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
  }
}

/// The names of AWS's regions.
public enum Regions {
  public static let all: [String] = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "af-south-1",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
    "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
    "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
  ]
}
