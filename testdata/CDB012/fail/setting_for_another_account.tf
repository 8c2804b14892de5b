resource "azurerm_cosmosdb_account" "main" { # expect: CDB012
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"
}

resource "azurerm_cosmosdb_account" "billing" {
  name                = "contoso-billing"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"
}

resource "azurerm_monitor_diagnostic_setting" "billing" {
  name                       = "billing-logs"
  target_resource_id         = azurerm_cosmosdb_account.billing.id
  log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"

  enabled_log {
    category_group = "allLogs"
  }
}
