variable "create_cosmos" {
  type    = bool
  default = false
}

# `count` is 0 only because nobody set `create_cosmos`: possibly deployed, so checked.
resource "azurerm_cosmosdb_account" "main" { # expect: CDB001
  count               = var.create_cosmos ? 1 : 0
  name                = "contoso"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
}
