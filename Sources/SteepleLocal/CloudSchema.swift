import GRDB

/// The database schema, versioned as GRDB migrations: a database made by an older Steeple is brought
/// up to date on open, and one made by a newer Steeple is refused.
enum CloudSchema {
  /// Every migration's identifier, oldest first.
  static var migrationIdentifiers: [String] { migrator.migrations }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: accounts, IAM, RAM, networks, EKS, Kubernetes objects") { db in
      // What the provider manages: one row a resource, its attributes as last applied.
      try db.create(table: "resource") { t in
        t.column("type", .text).notNull()
        t.column("name", .text).notNull()
        t.column("account", .text)
        t.column("cluster", .text)
        t.column("attributes", .jsonText).notNull()
        t.column("dependencies", .jsonText).notNull()
        t.primaryKey(["type", "name"])
      }
      // Which resource depends on which, for "what still needs this?" before a delete.
      try db.create(table: "resourceDependency") { t in
        t.column("type", .text).notNull()
        t.column("name", .text).notNull()
        t.column("dependsOnType", .text).notNull()
        t.column("dependsOnName", .text).notNull()
        t.primaryKey(["type", "name", "dependsOnType", "dependsOnName"])
        t.foreignKey(["type", "name"], references: "resource", onDelete: .cascade)
      }
      try db.create(index: "resourceDependencyByTarget", on: "resourceDependency", columns: ["dependsOnType", "dependsOnName"])
      // How many times each thing has been made, so a re-created one gets fresh IDs.
      try db.create(table: "incarnation") { t in
        t.primaryKey("key", .text)
        t.column("count", .integer).notNull()
      }
      try db.create(table: "organization") { t in
        t.primaryKey("name", .text)
        t.column("id", .text).notNull().unique()
        t.column("accounts", .jsonText).notNull()
      }
      try db.create(table: "account") { t in
        t.primaryKey("name", .text)
        t.column("id", .text).notNull().unique()
        t.column("profile", .text).notNull()
        t.column("region", .text).notNull()
        t.column("organization", .text)
      }
      try db.create(table: "role") { t in
        t.column("account", .text).notNull().references("account", onDelete: .restrict)
        t.column("roleName", .text).notNull()
        t.column("arn", .text).notNull().unique()
        t.column("trust", .jsonText).notNull()
        t.column("policies", .jsonText).notNull()
        t.primaryKey(["account", "roleName"])
      }
      try db.create(table: "transitGateway") { t in
        t.primaryKey("name", .text)
        t.column("account", .text).notNull().references("account", onDelete: .restrict)
        t.column("id", .text).notNull().unique()
        t.column("amazonSideAsn", .integer).notNull()
        t.column("autoAcceptSharedAttachments", .boolean).notNull()
      }
      try db.create(table: "resourceShare") { t in
        t.primaryKey("name", .text)
        t.column("account", .text).notNull().references("account", onDelete: .restrict)
        t.column("arn", .text).notNull().unique()
        t.column("resources", .jsonText).notNull()
        t.column("allowExternalPrincipals", .boolean).notNull()
      }
      // One row per (share, receiving account): RAM's association, with its invitation when the
      // receiver is outside the owner's organization.
      try db.create(table: "shareInvitation") { t in
        t.column("share", .text).notNull().references("resourceShare", onDelete: .cascade)
        t.column("account", .text).notNull()
        t.column("arn", .text).notNull()
        // PENDING, ACCEPTED, or ASSOCIATED (inside one organization: no invitation needed)
        t.column("status", .text).notNull()
        t.primaryKey(["share", "account"])
      }
      try db.create(table: "vpc") { t in
        t.primaryKey("name", .text)
        t.column("account", .text).notNull().references("account", onDelete: .restrict)
        t.column("id", .text).notNull().unique()
        t.column("cidr", .text).notNull()
        t.column("subnets", .jsonText).notNull()
      }
      try db.create(table: "attachment") { t in
        t.primaryKey("vpc", .text).references("vpc", onDelete: .restrict)
        t.column("account", .text).notNull()
        t.column("transitGateway", .text).notNull().references("transitGateway", onDelete: .restrict)
        t.column("id", .text).notNull().unique()
        // available, or pendingAcceptance for a cross-account attachment the owner must accept
        t.column("state", .text).notNull()
        t.column("createdOrder", .integer).notNull()
      }
      try db.create(index: "attachmentByOrder", on: "attachment", columns: ["createdOrder"])
      try db.create(index: "attachmentByGateway", on: "attachment", columns: ["transitGateway"])
      try db.create(table: "route") { t in
        t.column("vpc", .text).notNull().references("vpc", onDelete: .restrict)
        t.column("destination", .text).notNull()
        t.column("transitGateway", .text).notNull()
        t.primaryKey(["vpc", "destination"])
      }
      try db.create(table: "cluster") { t in
        t.primaryKey("name", .text)
        t.column("account", .text).notNull().references("account", onDelete: .restrict)
        t.column("vpc", .text).notNull().references("vpc", onDelete: .restrict)
        t.column("version", .text).notNull()
        t.column("endpoint", .text).notNull()
        t.column("arn", .text).notNull()
        t.column("oidcIssuer", .text).notNull()
        // The service-account token issuer's P-256 private key (raw scalar) and its key ID.
        t.column("signingKey", .blob).notNull()
        t.column("keyID", .text).notNull()
        t.column("uid", .text).notNull()
      }
      try db.create(index: "clusterByVPC", on: "cluster", columns: ["vpc"])
      try db.create(table: "nodegroup") { t in
        t.primaryKey("cluster", .text).references("cluster", onDelete: .restrict)
        t.column("size", .integer).notNull()
        t.column("instanceType", .text).notNull()
        // The IAM role (`<account>/<role-name>`) EC2 hands the nodes through their instance profile.
        t.column("nodeRole", .text)
      }
      try db.create(table: "node") { t in
        t.column("cluster", .text).notNull().references("cluster", onDelete: .cascade)
        t.column("ordinal", .integer).notNull()
        t.column("name", .text).notNull()
        t.column("uid", .text).notNull()
        t.column("ip", .text).notNull()
        t.primaryKey(["cluster", "name"])
      }
      // Every private address handed out in a VPC (nodes and pods), so none is given twice.
      try db.create(table: "address") { t in
        t.column("vpc", .text).notNull().references("vpc", onDelete: .cascade)
        t.column("ip", .text).notNull()
        t.column("holder", .text).notNull()
        t.primaryKey(["vpc", "ip"])
      }
      try db.create(table: "access") { t in
        t.column("cluster", .text).notNull().references("cluster", onDelete: .restrict)
        t.column("roleArn", .text).notNull()
        t.column("mode", .text).notNull()
        t.column("username", .text).notNull()
        t.column("groups", .jsonText).notNull()
        // EKS access policies associated with an access entry, by name.
        t.column("accessPolicies", .jsonText).notNull()
        t.primaryKey(["cluster", "roleArn"])
      }
      try db.create(table: "namespace") { t in
        t.column("cluster", .text).notNull().references("cluster", onDelete: .restrict)
        t.column("name", .text).notNull()
        t.column("uid", .text).notNull()
        t.primaryKey(["cluster", "name"])
      }
      try db.create(table: "serviceAccount") { t in
        t.column("cluster", .text).notNull()
        t.column("namespace", .text).notNull()
        t.column("name", .text).notNull()
        t.column("uid", .text).notNull()
        // Made by the cluster itself (every namespace's `default`), not by a resource.
        t.column("automatic", .boolean).notNull()
        t.primaryKey(["cluster", "namespace", "name"])
        t.foreignKey(["cluster", "namespace"], references: "namespace", onDelete: .cascade)
      }
      try db.create(table: "pod") { t in
        t.column("cluster", .text).notNull()
        t.column("namespace", .text).notNull()
        t.column("name", .text).notNull()
        t.column("uid", .text).notNull()
        t.column("serviceAccount", .text).notNull()
        t.column("labels", .jsonText).notNull()
        t.column("containers", .jsonText).notNull()
        t.column("requestedNode", .text)
        // Empty while the pod is Pending (no node to run on).
        t.column("node", .text).notNull()
        t.column("ip", .text).notNull()
        t.primaryKey(["cluster", "namespace", "name"])
        t.foreignKey(["cluster", "namespace"], references: "namespace", onDelete: .restrict)
      }
    }
    migrator.registerMigration("v2: the embedded SPIRE: servers, keys, entries, agents, SVIDs") { db in
      // One SPIRE server a trust domain: its CA's rotation state (certificates only) and the revision
      // of its entry store.
      try db.create(table: "spireServer") { t in
        t.primaryKey("trustDomain", .text)
        t.column("ca", .jsonText).notNull()
        t.column("entryRevision", .integer).notNull()
      }
      // Private keys (PKCS#8 DER), only here: CA keys by `ca/<key id>`, SVID keys by `svid/<serial>`.
      // The database is owner-only (0600 in a 0700 directory); no output, log or journal reads this table.
      try db.create(table: "spireKey") { t in
        t.column("trustDomain", .text).notNull().references("spireServer", onDelete: .cascade)
        t.column("name", .text).notNull()
        t.column("pkcs8", .blob).notNull()
        t.primaryKey(["trustDomain", "name"])
      }
      // Registration entries, in creation order, with SPIRE's revision numbers.
      try db.create(table: "spireEntry") { t in
        t.column("trustDomain", .text).notNull().references("spireServer", onDelete: .cascade)
        t.column("id", .text).notNull()
        t.column("ordinal", .integer).notNull()
        t.column("spiffeID", .text).notNull()
        t.column("parentID", .text).notNull()
        t.column("revisionNumber", .integer).notNull()
        t.column("entry", .jsonText).notNull()
        t.primaryKey(["trustDomain", "id"])
      }
      // Attested agents: where they run, their node selectors, their own SVID (its key in spireKey).
      try db.create(table: "spireAgent") { t in
        t.column("trustDomain", .text).notNull().references("spireServer", onDelete: .cascade)
        t.column("agentID", .text).notNull()
        t.column("cluster", .text).notNull()
        t.column("namespace", .text).notNull()
        t.column("pod", .text).notNull()
        t.column("node", .text).notNull()
        t.column("selectors", .jsonText).notNull()
        t.column("certificate", .blob).notNull()
        t.column("authority", .blob).notNull()
        t.column("serial", .text).notNull()
        t.column("attestedAt", .double).notNull()
        t.primaryKey(["trustDomain", "agentID"])
      }
      // Workload SVIDs an agent holds, one an (entry, agent).
      try db.create(table: "spireSVID") { t in
        t.column("trustDomain", .text).notNull().references("spireServer", onDelete: .cascade)
        t.column("entryID", .text).notNull()
        t.column("agentID", .text).notNull()
        t.column("spiffeID", .text).notNull()
        t.column("certificate", .blob).notNull()
        t.column("authority", .blob).notNull()
        t.column("serial", .text).notNull()
        t.column("notAfter", .double).notNull()
        t.primaryKey(["trustDomain", "entryID", "agentID"])
      }
    }
    SPIRERuntimeSchema.register(in: &migrator)
    migrator.registerMigration("v3-mesh-policy: the mesh's services and admissions") { db in
      // One row a mesh.service: the policy its proxy enforces (lists as JSON).
      try db.create(table: "meshService") { t in
        t.primaryKey("name", .text)
        t.column("trustDomain", .text).notNull()
        t.column("service", .text).notNull()
        t.column("identity", .text).notNull()
        t.column("cluster", .text).notNull()
        t.column("namespace", .text).notNull()
        t.column("workload", .text).notNull()
        t.column("port", .integer).notNull()
        t.column("protocol", .text).notNull()
        t.column("tls", .text).notNull()
        t.column("allow", .jsonText).notNull()
        t.column("calls", .jsonText).notNull()
        t.column("public", .boolean).notNull()
        t.column("proxy", .text).notNull()
      }
      // One row a mesh.allow; it goes with the service it admits to.
      try db.create(table: "meshAllow") { t in
        t.primaryKey("name", .text)
        t.column("trustDomain", .text).notNull()
        t.column("to", .text).notNull().references("meshService", onDelete: .cascade)
        t.column("from", .text).notNull()
        t.column("reason", .text)
      }
    }
    MeshStatsSchema.register(in: &migrator)
    return migrator
  }
}
