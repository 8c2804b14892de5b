variable "regions" {
  type    = list(string)
  default = ["westeurope", "northeurope"]
}

# Two accounts, each with its own setting: both instances are covered.
resource "azurerm_cosmosdb_account" "main" {
  count               = length(var.regions)
  name                = "contoso-${count.index}"
  location            = var.regions[count.index]
  resource_group_name = "rg"
  offer_type          = "Standard"
}

resource "azurerm_monitor_diagnostic_setting" "main" {
  count                      = length(var.regions)
  name                       = "logs-${count.index}"
  target_resource_id         = azurerm_cosmosdb_account.main[count.index].id
  log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"

  enabled_log {
    category_group = "allLogs"
  }
}
