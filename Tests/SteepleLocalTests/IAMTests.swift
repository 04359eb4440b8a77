import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

@Suite("IAM and STS")
struct IAMTests {
  @Test func accountIDsAreTwelveDigitsDerivedFromTheProfile() async throws {
    let id = LocalCloud.accountID(forProfile: "frontend")
    #expect(id.count == 12 && id.allSatisfy(\.isNumber))
    #expect(LocalCloud.accountID(forProfile: "frontend") == id)
    #expect(LocalCloud.accountID(forProfile: "backend") != id)
    let fixture = try CloudFixture()
    let observed = try await fixture.create(resource("aws.account", "front", account: "front", ["profile": "frontend", "region": "us-east-2"]))
    #expect(observed.outputs == [ModelField("id", .string(id)), ModelField("arn", .string("arn:aws:iam::\(id):root"))])
  }

  @Test func twoAccountsCannotShareAProfile() async throws {
    let fixture = try CloudFixture()
    try await fixture.create(resource("aws.account", "a", account: "a", ["profile": "p", "region": "us-east-2"]))
    let error = await fixture.failure(resource("aws.account", "b", account: "b", ["profile": "p", "region": "us-east-2"]))
    #expect(error?.code == "EntityAlreadyExists")
    #expect(error?.address == address("aws.account", "b"))
  }

  @Test func aRoleTrustedByTheCallersRoleCanBeAssumedAcrossAccounts() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let node = try fixture.cloud.serviceCredentials(
      role: "shared/node-instance-role", service: "ec2.amazonaws.com", sessionName: "i-0123456789abcdef0")
    let sharedID = LocalCloud.accountID(forProfile: "shared")
    #expect(node.arn == "arn:aws:sts::\(sharedID):assumed-role/node-instance-role/i-0123456789abcdef0")
    let frontendID = LocalCloud.accountID(forProfile: "frontend")
    let roleArn = "arn:aws:iam::\(frontendID):role/eks-cluster-frontend-access-role"
    let assumed = try fixture.cloud.assumeRole(roleArn, with: node, sessionName: "spire-server")
    #expect(assumed.account == "frontend")
    #expect(assumed.arn == "arn:aws:sts::\(frontendID):assumed-role/eks-cluster-frontend-access-role/spire-server")
    #expect(assumed.roleArn == roleArn)
    #expect(assumed.chained)
  }

  @Test func anUntrustedPrincipalIsDeniedInAWSsWords() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    // The backend's role trusts the shared node role, not the frontend account.
    let backendID = LocalCloud.accountID(forProfile: "backend")
    let frontendID = LocalCloud.accountID(forProfile: "frontend")
    let roleArn = "arn:aws:iam::\(backendID):role/eks-cluster-backend-access-role"
    let frontend = try fixture.cloud.rootCredentials(account: "frontend")
    let error = #expect(throws: ProviderError.self) {
      try fixture.cloud.assumeRole(roleArn, with: frontend, sessionName: "intruder")
    }
    #expect(error?.code == "AccessDenied")
    #expect(
      error?.message
        == "User: arn:aws:iam::\(frontendID):root is not authorized to perform: sts:AssumeRole on resource: \(roleArn)")

    // A role session of the wrong role is named as STS names it.
    let frontendRole = try fixture.cloud.assumeRole(
      "arn:aws:iam::\(frontendID):role/eks-cluster-frontend-access-role",
      with: try fixture.cloud.serviceCredentials(role: "shared/node-instance-role", service: "ec2.amazonaws.com", sessionName: "node"),
      sessionName: "hop")
    let second = #expect(throws: ProviderError.self) {
      try fixture.cloud.assumeRole(roleArn, with: frontendRole, sessionName: "hop2")
    }
    #expect(
      second?.message
        == "User: arn:aws:sts::\(frontendID):assumed-role/eks-cluster-frontend-access-role/hop is not authorized to perform: sts:AssumeRole on resource: \(roleArn)"
    )
    // A role that does not exist is denied the same way, as STS does.
    let missing = "arn:aws:iam::\(backendID):role/nope"
    let third = #expect(throws: ProviderError.self) { try fixture.cloud.assumeRole(missing, with: frontend, sessionName: "x1") }
    #expect(third?.code == "AccessDenied")
  }

  @Test func anAccountPrincipalAdmitsItsRootAndItsRoles() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { $0.address.type == "aws.account" })
    try await fixture.create(resource("iam.role", "backend/admin", account: "backend", ["role_name": "admin", "trust": ["account:shared"]]))
    let roleArn = "arn:aws:iam::\(LocalCloud.accountID(forProfile: "backend")):role/admin"
    let assumed = try fixture.cloud.assumeRole(roleArn, with: try fixture.cloud.rootCredentials(account: "shared"), sessionName: "ops")
    #expect(assumed.account == "backend")
    #expect(!assumed.chained)
  }

  @Test func roleChainingIsLimitedToOneHour() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let node = try fixture.cloud.serviceCredentials(role: "shared/node-instance-role", service: "ec2.amazonaws.com", sessionName: "node")
    let roleArn = "arn:aws:iam::\(LocalCloud.accountID(forProfile: "frontend")):role/eks-cluster-frontend-access-role"
    let error = #expect(throws: ProviderError.self) {
      try fixture.cloud.assumeRole(roleArn, with: node, sessionName: "long", durationSeconds: 7200)
    }
    #expect(error?.code == "ValidationError")
    #expect(error?.message == "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
  }

  @Test func aServiceGetsRoleCredentialsOnlyWhenTheRoleTrustsIt() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let error = #expect(throws: ProviderError.self) {
      try fixture.cloud.serviceCredentials(role: "frontend/eks-cluster-frontend-access-role", service: "ec2.amazonaws.com", sessionName: "i-1")
    }
    #expect(error?.code == "AccessDenied")
    #expect(error?.message.hasPrefix("User: ec2.amazonaws.com is not authorized to perform: sts:AssumeRole") == true)
  }

  @Test func aTrustPolicyNamingAnUnknownPrincipalIsMalformed() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { $0.address.type == "aws.account" })
    let role = resource("iam.role", "frontend/r", account: "frontend", ["role_name": "r", "trust": ["role:shared/missing-role"]])
    let error = await fixture.failure(role)
    #expect(error?.code == "MalformedPolicyDocument")
    #expect(
      error?.message == "Invalid principal in policy: \"AWS\":\"arn:aws:iam::\(LocalCloud.accountID(forProfile: "shared")):role/missing-role\"")
    #expect(error?.address == role.address)
  }

  @Test func expiredCredentialsAreRefused() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let stale = AWSCredentials(
      account: "shared", accountID: LocalCloud.accountID(forProfile: "shared"), arn: "arn:aws:sts::x:assumed-role/r/s",
      roleArn: nil, roleResource: nil, sessionName: "s", chained: false, expiration: Date(timeIntervalSinceNow: -10))
    let error = #expect(throws: ProviderError.self) {
      try fixture.cloud.assumeRole("arn:aws:iam::1:role/x", with: stale, sessionName: "s2")
    }
    #expect(error?.code == "ExpiredToken")
  }
}

