variable "auth_mode" {
  type = string
  validation {
    condition     = contains(["entra", "managed-identity"], var.auth_mode)
    error_message = "keys are not allowed"
  }
}

resource "azurerm_cosmosdb_account" "main" {
  name                               = "contoso"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = var.auth_mode != "keys"
  access_key_metadata_writes_enabled = false
}
