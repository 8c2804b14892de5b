variable "environment" {
  type = string
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
  ip_range_filter     = [var.environment == "dev" ? "0.0.0.0" : "203.0.113.7"] # expect: CDB006
}
