variable "environment" {
  type = string
}

resource "azurerm_cosmosdb_account" "main" {
  name                               = "contoso-${var.environment}"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = var.environment == "prod" ? true : !false
  access_key_metadata_writes_enabled = false
}
