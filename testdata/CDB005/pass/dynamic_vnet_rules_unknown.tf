variable "subnet_ids" {
  type = list(string)
}

resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"

  is_virtual_network_filter_enabled = true

  dynamic "virtual_network_rule" {
    for_each = var.subnet_ids
    content {
      id = virtual_network_rule.value
    }
  }
}
