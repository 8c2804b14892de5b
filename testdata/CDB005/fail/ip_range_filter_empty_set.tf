resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  public_network_access_enabled = true # expect: CDB005
  ip_range_filter               = []
}
