resource "azurerm_cosmosdb_account" "this" { # expect: CDB005
  name                = "contoso"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
}
