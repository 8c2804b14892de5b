resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-main"
  location            = "westeurope"
  resource_group_name = "rg-data"
  offer_type          = "Standard"

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_role_definition" "key_reader" {
  name  = "cosmos-key-reader"
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"

  permissions {
    actions = [
      "Microsoft.DocumentDB/databaseAccounts/read",
      "Microsoft.DocumentDB/databaseAccounts/listKeys/action",
    ]
  }
}

resource "azurerm_role_assignment" "app" {
  scope              = azurerm_cosmosdb_account.main.id
  role_definition_id = azurerm_role_definition.key_reader.role_definition_resource_id # expect: CDB008
  principal_id       = "11111111-2222-3333-4444-555555555555"
}
