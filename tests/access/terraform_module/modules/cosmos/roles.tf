resource "azurerm_cosmosdb_sql_role_definition" "reader" {
  role_definition_id  = "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
  resource_group_name = "rg-data"
  account_name        = azurerm_cosmosdb_account.this.name
  name                = "orders-reader"
  assignable_scopes   = [azurerm_cosmosdb_account.this.id]

  permissions {
    data_actions = [
      "Microsoft.DocumentDB/databaseAccounts/readMetadata",
      "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*",
    ]
  }
}

resource "azurerm_cosmosdb_sql_role_assignment" "app" {
  resource_group_name = "rg-data"
  account_name        = azurerm_cosmosdb_account.this.name
  role_definition_id  = azurerm_cosmosdb_sql_role_definition.reader.id
  principal_id        = var.app_principal
  scope               = "${azurerm_cosmosdb_account.this.id}/dbs/orders"
}

resource "azurerm_cosmosdb_sql_role_assignment" "reporting" {
  resource_group_name = "rg-data"
  account_name        = azurerm_cosmosdb_account.this.name
  role_definition_id  = "${azurerm_cosmosdb_account.this.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001"
  principal_id        = "33333333-4444-5555-6666-777777777777"
  scope               = azurerm_cosmosdb_account.this.id
}
