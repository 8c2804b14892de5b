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

resource "azurerm_linux_web_app" "api" {
  name                = "contoso-api"
  location            = "westeurope"
  resource_group_name = "rg"
  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Web/serverFarms/plan"

  identity {
    type = "SystemAssigned"
  }

  site_config {}

  app_settings = {
    COSMOS_ENDPOINT = azurerm_cosmosdb_account.main.endpoint
  }
}

output "endpoint" {
  value = azurerm_cosmosdb_account.main.endpoint
}
