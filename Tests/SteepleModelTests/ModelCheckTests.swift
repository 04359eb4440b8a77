import Foundation
import Steeple
import Testing

/// Each static check of the model, as the diagnostics a user sees: at the exact range, with
/// notes at the declarations involved and "did you mean" where a name is close.
@Suite("model checks")
struct ModelCheckTests {
  @Test("an unknown field, with did you mean")
  func unknownField() {
    let source = #"""
      account "a" { profile: "a", regoin: "us-east-2" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:1:1: error: account "a" is missing its field 'region'
       1 | account "a" { profile: "a", regoin: "us-east-2" }
         | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
         = help: add region (region): the region its resources live in, such as us-east-2
      model.spire:1:29: error: account has no field 'regoin'
       1 | account "a" { profile: "a", regoin: "us-east-2" }
         |                             ^~~~~~~~~~~~~~~~~~~
         = did you mean 'region'?
         = help: an account has the fields: profile, region, id, organization

      """#)
  }

  @Test("a field of the wrong type")
  func wrongType() {
    let source = #"""
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      cluster "c" in shared { cidr: "10.0.0.0/16", nodes: "3" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:3:46: error: 'nodes' must be an int, not the string "3"
       3 | cluster "c" in shared { cidr: "10.0.0.0/16", nodes: "3" }
         |                                              ^~~~~~~~~~
         = help: nodes is how many nodes the node group runs

      """#)
  }

  @Test("a missing required field")
  func missingField() {
    let source = #"""
      account "a" { profile: "a" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:1:1: error: account "a" is missing its field 'region'
       1 | account "a" { profile: "a" }
         | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~
         = help: add region (region): the region its resources live in, such as us-east-2

      """#)
  }

  @Test("a name declared twice, with a note at the first")
  func duplicateName() {
    let source = #"""
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      account "shared" { profile: "other", region: "us-east-1" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:3:9: error: account "shared" is declared twice
       3 | account "shared" { profile: "other", region: "us-east-1" }
         |         ^~~~~~~~
         = help: names are unique within a kind; rename one, or remove the second
      model.spire:1:22: note: first declared here
       1 | let shared = account "shared" { profile: "shared", region: "us-east-2" }
         |                      ^~~~~~~~

      """#)
  }

  @Test("two accounts reached through one profile")
  func duplicateProfile() {
    let source = #"""
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      account "audit" { profile: "shared", region: "us-east-1" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:3:19: error: accounts "shared" and "audit" use the same profile "shared"
       3 | account "audit" { profile: "shared", region: "us-east-1" }
         |                   ^~~~~~~~~~~~~~~~~
         = help: a profile reaches one account; declare the account once and use its handle
      model.spire:1:22: note: account "shared" is declared here
       1 | let shared = account "shared" { profile: "shared", region: "us-east-2" }
         |                      ^~~~~~~~

      """#)
  }

  @Test("a name where a handle is needed")
  func nameForHandle() {
    let source = #"""
      import "aws"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      aws.role("r", in: "shared", trust: [shared])
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:4:15: error: 'in' must be an account, not the string "shared"
       4 | aws.role("r", in: "shared", trust: [shared])
         |               ^~~~~~~~~~~~
         = help: pass the handle itself: the value of the account declaration, not its name

      """#)
  }

  @Test("a reference to a declaration of the wrong kind")
  func wrongKind() {
    let source = #"""
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      let c = cluster "c" in shared { cidr: "10.0.0.0/16" }
      cluster "d" in c { cidr: "10.1.0.0/16" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:4:16: error: 'account' must be an account, not cluster "c"
       4 | cluster "d" in c { cidr: "10.1.0.0/16" }
         |                ^
         = help: pass the handle of an account declaration
      model.spire:3:17: note: cluster "c" is declared here
       3 | let c = cluster "c" in shared { cidr: "10.0.0.0/16" }
         |                 ^~~

      """#)
  }

  @Test("a wrong-kind argument is named by the label it was written with: cluster: or in:")
  func writtenLabel() {
    let source = #"""
      import "aws"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let c = cluster "c" in shared { cidr: "10.0.0.0/16" }
      let r = aws.role("r", in: shared, trust: [shared])
      aws.cluster_access(cluster: shared, role: r)
      aws.cluster_access(in: shared, role: c)
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:5:20: error: 'cluster' must be a cluster, not account "shared"
       5 | aws.cluster_access(cluster: shared, role: r)
         |                    ^~~~~~~~~~~~~~~
         = help: pass the handle of a cluster declaration
      model.spire:2:22: note: account "shared" is declared here
       2 | let shared = account "shared" { profile: "shared", region: "us-east-2" }
         |                      ^~~~~~~~
      model.spire:6:20: error: 'in' must be a cluster, not account "shared"
       6 | aws.cluster_access(in: shared, role: c)
         |                    ^~~~~~~~~~
         = help: pass the handle of a cluster declaration
      model.spire:2:22: note: account "shared" is declared here
       2 | let shared = account "shared" { profile: "shared", region: "us-east-2" }
         |                      ^~~~~~~~
      model.spire:6:32: error: 'role' must be an aws.role, not cluster "c"
       6 | aws.cluster_access(in: shared, role: c)
         |                                ^~~~~~~
         = help: pass the handle of an aws.role declaration
      model.spire:3:17: note: cluster "c" is declared here
       3 | let c = cluster "c" in shared { cidr: "10.0.0.0/16" }
         |                 ^~~

      """#)
  }

  @Test("an account ID that is not 12 digits")
  func accountID() {
    let source = #"""
      account "a" { region: "us-east-2", id: "12345" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:1:36: error: "12345" is not a valid account ID: an account ID is exactly 12 digits
       1 | account "a" { region: "us-east-2", id: "12345" }
         |                                    ^~~~~~~~~~~
         = help: id takes 12 digits, such as 123456789012

      """#)
  }

  @Test("a region AWS does not have")
  func region() {
    let source = #"""
      account "a" { region: "us-east-3" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:1:15: error: "us-east-3" is not a valid region: AWS has no region of that name
       1 | account "a" { region: "us-east-3" }
         |               ^~~~~~~~~~~~~~~~~~~
         = did you mean 'us-east-1'?
         = help: region takes a region such as us-east-2

      """#)
  }

  @Test("an EKS cluster name that breaks EKS rules")
  func eksName() {
    let source = #"""
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      cluster "-bad.name" in shared { cidr: "10.0.0.0/16" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:3:9: error: "-bad.name" is not a valid name for a cluster: it must start with a letter or a digit
       3 | cluster "-bad.name" in shared { cidr: "10.0.0.0/16" }
         |         ^~~~~~~~~~~
         = help: a cluster's name is letters, digits, '-' and '_', such as eks-cluster-frontend

      """#)
  }

  @Test("a namespace name that is not an RFC 1123 label")
  func dnsLabel() {
    let source = #"""
      import "k8s"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      let c = cluster "c" in shared { cidr: "10.0.0.0/16" }
      k8s.namespace("Yelb_NS", in: c)
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:5:15: error: "Yelb_NS" is not a valid name for a k8s.namespace: it may contain only lowercase letters, digits and '-'
       5 | k8s.namespace("Yelb_NS", in: c)
         |               ^~~~~~~~~
         = help: a k8s.namespace's name is lowercase letters, digits and '-', such as yelb

      """#)
  }

  @Test("malformed CIDRs, and one with host bits set")
  func malformedCIDR() {
    let source = #"""
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      cluster "c" in shared { cidr: "10.0.0.1/16" }
      cluster "d" in shared { cidr: "10.300.0.0/16" }
      cluster "e" in shared { cidr: "10.4.0.0/12" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:3:25: error: "10.0.0.1/16" is not a valid CIDR block: bits after the /16 prefix are set; the block starts at 10.0.0.0/16
       3 | cluster "c" in shared { cidr: "10.0.0.1/16" }
         |                         ^~~~~~~~~~~~~~~~~~~
         = did you mean '10.0.0.0/16'?
         = help: cidr takes a block such as 10.20.0.0/16
      model.spire:4:25: error: "10.300.0.0/16" is not a valid CIDR block: write four numbers from 0 to 255 and a prefix length: 10.20.0.0/16
       4 | cluster "d" in shared { cidr: "10.300.0.0/16" }
         |                         ^~~~~~~~~~~~~~~~~~~~~
         = help: cidr takes a block such as 10.20.0.0/16
      model.spire:5:25: error: "10.4.0.0/12" is not a valid CIDR block: bits after the /12 prefix are set; the block starts at 10.0.0.0/12
       5 | cluster "e" in shared { cidr: "10.4.0.0/12" }
         |                         ^~~~~~~~~~~~~~~~~~~
         = did you mean '10.0.0.0/12'?
         = help: cidr takes a block such as 10.20.0.0/16

      """#)
  }

  @Test("overlapping CIDRs of networks on one transit gateway")
  func overlappingCIDR() {
    let source = #"""
      import "aws"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      let tgw = aws.transit_gateway("tgw", owner: shared, share_with: [frontend], allow_external_principals: true)
      cluster "a" in shared { cidr: "10.0.0.0/16", network: tgw }
      cluster "b" in frontend {
        cidr: "10.0.128.0/17"
        network: tgw
      }
      cluster "c" in frontend { cidr: "10.0.0.0/16" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:7:3: error: the network of cluster "b", 10.0.128.0/17, overlaps 10.0.0.0/16 of cluster "a"
       7 |   cidr: "10.0.128.0/17"
         |   ^~~~~~~~~~~~~~~~~~~~~
         = help: both are attached to aws.transit_gateway "tgw"; give each cluster a block of its own, such as the next free /16
      model.spire:5:25: note: cluster "a" has 10.0.0.0/16 here
       5 | cluster "a" in shared { cidr: "10.0.0.0/16", network: tgw }
         |                         ^~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a cluster on a network its account is not attached to")
  func networkNotShared() {
    let source = #"""
      import "aws"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      let tgw = aws.transit_gateway("tgw", owner: shared)
      cluster "b" in frontend { cidr: "10.1.0.0/16", network: tgw }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:5:48: error: cluster "b" uses aws.transit_gateway "tgw", which is not shared with account "frontend"
       5 | cluster "b" in frontend { cidr: "10.1.0.0/16", network: tgw }
         |                                                ^~~~~~~~~~~~
         = help: add the account to the gateway's share_with, or attach the cluster to a network its account can use
      model.spire:4:31: note: aws.transit_gateway "tgw" is owned by account "shared" and shared with no one
       4 | let tgw = aws.transit_gateway("tgw", owner: shared)
         |                               ^~~~~

      """#)
  }

  @Test("a trust that names no declared principal")
  func undeclaredPrincipal() {
    let source = #"""
      import "aws"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      aws.role("r", in: frontend, trust: ["account:sharde", "role:shared/nobody", "service:ec2.amazonaws.com"])
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:4:29: error: the trust of aws.role "r" names account "sharde", which is not declared
       4 | aws.role("r", in: frontend, trust: ["account:sharde", "role:shared/nobody", "service:ec2.amazonaws.com"])
         |                             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
         = did you mean 'account:shared'?
         = help: declare the account, or pass the handle of one that is
      model.spire:4:29: error: the trust of aws.role "r" names role "shared/nobody", which is not declared
       4 | aws.role("r", in: frontend, trust: ["account:sharde", "role:shared/nobody", "service:ec2.amazonaws.com"])
         |                             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
         = help: declare it with aws.role(...) (role:<account>/<role-name>), or pass its handle

      """#)
  }

  @Test("a malformed principal")
  func malformedPrincipal() {
    let source = #"""
      import "aws"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      aws.role("r", in: frontend, trust: ["arn:aws:iam::123456789012:root"])
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:4:29: error: "arn:aws:iam::123456789012:root" is not a valid principal: write account:<name>, role:<account>/<role-name> or service:<name>.amazonaws.com, or pass the handle
       4 | aws.role("r", in: frontend, trust: ["arn:aws:iam::123456789012:root"])
         |                             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
         = help: trust takes a handle, or account:<name>, role:<account>/<role-name>, service:<name>.amazonaws.com

      """#)
  }

  @Test("undeclared namespaces and service accounts, and a bad label")
  func kubernetesReferences() {
    let source = #"""
      import "k8s"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      let c = cluster "c" in shared { cidr: "10.0.0.0/16" }
      k8s.namespace("yelb", in: c)
      k8s.workload("ui", in: c, namespace: "yleb", containers: ["envoy"])
      k8s.workload("db", in: c, namespace: "yelb", service_account: "db", containers: ["db"], labels: { app: "-x" })
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:6:27: error: namespace "yleb" is not declared in cluster "c"
       6 | k8s.workload("ui", in: c, namespace: "yleb", containers: ["envoy"])
         |                           ^~~~~~~~~~~~~~~~~
         = did you mean 'yelb'?
         = help: declare it with k8s.namespace("yleb", in: ...)
      model.spire:7:46: error: service account "db" is not declared in namespace "yelb" of cluster "c"
       7 | k8s.workload("db", in: c, namespace: "yelb", service_account: "db", containers: ["db"], labels: { app: "-x" })
         |                                              ^~~~~~~~~~~~~~~~~~~~~
         = help: declare it with k8s.service_account("db", in: ..., namespace: "yelb"), or use "default"
      model.spire:7:89: error: "-x" is not a valid label value: it must start and end with a letter or a digit
       7 | k8s.workload("db", in: c, namespace: "yelb", service_account: "db", containers: ["db"], labels: { app: "-x" })
         |                                                                                         ^~~~~~~~~~~~~~~~~~~~~
         = help: labels takes letters, digits, '-', '_' and '.', such as yelb-ui

      """#)
  }

  @Test("an unknown check, with did you mean")
  func unknownCheck() {
    let source = #"""
      verify mtsl "a" -> "b"
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:1:8: error: there is no check named 'mtsl'
       1 | verify mtsl "a" -> "b"
         |        ^~~~
         = did you mean 'mtls'?
         = help: the checks are: attested, svid, mtls, denied, reachable, all

      """#)
  }

  @Test("name is not a field")
  func reservedField() {
    let source = #"""
      account "a" { region: "us-east-2", name: "b" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:1:36: error: account has no field 'name'
       1 | account "a" { region: "us-east-2", name: "b" }
         |                                    ^~~~~~~~~
         = help: a declaration's name is not a field: it is written after the keyword (or first, in a call)

      """#)
  }

  @Test("a function cannot be a field")
  func functionField() {
    let source = #"""
      account "a" { region: "us-east-2", profile: fn() { 1 } }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:1:36: error: 'profile' cannot hold a function
       1 | account "a" { region: "us-east-2", profile: fn() { 1 } }
         |                                    ^~~~~~~~~~~~~~~~~~~
         = help: a declaration's fields are plain data: strings, numbers, bools, lists, records and handles

      """#)
  }

  @Test("a node role from another account")
  func nodeRole() {
    let source = #"""
      import "aws"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      let r = aws.role("nodes", in: frontend, trust: ["service:ec2.amazonaws.com"])
      cluster "c" in shared { cidr: "10.0.0.0/16", node_role: r }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:5:46: error: the node role of cluster "c" is in account "frontend", not in account "shared"
       5 | cluster "c" in shared { cidr: "10.0.0.0/16", node_role: r }
         |                                              ^~~~~~~~~~~~
         = help: EC2 nodes can only use an instance role of their own account; declare the role in: shared
      model.spire:4:18: note: aws.role "nodes" is declared here
       4 | let r = aws.role("nodes", in: frontend, trust: ["service:ec2.amazonaws.com"])
         |                  ^~~~~~~

      """#)
  }

  @Test("an account in two organizations")
  func twoOrganizations() {
    let source = #"""
      import "aws"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      aws.organization("one", accounts: [shared, frontend])
      aws.organization("two", accounts: [frontend])
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:5:25: error: account "frontend" is already in organization "one"
       5 | aws.organization("two", accounts: [frontend])
         |                         ^~~~~~~~~~~~~~~~~~~~
         = help: an AWS account belongs to one organization at a time
      model.spire:4:18: note: aws.organization "one" is declared here
       4 | aws.organization("one", accounts: [shared, frontend])
         |                  ^~~~~

      """#)
  }

  @Test("a wrong value in a record field of a mesh")
  func meshServer() {
    let source = #"""
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let c = cluster "c" in shared { cidr: "10.0.0.0/16" }
      mesh "m" { server: { cluster: c, namspace: "spire" } }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:3:12: error: 'server' has no field 'namspace'
       3 | mesh "m" { server: { cluster: c, namspace: "spire" } }
         |            ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
         = did you mean 'namespace'?
         = help: its fields are: cluster, namespace, service_account, role, expose, port

      """#)
  }

  @Test("a host function's unknown argument, at the argument")
  func hostArgument() {
    let source = #"""
      import "aws"
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
      aws.transit_gateway("tgw", owner: shared, share_wiht: [frontend])
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:4:43: error: aws.transit_gateway has no field 'share_wiht'
       4 | aws.transit_gateway("tgw", owner: shared, share_wiht: [frontend])
         |                                           ^~~~~~~~~~~~~~~~~~~~~~
         = did you mean 'share_with'?
         = help: an aws.transit_gateway has the fields: owner, share_with, share_name, amazon_side_asn, auto_accept_shared_attachments, allow_external_principals

      """#)
  }

  @Test("a node role that does not trust EC2")
  func nodeRoleTrust() {
    let source = #"""
      import "aws"
      let shared = account "shared" { region: "us-east-2" }
      let r = aws.role("nodes", in: shared, trust: [shared])
      cluster "c" in shared { cidr: "10.0.0.0/16", node_role: r }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:4:46: error: the node role of cluster "c" does not trust EC2
       4 | cluster "c" in shared { cidr: "10.0.0.0/16", node_role: r }
         |                                              ^~~~~~~~~~~~
         = help: nodes are EC2 instances: add "service:ec2.amazonaws.com" to the role's trust
      model.spire:3:18: note: aws.role "nodes" is declared here
       3 | let r = aws.role("nodes", in: shared, trust: [shared])
         |                  ^~~~~~~
      
      """#)
  }
}

extension ModelCheckTests {
  @Test("a handle of a declaration this run did not make")
  func undeclaredReference() throws {
    let earlier = ModelTestSupport.session().run(source: #"account "gone" { region: "us-east-2" }"#)
    let handle = try #require(earlier.value)
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.globals = ["gone": handle]
    let outcome = Session(configuration).run(source: #"cluster "c" in gone { cidr: "10.0.0.0/16" }"#, name: "model.spire")
    #expect(DiagnosticRenderer(colors: false).render(outcome.diagnostics) == #"""
      model.spire:1:16: error: 'account' refers to account "gone", which this program does not declare
       1 | cluster "c" in gone { cidr: "10.0.0.0/16" }
         |                ^~~~
         = help: declare it in this run of the program, or refer to one that is declared

      """#)
  }
}

/// The model's checks on every script in the repository: whatever the scripts hold, the checks end
/// with diagnostics, never a crash.
@Suite("model checks on every script")
struct ModelRobustnessTests {
  static let scripts: [String] = {
    let root = ModelTestSupport.packageRoot
    let enumerator = FileManager.default.enumerator(atPath: root.path)
    var found: [String] = []
    while let path = enumerator?.nextObject() as? String {
      if path.hasPrefix(".build") || path.hasPrefix(".git") { enumerator?.skipDescendants(); continue }
      if path.hasSuffix(".spire") { found.append(path) }
    }
    return found.sorted()
  }()

  @Test("there are scripts to check")
  func found() { #expect(Self.scripts.count >= 10) }

  @Test("every script's topology checks without a crash, and a second run gives the same diagnostics", arguments: scripts)
  func check(_ path: String) throws {
    let url = ModelTestSupport.packageRoot.appendingPathComponent(path)
    let text = try String(contentsOf: url, encoding: .utf8)
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.maxSteps = 1_000_000
    configuration.searchPath = [url.deletingLastPathComponent().path]
    configuration.standardLibrary = ModelTestSupport.packageRoot.appendingPathComponent("stdlib").path
    let session = Session(configuration)
    let render = { DiagnosticRenderer(colors: false).render(session.run(source: text, name: path).diagnostics) }
    #expect(render() == render())
  }
}
