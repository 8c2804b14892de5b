variable "name" {
  type = string
}

variable "app_principal" {
  type = string
}

resource "azurerm_cosmosdb_account" "this" {
  name                = var.name
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

output "account_id" {
  value = azurerm_cosmosdb_account.this.id
}

output "primary_key" {
  value     = azurerm_cosmosdb_account.this.primary_key
  sensitive = true
}
