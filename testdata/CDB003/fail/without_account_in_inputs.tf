resource "azurerm_cosmosdb_sql_role_definition" "custom" {
  name                = "custom"
  resource_group_name = "rg"
  account_name        = "existing-account"
  assignable_scopes   = ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/existing-account"]

  permissions {
    data_actions = ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*"] # expect: CDB003
  }
}
