resource "azurerm_monitor_diagnostic_setting" "cosmos" {
  name                       = "orders-logs"
  target_resource_id         = azurerm_cosmosdb_account.main.id
  log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"

  enabled_log {
    category = "DataPlaneRequests"
  }
}
