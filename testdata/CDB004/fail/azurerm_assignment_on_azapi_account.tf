resource "azapi_resource" "account" {
  type      = "Microsoft.DocumentDB/databaseAccounts@2024-05-15"
  name      = "contoso-orders"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  location  = "westeurope"
  body = {
    properties = {
      databaseAccountOfferType           = "Standard"
      disableLocalAuth                   = true
      disableKeyBasedMetadataWriteAccess = true
      locations                          = [{ locationName = "westeurope", failoverPriority = 0 }]
    }
  }
}

resource "azurerm_cosmosdb_sql_role_assignment" "app" {
  resource_group_name = "rg"
  account_name        = "contoso-orders"
  role_definition_id  = "${azapi_resource.account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002"
  principal_id        = "11111111-2222-3333-4444-555555555555"
  scope               = azapi_resource.account.id # expect: CDB004
}
