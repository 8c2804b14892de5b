locals {
  disable_keys = [true, false, true]
}

resource "azurerm_cosmosdb_account" "replica" {
  count                              = length(local.disable_keys)
  name                               = "replica-${count.index}"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = local.disable_keys[count.index] # expect: CDB001
  access_key_metadata_writes_enabled = false
}
