# A small Cosmos DB for NoSQL setup with the mistakes cosmolint looks for.

variable "disable_local_auth" {
  type    = bool
  default = false
}

variable "database" {
  type    = string
  default = "app"
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  local_authentication_disabled = var.disable_local_auth

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_cosmosdb_sql_role_definition" "writer" {
  name                = "orders-writer"
  resource_group_name = "rg-orders"
  account_name        = azurerm_cosmosdb_account.main.name
  assignable_scopes   = [azurerm_cosmosdb_account.main.id]

  permissions {
    data_actions = [
      "Microsoft.DocumentDB/databaseAccounts/readMetadata",
      "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*",
    ]
  }
}

resource "azurerm_cosmosdb_sql_role_assignment" "api" {
  resource_group_name = "rg-orders"
  account_name        = azurerm_cosmosdb_account.main.name
  role_definition_id  = azurerm_cosmosdb_sql_role_definition.writer.id
  principal_id        = "11111111-2222-3333-4444-555555555555"
  scope               = azurerm_cosmosdb_account.main.id
}

resource "azurerm_cosmosdb_sql_role_assignment" "reporting" {
  resource_group_name = "rg-orders"
  account_name        = azurerm_cosmosdb_account.main.name
  role_definition_id  = "${azurerm_cosmosdb_account.main.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001"
  principal_id        = "66666666-7777-8888-9999-000000000000"
  scope               = "${azurerm_cosmosdb_account.main.id}/dbs/${var.database}"
}
