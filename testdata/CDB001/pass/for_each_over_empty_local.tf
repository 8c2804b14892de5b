locals {
  # Built from literals: no input can add an entry.
  accounts = {}
}

resource "azurerm_cosmosdb_account" "each" {
  for_each            = local.accounts
  name                = each.key
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
}
