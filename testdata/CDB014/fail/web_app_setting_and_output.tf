resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-main"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_linux_web_app" "api" {
  name                = "contoso-api"
  location            = "westeurope"
  resource_group_name = "rg"
  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Web/serverFarms/plan"

  site_config {}

  app_settings = {
    COSMOS_ENDPOINT = azurerm_cosmosdb_account.main.endpoint
    COSMOS_KEY      = azurerm_cosmosdb_account.main.primary_key # expect: CDB014
  }
}

resource "azurerm_key_vault_secret" "conn" {
  name         = "cosmos-connection"
  key_vault_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
  value        = azurerm_cosmosdb_account.main.primary_sql_connection_string # expect: CDB014
}

output "cosmos_key" {
  value     = azurerm_cosmosdb_account.main.connection_strings[0] # expect: CDB014
  sensitive = true
}
