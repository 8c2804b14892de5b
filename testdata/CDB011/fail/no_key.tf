resource "azurerm_cosmosdb_account" "main" { # expect: CDB011
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"
}
