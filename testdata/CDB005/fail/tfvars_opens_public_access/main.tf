variable "public_access" {
  type    = bool
  default = false
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  public_network_access_enabled = var.public_access # expect: CDB005
}
