resource "azapi_resource" "graph_writer" {
  type      = "Microsoft.DocumentDB/databaseAccounts/gremlinRoleDefinitions@2026-03-15"
  name      = "bbbbbbbb-1111-2222-3333-444444444444"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/contoso-graph"
  body = {
    properties = {
      roleName         = "graph-writer"
      type             = "CustomRole"
      assignableScopes = ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/contoso-graph"]
      permissions = [{
        dataActions = [
          "Microsoft.DocumentDB/databaseAccounts/gremlin/containers/*", # expect: CDB003
        ]
      }]
    }
  }
}

resource "azapi_resource" "mongo_writer" {
  type      = "Microsoft.DocumentDB/databaseAccounts/mongoMIRoleDefinitions@2026-03-15"
  name      = "cccccccc-1111-2222-3333-444444444444"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/contoso-mongo"
  body = jsonencode({
    properties = {
      roleName         = "mongo-writer"
      type             = "CustomRole"
      assignableScopes = ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/contoso-mongo"]
      permissions = [{
        dataActions = [
          "Microsoft.DocumentDB/databaseAccounts/readMetadata",
          "Microsoft.DocumentDB/databaseAccounts/*", # expect: CDB003
        ]
      }]
    }
  })
}
