resource "azurerm_cosmosdb_account" "main" { # expect: CDB005
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  is_virtual_network_filter_enabled = true
}
