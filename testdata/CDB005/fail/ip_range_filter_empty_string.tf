# azurerm 3.x: an empty comma-separated list is no IP rule at all.
resource "azurerm_cosmosdb_account" "main" { # expect: CDB005
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  ip_range_filter = ""
}
