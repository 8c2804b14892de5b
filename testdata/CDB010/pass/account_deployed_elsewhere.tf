# The account and its roles live in another configuration: the role may be defined there.
resource "azurerm_cosmosdb_sql_role_assignment" "app" {
  resource_group_name = "rg"
  account_name        = "shared-account"
  role_definition_id  = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/shared-account/sqlRoleDefinitions/5c2a9d1e-3b4f-4e6a-9c8d-7f1e2d3c4b5a"
  principal_id        = "11111111-2222-3333-4444-555555555555"
  scope               = "/dbs/app"
}
