resource "azapi_resource" "account" {
  type      = "Microsoft.DocumentDB/databaseAccounts@2026-03-15"
  name      = "contoso-graph"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  location  = "westeurope"
  body = {
    properties = {
      databaseAccountOfferType           = "Standard"
      capabilities                       = [{ name = "EnableGremlin" }]
      disableLocalAuth                   = true
      disableKeyBasedMetadataWriteAccess = true
      locations                          = [{ locationName = "westeurope", failoverPriority = 0 }]
    }
  }
}

resource "azapi_resource" "writer" {
  type      = "Microsoft.DocumentDB/databaseAccounts/gremlinRoleDefinitions@2026-03-15"
  name      = "eeeeeeee-1111-2222-3333-444444444444"
  parent_id = azapi_resource.account.id
  body = {
    properties = {
      roleName         = "graph-writer"
      type             = "CustomRole"
      assignableScopes = [azapi_resource.account.id]
      permissions = [{
        dataActions = [
          "Microsoft.DocumentDB/databaseAccounts/readMetadata",
          "Microsoft.DocumentDB/databaseAccounts/gremlin/containers/entities/upsert",
        ]
      }]
    }
  }
}

resource "azapi_resource" "app" {
  type      = "Microsoft.DocumentDB/databaseAccounts/gremlinRoleAssignments@2026-03-15"
  name      = "ffffffff-1111-2222-3333-444444444444"
  parent_id = azapi_resource.account.id
  body = {
    properties = {
      roleDefinitionId = azapi_resource.writer.id
      principalId      = "11111111-2222-3333-4444-555555555555"
      scope            = azapi_resource.account.id # expect: CDB004
    }
  }
}
