variable "disable_local_auth" {
  type    = bool
  default = true
}

resource "azurerm_cosmosdb_account" "this" {
  name                               = "contoso"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = var.disable_local_auth # expect: CDB001
  access_key_metadata_writes_enabled = false
}
