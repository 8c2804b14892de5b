resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-main"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
  local_authentication_disabled = true
  access_key_metadata_writes_enabled = false

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_cosmosdb_sql_role_definition" "writer" {
  name                = "writer"
  resource_group_name = "rg"
  account_name        = azurerm_cosmosdb_account.main.name
  type                = "CustomRole"
  assignable_scopes   = [azurerm_cosmosdb_account.main.id]

  permissions {
    data_actions = ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create"]
  }
}

resource "azurerm_cosmosdb_sql_role_assignment" "app" {
  resource_group_name = "rg"
  account_name        = azurerm_cosmosdb_account.main.name
  role_definition_id  = azurerm_cosmosdb_sql_role_definition.writer.id
  principal_id        = "11111111-2222-3333-4444-555555555555"
  scope               = azurerm_cosmosdb_account.main.id # expect: CDB004
}
