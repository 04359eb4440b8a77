/// CloudFormation's intrinsic functions in their long form (`Ref`, `Fn::GetAtt`), which every YAML
/// and JSON reader takes as plain maps (the short `!Ref` tags need CloudFormation's own reader).
enum CFN {
  static func ref(_ name: String) -> YAMLNode { .map([YAMLEntry("Ref", .string(name))]) }

  static func getAtt(_ logicalID: String, _ attribute: String) -> YAMLNode {
    .map([YAMLEntry("Fn::GetAtt", .strings([logicalID, attribute]))])
  }

  static func sub(_ text: String) -> YAMLNode { .map([YAMLEntry("Fn::Sub", .string(text))]) }

  static func join(_ separator: String, _ list: YAMLNode) -> YAMLNode {
    .map([YAMLEntry("Fn::Join", .list([.string(separator), list]))])
  }

  /// The `index`th availability zone of the stack's region.
  static func availabilityZone(_ index: Int) -> YAMLNode {
    .map([YAMLEntry("Fn::Select", .list([.string(String(index)), .map([YAMLEntry("Fn::GetAZs", .string(""))])]))])
  }

  /// An IAM policy document: the policy language's version and `statements`.
  static func policyDocument(_ statements: [YAMLNode]) -> YAMLNode {
    .object([("Version", .string("2012-10-17")), ("Statement", .list(statements))])
  }

  /// The trust policy of a role that an AWS service (`eks.amazonaws.com`) assumes.
  static func serviceTrust(_ service: String) -> YAMLNode {
    policyDocument([
      .object([("Effect", .string("Allow")), ("Principal", .object([("Service", .strings([service]))])), ("Action", .string("sts:AssumeRole"))])
    ])
  }

  /// An AWS managed policy's ARN, in the stack's partition.
  static func managedPolicy(_ name: String) -> YAMLNode { sub("arn:${AWS::Partition}:iam::aws:policy/\(name)") }

  /// A `Name` tag (and any others), as EC2 takes tags.
  static func tags(_ pairs: [(String, String)]) -> YAMLNode {
    .list(pairs.map { .object([("Key", .string($0.0)), ("Value", .string($0.1))]) })
  }

  /// A logical ID from any text: its letters and digits, each word capitalized
  /// (`eks-cluster-frontend` → `EksClusterFrontend`); digits of two numbers are kept apart by `x`.
  static func logicalID(_ parts: String...) -> String {
    var out = ""
    for part in parts {
      for word in part.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
        if let last = out.last, last.isNumber, word.first?.isNumber == true { out += "x" }
        out += word.prefix(1).uppercased() + word.dropFirst()
      }
    }
    return out
  }
}
