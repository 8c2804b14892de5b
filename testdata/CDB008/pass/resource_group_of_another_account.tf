resource "azurerm_resource_group" "web" {
  name     = "rg-web"
  location = "westeurope"
}

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

resource "azurerm_role_assignment" "web" {
  scope                = azurerm_resource_group.web.id
  role_definition_name = "Contributor"
  principal_id         = "11111111-2222-3333-4444-555555555555"
}

resource "azurerm_role_assignment" "storage" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/logs"
  role_definition_name = "Contributor"
  principal_id         = "11111111-2222-3333-4444-555555555555"
}
