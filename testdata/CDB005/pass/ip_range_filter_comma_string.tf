# azurerm 3.x
resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  ip_range_filter = "52.174.16.0/24,13.91.105.215"
}
