variable "auth_mode" {
  type = string
  validation {
    condition     = contains(["keys", "entra"], var.auth_mode)
    error_message = "auth_mode is keys or entra"
  }
}

resource "azurerm_cosmosdb_account" "main" {
  name                               = "contoso"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = var.auth_mode == "entra" # expect: CDB001
  access_key_metadata_writes_enabled = false
}
