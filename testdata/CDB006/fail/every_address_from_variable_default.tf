variable "allowed_ips" {
  type    = string
  default = "10.10.0.0/16,0.0.0.0/0"
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  ip_range_filter = var.allowed_ips # expect: CDB006
}
