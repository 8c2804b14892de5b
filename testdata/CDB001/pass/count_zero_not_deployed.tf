variable "create_cosmos" {
  type    = bool
  default = false
}

# `count = 0`: the account is never created.
resource "azurerm_cosmosdb_account" "main" {
  count               = var.create_cosmos ? 1 : 0
  name                = "contoso"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
}
