variable "name" {
  type = string
}

variable "disable_keys" {
  type = bool
}

resource "azurerm_cosmosdb_account" "this" {
  name                               = var.name
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = var.disable_keys # expect: CDB001
  access_key_metadata_writes_enabled = false
}
