resource "azurerm_cosmosdb_account" "main" {
  name                          = "contoso-main"
  location                      = "westeurope"
  resource_group_name           = "rg"
  offer_type                    = "Standard"
  local_authentication_disabled = true

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_cosmosdb_sql_role_definition" "reader" {
  role_definition_id  = "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
  resource_group_name = "rg"
  account_name        = azurerm_cosmosdb_account.main.name
  name                = "reader"
  assignable_scopes   = [azurerm_cosmosdb_account.main.id]

  permissions {
    data_actions = ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read"]
  }
}

resource "azurerm_cosmosdb_sql_role_assignment" "by_written_id" {
  resource_group_name = "rg"
  account_name        = azurerm_cosmosdb_account.main.name
  role_definition_id  = "${azurerm_cosmosdb_account.main.id}/sqlRoleDefinitions/7A1C2B3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
  principal_id        = "11111111-2222-3333-4444-555555555555"
  scope               = "${azurerm_cosmosdb_account.main.id}/dbs/app"
}
