variable "minimal_tls_version" {
  type    = string
  default = "Tls11"
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  minimal_tls_version = var.minimal_tls_version # expect: CDB007
}
