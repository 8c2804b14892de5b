resource "azurerm_cosmosdb_sql_role_assignment" "app" {
  resource_group_name = "rg"
  account_name        = "acc"
  role_definition_id  = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002"
  principal_id        = "11111111-2222-3333-4444-555555555555"
  scope               = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc" # expect: CDB004
}
