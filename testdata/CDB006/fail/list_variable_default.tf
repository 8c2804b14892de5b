variable "allowed_ips" {
  type    = set(string)
  default = ["13.91.105.215", "0.0.0.0"]
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  ip_range_filter = var.allowed_ips # expect: CDB006
}
