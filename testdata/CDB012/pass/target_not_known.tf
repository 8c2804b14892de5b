variable "target_id" {
  type = string
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"
}

resource "azurerm_monitor_diagnostic_setting" "cosmos" {
  name                       = "orders-logs"
  target_resource_id         = var.target_id
  log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"

  enabled_log {
    category_group = "allLogs"
  }
}
