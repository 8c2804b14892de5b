variable "capabilities" {
  default = ["EnableTable"]
}

resource "azurerm_cosmosdb_account" "main" { # expect: CDB001
  name                = "contoso-main"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"

  dynamic "capabilities" {
    for_each = var.capabilities
    content {
      name = capabilities.value
    }
  }

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}
