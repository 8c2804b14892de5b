variable "office_ip" {
  type = string
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  ip_range_filter = "13.91.105.215,${var.office_ip}"
}
