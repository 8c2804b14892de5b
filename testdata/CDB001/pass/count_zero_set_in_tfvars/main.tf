variable "create_cosmos" {
  type    = bool
  default = true
}

resource "azurerm_cosmosdb_account" "main" {
  count               = var.create_cosmos ? 1 : 0
  name                = "contoso"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
}