@Suite("Accounts")
struct AccountTests {
  @Test func aDeclaredAccountIDIsKept() async throws {
    let fixture = try CloudFixture()
    let observed = try await fixture.create(
      resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2", "id": "111122223333"]))
    #expect(observed.outputs.first == ModelField("id", .string("111122223333")))
    let error = await fixture.failure(resource("aws.account", "b", account: "b", ["profile": "b", "region": "us-east-2", "id": "1234"]))
    #expect(error?.message == "Account ID '1234' is invalid: an AWS account ID is 12 digits")
  }

  @Test func anUnknownRegionCannotBeReached() async throws {
    let fixture = try CloudFixture()
    let error = await fixture.failure(resource("aws.account", "a", account: "a", ["profile": "a", "region": "mars-1"]))
    #expect(error?.message == "Could not connect to the endpoint URL: \"https://sts.mars-1.amazonaws.com/\" (no such region)")
  }

  @Test func aNodeRoleMustTrustEC2() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { ["aws.account", "ec2.vpc", "eks.cluster"].contains($0.address.type) })
    try await fixture.create(resource("iam.role", "shared/plain", account: "shared", ["role_name": "plain", "trust": ["account:shared"]]))
    let error = await fixture.failure(
      resource("eks.nodegroup", "eks-cluster-shared/nodegroup", account: "shared", cluster: "eks-cluster-shared", [
        "nodes": 1, "node_role": "shared/plain",
      ]))
    #expect(error?.code == "InvalidParameterException")
    #expect(error?.message.hasSuffix("cannot be assumed by ec2.amazonaws.com: its trust policy must name that service") == true)
  }
}
