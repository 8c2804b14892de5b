# azurerm 3.x: the portal's "Accept connections from within public Azure datacenters"
# adds 0.0.0.0 to the list.
resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  ip_range_filter = "104.42.195.92,40.76.54.131,0.0.0.0,52.176.6.30" # expect: CDB006
}
