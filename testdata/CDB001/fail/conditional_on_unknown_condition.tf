variable "environment" {
  type = string
}

resource "azurerm_cosmosdb_account" "main" {
  name                               = "contoso"
  location                           = "westeurope"
  resource_group_name                = "rg"
  offer_type                         = "Standard"
  local_authentication_disabled      = var.environment == "prod" ? true : false # expect: CDB001
  access_key_metadata_writes_enabled = false
}
