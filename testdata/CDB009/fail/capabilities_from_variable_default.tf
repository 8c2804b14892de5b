variable "capabilities" {
  type    = list(string)
  default = ["EnableMongo", "EnableAggregationPipeline"]
}

resource "azurerm_cosmosdb_account" "main" { # expect: CDB009
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"
  kind                = "MongoDB"

  dynamic "capabilities" {
    for_each = var.capabilities
    content {
      name = capabilities.value
    }
  }
}
