resource "azurerm_cosmosdb_account" "main" {
  name                               = "contoso-main"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = false # expect: CDB001
  access_key_metadata_writes_enabled = false

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}
