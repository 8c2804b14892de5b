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

resource "azurerm_cosmosdb_sql_role_assignment" "reader" {
  resource_group_name = "rg"
  account_name        = azurerm_cosmosdb_account.main.name
  role_definition_id  = "${azurerm_cosmosdb_account.main.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000003" # expect: CDB010
  principal_id        = "11111111-2222-3333-4444-555555555555"
  scope               = "${azurerm_cosmosdb_account.main.id}/dbs/app"
}
