resource "azurerm_resource_group" "data" {
  name     = "rg-data"
  location = "westeurope"
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-main"
  location            = azurerm_resource_group.data.location
  resource_group_name = azurerm_resource_group.data.name
  offer_type          = "Standard"

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_role_assignment" "team" {
  scope                = azurerm_resource_group.data.id
  role_definition_name = "Contributor" # expect: CDB008
  principal_id         = "11111111-2222-3333-4444-555555555555"
  principal_type       = "Group"
}

resource "azurerm_role_assignment" "by_written_group_id" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/RG-DATA"
  role_definition_id   = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635" # expect: CDB008
  principal_id         = "11111111-2222-3333-4444-555555555555"
}
