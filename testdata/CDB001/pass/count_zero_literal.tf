# `count = 0`: no input can create it.
resource "azurerm_cosmosdb_account" "main" {
  count               = 0
  name                = "contoso"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
}
